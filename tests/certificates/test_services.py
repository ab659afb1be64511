import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates import services
from certificates.exceptions import CertificateError
from certificates.models import Certificate, CertificateSettings, SerialCounter
from courses.models import Enrolment
from courses.signals import course_completed
from people.models import Attainment
from tests.certificates.factories import EnrolmentFactory, make_course

pytestmark = pytest.mark.django_db


def issue(officer, course, **kwargs):
    return services.certificate_issue(officer=officer, course=course, **kwargs)


def test_issue_snapshots_serial_code_and_attainments(officer, course, default_template,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(officer, course, issued_on=dt.date(2026, 6, 9))
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.READY
    assert certificate.serial == "OSA-2026-000001"
    assert len(certificate.code) >= 22  # token_urlsafe(24): 192 bits
    assert certificate.officer_name == "Nguyễn Thị Lan"
    assert certificate.unit_name == "Tổ tiếp nhận số 1"
    assert certificate.course_title == course.title
    assert [(c["code"], c["level"]) for c in certificate.competencies] == [("NV04", 2), ("GT02", 1)]
    assert certificate.expires_on == dt.date(2028, 6, 8)
    assert certificate.template == default_template
    assert certificate.pdf.name == "certificates/2026/OSA-2026-000001.pdf"
    with certificate.pdf.open("rb") as fh:
        assert fh.read(4) == b"%PDF"
    attainments = Attainment.objects.filter(officer=officer).order_by("competency__code")
    assert [(a.competency.code, a.level, a.expires_on, a.evidence_reference) for a in attainments] == [
        ("GT02", 1, dt.date(2028, 6, 8), "OSA-2026-000001"),
        ("NV04", 2, dt.date(2028, 6, 8), "OSA-2026-000001"),
    ]
    assert all(a.kind == Attainment.Kind.CERTIFICATE and a.certificate_serial == certificate.serial
               for a in attainments)


def test_pdf_is_not_under_media_root(officer, course, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(officer, course)
    certificate.refresh_from_db()
    path = certificate.pdf.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        certificate.pdf.url  # noqa: B018 - private storage has no URL


def test_issue_is_idempotent_for_the_same_enrolment_and_signal(officer, course, django_capture_on_commit_callbacks):
    enrolment = EnrolmentFactory(officer=officer, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        course_completed.send(sender=Enrolment, enrolment=enrolment)
        course_completed.send(sender=Enrolment, enrolment=enrolment)
        first = issue(officer, course, enrolment=enrolment)
    assert Certificate.objects.filter(officer=officer, course=course).count() == 1
    assert first.enrolment == enrolment
    assert SerialCounter.objects.get(year=first.issued_on.year).last_number == 1


def test_a_second_completion_within_validity_returns_the_valid_certificate(officer, course):
    first = issue(officer, course, enrolment=EnrolmentFactory(officer=officer, course=course))
    again = issue(officer, course, enrolment=EnrolmentFactory(officer=officer, course=course))
    assert again.pk == first.pk
    assert Certificate.objects.count() == 1


def test_database_refuses_a_second_valid_certificate(officer, course):
    first = issue(officer, course)
    duplicate = Certificate(
        officer=officer, course=course, serial="OSA-2026-999999", code="x" * 32, officer_name="x", unit_name="x",
        course_title="x", issued_on=first.issued_on, issuing_place="x",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # Once superseded or revoked, the old one no longer blocks a new one.
    Certificate.objects.filter(pk=first.pk).update(status=Certificate.Status.SUPERSEDED)
    duplicate.save()


def test_serials_are_gap_free_and_restart_each_year(officer, other_unit_officer, competencies):
    courses = [make_course(title=f"Khóa {n}") for n in range(3)]
    a = issue(officer, courses[0], issued_on=dt.date(2026, 12, 31))
    # A failed issue (rolled back) gives its number back.
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(officer, courses[1], issued_on=dt.date(2026, 12, 31))
        raise RuntimeError("boom")
    b = issue(other_unit_officer, courses[1], issued_on=dt.date(2026, 12, 31))
    c = issue(officer, courses[2], issued_on=dt.date(2027, 1, 1))
    d = issue(other_unit_officer, courses[2], issued_on=dt.date(2027, 1, 2))
    assert [x.serial for x in (a, b, c, d)] == [
        "OSA-2026-000001", "OSA-2026-000002", "OSA-2027-000001", "OSA-2027-000002",
    ]


def test_snapshot_is_unchanged_after_renaming_officer_unit_and_course(officer, course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(officer, course)
    officer.full_name = "Nguyễn Thị Lan Anh"
    officer.save()
    officer.unit.name = "Tổ một cửa số 9"
    officer.unit.save()
    course.title = "Khóa học đã đổi tên"
    course.save_revision().publish()
    certificate.refresh_from_db()
    assert certificate.officer_name == "Nguyễn Thị Lan"
    assert certificate.unit_name == "Tổ tiếp nhận số 1"
    assert certificate.course_title == "Tiếp nhận và trả kết quả theo Nghị định 118/2025/NĐ-CP"


@pytest.mark.parametrize(("issued", "months", "until"), [
    (dt.date(2026, 6, 9), 24, dt.date(2028, 6, 8)),
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 27)),
    (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 27)),
    (dt.date(2026, 6, 9), 0, None),
])
def test_valid_until(issued, months, until):
    assert services.certificate_valid_until(issued_on=issued, validity_months=months) == until


def test_renewal_supersedes_only_inside_the_renewal_window(officer, course):
    CertificateSettings.objects.create(renewal_lead_days=60)
    today = timezone.localdate()
    old = issue(officer, course, issued_on=today - dt.timedelta(days=365 * 2 - 90))
    assert old.expires_on - today > dt.timedelta(days=60)
    with pytest.raises(CertificateError):
        services.certificate_renew(certificate=old)
    Certificate.objects.filter(pk=old.pk).update(expires_on=today + dt.timedelta(days=59))
    old.refresh_from_db()
    new = services.certificate_renew(certificate=old)
    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED
    assert old.superseded_by == new
    assert new.supersedes == old
    assert new.issued_on == today
    assert new.expires_on == services.certificate_valid_until(issued_on=today, validity_months=24)
    assert old.verify_state() == "superseded"


def test_completing_the_renewal_enrolment_issues_the_renewed_certificate(officer, course,
                                                                       django_capture_on_commit_callbacks):
    today = timezone.localdate()
    old = issue(officer, course, issued_on=today - dt.timedelta(days=800))  # expired
    assert old.is_expired()
    enrolment = EnrolmentFactory(officer=officer, course=course, reason=Enrolment.Reason.RENEWAL)
    with django_capture_on_commit_callbacks(execute=True):
        course_completed.send(sender=Enrolment, enrolment=enrolment)
    old.refresh_from_db()
    new = Certificate.objects.get(enrolment=enrolment)
    assert old.superseded_by == new and new.status == Certificate.Status.READY


def test_renewal_enrolment_n_days_before_expiry(officer, course):
    CertificateSettings.objects.create(renewal_lead_days=60)
    today = timezone.localdate()
    certificate = issue(officer, course, issued_on=today - dt.timedelta(days=700))
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=today + dt.timedelta(days=61))
    assert services.certificates_renewal_enrol(today=today) == 0
    assert services.certificates_renewal_enrol(today=today + dt.timedelta(days=1)) == 1
    enrolment = Enrolment.objects.get(officer=officer, course=course, status=Enrolment.Status.ACTIVE)
    assert enrolment.reason == Enrolment.Reason.RENEWAL
    assert enrolment.due_on == today + dt.timedelta(days=61)
    # The next day does not enrol again.
    assert services.certificates_renewal_enrol(today=today + dt.timedelta(days=2)) == 0
    assert Enrolment.objects.filter(officer=officer, course=course).count() == 1


def test_expired_certificate_stops_counting_after_its_last_day(officer, course):
    certificate = issue(officer, course, issued_on=dt.date(2024, 1, 10))
    attainment = Attainment.objects.filter(evidence_reference=certificate.serial).first()
    assert certificate.expires_on == dt.date(2026, 1, 9)
    assert attainment.expires_on == certificate.expires_on
    assert attainment.is_valid_on(dt.date(2026, 1, 9))
    assert not attainment.is_valid_on(dt.date(2026, 1, 10))
    assert certificate.verify_state(on=dt.date(2026, 1, 9)) == "pending" or certificate.status != "ready"
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.READY)
    certificate.refresh_from_db()
    assert certificate.verify_state(on=dt.date(2026, 1, 9)) == "valid"
    assert certificate.verify_state(on=dt.date(2026, 1, 10)) == "expired"
    # The daily job pulls back an attainment that was extended by hand.
    Attainment.objects.filter(pk=attainment.pk).update(expires_on=dt.date(2030, 1, 1))
    assert services.certificates_expire(today=dt.date(2026, 1, 10)) >= 1
    attainment.refresh_from_db()
    assert attainment.expires_on == dt.date(2026, 1, 9)


def test_revoke_records_reason_and_revokes_attainments(officer, course, administrator):
    certificate = issue(officer, course)
    with pytest.raises(CertificateError):
        services.certificate_revoke(certificate=certificate, reason=" ", revoked_by=administrator)
    services.certificate_revoke(certificate=certificate, reason="Cấp nhầm người", revoked_by=administrator)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_by == administrator and certificate.revoked_reason == "Cấp nhầm người"
    assert certificate.verify_state() == "revoked"
    revoked = list(Attainment.objects.filter(certificate_serial=certificate.serial))
    assert revoked and all(a.revoked_at and a.revoked_reason == "Cấp nhầm người" and a.revoked_by == administrator
                           for a in revoked)
    assert not Attainment.objects.filter(certificate_serial=certificate.serial).not_revoked().exists()
    with pytest.raises(CertificateError):
        services.certificate_revoke(certificate=certificate, reason="again", revoked_by=administrator)
    # A new certificate can be issued after a revocation.
    assert issue(officer, course).pk != certificate.pk


def test_prior_learning_by_administrator(officer, course, administrator):
    with pytest.raises(CertificateError):
        services.certificate_issue_prior_learning(officer=officer, course=course, issued_by=administrator, note="")
    certificate = services.certificate_issue_prior_learning(
        officer=officer, course=course, issued_by=administrator, issued_on=dt.date(2026, 3, 2),
        note="Quyết định công nhận số 12/QĐ-TTPVHCC",
    )
    assert certificate.basis == Certificate.Basis.PRIOR_LEARNING
    assert certificate.issued_by == administrator
    assert set(Attainment.objects.filter(evidence_reference=certificate.serial).values_list("kind", flat=True)) \
        == {Attainment.Kind.PRIOR_LEARNING}


def test_officer_is_emailed_once_when_ready(officer, course, mailoutbox, django_capture_on_commit_callbacks):
    from certificates.tasks import certificate_render_pdf_task

    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(officer, course)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_render_pdf_task.apply(args=[certificate.pk])  # a redelivery: no second e-mail
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [officer.email]
    assert certificate.serial in message.subject
    assert f"/chung-nhan/xac-minh/{certificate.code}/" in message.body
