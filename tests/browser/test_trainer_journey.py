"""In Chromium, the trainer's journey of the guide (docs/courses.md, "Hướng dẫn cho giảng viên"), step by step.

A trainer edits a lesson draft of a new course, sends the whole course with "Gửi duyệt cả khóa học", a lead
trainer approves it in "Duyệt khóa học" (every page live), the trainer writes a cloze question, an officer
answers its gaps on a phone, and the trainer reads the course results. Every screen is checked for known English
leftovers, and the screenshots `trainer-guide-<step>` are the guide's images (`make guide-screenshots`)."""

import json
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from assessments.models import Attempt, Question, QuestionKind, QuizPage
from courses.models import CoursePage, CourseReview, LessonPage, ModulePage
from tests.assessments.factories import QuestionCategoryFactory, add_fixed
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, screenshot
from tests.browser.test_admin_vietnamese import english_leftovers
from tests.courses.factories import EnrolmentFactory, catalogue
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "matkhau-Demo-2026"
COURSE = "Bảo vệ dữ liệu cá nhân tại quầy"
CLOZE = ("Dữ liệu cá nhân của người dân chỉ được xử lý khi có {1:MULTICHOICE:=sự đồng ý~yêu cầu miệng} "
         "của chủ thể; hồ sơ giấy được trả lại sau {1:NUMERICAL:=5:0} ngày làm việc theo quy trình "
         "{1:SHORTANSWER:=một cửa}.")


def _draft(parent, page, user):
    parent.add_child(instance=page)
    page.save_revision(user=user)
    return page


def draft_course(author) -> CoursePage:
    """A new course never published: the course, one module, two lessons and a quiz, each saved as a draft."""
    course = _draft(catalogue(), CoursePage(
        title=COURSE, slug="bao-ve-du-lieu-ca-nhan", live=False,
        summary="Những việc cán bộ Bộ phận Một cửa phải làm để bảo vệ dữ liệu cá nhân của người dân."), author)
    module = _draft(course, ModulePage(title="Học phần 1: Nguyên tắc", slug="nguyen-tac", live=False), author)
    _draft(module, LessonPage(title="Bài 1: Dữ liệu cá nhân là gì", slug="du-lieu-ca-nhan", live=False,
                              body=[("paragraph", "<p>Họ tên, số định danh, địa chỉ, số điện thoại.</p>")]),
           author)
    _draft(module, LessonPage(title="Bài 2: Sự đồng ý", slug="su-dong-y", live=False,
                              body=[("paragraph", "<p>Hỏi và ghi nhận sự đồng ý trước khi xử lý.</p>")]), author)
    _draft(module, QuizPage(title="Kiểm tra học phần 1", slug="kiem-tra-hoc-phan-1", live=False), author)
    return course


def log_in_admin(page, username: str) -> None:
    page.goto(page.base_url + reverse("wagtailadmin_login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")


def new_page(browser, live_server, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    context.set_default_timeout(15_000)
    context.route("**/admin/editing-sessions/**", answer_editing_sessions)
    other = context.new_page()
    other.base_url = live_server.url
    return other


def no_english(page, step: str) -> None:
    assert english_leftovers(page) == [], step


def answer_editing_sessions(route) -> None:
    """Answer the editor's editing-session pings here, as Wagtail would for a lone editor, without the live server.

    It shares one in-memory SQLite connection between its threads, so a ping racing another request (the admin's
    JavaScript catalogue, say) can break it and leave the admin in English; blocking the pings instead makes the
    editor report a network error when the draft is saved."""
    path = urlparse(route.request.url).path
    body = {}
    if "/ping/" in path:
        session_id = int(path.rstrip("/").rsplit("/", 1)[1])
        body = {"session_id": session_id, "ping_url": path, "other_sessions": [],
                "release_url": reverse("wagtailadmin_editing_sessions:release", args=[session_id])}
    route.fulfill(status=200, content_type="application/json", body=json.dumps(body))


def live_pages(course) -> int:
    return (CoursePage.objects.filter(pk=course.pk, live=True).count()
            + CoursePage.objects.get(pk=course.pk).get_descendants().live().count())


def test_the_trainer_journey_of_the_guide(page, browser, live_server, officer, settings):
    # The live server shares one in-memory SQLite connection between its threads: keep the editor's background
    # requests from racing the page loads (autosave off, editing-session pings answered in the browser).
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    page.context.route("**/admin/editing-sessions/**", answer_editing_sessions)
    trainer = UserFactory(username="giangvien", first_name="Ngọc", last_name="Trần Thị Bích", groups=["Trainer"])
    UserFactory(username="truonggv", first_name="Hải", last_name="Lê Văn", groups=["Trainer", "Lead trainer"])
    course = draft_course(trainer)
    lesson = LessonPage.objects.get(slug="su-dong-y")
    QuestionCategoryFactory(name="Bảo vệ dữ liệu cá nhân")

    # a. The trainer opens the course in the admin and edits a lesson draft.
    log_in_admin(page, "giangvien")
    page.goto(page.base_url + reverse("wagtailadmin_explore", args=[catalogue().pk]))
    page.get_by_role("link", name=COURSE).first.wait_for()
    page.goto(page.base_url + reverse("wagtailadmin_explore", args=[lesson.get_parent().pk]))
    page.get_by_role("link", name="Bài 2: Sự đồng ý").first.wait_for()
    no_english(page, "course in the page tree")
    screenshot(page, "trainer-guide-course")
    page.goto(page.base_url + reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    page.fill("#id_title", "Bài 2: Hỏi và ghi nhận sự đồng ý")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.locator(".messages").get_by_text("Bài 2: Hỏi và ghi nhận sự đồng ý").first.wait_for()
    assert LessonPage.objects.get(pk=lesson.pk).get_latest_revision().content["title"] == (
        "Bài 2: Hỏi và ghi nhận sự đồng ý")
    no_english(page, "lesson editor")
    screenshot(page, "trainer-guide-lesson-draft")

    # b. "Gửi duyệt cả khóa học": the confirmation lists every page with a draft, then one submit sends them.
    page.locator("footer [data-w-dropdown-target=toggle]").first.click()
    page.get_by_role("link", name="Gửi duyệt cả khóa học").click()
    page.wait_for_url(f"**{reverse('course_reviews:submit', args=[course.pk])}")
    listing = page.locator("main").inner_text()
    for title in (COURSE, "Học phần 1: Nguyên tắc", "Bài 1: Dữ liệu cá nhân là gì",
                  "Bài 2: Hỏi và ghi nhận sự đồng ý", "Kiểm tra học phần 1"):
        assert title in listing
    assert "5 trang có bản nháp" in listing
    no_english(page, "submit confirmation")
    screenshot(page, "trainer-guide-submit")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/admin/duyet-khoa-hoc/*/")
    page.locator(".messages").get_by_text(f"Khóa học “{COURSE}” đã được gửi duyệt với 5 trang.").wait_for()
    review = CourseReview.objects.get(course=course)
    assert review.status == CourseReview.Status.PENDING and review.items.count() == 5
    assert live_pages(course) == 0

    # c. The lead trainer opens "Duyệt khóa học", reads each page's changes and approves once.
    lead = new_page(browser, live_server)
    log_in_admin(lead, "truonggv")
    lead.locator(".course-reviews-pending").get_by_role("link", name=COURSE).wait_for()  # "Khóa học chờ bạn duyệt"
    lead.get_by_role("link", name="Duyệt khóa học", exact=True).first.click()  # the admin menu
    lead.wait_for_url(f"**{reverse('course_reviews:index')}")
    lead.locator("tbody tr", has_text=COURSE).get_by_role("link", name="Xem và duyệt").click()
    lead.wait_for_url(f"**{reverse('course_reviews:detail', args=[review.pk])}")
    sections = lead.locator("section.course-review-page")
    assert sections.count() == 5
    assert "Bài 2: Hỏi và ghi nhận sự đồng ý" in sections.nth(3).inner_text()
    no_english(lead, "review")
    screenshot(lead, "trainer-guide-review")
    changed = sections.filter(has_text="Bài 2: Hỏi và ghi nhận sự đồng ý")
    assert "Bài 2: Hỏi và ghi nhận sự đồng ý" in changed.locator("td.comparison").first.inner_text()
    changed.screenshot(path=str(SCREENSHOTS / "trainer-guide-review-diff-desktop.png"))
    lead.get_by_role("button", name="Duyệt và xuất bản mọi trang").click()
    lead.wait_for_url(f"**{reverse('course_reviews:index')}")
    lead.locator(".messages").get_by_text("5 trang").first.wait_for()
    no_english(lead, "approved")
    review.refresh_from_db()
    assert review.status == CourseReview.Status.APPROVED
    assert live_pages(course) == 5 and not LessonPage.objects.get(pk=lesson.pk).has_unpublished_changes
    assert LessonPage.objects.get(pk=lesson.pk).title == "Bài 2: Hỏi và ghi nhận sự đồng ý"
    lead.context.close()

    # d. The trainer writes a cloze question in the question bank ...
    page.goto(page.base_url + reverse("wagtailsnippets_assessments_question:add"))
    page.locator("#id_category-chooser button.action-choose, [data-chooser-action-choose]").first.click()
    page.locator(".modal").get_by_role("link", name="Bảo vệ dữ liệu cá nhân").first.click()
    page.locator("#id_category-chooser").get_by_text("Bảo vệ dữ liệu cá nhân").wait_for()
    page.select_option("select[name=kind]", "cloze")
    page.fill("#id_title", "Xử lý dữ liệu cá nhân tại quầy")
    stem = page.locator("[data-field-wrapper]:has(#id_stem) [contenteditable=true]").first
    stem.click()
    page.keyboard.type(CLOZE)
    no_english(page, "question editor")
    screenshot(page, "trainer-guide-cloze-editor")
    page.get_by_role("button", name="Lưu").first.click()
    page.wait_for_url(f"**{reverse('wagtailsnippets_assessments_question:list')}")
    question = Question.objects.get(title="Xử lý dữ liệu cá nhân tại quầy")
    assert question.kind == QuestionKind.CLOZE and "{1:NUMERICAL:=5:0}" in question.stem
    quiz = QuizPage.objects.get(slug="kiem-tra-hoc-phan-1")
    add_fixed(quiz, question)
    EnrolmentFactory(officer=officer, course=course)

    # ... and an officer answers its gaps on a phone.
    learner = new_page(browser, live_server, viewport=PHONE)
    learner.goto(learner.base_url + reverse("login"))
    learner.fill("input[name=username]", "officer")
    learner.fill("input[name=password]", PASSWORD)
    learner.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    learner.wait_for_load_state("networkidle")
    learner.goto(learner.base_url + quiz.url)
    learner.locator("form:has(input[name=action][value=start]) button").click()
    learner.locator("select.cloze-gap").first.wait_for()
    gaps = learner.locator(".cloze-gap")
    assert gaps.count() == 3
    learner.locator("select.cloze-gap").select_option("sự đồng ý")
    learner.locator("input.cloze-gap--short").fill("một cửa")
    learner.locator("input.cloze-gap[inputmode=decimal]").fill("5")
    learner.locator("input.cloze-gap[inputmode=decimal]").blur()
    learner.locator("#cau-1 [data-status]").filter(has_text=":").wait_for()
    learner.locator("[data-answered-text]").filter(has_text="Đã trả lời 1/1 câu").wait_for()
    assert learner.locator("[role=progressbar]").first.get_attribute("aria-valuenow") == "100"
    assert learner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    no_english(learner, "attempt")
    screenshot(learner, "trainer-guide-cloze-attempt", widths=("phone",))
    learner.on("dialog", lambda dialog: dialog.accept())
    attempt = Attempt.objects.get(officer=officer)
    learner.locator("#quiz-submit").click()
    learner.wait_for_url(f"**{reverse('assessments:attempt-result', args=[attempt.pk])}")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.percent == 100
    learner.context.close()

    # e. The trainer's course results: the officer, their progress and their best score.
    page.goto(page.base_url + reverse("dashboards:trainer-courses"))
    page.get_by_role("link", name=COURSE).first.click()
    page.wait_for_url(f"**{reverse('dashboards:trainer-course', args=[course.pk])}")
    row = page.locator("table tbody tr", has_text="Nguyễn Thị Lan")
    assert "Đang học" in row.inner_text() and "100,0" in row.inner_text() and "1 lượt" in row.inner_text()
    no_english(page, "course results")
    screenshot(page, "trainer-guide-results")

