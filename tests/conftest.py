"""Shared fixtures: a small unit tree and one user of each type, with a temporary MEDIA_ROOT."""

import pytest

from people.models import Unit
from tests.people.factories import OfficerFactory, UnitFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The migrated test database, its ids starting at 100,000 (see tests/high_ids.py)."""
    from django.db import connections

    from tests.high_ids import start_ids_high

    with django_db_blocker.unblock():
        for connection in connections.all():
            start_ids_high(connection)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def redis_cache(settings):
    """The default cache becomes lms.cache.TolerantRedisCache over a stand-in Redis (tests/flaky_cache.py) with a
    50 ms circuit breaker; set `.down = True` to cut it off and False to bring it back."""
    from lms import cache as tolerant
    from tests import flaky_cache

    tolerant._breakers.clear()
    flaky_cache.client = flaky_cache.FakeClient()
    settings.CACHES = {"default": {"BACKEND": "tests.flaky_cache.FlakyRedisCache",
                                   "LOCATION": "redis://fake:6379/0", "OPTIONS": {"circuit_seconds": 0.05}}}
    yield flaky_cache.client
    flaky_cache.client.down = False
    tolerant._breakers.clear()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and throttles count in the cache: every test starts with none spent."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unit_tree(db):
    """HCM → ward A → centre A → team A; HCM → ward B → centre B."""
    city = UnitFactory(code="HCM", name="Thành phố Hồ Chí Minh", kind=Unit.Kind.CITY)
    ward_a = UnitFactory(code="WARDA", name="UBND phường Gia Định", kind=Unit.Kind.WARD, parent=city)
    centre_a = UnitFactory(code="WARDA-TT", name="Trung tâm PVHCC phường Gia Định",
                           kind=Unit.Kind.SERVICE_CENTRE, parent=ward_a)
    team_a = UnitFactory(code="WARDA-TT-1", name="Tổ tiếp nhận số 1", kind=Unit.Kind.TEAM, parent=centre_a)
    ward_b = UnitFactory(code="WARDB", name="UBND phường Bình Quới", kind=Unit.Kind.WARD, parent=city)
    centre_b = UnitFactory(code="WARDB-TT", name="Trung tâm PVHCC phường Bình Quới",
                           kind=Unit.Kind.SERVICE_CENTRE, parent=ward_b)
    return {"city": city, "ward_a": ward_a, "centre_a": centre_a, "team_a": team_a, "ward_b": ward_b,
            "centre_b": centre_b}


@pytest.fixture
def officer(unit_tree):
    return OfficerFactory(full_name="Nguyễn Thị Lan", unit=unit_tree["team_a"],
                          user=UserFactory(username="officer", groups=["Officer"]))


@pytest.fixture
def other_unit_officer(unit_tree):
    return OfficerFactory(full_name="Trần Văn Hùng", unit=unit_tree["centre_b"],
                          user=UserFactory(username="other", groups=["Officer"]))


@pytest.fixture
def leader(unit_tree):
    """Leads ward A (and so everything below it)."""
    leader = OfficerFactory(full_name="Lê Minh Đức", unit=unit_tree["ward_a"],
                            user=UserFactory(username="leader", groups=["Officer", "Leader"]))
    leader.led_units.add(unit_tree["ward_a"])
    return leader


@pytest.fixture
def sibling_leader(unit_tree):
    """Leads ward B: a sibling of ward A, who must not see ward A's officers."""
    leader = OfficerFactory(full_name="Phạm Thị Hoa", unit=unit_tree["ward_b"],
                            user=UserFactory(username="leader_b", groups=["Officer", "Leader"]))
    leader.led_units.add(unit_tree["ward_b"])
    return leader


@pytest.fixture
def trainer(db):
    return UserFactory(username="trainer", groups=["Trainer"])


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", groups=["Administrator"], is_staff=True)
