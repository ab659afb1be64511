"""Flaky networks at the desk (issue 15, item 6) in Chromium with Playwright's offline mode: answers typed offline
wait in the browser's queue ("Chưa lưu", a banner), survive a reload, and are saved when the connection returns
("Đã lưu"); a timed attempt whose time runs out offline is submitted with them; a lesson opened once stays
readable offline, other pages get the offline page, and logging out clears what was kept."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, QuestionKind, Response, ResponseChoice
from tests.assessments.factories import token
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, SETTLED, screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "matkhau-Demo-2026"
QUEUE_SIZE = """() => new Promise((resolve) => {
  const req = indexedDB.open("osa-offline", 1);
  req.onsuccess = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains("answers")) { resolve(0); return; }
    db.transaction("answers").objectStore("answers").count().onsuccess = (e) => resolve(e.target.result);
  };
  req.onerror = () => resolve(-1);
})"""
SW_READY = """() => navigator.serviceWorker.ready.then(() => new Promise((resolve) => {
  if (navigator.serviceWorker.controller) { resolve(true); return; }
  navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true));
}))"""
OUR_CACHES = "() => caches.keys().then((names) => names.filter((n) => n.startsWith('osa-')))"


@pytest.fixture
def one_page_quiz(db):
    from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question
    from tests.courses.factories import build_course

    module = build_course(modules=1, lessons=1, title="Tiếp nhận hồ sơ").get_children().first().specific
    quiz = QuizPageFactory(
        parent=module, title="Kiểm tra khi mạng chập chờn", time_limit_minutes=20, layout="all"
    )
    cat = QuestionCategoryFactory(name="Mạng chập chờn")
    add_fixed(
        quiz,
        make_question(QuestionKind.SINGLE, category=cat),
        make_question(QuestionKind.SHORT_ANSWER, category=cat),
        make_question(QuestionKind.TRUE_FALSE, category=cat),
    )
    return quiz


def eventually(page, script: str, *, timeout: float = 15) -> None:
    """Wait until `script` (which may return a promise: page.wait_for_function does not await one) is truthy."""
    end = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < end, f"still false after {timeout} s: {script}"
        page.wait_for_timeout(200)


def login(page, officer):
    officer.user.set_password(PASSWORD)
    officer.user.save()
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", officer.user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def open_attempt(page, quiz, officer) -> tuple[Attempt, list[Response]]:
    page.goto(page.base_url + quiz.url)
    if page.locator("#quiz-form").count() == 0:
        page.locator("form:has(input[name=action][value=start]) button").click()
        page.wait_for_load_state("networkidle")
    page.evaluate(SW_READY)
    attempt = Attempt.objects.get(officer=officer, status=Attempt.Status.IN_PROGRESS)
    return attempt, list(attempt.responses.select_related("version").order_by("position"))


def choice_input(page, response, choice):
    return page.locator(f"input[name='q{response.pk}'][value='{token(response, choice)}']")


def status(page, n: int):
    return page.locator(f"#cau-{n} [data-status]")


def test_answers_given_offline_wait_then_are_saved_when_the_connection_returns(page, officer, one_page_quiz):
    login(page, officer)
    attempt, (single, short, truefalse) = open_attempt(page, one_page_quiz, officer)
    right = single.version.choices.get(is_correct=True)
    wrong = single.version.choices.filter(is_correct=False).first()

    page.context.set_offline(True)
    choice_input(page, single, wrong).check()
    choice_input(page, single, right).check()  # changed again offline: only the latest is sent
    page.fill(f"input[name='q{short.pk}']", "HỘ TỊCH")
    page.locator(f"input[name='q{short.pk}']").blur()
    status(page, 1).filter(has_text="Chưa lưu").wait_for()
    status(page, 2).filter(has_text="Chưa lưu").wait_for()
    banner = page.locator("#quiz-offline")
    banner.filter(has_text="Mất kết nối — đang kết nối lại…").wait_for()
    assert banner.get_attribute("role") == "status"
    assert page.evaluate(QUEUE_SIZE) == 2
    assert not ResponseChoice.objects.filter(response=single).exists()
    screenshot(page, "offline-quiz-unsaved", widths=("phone",))

    # Submitting now would lose nothing: it is held, and the officer is told.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#quiz-submit").click()
    banner.filter(has_text="chưa được lưu nên chưa gửi gì đi").wait_for()
    assert page.url.endswith(one_page_quiz.url)
    screenshot(page, "offline-quiz-submit-held", widths=("phone",))
    # What the officer sees at the bottom of the page, by the submit button: the banner stays in view.
    page.set_viewport_size(PHONE)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.evaluate(SETTLED)
    assert page.locator("#quiz-offline").evaluate("el => el.getBoundingClientRect().top >= 0")
    page.screenshot(path=str(SCREENSHOTS / "offline-quiz-submit-held-viewport-phone.png"))
    page.set_viewport_size(DESKTOP)

    page.context.set_offline(False)
    status(page, 1).filter(has_text="Đã lưu").wait_for()
    status(page, 2).filter(has_text="Đã lưu").wait_for()
    banner.wait_for(state="hidden")
    assert page.evaluate(QUEUE_SIZE) == 0
    assert list(ResponseChoice.objects.filter(response=single).values_list("choice_id", flat=True)) == [
        right.pk
    ]
    short.refresh_from_db()
    single.refresh_from_db()
    assert short.text_answer == "HỘ TỊCH" and single.revision == 1  # one save for the two clicks
    screenshot(page, "offline-quiz-saved", widths=("phone",))

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#quiz-submit").click()
    page.wait_for_url(f"**{reverse('assessments:attempt-result', args=[attempt.pk])}")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert [r.score for r in attempt.responses.order_by("position")][:2] == [1, 1]


def test_a_reload_while_offline_keeps_the_queue(page, officer, one_page_quiz):
    login(page, officer)
    attempt, (single, _short, truefalse) = open_attempt(page, one_page_quiz, officer)
    right = truefalse.version.choices.get(is_correct=True)
    page.context.set_offline(True)
    choice_input(page, truefalse, right).check()
    status(page, 3).filter(has_text="Chưa lưu").wait_for()

    page.reload()  # the attempt page is never kept by the service worker: the offline page instead
    assert "Bạn đang ngoại tuyến" in page.locator("h1").inner_text()
    screenshot(page, "offline-page", widths=("phone",))
    assert page.evaluate(QUEUE_SIZE) == 1
    assert not ResponseChoice.objects.filter(response=truefalse).exists()

    page.context.set_offline(False)
    page.goto(page.base_url + one_page_quiz.url)
    status(page, 3).filter(has_text="Đã lưu").wait_for()
    assert choice_input(page, truefalse, right).is_checked()
    assert list(ResponseChoice.objects.filter(response=truefalse).values_list("choice_id", flat=True)) == [
        right.pk
    ]
    assert page.evaluate(QUEUE_SIZE) == 0


def test_time_runs_out_offline_and_the_answers_given_before_it_still_count(
    page, officer, one_page_quiz, settings
):
    settings.ASSESSMENTS_GRACE_SECONDS = (
        0  # the replay arrives after the deadline: only its signed token counts
    )
    one_page_quiz.time_limit_minutes = 1
    one_page_quiz.save()
    login(page, officer)
    services.attempt_start(quiz=one_page_quiz, officer=officer, now=timezone.now() - dt.timedelta(seconds=50))
    attempt, (single, _short, _tf) = open_attempt(page, one_page_quiz, officer)
    right = single.version.choices.get(is_correct=True)
    page.context.set_offline(True)
    choice_input(page, single, right).check()
    status(page, 1).filter(has_text="Chưa lưu").wait_for()
    # At zero the page does not post the form (it would be lost offline): it waits, and says so.
    page.locator("#quiz-offline").filter(has_text="Đã hết giờ").wait_for(timeout=20_000)
    assert timezone.now() > attempt.deadline
    screenshot(page, "offline-quiz-time-up", widths=("phone",))
    page.context.set_offline(False)
    page.wait_for_url(f"**{reverse('assessments:attempt-result', args=[attempt.pk])}")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.auto_submitted
    saved = attempt.responses.get(pk=single.pk)
    assert saved.score == 1 and saved.answered_at <= attempt.deadline


def test_back_online_after_the_deadline_the_time_is_up_page_sends_the_queue_first(
    page, officer, one_page_quiz, settings
):
    """The tab was reloaded after the time ran out: the server shows "time is up" with a submit button; that page
    sends what waits in the queue (given before the deadline, it counts), then the officer submits."""
    settings.ASSESSMENTS_GRACE_SECONDS = 0
    one_page_quiz.time_limit_minutes = 1
    one_page_quiz.save()
    login(page, officer)
    services.attempt_start(quiz=one_page_quiz, officer=officer, now=timezone.now() - dt.timedelta(seconds=54))
    attempt, (single, _short, _tf) = open_attempt(page, one_page_quiz, officer)
    right = single.version.choices.get(is_correct=True)
    page.context.set_offline(True)
    choice_input(page, single, right).check()
    status(page, 1).filter(has_text="Chưa lưu").wait_for()
    page.locator("#quiz-offline").filter(has_text="Đã hết giờ").wait_for(timeout=20_000)
    page.route("**/luu/", lambda route: route.abort())  # this page's own retry does not get through first
    page.context.set_offline(False)
    page.goto(page.base_url + one_page_quiz.url)
    assert page.locator("form input[name=action][value=finish]").count() == 1
    assert page.evaluate(QUEUE_SIZE) == 1
    page.unroute("**/luu/")
    eventually(page, QUEUE_SIZE.replace("resolve(e.target.result)", "resolve(e.target.result === 0)"))
    saved = list(ResponseChoice.objects.filter(response=single).values_list("choice_id", flat=True))
    assert saved == [right.pk]
    page.locator("form:has(input[name=action][value=finish]) button").click()
    page.wait_for_url(f"**{reverse('assessments:attempt-result', args=[attempt.pk])}")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.responses.get(pk=single.pk).score == 1


def test_a_lesson_opened_once_is_readable_offline_and_logout_clears_it(
    page, officer, one_page_quiz, settings
):
    from wagtail_factories import ImageFactory

    from courses.models import CoursePage, LessonPage
    from tests.courses.factories import LessonPageFactory

    login(page, officer)
    course = CoursePage.objects.get(title="Tiếp nhận hồ sơ")
    first = LessonPage.objects.descendant_of(course).first()
    image = ImageFactory(title="Quầy tiếp nhận")
    lesson = LessonPageFactory(
        parent=first.get_parent(),
        title="Bài có hình",
        body=[
            ("paragraph", "<p>Đọc được cả khi mất mạng</p>"),
            ("image", {"image": image, "caption": "Quầy số 1", "alt_text": "Cán bộ tại quầy"}),
        ],
    )
    page.goto(page.base_url + course.url)
    page.evaluate(SW_READY)
    # Opened online through the service worker, but never kept: the quiz page and the certificates.
    page.goto(page.base_url + one_page_quiz.url)
    page.goto(page.base_url + reverse("certificates:mine"))
    page.goto(page.base_url + lesson.url)
    page.wait_for_load_state("networkidle")
    eventually(
        page, "() => caches.open(" + repr("osa-pages-1") + ").then(c => c.keys()).then(k => k.length > 0)"
    )

    page.context.set_offline(True)
    page.goto(page.base_url + lesson.url)
    assert lesson.title in page.locator("h1").inner_text()
    page.locator("[data-offline-notice]").filter(has_text="đây là bản bài học đã lưu trên máy này").wait_for()
    assert page.locator("img[alt='Cán bộ tại quầy']").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith(
        '"Be Vietnam Pro"'
    )  # CSS kept
    screenshot(page, "offline-lesson", widths=("phone",))
    for url in (course.url, one_page_quiz.url, reverse("certificates:mine")):  # never opened, or never kept
        page.goto(page.base_url + url)
        assert "Bạn đang ngoại tuyến" in page.locator("h1").inner_text(), url

    pages = page.evaluate("() => caches.open('osa-pages-1').then(c => c.keys()).then(k => k.map(r => r.url))")
    assert pages == [page.base_url + lesson.url]
    images = page.evaluate(
        "() => caches.open('osa-media-1').then(c => c.keys()).then(k => k.map(r => r.url))"
    )
    assert len(images) == 1 and "/media/images/" in images[0]

    page.context.set_offline(False)
    page.goto(page.base_url + lesson.url)
    assert page.locator("[data-offline-notice]").is_hidden()
    # A deploy with another version: the new worker replaces the old one and deletes its caches.
    settings.LMS_OFFLINE_CACHE_VERSION = "2"
    page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.update())")
    eventually(
        page,
        """() => caches.keys().then(n => n.includes('osa-static-2') && !n.includes('osa-static-1')
                                                     && !n.includes('osa-pages-1'))""",
    )
    assert page.evaluate(OUR_CACHES)
    page.evaluate("() => document.querySelector(\"form[action$='/accounts/logout/']\").requestSubmit()")
    page.wait_for_url("**/accounts/login/**")
    eventually(page, "() => caches.keys().then(n => !n.some(x => x.startsWith('osa-')))")
    page.context.set_offline(True)
    from playwright.sync_api import Error as PlaywrightError

    # Nothing kept any more, and no service worker to answer.
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(page.base_url + lesson.url)


def test_a_503_while_the_server_reconnects_keeps_the_answers_and_sends_them_in_order(
    page, officer, one_page_quiz
):
    login(page, officer)
    attempt, (single, short, truefalse) = open_attempt(page, one_page_quiz, officer)
    refused, sent = [], []

    def reconnecting(route):
        refused.append(route.request.url)
        route.fulfill(
            status=503,
            content_type="application/json",
            headers={"Retry-After": "5"},
            body='{"retry": true, "error": "Máy chủ đang kết nối lại"}',
        )

    page.route("**/luu/", reconnecting)
    choice_input(page, truefalse, truefalse.version.choices.get(is_correct=True)).check()
    choice_input(page, single, single.version.choices.get(is_correct=True)).check()
    status(page, 3).filter(has_text="Chưa lưu").wait_for()
    status(page, 1).filter(has_text="Chưa lưu").wait_for()
    page.locator("#quiz-offline").wait_for(state="visible")
    assert refused and all(
        f"/{truefalse.pk}/" in url for url in refused
    )  # strictly in order: the first waits
    page.on(
        "request", lambda r: sent.append(r.url) if r.method == "POST" and r.url.endswith("/luu/") else None
    )
    page.unroute("**/luu/")
    status(page, 1).filter(has_text="Đã lưu").wait_for()
    status(page, 3).filter(has_text="Đã lưu").wait_for()
    page.locator("#quiz-offline").wait_for(state="hidden")
    assert [f"/{truefalse.pk}/" in url for url in sent] == [True, False]  # answered first, sent first
    assert ResponseChoice.objects.filter(response__attempt=attempt).count() == 2


def test_next_waits_for_the_queue_on_a_quiz_of_one_question_per_page(page, officer, one_page_quiz):
    one_page_quiz.layout = "one"
    one_page_quiz.save()
    login(page, officer)
    attempt, (single, _short, _tf) = open_attempt(page, one_page_quiz, officer)
    right = single.version.choices.get(is_correct=True)
    page.context.set_offline(True)
    choice_input(page, single, right).check()
    status(page, 1).filter(has_text="Chưa lưu").wait_for()
    page.locator(".quiz-actions button[name=goto]").last.click()  # "Tiếp": held, the officer is told
    page.locator("#quiz-offline").filter(has_text="chưa được lưu nên chưa gửi gì đi").wait_for()
    assert "trang=2" not in page.url and page.locator("#cau-1").count() == 1
    page.context.set_offline(False)
    status(page, 1).filter(has_text="Đã lưu").wait_for()
    page.locator(".quiz-actions button[name=goto]").last.click()
    page.wait_for_url("**trang=2")
    assert list(ResponseChoice.objects.filter(response=single).values_list("choice_id", flat=True)) == [
        right.pk
    ]


def test_a_reply_lost_after_the_server_saved_is_not_taken_for_another_tab(page, officer, one_page_quiz):
    """The worst flaky network: the save reaches the server, the reply never comes back. The next answer to the
    same question is based on the old revision; the server's "changed elsewhere" (409) is then this page's own lost
    save, so the answer is sent again from the new revision instead of the page reloading over it."""
    login(page, officer)
    attempt, (single, _short, _tf) = open_attempt(page, one_page_quiz, officer)
    right = single.version.choices.get(is_correct=True)
    wrong = single.version.choices.filter(is_correct=False).first()

    def lost_reply(route):
        route.fetch()  # the server saves it…
        route.abort("connectionreset")  # …and the page never hears back

    page.route("**/luu/", lost_reply)
    choice_input(page, single, wrong).check()
    status(page, 1).filter(has_text="Chưa lưu").wait_for()
    assert list(ResponseChoice.objects.filter(response=single).values_list("choice_id", flat=True)) == [
        wrong.pk
    ]
    page.unroute("**/luu/")
    choice_input(page, single, right).check()
    status(page, 1).filter(has_text="Đã lưu").wait_for()
    page.wait_for_timeout(2000)  # no reload follows
    assert (
        choice_input(page, single, right).is_checked() and page.locator(".alert-warning:visible").count() == 0
    )
    single.refresh_from_db()
    assert single.revision == 2
    assert list(ResponseChoice.objects.filter(response=single).values_list("choice_id", flat=True)) == [
        right.pk
    ]


def test_a_refused_csrf_token_reloads_the_page_once_and_the_queue_is_sent_from_there(
    page, officer, one_page_quiz
):
    login(page, officer)
    attempt, (single, _short, _tf) = open_attempt(page, one_page_quiz, officer)
    right = single.version.choices.get(is_correct=True)
    refused = []

    def forbidden_once(route):
        if refused:
            route.continue_()
            return
        refused.append(route.request.url)
        route.fulfill(status=403, content_type="text/html", body="<h1>403</h1>")

    page.route("**/luu/", forbidden_once)
    with page.expect_navigation():
        choice_input(page, single, right).check()
    status(page, 1).filter(has_text="Đã lưu").wait_for()
    assert len(refused) == 1 and choice_input(page, single, right).is_checked()
    assert list(ResponseChoice.objects.filter(response=single).values_list("choice_id", flat=True)) == [
        right.pk
    ]
