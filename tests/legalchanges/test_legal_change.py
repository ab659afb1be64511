"""Legal changes (issue 12): the grace-period bound on old evidence, re-training exactly the officers who need
it (nobody twice), retired questions, the review list, and a preview equal to what is applied."""

import datetime as dt

import pytest
from django.utils import timezone

from courses import services as course_services
from courses.models import Enrolment, LessonPage
from legalchanges import services
from legalchanges.models import LegalChange, ReviewItem
from people.competency import STATUS_EXPIRED, STATUS_EXPIRING, STATUS_MET, rows_for_officers
from people.models import Attainment, EvidenceBound
from procedures.models import LegalDocument, Procedure, Status
from tests.assessments.factories import make_question
from tests.courses.factories import CourseCompetencyFactory, build_course
from tests.people.factories import (
    AttainmentFactory,
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(unit_tree):
    today = timezone.localdate()
    role = DeskRoleFactory(code="TN")
    other_role = DeskRoleFactory(code="IT")
    nv01 = CompetencyFactory(code="NV01")
    cn01 = CompetencyFactory(code="CN01")
    RoleRequirementFactory(role=role, competency=nv01, level=2, validity_months=24)
    RoleRequirementFactory(role=other_role, competency=cn01, level=1, validity_months=24)
    old_law = LegalDocument.objects.create(number="61/2018/NĐ-CP", kind="Nghị định", title="Một cửa (cũ)")
    new_law = LegalDocument.objects.create(number="118/2025/NĐ-CP", kind="Nghị định", title="Một cửa (mới)")
    amending = LegalDocument.objects.create(number="367/2025/NĐ-CP", kind="Nghị định", title="Sửa đổi NĐ 118")
    amending.amends.add(new_law)
    amending.replaces.add(old_law)
    procedure = Procedure.objects.create(code="2.000815", name="Chứng thực bản sao", field="chung_thuc")
    effective = today + dt.timedelta(days=10)
    officers = {}
    for code, unit, achieved, role_of in [
        ("OLD1", "team_a", today - dt.timedelta(days=100), role),     # old evidence: must retrain
        ("OLD2", "centre_b", today - dt.timedelta(days=300), role),   # old evidence, another unit: must retrain
        ("NEW", "team_a", effective, role),                           # trained on or after the date: not affected
        ("NONE", "team_a", None, role),                               # never trained: not re-training's
        ("ITX", "team_a", today - dt.timedelta(days=100), other_role),  # other competency: not affected
    ]:
        officer = OfficerFactory(employee_code=code, unit=unit_tree[unit])
        RoleAssignmentFactory(officer=officer, role=role_of, unit=unit_tree[unit],
                              start_date=today - dt.timedelta(days=400))
        if achieved is not None and achieved <= today:
            AttainmentFactory(officer=officer, competency=nv01 if role_of == role else cn01, level=2,
                              achieved_on=achieved, kind=Attainment.Kind.CERTIFICATE)
        officers[code] = officer
    course = build_course(title="Một cửa theo NĐ 118")
    CourseCompetencyFactory(page=course, competency=nv01, level=2)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    lessons[0].legal_documents.add(new_law)
    lessons[0].save()
    lessons[1].procedures.add(procedure)
    lessons[1].save()
    old_question = make_question(legal_reference="NĐ 61/2018")
    old_question.legal_documents.add(old_law)
    old_question.save()
    new_question = make_question(legal_reference="NĐ 118/2025")
    new_question.legal_documents.add(new_law)
    new_question.save()
    change = LegalChange.objects.create(document=amending, effective_on=effective, grace_days=90)
    change.competencies.set([nv01])
    change.procedures.set([procedure])
    return {"today": today, "effective": effective, "change": change, "officers": officers, "course": course,
            "nv01": nv01, "lessons": lessons, "old_question": old_question, "new_question": new_question,
            "old_law": old_law, "new_law": new_law}


def _expected_retrainees(world) -> set[int]:
    """Computed independently of the service: officers whose NV01 evidence all predates the effective date."""
    effective = world["effective"]
    result = set()
    for officer in world["officers"].values():
        mine = Attainment.objects.filter(officer=officer, competency=world["nv01"], revoked_at__isnull=True)
        if mine.exists() and not mine.filter(achieved_on__gte=effective).exists():
            result.add(officer.pk)
    return result


def test_preview_equals_apply_and_applying_twice_changes_nothing(world):
    change, officers = world["change"], world["officers"]
    preview = services.legal_change_preview(change=change)
    assert EvidenceBound.objects.count() == 0 and Enrolment.objects.count() == 0  # the preview wrote nothing
    assert not ReviewItem.objects.exists()
    assert set(preview.retrain_officer_ids) == _expected_retrainees(world) == {officers["OLD1"].pk,
                                                                             officers["OLD2"].pk}
    (nv01,) = preview.competencies
    assert (nv01["code"], nv01["officers"], nv01["units"], nv01["must_retrain"]) == ("NV01", 4, 2, 2)
    assert (preview.lessons_to_review, preview.questions_to_review, preview.questions_retired) == (2, 2, 1)
    assert preview.enrolled == 2

    applied = services.legal_change_apply(change=change, user=None)
    assert applied == preview
    renewals = Enrolment.objects.filter(reason=Enrolment.Reason.RENEWAL)
    assert set(renewals.values_list("officer_id", flat=True)) == _expected_retrainees(world)
    assert set(renewals.values_list("due_on", flat=True)) == {world["effective"] + dt.timedelta(days=90)}
    counts = (EvidenceBound.objects.count(), Enrolment.objects.count(), ReviewItem.objects.count())

    again = services.legal_change_apply(change=LegalChange.objects.get(pk=change.pk), user=None)
    assert again == applied
    assert (EvidenceBound.objects.count(), Enrolment.objects.count(), ReviewItem.objects.count()) == counts
    # The daily re-training run does not enrol anyone a second time.
    assert course_services.enrolments_retrain() == 0


def test_questions_on_repealed_law_retire_and_content_lands_in_the_review_list(world):
    services.legal_change_apply(change=world["change"], user=None)
    world["old_question"].refresh_from_db()
    world["new_question"].refresh_from_db()
    assert world["old_question"].valid_until == world["effective"] - dt.timedelta(days=1)
    assert world["new_question"].valid_until is None
    world["old_law"].refresh_from_db()
    world["new_law"].refresh_from_db()
    assert world["old_law"].status == Status.REPEALED and world["old_law"].ended_on == world["effective"]
    assert world["new_law"].status == Status.AMENDED
    items = ReviewItem.objects.all()
    assert {i.lesson_id for i in items if i.lesson_id} == {world["lessons"][0].pk, world["lessons"][1].pk}
    assert {i.course_id for i in items if i.lesson_id} == {world["course"].pk}
    assert {i.question_id for i in items if i.question_id} == {world["old_question"].pk, world["new_question"].pk}
    assert services.open_review_counts(course_ids=[world["course"].pk]) == {world["course"].pk: 2}


@pytest.mark.parametrize(("days_after_until", "status"), [
    (-61, STATUS_MET), (-60, STATUS_EXPIRING), (0, STATUS_EXPIRING), (1, STATUS_EXPIRED)])
def test_grace_period_boundaries(world, days_after_until, status):
    services.legal_change_apply(change=world["change"], user=None)
    until = world["effective"] + dt.timedelta(days=90)
    (row,) = rows_for_officers([world["officers"]["OLD1"]], until + dt.timedelta(days=days_after_until))
    assert row.valid_until == until and row.status == status and row.bound_id is not None


def test_evidence_achieved_on_the_effective_date_is_not_bounded(world):
    services.legal_change_apply(change=world["change"], user=None)
    officer = world["officers"]["NEW"]
    AttainmentFactory(officer=officer, competency=world["nv01"], level=2, achieved_on=world["effective"],
                      kind=Attainment.Kind.CERTIFICATE)
    (row,) = rows_for_officers([officer], world["effective"] + dt.timedelta(days=200))
    assert row.status == STATUS_MET and row.bound_id is None
    # Evidence from the day before is bounded.
    (old,) = rows_for_officers([world["officers"]["OLD1"]], world["effective"] + dt.timedelta(days=200))
    assert old.status == STATUS_EXPIRED and old.bound_id is not None
