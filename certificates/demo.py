"""Demo certificates: officers of the demo wards who completed the demo courses at different dates.

`seed(stdout=...)` runs after people.demo and courses.demo (manage.py seed_demo). It creates the default
certificate template, completes enrolments on past dates, issues the certificates through the services and
renders every PDF during seeding. The mix covers every later view: valid, expiring within the renewal window
(the officer is re-enrolled), expired, one revoked, and one superseded by its renewal. It is idempotent: an
officer × course that already has a certificate is left alone. Skips quietly when the demo people or courses
are absent.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from courses import services as course_services
from courses.models import CoursePage, Enrolment
from people.models import Officer, RoleAssignment, Unit

from . import services
from .models import (
    DEFAULT_ISSUING_BODY,
    Certificate,
    CertificateIssuer,
    CertificateSettings,
    CertificateTemplate,
)

COURSE_SLUGS = [
    "tiep-nhan-va-tra-ket-qua-theo-nd-118",
    "van-hoa-ung-xu-tai-bo-phan-mot-cua",
    "chuyen-doi-so-tai-bo-phan-mot-cua",
]
WARD_PREFIXES = ["GD", "BT", "BLT", "TMT", "BQ"]

# (officer index within a ward, course index, days since completion). 0 = leader of the ward.
PLAN = [
    (2, 0, 420), (2, 1, 200), (3, 0, 95), (3, 1, 690), (4, 0, 30), (4, 2, 150),
    (5, 1, 15), (5, 2, 700), (6, 0, 260), (7, 1, 330), (8, 2, 45), (9, 0, 800),
]
DEMO_OFFICER = "GD003"  # the demo officer login (gd003): one of each state


def _completed_enrolment(*, officer: Officer, course: CoursePage, on: dt.date) -> Enrolment:
    enrolment = course_services.enrolment_create(officer=officer, course=course, reason=Enrolment.Reason.ROLE)
    completed_at = timezone.make_aware(dt.datetime.combine(on, dt.time(10, 30)))
    # Demo history only: the enrolment is back-dated as if the officer had finished the course that day.
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=completed_at,
        started_at=completed_at - dt.timedelta(days=12), assigned_on=on - dt.timedelta(days=30),
    )
    enrolment.refresh_from_db()
    return enrolment


def _issue(*, officer, course, on: dt.date) -> Certificate:
    enrolment = _completed_enrolment(officer=officer, course=course, on=on)
    certificate = services.certificate_issue(officer=officer, course=course, enrolment=enrolment, issued_on=on)
    services.certificate_render(certificate_id=certificate.pk, notify=False)
    certificate.refresh_from_db()
    return certificate


def _template(stdout) -> None:
    CertificateSettings.load()
    template, created = CertificateTemplate.objects.get_or_create(
        name="Mẫu chung — Học viện Một cửa",
        defaults={
            "title": "Giấy chứng nhận hoàn thành khóa bồi dưỡng",
            # The city's centre: the issuer of officers outside the wards below (per-unit issuers, _issuers).
            "governing_body": "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH",
            "issuing_unit": DEFAULT_ISSUING_BODY,
            "signer_name": "Trần Minh Quang",
            "signer_title": "Giám đốc",
            "wording": "Đã hoàn thành chương trình bồi dưỡng",
            "footer_note": "Giấy chứng nhận điện tử — quét mã QR để xác minh.",
            "is_default": not CertificateTemplate.objects.filter(is_default=True).exists(),
        },
    )
    if created:
        template.full_clean()
        template.save()
    stdout.write(f"  Mẫu giấy chứng nhận: {template.name}")
    _issuers(template, stdout)


def _governing_body(ward: Unit) -> str:
    """ "UBND phường Gia Định" → "ỦY BAN NHÂN DÂN PHƯỜNG GIA ĐỊNH" (the first header line)."""
    return ward.name.replace("UBND", "Ủy ban nhân dân").upper()


def _issuers(template: CertificateTemplate, stdout) -> None:
    """Each demo ward's certificates are issued by its Trung tâm Phục vụ hành chính công, under the UBND phường,
    signed by the centre's director (the current QL role holder there); idempotent, one issuer per ward."""
    today = timezone.localdate()
    added = 0
    for ward in Unit.objects.filter(kind=Unit.Kind.WARD).order_by("path"):
        centre = ward.children.filter(kind=Unit.Kind.SERVICE_CENTRE).order_by("code").first()
        if centre is None:
            continue
        director = (RoleAssignment.objects.current(today).filter(role__code="QL", unit=centre)
                    .select_related("officer").order_by("start_date", "pk").first())
        if director is None:
            continue
        _issuer, created = CertificateIssuer.objects.get_or_create(
            template=template, unit=ward,
            defaults={"governing_body": _governing_body(ward), "issuing_body": DEFAULT_ISSUING_BODY,
                      "signer_title": "Giám đốc", "signer_name": director.officer.full_name},
        )
        added += created
    stdout.write(f"  Cơ quan cấp theo phường: {template.issuers.count()} ({added} mới)")


@transaction.atomic
def seed(*, stdout) -> None:
    """Issue and render the demo certificates (idempotent)."""
    stdout.write("Giấy chứng nhận mẫu:")
    courses = [CoursePage.objects.filter(slug=slug).first() for slug in COURSE_SLUGS]
    courses = [c for c in courses if c is not None]
    officers = {o.employee_code: o for o in Officer.objects.filter(employee_code__regex=r"^(GD|BT|BLT|TMT|BQ)\d{3}$")}
    if not courses or not officers:
        stdout.write("  Bỏ qua: chưa có cán bộ hoặc khóa học mẫu (chạy people và courses demo trước).")
        return
    _template(stdout)
    today = timezone.localdate()
    admin = get_user_model().objects.filter(username="quantri").first()
    issued = 0

    def fresh(officer, course):
        return not Certificate.objects.filter(officer=officer, course=course).exists()

    for w, prefix in enumerate(WARD_PREFIXES):
        for index, course_index, days in PLAN:
            officer = officers.get(f"{prefix}{index:03d}")
            if officer is None or officer.employee_code == DEMO_OFFICER:
                continue
            course = courses[(course_index + w) % len(courses)]
            if fresh(officer, course):
                _issue(officer=officer, course=course, on=today - dt.timedelta(days=days + w * 3))
                issued += 1

    me = officers.get(DEMO_OFFICER)
    if me is not None and len(courses) >= 3 and not Certificate.objects.filter(officer=me).exists():
        lead = CertificateSettings.load().renewal_lead_days
        # Valid for a long while.
        _issue(officer=me, course=courses[1], on=today - dt.timedelta(days=120))
        # Expiring inside the renewal window: the daily job re-enrols the officer below.
        months = courses[0].validity_months or 24
        expiring_on = today + dt.timedelta(days=min(25, lead - 1)) - relativedelta(months=months)
        _issue(officer=me, course=courses[0], on=expiring_on)
        # Superseded: an expired certificate renewed last week keeps the chain.
        months = courses[2].validity_months or 24
        _issue(officer=me, course=courses[2], on=today - relativedelta(months=months) - dt.timedelta(days=40))
        _issue(officer=me, course=courses[2], on=today - dt.timedelta(days=7))
        issued += 4

    revoked = Certificate.objects.filter(status=Certificate.Status.REVOKED).exists()
    if not revoked:
        target = (Certificate.objects.filter(status=Certificate.Status.READY, officer__employee_code="BT004")
                  .order_by("issued_on").first()
                  or Certificate.objects.filter(status=Certificate.Status.READY).exclude(officer=me).first())
        if target is not None:
            services.certificate_revoke(
                certificate=target, revoked_by=admin,
                reason="Cấp nhầm do trùng hồ sơ học viên; đã rà soát theo biên bản kiểm tra ngày "
                       f"{today:%d/%m/%Y}.",
            )
    renewals = services.certificates_renewal_enrol(today=today)
    # Re-training from the competency records: expiring, expired and revoked evidence (the daily job's work).
    renewals += course_services.enrolments_retrain(today=today)
    counts = {s: Certificate.objects.filter(status=s).count() for s in Certificate.Status.values}
    stdout.write(
        f"  {issued} giấy chứng nhận mới (tổng: {counts['ready']} hợp lệ, {counts['revoked']} thu hồi, "
        f"{counts['superseded']} được thay thế); {renewals} lượt ghi danh gia hạn"
    )
