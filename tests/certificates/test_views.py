import datetime as dt
import io
import zipfile

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from certificates import services
from certificates.models import Certificate, UnitArchive
from certificates.views import VERIFY_RATE_LIMIT
from tests.certificates.factories import make_course
from tests.people.factories import OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certificate(officer, course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(officer=officer, course=course)
    certificate.refresh_from_db()
    return certificate


def verify_page(client, certificate):
    return client.get(reverse("certificates:verify-code", args=[certificate.code]))


def test_verify_states(client, certificate, officer, administrator):
    response = verify_page(client, certificate)
    assert response.status_code == 200 and response.context["state"] == "valid"
    body = response.content.decode()
    assert "Nguyễn Thị Lan" in body and certificate.serial in body
    assert officer.employee_code not in body and officer.email not in body  # nothing that is not printed... privately

    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1),
                                                         issued_on=timezone.localdate() - dt.timedelta(days=700))
    assert verify_page(client, certificate).context["state"] == "expired"

    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() + dt.timedelta(days=30))
    renewed = services.certificate_renew(certificate=Certificate.objects.get(pk=certificate.pk))
    assert verify_page(client, certificate).context["state"] == "superseded"

    services.certificate_revoke(certificate=renewed, reason="Sai thông tin", revoked_by=administrator)
    response = verify_page(client, renewed)
    assert response.context["state"] == "revoked"
    assert "Sai thông tin" not in response.content.decode()  # the reason is not public


def test_verify_page_is_vietnamese(client, certificate):
    body = verify_page(client, certificate).content.decode()
    with translation.override("vi"):
        assert translation.gettext("Verify a certificate") in body
        assert translation.gettext("This certificate is genuine and valid.") in body
    assert "Xác minh giấy chứng nhận" in body


def test_verify_by_form_and_unknown_codes_look_the_same(client, certificate):
    url = reverse("certificates:verify")
    assert client.get(url).status_code == 200
    ok = client.post(url, {"serial": certificate.serial.lower(), "code": certificate.code})
    assert ok.status_code == 200 and ok.context["state"] == "valid"
    # One character off the real code (never the real code itself, whatever its last character is).
    near_code = certificate.code[:-1] + ("B" if certificate.code.endswith("A") else "A")
    near = client.post(url, {"serial": certificate.serial, "code": near_code})
    unknown_serial = client.post(url, {"serial": "OSA-2026-999999", "code": certificate.code})
    assert near.status_code == unknown_serial.status_code == 404
    assert near.context["not_found"] and unknown_serial.context["not_found"]
    assert "certificate" not in near.context or near.context.get("certificate") is None
    strip = lambda r: r.content.decode().replace(near_code, "").replace(  # noqa: E731
        "OSA-2026-999999", "").replace(certificate.code, "").replace(certificate.serial, "")
    assert strip(near).count("alert-error") == strip(unknown_serial).count("alert-error") == 1
    bad_code = client.get(reverse("certificates:verify-code", args=[near_code]))
    assert bad_code.status_code == 404


def test_verify_is_rate_limited_per_address(client, certificate):
    url = reverse("certificates:verify-code", args=["nothing-here"])
    for _ in range(VERIFY_RATE_LIMIT):
        assert client.get(url).status_code == 404
    limited = client.get(reverse("certificates:verify-code", args=[certificate.code]))
    assert limited.status_code == 429
    assert "certificate" not in limited.context or limited.context.get("certificate") is None
    assert client.post(reverse("certificates:verify"), {"serial": certificate.serial,
                                                        "code": certificate.code}).status_code == 429
    other = client.get(reverse("certificates:verify-code", args=[certificate.code]), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_download_permissions(client, certificate, officer, leader, sibling_leader, other_unit_officer,
                              administrator):
    url = reverse("certificates:download", args=[certificate.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]

    client.force_login(officer.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert f'{certificate.serial}.pdf' in response["Content-Disposition"]

    client.force_login(leader.user)
    assert client.get(url).status_code == 200
    client.force_login(administrator)
    assert client.get(url).status_code == 200
    for outsider in (sibling_leader.user, other_unit_officer.user):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    assert client.get(reverse("certificates:download", args=[999999])).status_code == 404


def test_no_public_media_url_for_the_pdf(client, certificate, settings):
    assert not certificate.pdf.path.startswith(str(settings.MEDIA_ROOT))
    assert client.get(settings.MEDIA_URL + certificate.pdf.name).status_code == 404


def test_my_certificates_page(client, certificate, officer, other_unit_officer, django_assert_max_num_queries):
    other_course = make_course(title="Giao tiếp với người dân")
    services.certificate_issue(officer=other_unit_officer, course=other_course)
    client.force_login(officer.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("certificates:mine"))
    body = response.content.decode()
    assert response.status_code == 200
    assert certificate.serial in body and "Giao tiếp với người dân" not in body
    assert reverse("certificates:download", args=[certificate.pk]) in body
    with translation.override("vi"):
        assert translation.gettext("My certificates") in body
    assert "Chứng nhận của tôi" in body
    assert client.get(reverse("certificates:mine")).status_code == 200
    client.logout()
    assert client.get(reverse("certificates:mine")).status_code == 302


def test_leader_unit_pages_and_zip(client, certificate, leader, sibling_leader, officer, unit_tree,
                                   django_capture_on_commit_callbacks, django_assert_max_num_queries):
    for n in range(3):
        extra = OfficerFactory(unit=unit_tree["centre_a"])
        services.certificate_issue(officer=extra, course=make_course(title=f"Khóa {n}"))
    client.force_login(leader.user)
    with django_assert_max_num_queries(12):
        units = client.get(reverse("certificates:units"))
    assert units.status_code == 200
    ward = unit_tree["ward_a"]
    with django_assert_max_num_queries(14):
        listing = client.get(reverse("certificates:unit-certificates", args=[ward.pk]))
    assert listing.status_code == 200 and certificate.serial in listing.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certificates:archive-request", args=[ward.pk]))
    archive = UnitArchive.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("certificates:archive-detail",
                                                                          args=[archive.pk])
    status = client.get(reverse("certificates:archive-status", args=[archive.pk])).json()
    assert status["status"] == "ready" and status["percent"] == 100 and status["total"] == 1
    detail = client.get(reverse("certificates:archive-detail", args=[archive.pk]))
    assert detail.status_code == 200 and 'role="progressbar"' in detail.content.decode()
    download = client.get(reverse("certificates:archive-download", args=[archive.pk]))
    assert download.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert names == [f"{certificate.serial} - Nguyen Thi Lan.pdf"]  # the 3 others are still pending (not rendered)

    # A sibling leader can neither list, build nor fetch ward A's certificates.
    client.force_login(sibling_leader.user)
    assert client.get(reverse("certificates:unit-certificates", args=[ward.pk])).status_code == 404
    assert client.post(reverse("certificates:archive-request", args=[ward.pk])).status_code == 404
    assert client.get(reverse("certificates:archive-detail", args=[archive.pk])).status_code == 404
    assert client.get(reverse("certificates:archive-download", args=[archive.pk])).status_code == 404
    # An officer is not a leader.
    client.force_login(officer.user)
    assert client.get(reverse("certificates:units")).status_code == 403
    assert client.get(reverse("certificates:archive-request", args=[ward.pk])).status_code in (403, 405)


def test_archive_get_is_not_allowed(client, leader, unit_tree):
    client.force_login(leader.user)
    assert client.get(reverse("certificates:archive-request", args=[unit_tree["ward_a"].pk])).status_code == 405


class TestAdmin:
    def test_listing_filter_render_again_and_revoke(self, client, administrator, officer, course, monkeypatch,
                                                    django_capture_on_commit_callbacks):
        from certificates import pdf

        monkeypatch.setattr(pdf, "render_certificate_pdf", lambda **kw: (_ for _ in ()).throw(ValueError("boom")))
        with django_capture_on_commit_callbacks(execute=True):
            certificate = services.certificate_issue(officer=officer, course=course)
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.FAILED
        monkeypatch.undo()

        client.force_login(administrator)
        index = reverse("certificates_admin:index")
        listing = client.get(index, {"status": "failed"})
        assert listing.status_code == 200
        body = listing.content.decode()
        assert certificate.serial in body
        render_again = reverse("certificates_admin:render_again", args=[certificate.pk])
        assert render_again in body
        assert certificate.serial not in client.get(index, {"status": "ready"}).content.decode()

        assert client.get(render_again).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(render_again).status_code == 302
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.READY

        revoke = reverse("certificates_admin:revoke", args=[certificate.pk])
        assert client.post(revoke, {"reason": ""}).status_code == 200
        assert client.post(revoke, {"reason": "Hồ sơ giả mạo"}).status_code == 302
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.REVOKED and certificate.revoked_by == administrator
        assert client.get(reverse("certificates_admin:inspect", args=[certificate.pk])).status_code == 200
        assert client.get(reverse("certificates_admin:pdf", args=[certificate.pk])).status_code == 200
        assert verify_page(client, certificate).context["state"] == "revoked"

    def test_actions_denied_to_non_administrators(self, client, leader, officer, course):
        certificate = services.certificate_issue(officer=officer, course=course)
        client.force_login(leader.user)
        for name in ("render_again", "revoke", "pdf"):
            assert client.post(reverse(f"certificates_admin:{name}", args=[certificate.pk])).status_code in (302, 403)
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.PENDING

    def test_issue_for_prior_learning(self, client, administrator, officer, course):
        client.force_login(administrator)
        url = reverse("certificates_admin:prior_learning")
        assert client.get(url).status_code == 200
        bad = client.post(url, {"employee_code": "NOPE", "course": course.pk, "issued_on": "02/03/2026",
                                "note": "x"})
        assert bad.status_code == 200 and Certificate.objects.count() == 0
        response = client.post(url, {"employee_code": officer.employee_code.lower(), "course": course.pk,
                                     "issued_on": "02/03/2026", "note": "QĐ 12/QĐ-TTPVHCC"})
        assert response.status_code == 302
        certificate = Certificate.objects.get()
        assert certificate.basis == Certificate.Basis.PRIOR_LEARNING and certificate.issued_on == dt.date(2026, 3, 2)

    def test_template_preview_is_a_pdf(self, client, administrator, default_template):
        client.force_login(administrator)
        assert client.get(reverse("wagtailsnippets_certificates_certificatetemplate:list")).status_code == 200
        edit = client.get(reverse("wagtailsnippets_certificates_certificatetemplate:edit",
                                  args=[default_template.pk]))
        assert edit.status_code == 200
        preview_url = reverse("wagtailsnippets_certificates_certificatetemplate:preview_on_edit",
                              args=[default_template.pk])
        assert preview_url in edit.content.decode()
