"""The author of a whole-course review is told the decision once, in the centre and by e-mail, in Vietnamese."""

import pytest
from django.core import mail
from django.urls import reverse

from courses import services as course_services
from notifications.models import Kind, Notification
from tests.courses.test_course_review import draft_course
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return UserFactory(username="author", first_name="Mai", last_name="Phạm", email="mai@example.vn",
                       groups=["Trainer"])


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", first_name="Hải", last_name="Trần", email="lead@example.vn",
                       groups=["Trainer", "Lead trainer"])


def test_approval_tells_the_author(author, lead, django_capture_on_commit_callbacks):
    review = course_services.course_review_submit(course=draft_course(author), user=author)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.course_review_approve(review=review, user=lead, comment="Rất tốt.")
    notification = Notification.objects.get(kind=Kind.COURSE_REVIEW)
    assert notification.recipient == author and notification.status == Notification.Status.SENT
    assert notification.title == "Khóa học đã được duyệt và xuất bản: Bảo vệ dữ liệu cá nhân tại quầy"
    assert "Trần Hải đã duyệt khóa học" in notification.body and "Nhận xét: Rất tốt." in notification.body
    assert notification.link == reverse("course_reviews:detail", args=[review.pk])
    [message] = [m for m in mail.outbox if m.to == ["mai@example.vn"]]
    assert message.subject == notification.title
    assert message.body.startswith("Kính gửi đồng chí Phạm Mai,")
    assert f"http://testserver/admin/duyet-khoa-hoc/{review.pk}/" in message.body


def test_return_tells_the_author_with_the_comment_once(author, lead, django_capture_on_commit_callbacks):
    review = course_services.course_review_submit(course=draft_course(author), user=author)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.course_review_reject(review=review, user=lead, comment="Bổ sung tình huống mẫu.")
    [notification] = Notification.objects.filter(kind=Kind.COURSE_REVIEW)
    assert notification.title == "Khóa học được trả lại để chỉnh sửa: Bảo vệ dữ liệu cá nhân tại quầy"
    assert "Nhận xét: Bổ sung tình huống mẫu." in notification.body
    [message] = mail.outbox
    assert "Bổ sung tình huống mẫu." in message.body and message.to == ["mai@example.vn"]
    # The same decision is never told twice (the centre's unique key: kind, recipient, review, status).
    from notifications.services import course_review_decided

    assert course_review_decided(review=review) is None
    assert Notification.objects.filter(kind=Kind.COURSE_REVIEW).count() == 1


def test_the_author_sees_it_in_the_centre(author, lead, client, django_capture_on_commit_callbacks):
    review = course_services.course_review_submit(course=draft_course(author), user=author)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.course_review_reject(review=review, user=lead, comment="Thiếu ví dụ.")
    client.force_login(author)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "Khóa học được trả lại để chỉnh sửa" in html
