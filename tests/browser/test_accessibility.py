"""Accessibility proof in Chromium: axe-core on every page of the officer, trainer and leader journeys (plus the
login and the public certificate check), at desktop and phone widths: no serious or critical violation. And a
quiz of every answer kind completed with the keyboard only.

axe-core is pinned in tests/browser/package.json (package-lock.json) and installed by `make testtools`
(`npm ci --prefix tests/browser`). Without it the tests are skipped locally and fail with CI=true.
The site's CSP allows only its own scripts, so these pages run in a context with ``bypass_csp=True``.
"""

import datetime as dt
import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, QuestionKind
from tests.browser.conftest import DESKTOP, PHONE
from tests.dashboards.conftest import competency_world  # noqa: F401 - fixture
from tests.worker import skip_or_fail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "matkhau-Demo-2026"  # tests.people.factories.UserFactory
BLOCKING = ("serious", "critical")
# Wagtail's own admin markup, which this project does not render and cannot change: (rule id, CSS selector, why).
# A violation is excused only when every node axe reports for it matches the selector. Listed in docs/testing.md.
WAGTAIL_CORE = [
    # Draftail (Wagtail's rich-text editor): Draft.js's contenteditable role="textbox" carries no label of its own;
    # the field's <label> names the Draftail wrapper instead.
    ("aria-input-field-name", ".Draftail-Editor .public-DraftEditor-content", "Wagtail's Draftail editor"),
    # Draftail at phone width: Draft.js's root scrolls sideways; axe does not count the contenteditable inside it
    # as focusable, but Tab reaches it and the arrow keys scroll it.
    ("scrollable-region-focusable", ".Draftail-Editor .DraftEditor-root", "Wagtail's Draftail editor"),
    # Wagtail's tag field (tag-it on jQuery UI): the script creates the text box without a label.
    ("label", "ul.tagit li.tagit-new input.ui-autocomplete-input", "Wagtail's tag widget (tag-it)"),
]


@pytest.fixture
def axe_page(browser, live_server, settings):
    """A desktop page in a fresh context that ignores the CSP, so the test can inject axe-core."""
    if not AXE.exists():
        skip_or_fail(f"{AXE} is missing: run `make testtools` (npm ci --prefix tests/browser)")
    # The live server shares one in-memory SQLite connection between its threads: keep the editor's background
    # requests (autosave, editing-session pings) from racing the page loads (as tests/browser/test_csp.py does).
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN", bypass_csp=True)
    context.set_default_timeout(15_000)
    context.route("**/admin/editing-sessions/**", lambda route: route.abort())
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def log_in(page, username):
    page.context.clear_cookies()
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def _excused(violation: dict, page) -> bool:
    for rule, selector, _why in WAGTAIL_CORE:
        if violation["id"] != rule:
            continue
        if all(page.evaluate("([t, s]) => !!document.querySelector(t)?.matches(s)", [n["target"][0], selector])
               for n in violation["nodes"]):
            return True
    return False


def axe_violations(page, name: str) -> list[str]:
    """axe-core's serious and critical violations on the current page, one readable line per violation."""
    page.wait_for_load_state("networkidle")
    # Always the pinned copy: Wagtail's editor loads its own axe (with its checker's extra rules) on edit screens.
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}));
    }""")
    width = page.viewport_size["width"]
    return [
        f"{name} @{width}px: [{v['impact']}] {v['id']} — {v['help']} — "
        + "; ".join(json.dumps(n["target"], ensure_ascii=False) for n in v["nodes"][:8])
        for v in result if v["impact"] in BLOCKING and not _excused(v, page)
    ]


def check_pages(page, pages: dict[str, str], *, widths=(DESKTOP, PHONE)) -> list[str]:
    """Visit each page at each width and collect every blocking violation (all pages, so one run lists them all)."""
    found = []
    for name, url in pages.items():
        for viewport in widths:
            page.set_viewport_size(viewport)
            page.goto(page.base_url + url, wait_until="load")
            assert urlparse(page.url).path == urlparse(url).path, f"{name}: landed on {page.url}"
            found += axe_violations(page, name)
    page.set_viewport_size(DESKTOP)
    return found


def report(found: list[str]) -> str:
    return "axe-core found serious or critical violations:\n" + "\n".join(found)


def every_kind_quiz(module, title="Kiểm tra cuối khóa"):
    """A quiz on one page with one question of each kind an officer answers in the browser (no essay)."""
    from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question

    quiz = QuizPageFactory(parent=module, title=title, layout="all", review_show_answers=True)
    cat = QuestionCategoryFactory(name="Trợ năng")
    kinds = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.SHORT_ANSWER,
             QuestionKind.NUMERICAL, QuestionKind.MATCHING, QuestionKind.ORDERING, QuestionKind.CLOZE)
    add_fixed(quiz, *(make_question(kind, category=cat) for kind in kinds))
    return quiz


@pytest.fixture
def journeys(competency_world, officer, leader, unit_tree):  # noqa: F811
    """The officer of competency_world with a quiz, a notification and a certificate; a trainer; an essay to mark."""
    from assessments import services as assessment_services
    from notifications import services as notification_services
    from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question
    from tests.people.factories import UserFactory

    course = competency_world["nv04_course"]
    module = course.get_children().first().specific
    lesson = module.get_children().live().first().specific
    quiz = every_kind_quiz(module)
    essay_quiz = QuizPageFactory(parent=module, title="Bài tự luận")
    essay = make_question(QuestionKind.ESSAY, category=QuestionCategoryFactory(name="Tự luận"))
    add_fixed(essay_quiz, essay)
    attempt = assessment_services.attempt_start(quiz=essay_quiz, officer=officer)
    response = attempt.responses.get()
    assessment_services.response_save(response_id=response.pk, user=officer.user, text="Bài làm của tôi")
    assessment_services.attempt_submit(attempt=attempt)
    from courses.models import Enrolment

    Enrolment.objects.filter(officer=officer, course=course).update(due_on=timezone.localdate() + dt.timedelta(days=7),
                                                                    reason=Enrolment.Reason.ROLE)
    notification_services.run_job("due", today=timezone.localdate())
    UserFactory(username="giangvien", first_name="Ngọc", last_name="Trần Thị Bích", groups=["Trainer"])
    return {**competency_world, "course": course, "lesson": lesson, "quiz": quiz, "essay": essay,
            "essay_response": response, "essay_quiz": essay_quiz}


def test_public_pages(axe_page, journeys):
    from certificates.models import Certificate

    cert = Certificate.objects.get(pk=journeys["certificate"].pk)
    found = check_pages(axe_page, {
        "login": reverse("login"),
        "certificate check": reverse("certificates:verify"),
        "certificate verified": reverse("certificates:verify-code", args=[cert.code]),
    })
    assert not found, report(found)


def test_officer_journey(axe_page, journeys, officer):
    from tests.courses.factories import catalogue

    page = axe_page
    quiz = journeys["quiz"]
    log_in(page, "officer")
    found = check_pages(page, {
        "Học tập của tôi": reverse("courses:my-learning"),
        "catalogue": catalogue().url,
        "course": journeys["course"].url,
        "lesson": journeys["lesson"].url,
        "quiz landing": quiz.url,
        "certificates": reverse("certificates:mine"),
        "competency profile": reverse("dashboards:my-competencies"),
        "notifications": reverse("notifications:list"),
        "notification settings": reverse("notifications:settings"),
        "observation (officer)": reverse("dashboards:observation", args=[journeys["observation"].pk]),
    })
    page.goto(page.base_url + quiz.url)
    page.locator("form:has(input[name=action][value=start]) button").click()
    page.wait_for_load_state("networkidle")
    attempt = Attempt.objects.get(officer=officer, quiz=quiz)
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        found += axe_violations(page, "attempt")
    page.set_viewport_size(DESKTOP)
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("#quiz-submit").click()
    page.wait_for_url(f"**{reverse('assessments:attempt-result', args=[attempt.pk])}")
    found += check_pages(page, {
        "result": reverse("assessments:attempt-result", args=[attempt.pk]),
        "review": reverse("assessments:attempt-review", args=[attempt.pk]),
        "attempt history": reverse("assessments:attempt-history"),
    })
    assert not found, report(found)


def test_trainer_journey(axe_page, journeys):
    from tests.courses.factories import catalogue

    page = axe_page
    page.goto(page.base_url + reverse("wagtailadmin_login"))
    found = axe_violations(page, "admin login")
    page.fill("input[name=username]", "giangvien")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")
    course, quiz = journeys["course"], journeys["essay_quiz"]
    found += check_pages(page, {
        "admin dashboard": reverse("wagtailadmin_home"),
        "page explorer": reverse("wagtailadmin_explore", args=[catalogue().pk]),
        "course explorer": reverse("wagtailadmin_explore", args=[course.pk]),
        "edit course": reverse("wagtailadmin_pages:edit", args=[course.pk]),
        "edit lesson": reverse("wagtailadmin_pages:edit", args=[journeys["lesson"].pk]),
        "question bank": reverse("wagtailsnippets_assessments_question:list"),
        "edit question": reverse("wagtailsnippets_assessments_question:edit", args=[journeys["essay"].pk]),
        "marking queue": reverse("assessments_marking:queue"),
        "mark an essay": reverse("assessments_marking:mark", args=[journeys["essay_response"].pk]),
        "item analysis": reverse("assessments_analysis:index"),
        "item analysis of a quiz": reverse("assessments_analysis:detail", args=[quiz.pk]),
        "trainer guide": reverse("lms_trainer_guide"),
        "course results": reverse("dashboards:trainer-courses"),
        "course results of a course": reverse("dashboards:trainer-course", args=[course.pk]),
    })
    assert not found, report(found)


def test_leader_journey(axe_page, journeys, officer, unit_tree):
    page = axe_page
    log_in(page, "leader")
    ward = unit_tree["ward_a"].pk
    gt05 = journeys["competencies"]["CN03"].pk
    found = check_pages(page, {
        "coverage overview": reverse("dashboards:coverage"),
        "coverage of a centre": reverse("dashboards:coverage-unit", args=[unit_tree["centre_a"].pk]),
        "officer matrix": reverse("dashboards:coverage-officers", args=[ward]),
        "role matrix": reverse("dashboards:coverage-roles", args=[ward]),
        "desk readiness": reverse("dashboards:coverage-desks", args=[ward]),
        "expiring": reverse("dashboards:coverage-expiring", args=[ward]),
        "overdue": reverse("dashboards:coverage-overdue", args=[ward]),
        "officer profile": reverse("dashboards:officer-competencies", args=[officer.pk]),
        "observation form": reverse("dashboards:observation-new") + f"?officer={officer.pk}&competency={gt05}",
        "observation": reverse("dashboards:observation", args=[journeys["observation"].pk]),
        "unit certificates": reverse("certificates:unit-certificates", args=[unit_tree["centre_a"].pk]),
    })
    assert not found, report(found)


def test_axe_reports_what_it_must(axe_page, live_server):
    """The harness itself: an unlabelled field and an image without text are reported, with their selectors."""
    axe_page.goto(live_server.url + reverse("login"))
    axe_page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
        '<input type="text" id="unlabelled"><img src="/static/img/logo.svg" id="no-alt">')""")
    found = axe_violations(axe_page, "login")
    assert any("[critical] label" in line and "#unlabelled" in line for line in found), found
    assert any("image-alt" in line and "#no-alt" in line for line in found), found


# The right answers of every_kind_quiz, as an officer would give them (tests.assessments.factories defaults).
ORDER = ["Tiếp nhận", "Số hóa", "Chuyển xử lý", "Trả kết quả"]
MATCH = {"Mẫu 01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Mẫu 02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
         "Mẫu 03": "Phiếu từ chối giải quyết hồ sơ"}
TEXT = {"short_answer": "hộ tịch", "numerical": "7,25"}
CLOZE = {1: "chứng thực", 2: "Bộ phận Một cửa", 3: "2000"}

FOCUSED = """() => {
  const e = document.activeElement, fs = e.closest('fieldset[data-kind]');
  const label = e.labels && e.labels.length ? e.labels[0].innerText.trim() : (e.getAttribute('aria-label') || '');
  const group = e.closest('[role=radiogroup]');
  return {tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '', value: e.value || '', id: e.id || '',
          kind: fs ? fs.dataset.kind : null, label: group ? group.getAttribute('aria-label') : label,
          options: e.tagName === 'SELECT' ? [...e.options].map(o => o.text.trim()) : [],
          group: e.type === 'radio' ? [...document.getElementsByName(e.name)].map(r => r.value) : []};
}"""


class Keyboard:
    """Drives the page with keys only, waiting for the autosaves each key starts."""

    def __init__(self, page):
        self.page, self.pending = page, 0
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    def _start(self, request):
        if request.method == "POST":
            self.pending += 1

    def _end(self, request):
        if request.method == "POST":
            self.pending -= 1

    def settle(self):
        self.page.wait_for_timeout(150)
        for _ in range(100):
            if self.pending <= 0:
                return
            self.page.wait_for_timeout(100)
        raise AssertionError("an autosave did not finish")

    def press(self, key, times=1):
        for _ in range(times):
            self.page.keyboard.press(key)

    def focused(self) -> dict:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, selector, limit=200):
        for _ in range(limit):
            self.press("Tab")
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")


def gap_number(label: str) -> int:
    return int("".join(ch for ch in label if ch.isdigit()))


def test_a_quiz_completed_with_the_keyboard_only(axe_page, officer, journeys):
    from tests.assessments.factories import token

    page, keys = axe_page, Keyboard(axe_page)
    quiz = journeys["quiz"]
    page.goto(page.base_url + reverse("login"))
    keys.tab_to("input[name=username]")
    page.keyboard.type("officer")
    keys.tab_to("input[name=password]")
    page.keyboard.type(PASSWORD)
    keys.press("Enter")
    page.wait_for_url(f"**{reverse('courses:my-learning')}")
    page.goto(page.base_url + quiz.url)
    keys.tab_to("form:has(input[name=action][value=start]) button")
    keys.press("Enter")
    page.wait_for_selector("#quiz-submit")
    attempt = Attempt.objects.get(officer=officer, quiz=quiz)
    right = {token(r, c) for r in attempt.responses.select_related("version")
             for c in r.version.choices.filter(is_correct=True)}

    answered = set()
    for _ in range(300):  # Tab through the whole page in order, answering each control of a question
        keys.press("Tab")
        el = keys.focused()
        if el["id"] == "quiz-submit":
            break
        if not el["kind"]:
            continue
        kind = el["kind"]
        if el["type"] == "radio":
            want = CLOZE[gap_number(el["label"])] if kind == "cloze" else next(v for v in el["group"] if v in right)
            keys.press("Space")  # the group's first option, focused by Tab
            keys.press("ArrowDown", el["group"].index(want))
        elif el["type"] == "checkbox":
            if el["value"] in right:
                keys.press("Space")
        elif el["tag"] == "select":
            if kind == "ordering":
                want = str(ORDER.index(el["label"]) + 1)
            elif kind == "matching":
                want = MATCH[el["label"]]
            else:
                want = CLOZE[gap_number(el["label"])]
            keys.press("ArrowDown", el["options"].index(want))  # from the empty first option
            assert page.evaluate("() => document.activeElement.selectedOptions[0].text.trim()") == want
        elif el["type"] == "text":
            page.keyboard.type(CLOZE[gap_number(el["label"])] if kind == "cloze" else TEXT[kind])
        else:
            continue
        answered.add(kind)
        keys.settle()
    else:
        raise AssertionError("Tab never reached the submit button")
    assert answered == {"single", "multiple", "true_false", "short_answer", "numerical", "matching", "ordering",
                        "cloze"}
    keys.settle()
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm box: Enter on its default button
    keys.press("Enter")
    page.wait_for_url(f"**{reverse('assessments:attempt-result', args=[attempt.pk])}")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert attempt.score == attempt.max_score and attempt.passed, [
        (r.version.kind, r.score) for r in attempt.responses.select_related("version")]
    assert page.locator("h1").count() == 1
