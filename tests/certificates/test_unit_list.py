"""The leaders' unit-certificates page: filtered and sorted by status and expiry, breadcrumbs inside the leader's
scope, "My units" highlighted; the unit ZIP names its files "<serial> - <officer name>.pdf" in ASCII."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, UnitArchive
from tests.certificates.factories import make_course
from tests.people.factories import OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificates(unit_tree, default_template, settings, tmp_path):
    """Four officers of ward A: valid (far), expiring soon, expired, revoked; and one PDF-less pending one."""
    settings.CERTIFICATES_PRIVATE_ROOT = str(tmp_path / "private")
    today = timezone.localdate()
    made = {}
    for key, name, unit, expires in (
        ("valid", "Trần Thị Bích Ngọc", "team_a", today + dt.timedelta(days=400)),
        ("soon", "Đặng Văn Đức", "centre_a", today + dt.timedelta(days=10)),
        ("expired", "Lê Thị Ánh", "ward_a", today - dt.timedelta(days=3)),
        ("revoked", "Phạm Minh Quân", "team_a", today + dt.timedelta(days=200)),
    ):
        officer = OfficerFactory(full_name=name, unit=unit_tree[unit])
        cert = services.certificate_issue(officer=officer, course=make_course(title=f"Khóa {key}"))
        cert.pdf.save(f"{cert.serial}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        revoked = {"revoked_at": timezone.now(), "revoked_reason": "Cấp nhầm"} if key == "revoked" else {}
        Certificate.objects.filter(pk=cert.pk).update(
            status=Certificate.Status.REVOKED if key == "revoked" else Certificate.Status.READY, **revoked,
            issued_on=min(today, expires) - dt.timedelta(days=30), expires_on=expires, pdf=cert.pdf.name)
        made[key] = Certificate.objects.get(pk=cert.pk)
    return made


def _rows(html: str) -> list[str]:
    return re.findall(r'class="nowrap">([^<]+)</td>', html)


def test_filter_by_status_and_expiry(client, leader, unit_tree, certificates, django_assert_max_num_queries):
    client.force_login(leader.user)
    url = reverse("certificates:unit-certificates", args=[unit_tree["ward_a"].pk])
    for state, expected in (("valid", "valid"), ("soon", "soon"), ("expired", "expired"), ("revoked", "revoked")):
        with django_assert_max_num_queries(14):
            html = client.get(url, {"status": state}, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        assert _rows(html) == [certificates[expected].serial], state
    assert "Không có chứng nhận nào khớp với bộ lọc này." in client.get(url, {"status": "superseded"}).content.decode()
    assert len(_rows(client.get(url, {"status": "nonsense"}).content.decode())) == 4  # unknown: everything


def test_sort_by_expiry_and_status(client, leader, unit_tree, certificates):
    client.force_login(leader.user)
    url = reverse("certificates:unit-certificates", args=[unit_tree["ward_a"].pk])
    c = certificates
    assert _rows(client.get(url, {"sort": "expiry"}).content.decode()) == [
        c["expired"].serial, c["soon"].serial, c["revoked"].serial, c["valid"].serial]
    assert _rows(client.get(url, {"sort": "-expiry"}).content.decode()) == [
        c["valid"].serial, c["revoked"].serial, c["soon"].serial, c["expired"].serial]
    assert _rows(client.get(url, {"sort": "state"}).content.decode()) == [
        c["expired"].serial, c["soon"].serial, c["valid"].serial, c["revoked"].serial]
    by_name = _rows(client.get(url).content.decode())  # default: officer name (Vietnamese sort name)
    assert set(by_name) == {x.serial for x in c.values()}


def test_the_page_looks_like_the_other_leader_pages(client, leader, unit_tree, certificates):
    client.force_login(leader.user)
    html = client.get(reverse("certificates:unit-certificates", args=[unit_tree["centre_a"].pk]),
                      HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'class="card filters cert-filters"' in html and "data-autosubmit" in html
    assert "Sắp xếp theo" in html and "Hiệu lực đến, gần nhất trước" in html
    # "My units" is the current menu item, not "My certificates".
    current = re.search(r'<a[^>]*aria-current="page"[^>]*>(.*?)</a>', html, flags=re.S)
    assert current and "Đơn vị của tôi" in current.group(1), current and current.group(0)


def test_breadcrumbs_stay_inside_the_leaders_scope(client, leader, unit_tree, certificates):
    client.force_login(leader.user)
    city, ward, centre, team = (unit_tree[k] for k in ("city", "ward_a", "centre_a", "team_a"))
    for name, kind in (("certificates:unit-certificates", "cert"), ("dashboards:unit", "dash")):
        top = client.get(reverse(name, args=[ward.pk])).content.decode()
        crumbs = top.split('class="breadcrumb"')[1].split("</nav>")[0]
        assert reverse(name, args=[city.pk]) not in crumbs and city.name not in crumbs, kind
        below = client.get(reverse(name, args=[team.pk])).content.decode()
        crumbs = below.split('class="breadcrumb"')[1].split("</nav>")[0]
        assert reverse(name, args=[city.pk]) not in crumbs, kind
        assert reverse(name, args=[ward.pk]) in crumbs and reverse(name, args=[centre.pk]) in crumbs, kind
        # Every link the breadcrumb shows opens.
        for href in re.findall(r'href="([^"]+)"', crumbs):
            assert client.get(href).status_code == 200, href


def test_an_administrator_sees_every_unit_above(client, administrator, unit_tree):
    client.force_login(administrator)
    html = client.get(reverse("dashboards:unit", args=[unit_tree["team_a"].pk])).content.decode()
    crumbs = html.split('class="breadcrumb"')[1].split("</nav>")[0]
    assert reverse("dashboards:unit", args=[unit_tree["city"].pk]) in crumbs


def test_zip_names_files_by_serial_and_ascii_officer_name(client, leader, unit_tree, certificates,
                                                          django_capture_on_commit_callbacks):
    client.force_login(leader.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificates:archive-request", args=[unit_tree["ward_a"].pk]))
    archive = UnitArchive.objects.get()
    download = client.get(reverse("certificates:archive-download", args=[archive.pk]))
    names = sorted(zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist())
    c = certificates
    assert names == sorted([f"{c['valid'].serial} - Tran Thi Bich Ngoc.pdf", f"{c['soon'].serial} - Dang Van Duc.pdf",
                            f"{c['expired'].serial} - Le Thi Anh.pdf"])  # READY only: the revoked one is left out
    assert all(n.isascii() for n in names)
