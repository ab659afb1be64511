"""The broker (Redis) is down when an officer submits: no 500, the attempt is graded, the certificate's issue
(a task since the exam-room work: certificates.receivers) is recorded in the database (lms.models.DeferredTask)
and the result page says the certificate is being prepared; once the broker is back the sweeper sends it exactly
once, the worker issues the certificate PENDING ("Tệp PDF đang được tạo") and queues its render.
bench/load/faults/redis_down.py does this for real."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Attempt
from certificates.models import Certificate
from lms.models import DeferredTask
from lms.tasks import deferred_tasks_send
from tests.assessments.factories import token

pytestmark = pytest.mark.django_db(transaction=True)


def submit_all_right(client, quiz) -> Attempt:
    client.post(quiz.url, {"action": "start"})
    attempt = Attempt.objects.get(quiz=quiz)
    responses = list(attempt.responses.select_related("version").order_by("position"))
    data = {"attempt": attempt.pk, "shown": [r.pk for r in responses], "action": "submit"}
    for r in responses:
        data[f"q{r.pk}"] = token(r, r.version.choices.get(is_correct=True))
    started = time.monotonic()
    response = client.post(quiz.url, data)
    assert response.status_code == 302, response.content[:500]
    assert time.monotonic() - started < 5  # the send gives up quickly (bounded retry, then the breaker)
    return attempt


def test_submit_with_the_broker_down_issues_a_pending_certificate(officer, quiz, enrolment, broker_down, settings):
    from certificates.services import certificate_issue_for_enrolment

    settings.DEBUG = False
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(officer.user)
    attempt = submit_all_right(client, quiz)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.passed
    assert not Certificate.objects.filter(officer=officer).exists()  # its issue waits for the broker
    deferred = DeferredTask.objects.get(name="certificates.tasks.certificate_issue_task")
    assert deferred.args == [enrolment.pk] and "OperationalError" in deferred.error
    result = client.get(reverse("assessments:attempt-result", args=[attempt.pk])).content.decode()
    assert "đang được chuẩn bị" in result or "being prepared" in result

    assert deferred_tasks_send()["error"]  # still down: kept, attempts counted
    assert DeferredTask.objects.get().attempts == 2

    sent = broker_down()  # the broker is back
    assert deferred_tasks_send() == {"sent": 1, "left": 0, "error": ""}
    assert deferred_tasks_send() == {"sent": 0, "left": 0, "error": ""}  # a second sweep sends nothing again
    assert sent == [("certificates.tasks.certificate_issue_task", (enrolment.pk,))]
    certificate = certificate_issue_for_enrolment(enrolment_id=enrolment.pk)  # what the worker runs
    assert certificate_issue_for_enrolment(enrolment_id=enrolment.pk) == certificate  # a redelivery: the same
    assert certificate.status == Certificate.Status.PENDING
    assert sent[1:] == [("certificates.tasks.certificate_render_pdf_task", (certificate.pk,))]
    html = client.get(reverse("certificates:mine")).content.decode()
    assert "Tệp PDF đang được tạo" in html


def test_the_exam_with_redis_down_from_login_to_submit(officer, quiz, enrolment, broker_down, redis_cache,
                                                       settings):
    """Cache and broker both down: log in, start, autosave, submit — no 500; back up: the render is sent once."""
    settings.DEBUG = False
    officer.user.set_password("Mật-khẩu-2026")
    officer.user.save()
    redis_cache.down = True
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")
    response = client.post(reverse("login"), {"username": officer.user.username, "password": "Mật-khẩu-2026"})
    assert response.status_code == 302
    client.post(quiz.url, {"action": "start"})
    attempt = Attempt.objects.get(quiz=quiz)
    r = attempt.responses.select_related("version").order_by("position").first()
    saved = client.post(reverse("assessments:save-response", args=[r.pk]),
                        {"kind": r.version.kind, f"q{r.pk}": token(r, r.version.choices.get(is_correct=True)),
                         f"q{r.pk}_rev": "0"}, HTTP_X_REQUESTED_WITH="fetch")
    assert saved.status_code == 200 and saved.json()["saved"] is True
    Attempt.objects.filter(pk=attempt.pk).delete()  # start again from the page, all answered
    submit_all_right(client, quiz)
    attempt = Attempt.objects.get(quiz=quiz)
    assert attempt.status == Attempt.Status.GRADED
    assert client.get(reverse("assessments:attempt-result", args=[attempt.pk])).status_code == 200
    assert not Certificate.objects.filter(officer=officer).exists()  # its issue is deferred with the broker

    redis_cache.down = False
    time.sleep(0.06)
    sent = broker_down()
    assert deferred_tasks_send()["sent"] >= 1
    assert deferred_tasks_send()["sent"] == 0
    issues = [args for name, args in sent if name == "certificates.tasks.certificate_issue_task"]
    assert issues == [(enrolment.pk,)]
    from certificates.services import certificate_issue_for_enrolment

    certificate = certificate_issue_for_enrolment(enrolment_id=enrolment.pk)  # what the worker runs
    renders = [args for name, args in sent if name == "certificates.tasks.certificate_render_pdf_task"]
    assert renders == [(certificate.pk,)]
    assert client.get(reverse("courses:my-learning")).status_code == 200  # still logged in after Redis is back
