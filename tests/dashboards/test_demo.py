"""people.demo.seed: the real units, roles, competencies and requirements, ~60 officers, four demo logins."""

import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from people import demo
from people.models import Competency, CompetencyArea, DeskRole, Officer, RoleAssignment, RoleRequirement, Unit
from people.roles import ADMINISTRATOR, LEADER, OFFICER, TRAINER, is_administrator, is_leader, is_trainer
from people.selectors import current_assignments_for_officer


def _counts():
    return (
        Unit.objects.count(), DeskRole.objects.count(), CompetencyArea.objects.count(), Competency.objects.count(),
        RoleRequirement.objects.count(), Officer.objects.count(), RoleAssignment.objects.count(),
        get_user_model().objects.count(),
    )


@pytest.fixture
def seeded(db):
    demo.seed(stdout=io.StringIO())


@pytest.mark.django_db
class TestSeed:
    def test_loads_the_domain_data(self, seeded):
        assert Unit.objects.count() == 12
        assert Unit.objects.get(code="GIADINH-TT").parent.code == "GIADINH"
        assert Unit.objects.get(code="GIADINH").former_names.count() == 4
        assert list(DeskRole.objects.values_list("code", flat=True)) == ["TN", "HD", "TL", "QL", "LD", "IT"]
        assert dict(CompetencyArea.objects.values_list("code", "name_vi")) == {
            "procedure": "Giải quyết thủ tục hành chính",
            "communication": "Giao tiếp, ứng xử",
            "it": "Ứng dụng công nghệ thông tin",
        }
        assert Competency.objects.count() == 29
        nv04 = Competency.objects.get(code="NV04")
        assert nv04.name_vi == "Tiếp nhận và kiểm tra hồ sơ"
        assert all([nv04.level_1, nv04.level_2, nv04.level_3])
        assert RoleRequirement.objects.count() == 110
        tn2 = RoleRequirement.objects.get(role__code="TN", competency__code="NV01")
        assert (tn2.level, tn2.validity_months) == (2, 12)
        assert RoleRequirement.objects.get(role__code="IT", competency__code="CN07").level == 3
        assert RoleRequirement.objects.get(role__code="TN", competency__code="CN07").validity_months == 24

    def test_officers_are_spread_over_the_five_centres(self, seeded):
        officers = Officer.objects.select_related("unit")
        assert 55 <= officers.count() <= 70
        wards = Counter(o.unit.path.split("/")[2] for o in officers)
        assert set(wards) == {"GIADINH", "BINHTHANH", "BINHLOITRUNG", "THANHMYTAY", "BINHQUOI"}
        assert min(wards.values()) >= 10
        assert len({o.full_name for o in officers}) == officers.count()  # every name differs
        for officer in officers:
            count = len(current_assignments_for_officer(officer=officer))
            assert 1 <= count <= 2, officer
        current = Counter(a.role.code for o in officers for a in current_assignments_for_officer(officer=o))
        assert current.most_common(1)[0][0] == "TN"
        for ward in ("GIADINH", "BINHTHANH", "BINHLOITRUNG", "THANHMYTAY", "BINHQUOI"):
            centre = Unit.objects.get(code=f"{ward}-TT")
            assert RoleAssignment.objects.filter(role__code="QL", unit=centre).exists()
            assert RoleAssignment.objects.filter(role__code="LD", unit__code=ward).exists()
        assert {"HD", "TL", "IT"} <= set(current)

    def test_running_it_again_changes_nothing(self, seeded):
        before = _counts()
        demo.seed(stdout=io.StringIO())
        assert _counts() == before

    def test_one_login_per_user_type(self, seeded):
        User = get_user_model()
        by_type = {login.type: login for login in demo.DEMO_LOGINS}
        assert set(by_type) == {OFFICER, TRAINER, demo.LEAD_TRAINER, LEADER, ADMINISTRATOR}
        for login in demo.DEMO_LOGINS:
            user = User.objects.get(username=login.username)
            assert user.check_password(login.password)
        officer = User.objects.get(username=by_type[OFFICER].username)
        assert hasattr(officer, "officer") and not is_leader(officer) and not is_trainer(officer)
        leader = User.objects.get(username=by_type[LEADER].username)
        assert is_leader(leader)
        assert list(leader.officer.led_units.values_list("code", flat=True)) == ["GIADINH"]
        trainer = User.objects.get(username=by_type[TRAINER].username)
        assert is_trainer(trainer) and not is_administrator(trainer)
        lead = User.objects.get(username=by_type[demo.LEAD_TRAINER].username)
        assert is_trainer(lead) and lead.groups.filter(name=demo.LEAD_TRAINER).exists()
        admin = User.objects.get(username=by_type[ADMINISTRATOR].username)
        assert admin.is_superuser and is_administrator(admin)

    def test_demo_logins_land_on_their_home_pages(self, seeded, client):
        by_type = {login.type: login for login in demo.DEMO_LOGINS}
        expected = {LEADER: reverse("dashboards:coverage"), TRAINER: "/admin/", demo.LEAD_TRAINER: "/admin/",
                    ADMINISTRATOR: "/admin/"}
        for user_type, url in expected.items():
            login = by_type[user_type]
            response = client.post(reverse("login"), {"username": login.username, "password": login.password},
                                   follow=True)
            assert response.redirect_chain[-1][0] == url, user_type
            client.post(reverse("logout"))

    def test_leader_sees_the_ward_and_its_centre_only(self, seeded, client):
        leader = next(login for login in demo.DEMO_LOGINS if login.type == LEADER)
        client.post(reverse("login"), {"username": leader.username, "password": leader.password})
        response = client.get(reverse("dashboards:units"))
        codes = [row.unit.code for tree in response.context["trees"] for row in tree.rows]
        assert codes == ["GIADINH", "GIADINH-TT"]
        assert response.context["trees"][0].total.officers_subtree == 12
        other = Unit.objects.get(code="BINHQUOI-TT")
        assert client.get(reverse("dashboards:unit", args=[other.pk])).status_code == 404


def test_demo_logins_command_prints_the_table(db):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000" in text
    for login in demo.DEMO_LOGINS:
        assert login.username in text
        assert login.password in text
    for label in ("Cán bộ", "Giảng viên", "Lãnh đạo", "Quản trị viên"):
        assert label in text


@pytest.mark.django_db
def test_demo_desk_readiness_by_field_at_gia_dinh(seeded):
    from django.utils import timezone

    from dashboards import coverage
    from procedures.selectors import field_competencies

    ward = Unit.objects.get(code="GIADINH")
    today = timezone.localdate()
    desks = coverage.desk_readiness(coverage.unit_rows(ward, today), ward)
    (centre,) = coverage.field_readiness(desks, field_competencies())
    assert centre.unit.code == "GIADINH-TT"
    cells = {c.field.competency.code: c for c in centre.cells}
    assert {code: (c.count, c.tone) for code, c in cells.items()} == {
        "NV10-HT": (3, "success"), "NV10-CT": (2, "warning"), "NV10-CU": (0, "danger"), "NV10-KD": (0, "danger"),
        "NV10-XH": (0, "danger")}
    assert sorted(o.employee_code for o in cells["NV10-CT"].ready) == ["GD004", "GD006"]
    assert (centre.red, centre.amber) == (3, 1)
