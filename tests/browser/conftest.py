"""Playwright (sync API) driving Debian's /usr/bin/chromium against pytest-django's live server.

One browser per session; a fresh context (cookies, language) per test. Without chromium or Playwright the tests
are skipped locally and fail when CI=true. Screenshots for humans go to artifacts/screenshots/ (gitignored).
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.worker import skip_or_fail

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are still
# synchronous, so Django's async-safety guard must be told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


_shared: dict = {}


def shared_browser():
    """The one Chromium of this test session, started on first use (any module importing the fixtures shares it)."""
    if "browser" in _shared:
        return _shared["browser"]
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        skip_or_fail(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Python Playwright is not installed (pip install -e '.[dev]')")
    from django.db import connections

    before = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    _carry_test_database_state(before)
    _shared["playwright"] = playwright
    _shared["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    return _shared["browser"]


def pytest_sessionfinish(session):
    if "browser" in _shared:
        _shared.pop("browser").close()
        _shared.pop("playwright").stop()


@pytest.fixture(scope="session")
def browser():
    return shared_browser()


def _carry_test_database_state(before) -> None:
    """Give the connections seen after Playwright started what the test-database setup put on the old ones.

    Django keeps connections in context-local storage, and Playwright's sync API runs the test in another
    context, with new connection objects. Without the snapshot of the migration data on them, transactional
    tests with serialized_rollback would not restore groups, permissions and the Wagtail root page after a flush.
    """
    from django.db import connections

    for alias, old in before.items():
        new = connections[alias]
        if new is not old and hasattr(old, "_test_serialized_contents"):
            new._test_serialized_contents = old._test_serialized_contents


@pytest.fixture
def page(browser, live_server):
    """A desktop-sized page in a fresh context; ``page.base_url`` is the live server."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


# Resolves once the layout has settled: two frames (so a resize has restyled the page and started its CSS
# transitions, e.g. the admin sidebar opening at desktop width), then every finite animation finished.
SETTLED = """() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve))).then(() =>
  Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map(a => a.finished.catch(() => null))))"""


def screenshot(page, name: str, *, widths=("phone", "desktop")) -> None:
    """Save the page at phone (390 px) and desktop (1280 px) widths: artifacts/screenshots/<name>-{phone,desktop}.png
    (or only the `widths` asked for), each once the layout has settled at that width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        if label not in widths:
            continue
        page.set_viewport_size(viewport)
        page.evaluate(SETTLED)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(size)
    page.evaluate(SETTLED)
