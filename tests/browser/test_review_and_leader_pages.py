"""In Chromium: the review marking wrong answers, a course waiting for its prerequisites and a unit's
certificates page with its filter (screenshots at phone and desktop widths in artifacts/screenshots/)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import QuestionKind
from certificates import services as certificate_services
from tests.assessments.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_fixed,
    make_question,
    token,
)
from tests.browser.conftest import browser, page, screenshot  # noqa: F401 - fixtures
from tests.certificates.factories import CertificateTemplateFactory, make_course
from tests.courses.factories import EnrolmentFactory, ModulePageFactory, build_course
from tests.people.factories import OfficerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _login(page, username):  # noqa: F811
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "matkhau-Demo-2026")
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()


def test_review_marks_the_wrong_answer(page, officer):  # noqa: F811
    course = build_course(title="Tiếp nhận hồ sơ", modules=0)
    module = ModulePageFactory(parent=course, title="Học phần 1")
    quiz = QuizPageFactory(parent=module, title="Kiểm tra cuối khóa")
    cat = QuestionCategoryFactory(name="Một cửa")
    add_fixed(quiz, make_question(QuestionKind.SINGLE, category=cat), make_question(QuestionKind.MULTIPLE, category=cat))
    attempt = assessment_services.attempt_start(quiz=quiz, officer=officer)
    for r in attempt.responses.select_related("version"):
        wrong = r.version.choices.filter(is_correct=False).first()
        assessment_services.response_save(response_id=r.pk, user=officer.user, kind=r.version.kind,
                                           choices=[token(r, wrong)])
    attempt = assessment_services.attempt_submit(attempt=attempt)
    _login(page, "officer")
    page.goto(page.base_url + reverse("assessments:attempt-review", args=[attempt.pk]))
    assert page.locator("li.is-wrong").count() == 2
    assert page.locator("li.is-wrong .badge-danger").first.inner_text().endswith("Bạn trả lời sai")
    assert page.locator("li.is-correct").count() >= 2
    screenshot(page, "assessments-review-wrong-answers")


def test_course_waiting_for_prerequisites(page, officer):  # noqa: F811
    basics = build_course(title="Kiến thức nền tảng về Một cửa", lessons=1)
    advanced = build_course(title="Giải quyết hồ sơ liên thông", lessons=2)
    advanced.prerequisites.add(basics)
    advanced.save()
    EnrolmentFactory(officer=officer, course=advanced)
    _login(page, "officer")
    page.goto(page.base_url + advanced.url)
    panel = page.locator(".course-panel")
    assert "Hãy hoàn thành khóa học “Kiến thức nền tảng về Một cửa” trước" in panel.inner_text()
    assert panel.locator("a.btn-primary").count() == 0
    screenshot(page, "courses-prerequisites-missing")


def test_unit_certificates_page(page, leader, unit_tree, settings, tmp_path):  # noqa: F811
    settings.CERTIFICATES_PRIVATE_ROOT = str(tmp_path / "private")
    CertificateTemplateFactory(name="Mặc định", is_default=True, signer_name="Trần Thị Minh Châu")
    today = timezone.localdate()
    for n, name in enumerate(("Trần Thị Bích Ngọc", "Đặng Văn Đức", "Lê Thị Ánh")):
        officer = OfficerFactory(full_name=name, unit=unit_tree["team_a"])
        cert = certificate_services.certificate_issue(officer=officer, course=make_course(title=f"Khóa {n + 1}"))
        type(cert).objects.filter(pk=cert.pk).update(status="ready", issued_on=today - dt.timedelta(days=400),
                                                     expires_on=today + dt.timedelta(days=[-5, 10, 300][n]))
    _login(page, "leader")
    page.goto(page.base_url + reverse("certificates:unit-certificates", args=[unit_tree["centre_a"].pk]))
    assert unit_tree["city"].name not in page.locator("nav.breadcrumb").inner_text()
    page.select_option("#sort-filter", "expiry")
    page.wait_for_url("**sort=expiry**")
    rows = page.locator(".cert-table tbody tr")
    assert rows.count() == 3 and "Trần Thị Bích Ngọc" in rows.first.inner_text()  # expired 5 days ago
    screenshot(page, "certificates-unit-list")
    page.select_option("#status-filter", "soon")
    page.wait_for_url("**status=soon**")
    assert page.locator(".cert-table tbody tr").count() == 1
