"""The quiz result page tells the officer the course is complete and where the certificate stands."""

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import QuestionKind
from certificates.models import Certificate
from notifications.models import Kind, Notification
from tests.assessments.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_fixed,
    make_question,
    tokens,
)
from tests.certificates.factories import CertificateTemplateFactory
from tests.courses.factories import EnrolmentFactory, build_course

pytestmark = pytest.mark.django_db


def pass_the_only_quiz(officer):
    CertificateTemplateFactory(name="Mặc định", is_default=True)
    course = build_course(modules=1, lessons=0, title="Tiếp nhận và trả kết quả")
    quiz = QuizPageFactory(parent=course.get_children().first().specific, title="Kiểm tra cuối khóa")
    add_fixed(quiz, make_question(QuestionKind.SINGLE, category=QuestionCategoryFactory()))
    EnrolmentFactory(officer=officer, course=course)
    attempt = assessment_services.attempt_start(quiz=quiz, officer=officer)
    response = attempt.responses.select_related("version").get()
    right = list(response.version.choices.filter(is_correct=True).values_list("pk", flat=True))
    assessment_services.response_save(response_id=response.pk, user=officer.user, choices=tokens(response, right))
    return assessment_services.attempt_submit(attempt=attempt)


def test_course_complete_then_download_link(client, officer, trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attempt = pass_the_only_quiz(officer)
    certificate = Certificate.objects.get(officer=officer)
    assert certificate.status == Certificate.Status.READY
    assert Notification.objects.filter(kind=Kind.CERTIFICATE_READY, recipient=officer.user).count() == 1
    client.force_login(officer.user)
    url = reverse("assessments:attempt-result", args=[attempt.pk])
    html = client.get(url).content.decode()
    assert "Bạn đã hoàn thành khóa học “Tiếp nhận và trả kết quả”." in html
    assert f'href="/chung-nhan/{certificate.pk}/tai-ve/">Tải giấy chứng nhận</a>' in html
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.PENDING)
    html = client.get(url).content.decode()
    assert "Giấy chứng nhận của bạn đang được chuẩn bị" in html and "Tải giấy chứng nhận</a>" not in html
    client.force_login(trainer)  # someone else's result: no such message
    assert "Bạn đã hoàn thành khóa học" not in client.get(url).content.decode()
