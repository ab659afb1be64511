"""In Chromium: a trainer walks the admin screens they use every day; none shows a known English leftover.

The list holds the English words that trainers reported or that Wagtail shows when a translation is missing; a
screen showing any of them fails (screenshots of the guide and the page search in artifacts/screenshots/)."""

import re
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import QuestionKind
from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question
from tests.browser.conftest import browser, page, screenshot  # noqa: F401 - fixtures
from tests.courses.factories import LessonPageFactory, ModulePageFactory, build_course, catalogue
from tests.people.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

KNOWN_ENGLISH = [
    "Password", "Username", "Remember me", "Sign in", "Moderators approval", "Moderators", "None", "Editor Guide",
    "What's new", "Help", "Dashboard", "Pages", "Search", "Edit", "Delete", "Save draft", "Publish", "Submit",
    "Status", "Actions", "Settings", "Reports", "Documents", "Images", "Title", "Updated", "Owner", "Draft", "Live",
    "Sort", "Filter", "Add child page", "Answer", "Valid until", "ago", "courses.", "assessments.", "people.",
]
# Whole words; "courses." and its kind are prefixes of a technical name ("courses.coursepage").
PATTERN = re.compile(r"(?<![\w.])(" + "|".join(
    re.escape(w) + ("" if w.endswith(".") else r"(?!\w)") for w in KNOWN_ENGLISH) + ")")


def test_the_pattern_finds_the_reported_leftovers():
    reported = "Mật khẩu Password · 1-3 trong 3 None · Moderators approval · courses.coursepage · 1 năm trước"
    assert {"Password", "None", "Moderators approval", "courses."} <= {m.group(1) for m in PATTERN.finditer(reported)}
    assert not PATTERN.search("Hướng dẫn cho giảng viên · Khóa học · Đáp án đúng")


def english_leftovers(page) -> list[str]:  # noqa: F811
    text = page.locator("body").inner_text()
    return sorted({m.group(1) for m in PATTERN.finditer(text)})


def test_trainer_admin_screens_have_no_known_english_words(page, officer, settings):  # noqa: F811
    # The live server shares one in-memory SQLite connection between its threads: keep the editor's background
    # requests (autosave, editing-session pings) from racing the page loads (as tests/browser/test_csp.py does).
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    page.context.route("**/admin/editing-sessions/**", lambda route: route.abort())
    UserFactory(username="giangvien", first_name="Ngọc", last_name="Trần Thị Bích", groups=["Trainer"])
    course = build_course(title="Tiếp nhận hồ sơ", modules=0)
    module = ModulePageFactory(parent=course, title="Học phần 1")
    lesson = LessonPageFactory(parent=module, title="Bài 1")
    quiz = QuizPageFactory(parent=module, title="Bài tự luận")
    add_fixed(quiz, make_question(QuestionKind.ESSAY, category=QuestionCategoryFactory(name="Tự luận")))
    attempt = assessment_services.attempt_start(quiz=quiz, officer=officer)
    response = attempt.responses.get()
    assessment_services.response_save(response_id=response.pk, user=officer.user, text="Bài làm")
    assessment_services.attempt_submit(attempt=attempt)

    page.goto(page.base_url + reverse("wagtailadmin_login"))
    assert english_leftovers(page) == []
    page.fill("input[name=username]", "giangvien")
    page.fill("input[name=password]", "matkhau-Demo-2026")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")

    screens = {
        "home": reverse("wagtailadmin_home"),
        "catalogue": reverse("wagtailadmin_explore", args=[catalogue().pk]),
        "course": reverse("wagtailadmin_explore", args=[course.pk]),
        "edit course": reverse("wagtailadmin_pages:edit", args=[course.pk]),
        "add lesson": reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk]),
        "edit lesson": reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        "history": reverse("wagtailadmin_pages:history", args=[course.pk]),
        "page search": reverse("wagtailadmin_pages:search") + "?q=Ti%E1%BA%BFp",
        "page types": reverse("wagtailadmin_reports:page_types_usage"),
        "questions": reverse("wagtailsnippets_assessments_question:list"),
        "marking": reverse("assessments_marking:queue"),
        "mark": reverse("assessments_marking:mark", args=[response.pk]),
        "guide": reverse("lms_trainer_guide"),
    }
    found = {}
    for name, url in screens.items():
        page.goto(page.base_url + url, wait_until="load")
        page.wait_for_timeout(400)
        assert urlparse(page.url).path == urlparse(url).path, name  # the screen itself, not a login redirect
        leftovers = english_leftovers(page)
        if leftovers:
            found[name] = leftovers
    page.goto(page.base_url + reverse("lms_trainer_guide"))
    screenshot(page, "admin-trainer-guide")
    page.goto(page.base_url + screens["page search"])
    screenshot(page, "admin-page-search")
    assert found == {}
