"""Whole-course moderation: one submit, one review, one decision; all pages live or none (issue 14, item 1)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import Revision

from courses import services
from courses.models import CoursePage, CourseReview, LessonPage, ModulePage
from tests.courses.factories import build_course, catalogue
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_trainer(db):
    return UserFactory(username="lead", first_name="Hải", last_name="Trần", email="lead@example.vn",
                       groups=["Trainer", "Lead trainer"])


@pytest.fixture
def author(db):
    return UserFactory(username="author", first_name="Mai", last_name="Phạm", email="mai@example.vn",
                       groups=["Trainer"])


def _draft(parent, page, user):
    parent.add_child(instance=page)
    page.save_revision(user=user)
    return page


def draft_course(author, *, lessons=1, body=None) -> CoursePage:
    """A new course never published: the course, one module and `lessons` lessons, each saved as a draft."""
    course = _draft(catalogue(), CoursePage(title="Bảo vệ dữ liệu cá nhân tại quầy", slug="bao-ve-du-lieu",
                                            live=False), author)
    module = _draft(course, ModulePage(title="Học phần 1", slug="hoc-phan-1", live=False), author)
    for n in range(lessons):
        _draft(module, LessonPage(title=f"Bài {n + 1}", slug=f"bai-{n + 1}", live=False,
                                  body=body or [("paragraph", "<p>Nội dung bài học.</p>")]), author)
    return course


def live_pages(course) -> int:
    return (CoursePage.objects.filter(pk=course.pk, live=True).count()
            + ModulePage.objects.descendant_of(course).live().count()
            + LessonPage.objects.descendant_of(course).live().count())


def test_one_submit_creates_one_review_with_every_draft(author):
    course = draft_course(author, lessons=2)
    review = services.course_review_submit(course=course, user=author)
    assert review.status == CourseReview.Status.PENDING and review.submitted_by == author
    assert [i.page_title for i in review.items.all()] == [
        "Bảo vệ dữ liệu cá nhân tại quầy", "Học phần 1", "Bài 1", "Bài 2"]
    assert all(i.revision_id == i.page.latest_revision_id for i in review.items.select_related("page"))
    assert CourseReview.objects.count() == 1


def test_draft_edits_of_a_live_course_are_sent_and_unchanged_pages_are_not(author):
    course = build_course(title="Khóa học đang dùng", modules=1, lessons=2)
    lesson = LessonPage.objects.descendant_of(course).order_by("path").last()
    lesson.title = "Bài học đã sửa"
    lesson.save_revision(user=author)
    review = services.course_review_submit(course=course, user=author)
    assert [i.page_title for i in review.items.all()] == ["Bài học đã sửa"]


def test_one_approve_publishes_every_page(author, lead_trainer, django_capture_on_commit_callbacks):
    course = draft_course(author, lessons=2)
    review = services.course_review_submit(course=course, user=author)
    assert live_pages(course) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.course_review_approve(review=review, user=lead_trainer)
    assert live_pages(course) == 4
    review.refresh_from_db()
    assert review.status == CourseReview.Status.APPROVED and review.decided_by == lead_trainer
    assert not CoursePage.objects.get(pk=course.pk).has_unpublished_changes


def test_a_page_that_fails_to_publish_leaves_every_page_unpublished(author, lead_trainer):
    """The last page's submitted revision is made invalid (a negative duration) after submission: approving
    publishes the course and module first, then fails on it, and the whole approval is rolled back."""
    course = draft_course(author, lessons=2)
    review = services.course_review_submit(course=course, user=author)
    last = review.items.order_by("path").last()
    revision = Revision.objects.get(pk=last.revision_id)
    Revision.objects.filter(pk=revision.pk).update(content={**revision.content, "estimated_minutes": -5})
    with pytest.raises(ValidationError) as error:
        services.course_review_approve(review=review, user=lead_trainer)
    assert "“Bài 2” could not be published" in str(error.value) or "“Bài 2”" in str(error.value)
    assert live_pages(course) == 0
    review.refresh_from_db()
    assert review.status == CourseReview.Status.PENDING and review.decided_by is None


def test_reject_needs_a_comment_and_keeps_every_draft_unpublished(author, lead_trainer):
    course = draft_course(author)
    review = services.course_review_submit(course=course, user=author)
    with pytest.raises(ValidationError):
        services.course_review_reject(review=review, user=lead_trainer, comment="   ")
    services.course_review_reject(review=review, user=lead_trainer, comment="Bổ sung ví dụ về Mẫu 02.")
    review.refresh_from_db()
    assert review.status == CourseReview.Status.REJECTED and review.comment == "Bổ sung ví dụ về Mẫu 02."
    assert live_pages(course) == 0
    assert all(p.has_unpublished_changes for p in CoursePage.objects.get(pk=course.pk).get_descendants(
        inclusive=True))
    with pytest.raises(ValidationError):
        services.course_review_approve(review=review, user=lead_trainer)


def test_only_a_lead_trainer_other_than_the_author_decides(author, lead_trainer, trainer):
    course = draft_course(author)
    review = services.course_review_submit(course=course, user=author)
    with pytest.raises(PermissionDenied):
        services.course_review_approve(review=review, user=trainer)
    with pytest.raises(PermissionDenied):
        services.course_review_reject(review=review, user=trainer, comment="Không")
    own = services.course_review_submit(course=course, user=lead_trainer)  # replaces the author's request
    with pytest.raises(PermissionDenied):
        services.course_review_approve(review=own, user=lead_trainer)
    review.refresh_from_db()
    assert review.status == CourseReview.Status.SUPERSEDED
    assert live_pages(course) == 0


def test_officer_cannot_submit(officer, author):
    course = draft_course(author)
    with pytest.raises(PermissionDenied):
        services.course_review_submit(course=course, user=officer.user)


def test_a_newer_draft_after_submission_blocks_approval_until_resubmitted(author, lead_trainer, client):
    course = draft_course(author, lessons=2)
    review = services.course_review_submit(course=course, user=author)
    lesson = LessonPage.objects.get(slug="bai-2")
    lesson.title = "Bài 2 (sửa sau khi gửi)"
    lesson.save_revision(user=author)
    with pytest.raises(ValidationError) as error:
        services.course_review_approve(review=review, user=lead_trainer)
    assert "“Bài 2”" in " ".join(error.value.messages)
    assert live_pages(course) == 0

    client.force_login(lead_trainer)
    html = client.get(reverse("course_reviews:detail", args=[review.pk])).content.decode()
    assert "Bài 2" in html and "gửi lại" in html.lower()

    again = services.course_review_submit(course=course, user=author)
    review.refresh_from_db()
    assert review.status == CourseReview.Status.SUPERSEDED
    services.course_review_approve(review=again, user=lead_trainer)
    assert LessonPage.objects.get(slug="bai-2").title == "Bài 2 (sửa sau khi gửi)"
    assert live_pages(course) == 4


def test_submit_lists_every_problem_by_page_and_records_nothing(author):
    """Wagtail saves a draft without the model's validation and defers required fields (StreamField blocks
    included); the whole-course submit
    checks every page as publishing would and lists everything to fix, before anything is recorded."""
    course = draft_course(author, body=[("checklist", {"title": "", "items": ["Đeo thẻ"]})])
    course.estimated_hours = -1
    course.save_revision(user=author, clean=False)  # as the editor's "Save draft" does (Wagtail 7+)
    with pytest.raises(services.CourseReviewProblems) as error:
        services.course_review_submit(course=course, user=author)
    by_page = {p.page.title: p.messages for p in error.value.problems}
    assert set(by_page) == {"Bảo vệ dữ liệu cá nhân tại quầy", "Bài 1"}
    assert any("khối 1" in m for m in by_page["Bài 1"]), by_page
    assert CourseReview.objects.count() == 0


def test_nothing_to_submit(author):
    course = build_course(title="Khóa học không có bản nháp", modules=1, lessons=1)
    with pytest.raises(ValidationError):
        services.course_review_submit(course=course, user=author)
    assert CourseReview.objects.count() == 0


# --- The admin screens ------------------------------------------------------------------------------------------


def test_the_editor_offers_the_whole_course_submit(client, author):
    course = draft_course(author)
    lesson = LessonPage.objects.get(slug="bai-1")
    client.force_login(author)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert reverse("course_reviews:submit", args=[course.pk]) in html
    assert "Gửi duyệt cả khóa học" in html
    assert 'name="action-submit"' not in html  # no page-by-page submit inside a course
    add = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", lesson.get_parent().pk])
    assert 'name="action-submit"' not in client.get(add).content.decode()


def test_submit_screen_then_one_post(client, author):
    course = draft_course(author, lessons=2)
    client.force_login(author)
    url = reverse("course_reviews:submit", args=[course.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gửi duyệt cả khóa học" in html and "Bài 2" in html
    response = client.post(url)
    review = CourseReview.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("course_reviews:detail", args=[review.pk])
    assert review.items.count() == 4


def test_submit_screen_lists_problems_in_vietnamese(client, author):
    course = draft_course(author, body=[("checklist", {"title": "", "items": ["Đeo thẻ"]})])
    client.force_login(author)
    response = client.post(reverse("course_reviews:submit", args=[course.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa gửi gì" in html and "Bài 1" in html
    assert CourseReview.objects.count() == 0


def test_lead_trainer_reviews_with_diffs_and_approves(client, author, lead_trainer, django_assert_max_num_queries):
    course = build_course(title="Khóa học đang dùng", modules=1, lessons=2)
    lesson = LessonPage.objects.descendant_of(course).order_by("path").last()
    lesson.summary = "Tóm tắt mới của bài học"
    lesson.save_revision(user=author)
    module = ModulePage.objects.descendant_of(course).get()
    _draft(module, LessonPage(title="Bài mới", slug="bai-moi", live=False,
                              body=[("paragraph", "<p>Bài học thêm.</p>")]), author)
    review = services.course_review_submit(course=course, user=author)
    client.force_login(lead_trainer)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("course_reviews:index"))
    assert response.status_code == 200 and "Khóa học đang dùng" in response.content.decode()
    assert "Chờ duyệt" in response.content.decode()
    with django_assert_max_num_queries(60):
        response = client.get(reverse("course_reviews:detail", args=[review.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tóm tắt mới của bài học" in html and "Bài mới" in html and "Duyệt và xuất bản" in html
    response = client.post(reverse("course_reviews:approve", args=[review.pk]), follow=True)
    assert "đã được duyệt" in response.content.decode()
    assert LessonPage.objects.get(slug="bai-moi").live
    assert LessonPage.objects.get(pk=lesson.pk).summary == "Tóm tắt mới của bài học"


def test_review_screen_queries_do_not_grow_with_the_number_of_reviews(client, author, lead_trainer,
                                                                       django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(lead_trainer)
    counts = []
    for n in range(3):
        services.course_review_submit(course=draft_course_numbered(author, n), user=author)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("course_reviews:index")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def draft_course_numbered(author, n) -> CoursePage:
    course = _draft(catalogue(), CoursePage(title=f"Khóa học {n}", slug=f"khoa-hoc-{n}", live=False), author)
    _draft(course, ModulePage(title="Học phần 1", slug="hoc-phan-1", live=False), author)
    return course


def test_reject_from_the_screen_needs_a_comment(client, author, lead_trainer):
    course = draft_course(author)
    review = services.course_review_submit(course=course, user=author)
    client.force_login(lead_trainer)
    url = reverse("course_reviews:reject", args=[review.pk])
    response = client.post(url, {"comment": ""}, follow=True)
    assert "cần có nhận xét" in response.content.decode()
    response = client.post(url, {"comment": "x" * 4001}, follow=True)
    assert "Nhận xét quá dài: tối đa 4.000 ký tự." in response.content.decode()
    review.refresh_from_db()
    assert review.status == CourseReview.Status.PENDING
    approve = client.post(reverse("course_reviews:approve", args=[review.pk]), {"comment": "x" * 4001}, follow=True)
    assert "Nhận xét quá dài" in approve.content.decode() and live_pages(course) == 0
    response = client.post(url, {"comment": "Thiếu tình huống mẫu."}, follow=True)
    assert "đã được trả lại" in response.content.decode()
    review.refresh_from_db()
    assert review.status == CourseReview.Status.REJECTED


def test_screens_refuse_who_may_not_decide(client, author, lead_trainer, trainer, officer):
    course = draft_course(author)
    review = services.course_review_submit(course=course, user=author)
    approve = reverse("course_reviews:approve", args=[review.pk])
    client.force_login(trainer)  # not the author, not a lead trainer: the review is not even listed
    assert client.post(approve).status_code == 404
    client.force_login(author)
    assert client.get(reverse("course_reviews:detail", args=[review.pk])).status_code == 200
    # Wagtail's admin answers a refusal (PermissionDenied) with a redirect to the dashboard and an error message.
    response = client.post(approve)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.force_login(officer.user)
    response = client.post(approve)  # the admin's own gate: officers have no admin access
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert live_pages(course) == 0


def test_saving_a_draft_says_at_once_what_publishing_would_refuse(client, author):
    """The editor's "Save draft" keeps Wagtail's leniency (autosave needs it) but warns in Vietnamese, page by
    page, about what the whole-course submit will refuse."""
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    course = draft_course(author, lessons=0)
    module = ModulePage.objects.descendant_of(course).get()
    data = nested_form_data({
        "title": "Bài học thiếu tiêu đề khối", "slug": "bai-hoc-thieu", "summary": "",
        "body": streamfield([("checklist", {"title": "", "items": {
            "count": "1", "0": {"value": "Đeo thẻ", "order": "0", "deleted": "", "id": "item-0"}}})]),
        "estimated_minutes": "10", "is_required": "on",
    })
    client.force_login(author)
    response = client.post(reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk]), data,
                           follow=True)
    assert response.status_code == 200
    assert LessonPage.objects.filter(slug="bai-hoc-thieu").exists()  # the draft is saved
    html = response.content.decode()
    assert "Bản nháp đã được lưu nhưng chưa thể xuất bản" in html and "khối 1" in html


def test_a_quiz_draft_goes_with_the_course_and_is_published_with_it(client, author, lead_trainer):
    from assessments.models import QuizPage, QuizQuestion
    from tests.assessments.factories import make_question

    course = draft_course(author)
    module = ModulePage.objects.descendant_of(course).get()
    quiz = QuizPage(title="Bài kiểm tra học phần 1", slug="kiem-tra-1", live=False, pass_mark=60)
    module.add_child(instance=quiz)
    quiz.fixed_questions.add(QuizQuestion(question=make_question(), sort_order=0))
    quiz.save_revision(user=author)
    review = services.course_review_submit(course=course, user=author)
    assert "Bài kiểm tra học phần 1" in [i.page_title for i in review.items.all()]
    client.force_login(lead_trainer)
    response = client.get(reverse("course_reviews:detail", args=[review.pk]))
    assert response.status_code == 200 and "Bài kiểm tra học phần 1" in response.content.decode()
    services.course_review_approve(review=review, user=lead_trainer)
    assert QuizPage.objects.get(pk=quiz.pk).live
    assert QuizPage.objects.get(pk=quiz.pk).fixed_questions.count() == 1


@pytest.mark.parametrize("lessons", [1, 6])
def test_review_screen_queries_are_bounded_per_page(client, author, lead_trainer, lessons,
                                                    django_assert_max_num_queries):
    """A fixed number, plus what Wagtail spends rebuilding each submitted revision (`with_content_json`: its
    locale, parent and comments — 4 queries a page); nothing else grows with the pages."""
    review = services.course_review_submit(course=draft_course(author, lessons=lessons), user=author)
    pages = review.items.count()
    client.force_login(lead_trainer)
    with django_assert_max_num_queries(22 + 4 * pages):
        assert client.get(reverse("course_reviews:detail", args=[review.pk])).status_code == 200


def test_the_lead_trainers_dashboard_lists_what_waits_for_them(client, author, lead_trainer):
    review = services.course_review_submit(course=draft_course(author), user=author)
    client.force_login(lead_trainer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Khóa học chờ bạn duyệt" in html and reverse("course_reviews:detail", args=[review.pk]) in html
    client.force_login(author)  # the author does not decide: no panel
    assert "Khóa học chờ bạn duyệt" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_page_left_in_the_page_by_page_workflow_is_published_and_its_workflow_closed(author, lead_trainer):
    course = draft_course(author)
    lesson = LessonPage.objects.get(slug="bai-1")
    state = lesson.get_workflow().start(lesson, author)
    review = services.course_review_submit(course=course, user=author)
    services.course_review_approve(review=review, user=lead_trainer)
    state.refresh_from_db()
    assert LessonPage.objects.get(pk=lesson.pk).live and state.status == state.STATUS_CANCELLED


def test_the_comment_is_shown_as_text(client, author, lead_trainer):
    review = services.course_review_submit(course=draft_course(author), user=author)
    services.course_review_reject(review=review, user=lead_trainer, comment='<script>alert("x")</script>\nDòng 2')
    client.force_login(author)
    html = client.get(reverse("course_reviews:detail", args=[review.pk])).content.decode()
    assert '<script>alert("x")</script>' not in html and "&lt;script&gt;" in html and "<br>Dòng 2" in html
