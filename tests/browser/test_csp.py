"""No Content-Security-Policy violation in Chromium on officer, leader and Wagtail admin pages (issue 9.1),
including while a trainer types in Draftail, opens a chooser, adds an inline panel row and a date picker:
script-src has no 'unsafe-inline', so this proves Wagtail's admin works on nonces alone."""

import pytest

from tests.test_csp import csp_pages, csp_site  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "matkhau-Demo-2026"
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Watch:
    """Collects CSP reports from the console and from securitypolicyviolation events."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.context.add_init_script(LISTEN)
        page.on("console", self._on_console)

    def _on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        events = self.page.evaluate("window.__cspViolations || []")
        found, self.console = self.console + events, []
        return found


def _login(page, username):
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_no_csp_violation_on_officer_leader_and_admin_pages(page, csp_site, officer, leader, settings):  # noqa: F811
    # The live server shares one in-memory SQLite connection between its threads: keep the editor's background
    # requests (autosave every 500 ms, editing-session pings) from racing the page loads. Neither is under test.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    page.context.route("**/admin/editing-sessions/**", lambda route: route.abort())
    for user in (officer.user, leader.user, csp_site["superuser"]):
        user.set_password(PASSWORD)
        user.save()
    watch = Watch(page)
    seen = {}
    current = None
    for label, user, url in csp_pages(csp_site, officer, leader):
        if user != current:
            _login(page, user.get_username())
            current = user
        page.goto(page.base_url + url, wait_until="load")
        page.wait_for_timeout(600)
        seen[label] = watch.violations()
    assert seen == {label: [] for label in seen}

    # The page editor at work: Draftail, a chooser modal, a new inline row, the scheduling date picker.
    page.goto(page.base_url + f"/admin/pages/{csp_site['lesson'].pk}/edit/", wait_until="load")
    editor = page.locator(".Draftail-Editor [contenteditable=true]").first
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type(" thêm một câu")
    assert "thêm một câu" in editor.inner_text()
    page.goto(page.base_url + f"/admin/pages/{csp_site['course'].pk}/edit/", wait_until="load")
    page.locator("[data-chooser-action-choose]:visible").first.click()
    page.locator(".modal-content").first.wait_for()
    page.locator(".modal.in [data-dismiss=modal]").first.click()
    page.locator(".modal.in").wait_for(state="detached")
    total = page.locator("#id_granted_competencies-TOTAL_FORMS")
    rows = int(total.input_value())
    page.locator("#id_granted_competencies-ADD").click()
    page.wait_for_timeout(300)
    assert int(total.input_value()) == rows + 1
    page.locator("[data-side-panel-toggle=status]").first.click()
    page.locator("[data-a11y-dialog-show*=schedule]:visible").first.click()
    page.locator("#id_go_live_at").click()
    page.locator(".xdsoft_datetimepicker:visible").first.wait_for()
    assert watch.violations() == []
