import pytest

from courses import completion


@pytest.fixture(autouse=True)
def _isolated_checkers():
    """Tests that register a fake completion checker must not leak it into other tests."""
    saved = list(completion._checkers)
    yield
    completion._checkers[:] = saved
