"""The officer's competency profile: content per role, access (allowed and denied), PDF, query bounds."""

import datetime as dt
import shutil
import subprocess

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation

from people import services as people_services
from people.models import Attainment
from tests.people.factories import (
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
    UserFactory,
)

MY = reverse_lazy("dashboards:my-competencies")  # lazy: no URLconf import at collection


def officer_url(officer):
    return reverse("dashboards:officer-competencies", args=[officer.pk])


def vi(msgid):
    with translation.override("vi"):
        return translation.gettext(msgid)


@pytest.mark.django_db
class TestContent:
    def test_every_role_and_every_required_competency_with_its_status(self, client, officer, competency_world):
        client.force_login(officer.user)
        response = client.get(MY)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Công chức tiếp nhận và trả kết quả" in html and "Người hướng dẫn, hỗ trợ" in html
        for code in ("NV01", "NV04", "GT02", "CN03", "GT05"):
            assert code in html
        for status in ("Đạt", "Sắp hết hạn", "Hết hạn", "Chưa đạt"):
            assert f">{status}</span>" in html, status
        profile = response.context["profile"]
        rows = {r.competency.code: r for g in profile.groups for r in g.rows}
        assert rows["NV04"].status == "đạt"
        assert rows["NV01"].status == "sắp hết hạn"
        assert rows["GT02"].status == "hết hạn" and rows["GT02"].required_level == 2
        assert rows["CN03"].status == "chưa đạt"
        assert rows["GT05"].status == "đạt"
        # GT02 is required by both roles: listed under each, counted once in the headline.
        assert sum(1 for g in profile.groups for r in g.rows if r.competency.code == "GT02") == 2
        assert (profile.met, profile.required) == (2 + 1, 5)

    def test_dates_are_dd_mm_yyyy_and_evidence_links(self, client, officer, competency_world):
        client.force_login(officer.user)
        html = client.get(MY).content.decode()
        today = competency_world["today"]
        nv01_until = today - relativedelta(months=11) + relativedelta(months=12)
        assert nv01_until.strftime("%d/%m/%Y") in html
        certificate = competency_world["certificate"]
        assert reverse("certificates:verify-code", args=[certificate.code]) in html
        assert reverse("dashboards:observation", args=[competency_world["observation"].pk]) in html
        assert "Quyết định 12/QĐ-UBND" in html

    def test_level_behaviours_and_next_steps(self, client, officer, competency_world):
        client.force_login(officer.user)
        html = client.get(MY).content.decode()
        assert "GT02: tự thực hiện đúng quy trình trong các trường hợp thường gặp." in html
        assert "Chưa có khóa học — hãy hỏi lãnh đạo đơn vị." in html
        course = competency_world["gt02_course"]
        assert reverse("courses:enrol", args=[course.pk]) in html

    def test_enrol_from_the_profile_comes_back_to_it(self, client, officer, competency_world):
        client.force_login(officer.user)
        course = competency_world["gt02_course"]
        response = client.post(reverse("courses:enrol", args=[course.pk]), {"next": str(MY)})
        assert response.status_code == 302 and response.url == MY
        html = client.get(MY).content.decode()
        assert reverse("courses:enrol", args=[course.pk]) not in html
        enrolment = officer.enrolments.get(course=course)
        assert reverse("courses:continue", args=[enrolment.pk]) in html

    def test_officer_without_role(self, client, officer):
        client.force_login(officer.user)
        response = client.get(MY)
        assert response.status_code == 200
        assert vi("No current desk role") in response.content.decode()

    def test_my_learning_readiness_links_to_the_profile(self, client, officer, competency_world):
        client.force_login(officer.user)
        html = client.get(reverse("courses:my-learning")).content.decode()
        assert f'href="{MY}"' in html

    def test_unit_officer_list_links_each_profile(self, client, leader, officer, competency_world, unit_tree):
        client.force_login(leader.user)
        html = client.get(reverse("dashboards:unit", args=[unit_tree["ward_a"].pk])).content.decode()
        assert officer_url(officer) in html


@pytest.mark.django_db
class TestAccess:
    def test_anonymous_goes_to_login(self, client, officer):
        for url in (MY, officer_url(officer)):
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_officer_sees_own_profile_but_not_the_leaders_page(self, client, officer, other_unit_officer):
        client.force_login(officer.user)
        assert client.get(MY).status_code == 200
        assert client.get(officer_url(other_unit_officer)).status_code == 403
        assert client.get(officer_url(officer)).status_code == 403

    def test_leader_in_scope(self, client, leader, officer, competency_world):
        client.force_login(leader.user)
        response = client.get(officer_url(officer))
        assert response.status_code == 200
        assert officer.full_name in response.content.decode()
        assert response.context["can_observe"] is True

    def test_leader_of_a_sibling_unit_gets_404(self, client, sibling_leader, officer):
        client.force_login(sibling_leader.user)
        assert client.get(officer_url(officer)).status_code == 404

    def test_administrator_sees_everyone(self, client, administrator, officer, other_unit_officer):
        client.force_login(administrator)
        assert client.get(officer_url(officer)).status_code == 200
        assert client.get(officer_url(other_unit_officer)).status_code == 200

    def test_trainer_gets_403_and_my_page_404(self, client, trainer, officer):
        client.force_login(trainer)
        assert client.get(officer_url(officer)).status_code == 403
        assert client.get(MY).status_code == 404

    def test_centre_director_sees_officers_of_their_centre_only(self, client, unit_tree, officer,
                                                               other_unit_officer):
        director = OfficerFactory(full_name="Võ Quốc Bảo", unit=unit_tree["centre_a"],
                                  user=UserFactory(username="director", groups=["Officer"]))
        RoleAssignmentFactory(officer=director, role=DeskRoleFactory(code="QL", name_vi="Giám đốc Trung tâm"))
        client.force_login(director.user)
        assert client.get(officer_url(officer)).status_code == 200
        assert client.get(officer_url(other_unit_officer)).status_code == 404

    def test_post_is_not_allowed(self, client, officer):
        client.force_login(officer.user)
        assert client.post(MY).status_code == 405


@pytest.mark.django_db
def test_pdf_renders_with_name_and_status(client, officer, competency_world, tmp_path):
    client.force_login(officer.user)
    response = client.get(MY, {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "profile.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert officer.full_name in text
    assert "Sắp hết hạn" in text and "Chưa đạt" in text
    assert "NV04" in text


@pytest.mark.django_db
def test_leader_gets_the_pdf_of_an_officer_in_scope(client, leader, officer, competency_world):
    client.force_login(leader.user)
    response = client.get(officer_url(officer), {"format": "pdf"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def _officer_with(n_competencies, unit, role_code):
    """An officer holding one role requiring `n_competencies` competencies, each with evidence."""
    role = DeskRoleFactory(code=role_code)
    officer = OfficerFactory(unit=unit)
    RoleAssignmentFactory(officer=officer, role=role)
    today = timezone.localdate()
    for n in range(n_competencies):
        comp = CompetencyFactory(code=f"{role_code}{n:02d}", level_1="a", level_2="b", level_3="c")
        RoleRequirementFactory(role=role, competency=comp, level=1)
        people_services.evidence_record(officer=officer, competency=comp, level=2,
                                        achieved_on=today - dt.timedelta(days=10), kind=Attainment.Kind.PRIOR_LEARNING,
                                        basis=f"QĐ {n}")
    return officer


@pytest.mark.django_db
def test_profile_queries_do_not_grow_with_requirements_and_evidence(client, unit_tree, leader,
                                                                    django_assert_max_num_queries):
    small = _officer_with(1, unit_tree["team_a"], "RA")
    large = _officer_with(20, unit_tree["team_a"], "RB")
    # One observation with one comment for the small profile, three of each for the large one.
    for who, count in ((small, 1), (large, 3)):
        for n, comp in enumerate(CompetencyFactory.create_batch(count)):
            observation = people_services.observation_record(observer=leader.user, officer=who, competency=comp,
                                                             level=2, observed_on=timezone.localdate(),
                                                             notes=f"Lần {n}")
            people_services.observation_comment(observation=observation, author=who.user, kind="acknowledge",
                                                text="")
    client.force_login(small.user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(MY).status_code == 200
    client.force_login(large.user)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(MY)
    assert response.status_code == 200
    assert len(response.context["profile"].groups[0].rows) == 20
    assert len(response.context["profile"].observations) == 3
