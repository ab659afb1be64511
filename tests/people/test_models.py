import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from people.models import Attainment, Officer, RoleRequirement, Unit, UnitFormerName
from people.services import unit_create, unit_save
from people.text import fold, given_name, normalize_text
from tests.people.factories import (
    AttainmentFactory,
    CompetencyAreaFactory,
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
    UnitFactory,
)


def integrity_error(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


# --- Unit tree ----------------------------------------------------------------------------------------------


def test_unit_path_and_depth_are_derived(unit_tree):
    assert unit_tree["city"].path == "/HCM/" and unit_tree["city"].depth == 1
    assert unit_tree["team_a"].path == "/HCM/WARDA/WARDA-TT/WARDA-TT-1/" and unit_tree["team_a"].depth == 4
    assert set(unit_tree["ward_a"].subtree()) == {unit_tree["ward_a"], unit_tree["centre_a"], unit_tree["team_a"]}


def test_moving_a_unit_moves_its_subtree(unit_tree):
    centre_a = unit_tree["centre_a"]
    centre_a.parent = unit_tree["ward_b"]
    unit_save(unit=centre_a)
    unit_tree["team_a"].refresh_from_db()
    assert unit_tree["team_a"].path == "/HCM/WARDB/WARDA-TT/WARDA-TT-1/"
    assert set(unit_tree["ward_b"].subtree()) >= {centre_a, unit_tree["team_a"]}
    assert unit_tree["team_a"] not in set(unit_tree["ward_a"].subtree())


def test_renaming_a_unit_code_rewrites_descendant_paths(unit_tree):
    ward_a = unit_tree["ward_a"]
    ward_a.code = "giadinh"
    unit_save(unit=ward_a)
    assert ward_a.code == "GIADINH"
    unit_tree["team_a"].refresh_from_db()
    assert unit_tree["team_a"].path == "/HCM/GIADINH/WARDA-TT/WARDA-TT-1/"


def test_unit_cannot_move_under_its_own_subtree(unit_tree):
    ward_a = unit_tree["ward_a"]
    ward_a.parent = unit_tree["team_a"]
    with pytest.raises(ValidationError) as excinfo:
        unit_save(unit=ward_a)
    assert "parent" in excinfo.value.message_dict
    ward_a.refresh_from_db()
    assert ward_a.path == "/HCM/WARDA/"


def test_unit_code_is_unique_and_normalised(db):
    unit = unit_create(code=" hcm ", name="  Thành  phố Hồ Chí Minh ", kind=Unit.Kind.CITY)
    assert (unit.code, unit.name) == ("HCM", "Thành phố Hồ Chí Minh")
    with pytest.raises(ValidationError):
        unit_create(code="HCM", name="Trùng", kind=Unit.Kind.CITY)
    integrity_error(Unit.objects.create, code="HCM", name="Trùng", kind=Unit.Kind.CITY)


def test_unit_with_children_or_officers_is_protected(unit_tree, officer):
    with pytest.raises(ProtectedError):
        unit_tree["ward_a"].delete()
    with pytest.raises(ProtectedError):
        unit_tree["team_a"].delete()


def test_former_name_dates_ordered(unit_tree):
    unit = unit_tree["ward_a"]
    UnitFormerName.objects.create(unit=unit, name="Phường 1", valid_from=dt.date(2010, 1, 1),
                                  valid_until=dt.date(2025, 6, 30))
    former = UnitFormerName(unit=unit, name="Phường 2", valid_from=dt.date(2025, 7, 1), valid_until=dt.date(2025, 6, 30))
    with pytest.raises(ValidationError):
        former.full_clean()
    integrity_error(UnitFormerName.objects.create, unit=unit, name="Phường 2", valid_from=dt.date(2025, 7, 1),
                    valid_until=dt.date(2025, 6, 30))


# --- Officers -----------------------------------------------------------------------------------------------


def test_officer_name_is_nfc_and_sorted_by_given_name(unit_tree):
    decomposed = unicodedata.normalize("NFD", "Trần  Thị Ánh")
    anh = OfficerFactory(full_name=decomposed, unit=unit_tree["team_a"])
    anh.refresh_from_db()
    assert anh.full_name == "Trần Thị Ánh" and unicodedata.is_normalized("NFC", anh.full_name)
    assert anh.search_name == "tran thi anh"
    OfficerFactory(full_name="Nguyễn Văn Bình", unit=unit_tree["team_a"])
    OfficerFactory(full_name="Lê Thị Anh", unit=unit_tree["team_a"])
    OfficerFactory(full_name="Đỗ Đức Đạt", unit=unit_tree["team_a"])
    names = list(Officer.objects.values_list("full_name", flat=True))
    assert names == ["Lê Thị Anh", "Trần Thị Ánh", "Nguyễn Văn Bình", "Đỗ Đức Đạt"]


def test_officer_employee_code_is_unique(unit_tree):
    OfficerFactory(employee_code="CB1", unit=unit_tree["team_a"])
    integrity_error(OfficerFactory, employee_code="CB1", unit=unit_tree["team_a"])


def test_officer_full_name_is_required(unit_tree):
    officer = OfficerFactory.build(full_name="   ", unit=unit_tree["team_a"])
    with pytest.raises(ValidationError) as excinfo:
        officer.full_clean(exclude=["user"])
    assert "full_name" in excinfo.value.message_dict


def test_officer_with_training_records_is_protected(unit_tree):
    assignment = RoleAssignmentFactory(officer=OfficerFactory(unit=unit_tree["team_a"]))
    with pytest.raises(ProtectedError):
        assignment.officer.delete()
    with pytest.raises(ProtectedError):
        assignment.officer.user.delete()


def test_text_helpers():
    assert normalize_text("  Nguyễn\tVăn   A ") == "Nguyễn Văn A"
    assert fold("Đặng Hộ Tịch") == "dang ho tich"
    assert given_name("Nguyễn Thị Minh Khai") == "Khai"
    assert given_name("") == ""


# --- Roles, competencies, requirements, attainments -------------------------------------------------------


def test_desk_role_and_competency_codes_are_unique(db):
    DeskRoleFactory(code="TN")
    integrity_error(DeskRoleFactory._meta.model.objects.create, code="TN", name_vi="Trùng")
    CompetencyAreaFactory()
    integrity_error(CompetencyAreaFactory._meta.model.objects.create, code="procedure", name_vi="Trùng")
    competency = CompetencyFactory(code="NV04")
    integrity_error(competency.__class__.objects.create, code="NV04", name_vi="Trùng", area=competency.area)


def test_assignment_end_not_before_start_and_unique_start(unit_tree):
    assignment = RoleAssignmentFactory(officer=OfficerFactory(unit=unit_tree["team_a"]))
    assignment.end_date = assignment.start_date - dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        assignment.full_clean()
    integrity_error(assignment.__class__.objects.create, officer=assignment.officer, role=assignment.role,
                    unit=assignment.unit, start_date=dt.date(2025, 7, 1), end_date=dt.date(2025, 6, 1))
    integrity_error(assignment.__class__.objects.create, officer=assignment.officer, role=assignment.role,
                    unit=assignment.unit, start_date=assignment.start_date)
    assert assignment.__class__.objects.get(pk=assignment.pk).is_current(on=dt.date(2026, 1, 1))


@pytest.mark.parametrize("level", [0, 4])
def test_requirement_level_is_1_to_3(db, level):
    requirement = RoleRequirementFactory.build(role=DeskRoleFactory(), competency=CompetencyFactory(), level=level)
    with pytest.raises(ValidationError):
        requirement.full_clean()
    integrity_error(RoleRequirement.objects.create, role=requirement.role, competency=requirement.competency,
                    level=level)


def test_requirement_is_unique_per_role_and_competency(db):
    requirement = RoleRequirementFactory()
    integrity_error(RoleRequirement.objects.create, role=requirement.role, competency=requirement.competency,
                    level=1)


@pytest.mark.parametrize("level", [0, 4])
def test_attainment_level_is_1_to_3(unit_tree, level):
    officer = OfficerFactory(unit=unit_tree["team_a"])
    integrity_error(AttainmentFactory, officer=officer, level=level)


def test_attainment_expiry_not_before_achievement_and_unique_evidence(unit_tree):
    attainment = AttainmentFactory(officer=OfficerFactory(unit=unit_tree["team_a"]))
    integrity_error(AttainmentFactory, officer=attainment.officer, competency=attainment.competency,
                    achieved_on=dt.date(2026, 1, 1), expires_on=dt.date(2025, 1, 1))
    integrity_error(Attainment.objects.create, officer=attainment.officer, competency=attainment.competency,
                    level=attainment.level, achieved_on=attainment.achieved_on, kind=attainment.kind,
                    evidence_reference=attainment.evidence_reference)
    assert attainment.is_valid_on(dt.date(2027, 1, 1)) and not attainment.is_valid_on(dt.date(2029, 1, 1))
    # Once revoked, the same evidence can be recorded again (a correction), and the revoked one never counts.
    Attainment.objects.filter(pk=attainment.pk).update(revoked_at=timezone.now(), revoked_reason="Nhập nhầm")
    attainment.refresh_from_db()
    assert not attainment.is_valid_on(dt.date(2027, 1, 1))
    again = Attainment.objects.create(officer=attainment.officer, competency=attainment.competency,
                                      level=attainment.level, achieved_on=attainment.achieved_on,
                                      kind=attainment.kind, evidence_reference=attainment.evidence_reference)
    assert list(Attainment.objects.filter(officer=attainment.officer).not_revoked()) == [again]
    with pytest.raises(ProtectedError):
        attainment.competency.delete()


def test_bilingual_names_follow_the_language(db):
    from django.utils import translation

    role = DeskRoleFactory(code="TN", name_vi="Công chức tiếp nhận", name_en="Intake officer")
    with translation.override("vi"):
        assert str(role) == "Công chức tiếp nhận"
    with translation.override("en"):
        assert str(role) == "Intake officer"


def test_unit_factory_tree_helper(db):
    root = UnitFactory(code="R")
    child = UnitFactory(code="C", parent=root)
    assert child.path == "/R/C/" and child.depth == 2


@pytest.mark.django_db
def test_current_assignment_rule_is_one_rule_for_queries_and_rows():
    from people.models import RoleAssignment

    a = RoleAssignmentFactory(start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 6, 30))
    for day, expected in [
        (dt.date(2025, 12, 31), False), (dt.date(2026, 1, 1), True),
        (dt.date(2026, 6, 30), True), (dt.date(2026, 7, 1), False),
    ]:
        assert RoleAssignment.objects.current(day).filter(pk=a.pk).exists() is expected
        assert a.is_current(on=day) is expected


def test_every_period_uses_the_one_dates_in_order_rule():
    from django.apps import apps

    from people.models import dates_in_order

    expected = {
        ("people", "unitformername"): dates_in_order(start="valid_from", end="valid_until", start_optional=True,
                                                     name="former_name_dates_ordered"),
        ("people", "roleassignment"): dates_in_order(start="start_date", end="end_date",
                                                     name="assignment_end_after_start"),
        ("people", "attainment"): dates_in_order(start="achieved_on", end="expires_on",
                                                 name="attainment_expires_after_achieved"),
        ("assessments", "question"): dates_in_order(start="valid_from", end="valid_until", start_optional=True,
                                                    name="question_validity_ordered"),
        ("certificates", "certificate"): dates_in_order(start="issued_on", end="expires_on",
                                                        name="certificate_expires_after_issue"),
    }
    for (app_label, model_name), constraint in expected.items():
        model = apps.get_model(app_label, model_name)
        assert constraint in model._meta.constraints, model


@pytest.mark.parametrize("start_optional", [False, True])
def test_dates_in_order_accepts_open_and_ordered_periods_and_refuses_reversed_ones(db, start_optional):
    from people.models import RoleAssignment, dates_in_order

    constraint = dates_in_order(start="start_date", end="end_date", start_optional=start_optional, name="x")
    ok = [(dt.date(2025, 1, 1), None), (dt.date(2025, 1, 1), dt.date(2025, 1, 1)),
          (dt.date(2025, 1, 1), dt.date(2025, 2, 1))]
    for start, end in ok:
        constraint.validate(RoleAssignment, RoleAssignment(start_date=start, end_date=end))
    with pytest.raises(ValidationError):
        constraint.validate(RoleAssignment, RoleAssignment(start_date=dt.date(2025, 2, 1), end_date=dt.date(2025, 1, 1)))
