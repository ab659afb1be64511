"""Re-training (issue 10): expiring, expired and revoked evidence re-enrol the officer once; readiness reads the
competency engine; competency_next_steps gives each row its course in a fixed number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from courses import services
from courses.models import Enrolment, TrainingSettings
from courses.selectors import competency_next_steps, readiness_for_officer
from people import services as people_services
from people.competency import STATUS_EXPIRED, STATUS_EXPIRING, rows_for_officers
from people.models import Attainment
from tests.courses.factories import CourseCompetencyFactory, build_course
from tests.people.factories import (
    AttainmentFactory,
    CompetencyFactory,
    DeskRoleFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(officer):
    role = DeskRoleFactory(code="TN")
    competency = CompetencyFactory(code="NV04")
    RoleRequirementFactory(role=role, competency=competency, level=2, validity_months=24)
    RoleAssignmentFactory(officer=officer, role=role, start_date=dt.date(2025, 7, 1))
    course = build_course(title="Tiếp nhận hồ sơ theo NĐ 118")
    CourseCompetencyFactory(page=course, competency=competency, level=2)
    return {"officer": officer, "competency": competency, "course": course, "today": timezone.localdate()}


def evidence(setup, *, expires_in=None, achieved_days_ago=100, revoked=False):
    today = setup["today"]
    attainment = AttainmentFactory(
        officer=setup["officer"], competency=setup["competency"], level=2,
        achieved_on=today - dt.timedelta(days=achieved_days_ago),
        expires_on=None if expires_in is None else today + dt.timedelta(days=expires_in),
        kind=Attainment.Kind.CERTIFICATE)
    if revoked:
        people_services.evidence_revoke(attainment=attainment, reason="Cấp nhầm")
    return attainment


def renewals(setup):
    return list(Enrolment.objects.filter(officer=setup["officer"], course=setup["course"],
                                         reason=Enrolment.Reason.RENEWAL))


def test_expiring_pair_is_enrolled_once_due_by_the_end_date(setup):
    evidence(setup, expires_in=30)
    assert rows_for_officers([setup["officer"]])[0].status == STATUS_EXPIRING
    assert services.enrolments_retrain() == 1
    (enrolment,) = renewals(setup)
    assert enrolment.due_on == setup["today"] + dt.timedelta(days=30)
    assert enrolment.status == Enrolment.Status.ACTIVE
    # Run twice: nothing more; and after the officer finished it, the same lapse does not enrol again.
    assert services.enrolments_retrain() == 0
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.COMPLETED)
    assert services.enrolments_retrain() == 0
    assert len(renewals(setup)) == 1


def test_met_pair_is_left_alone(setup):
    evidence(setup, expires_in=61)
    assert services.enrolments_retrain() == 0


def test_expired_pair_is_enrolled_due_by_the_training_settings_days(setup):
    settings = TrainingSettings.load()
    settings.enrolment_due_days = 45
    settings.save()
    evidence(setup, expires_in=-1, achieved_days_ago=400)
    assert rows_for_officers([setup["officer"]])[0].status == STATUS_EXPIRED
    # A completed enrolment from the first time round does not stop re-training.
    Enrolment.objects.create(officer=setup["officer"], course=setup["course"], course_title="x", reason="role",
                             assigned_on=setup["today"] - dt.timedelta(days=430), status=Enrolment.Status.COMPLETED)
    assert services.enrolments_retrain() == 1
    (enrolment,) = renewals(setup)
    assert enrolment.due_on == setup["today"] + dt.timedelta(days=45)
    assert services.enrolments_retrain() == 0


def test_officer_already_active_in_such_a_course_is_left_alone(setup):
    evidence(setup, expires_in=10)
    other = build_course(title="Khóa khác cũng cấp NV04")
    CourseCompetencyFactory(page=other, competency=setup["competency"], level=3)
    Enrolment.objects.create(officer=setup["officer"], course=other, course_title="x", reason="self",
                             assigned_on=setup["today"])
    assert services.enrolments_retrain() == 0
    assert renewals(setup) == []


def test_revocation_re_enrols_right_away_despite_a_completed_enrolment(setup, django_capture_on_commit_callbacks):
    Enrolment.objects.create(officer=setup["officer"], course=setup["course"], course_title="x", reason="role",
                             assigned_on=setup["today"], status=Enrolment.Status.COMPLETED,
                             completed_at=timezone.now())
    attainment = evidence(setup, expires_in=600)
    with django_capture_on_commit_callbacks(execute=True):
        people_services.evidence_revoke(attainment=attainment, reason="Cấp nhầm hồ sơ")
    (enrolment,) = renewals(setup)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.due_on == services.enrolment_default_due_on()
    # The daily job afterwards does not add a second one, even once that one is completed.
    assert services.enrolments_retrain() == 0
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.COMPLETED)
    assert services.enrolments_retrain() == 0
    # Role enrolment leaves revoked pairs to re-training.
    assert services.enrolments_sync_required(officer_ids=[setup["officer"].pk]) == 0


def test_a_second_revocation_re_enrols_again(setup, django_capture_on_commit_callbacks):
    first = evidence(setup, expires_in=600)
    with django_capture_on_commit_callbacks(execute=True):
        people_services.evidence_revoke(attainment=first, reason="Lần 1")
    (enrolment,) = renewals(setup)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.COMPLETED)
    second = evidence(setup, expires_in=700, achieved_days_ago=1)
    with django_capture_on_commit_callbacks(execute=True):
        people_services.evidence_revoke(attainment=second, reason="Lần 2")
    assert len(renewals(setup)) == 2


def test_certificate_revocation_revokes_its_evidence_and_re_trains(setup, administrator,
                                                                   django_capture_on_commit_callbacks):
    from certificates import services as certificate_services

    certificate = certificate_services.certificate_issue(officer=setup["officer"], course=setup["course"])
    assert rows_for_officers([setup["officer"]])[0].is_met
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.certificate_revoke(certificate=certificate, reason="Cấp nhầm", revoked_by=administrator)
    row = rows_for_officers([setup["officer"]])[0]
    assert not row.is_met and row.lost_to_revocation
    assert len(renewals(setup)) == 1


def test_no_course_grants_it_nothing_happens(officer):
    role = DeskRoleFactory(code="IT")
    competency = CompetencyFactory(code="CN09")
    RoleRequirementFactory(role=role, competency=competency, level=1)
    RoleAssignmentFactory(officer=officer, role=role)
    AttainmentFactory(officer=officer, competency=competency, level=1, achieved_on=dt.date(2020, 1, 1),
                      expires_on=dt.date(2021, 1, 1))
    assert services.enrolments_retrain() == 0


def test_daily_task_runs_role_sync_and_re_training(setup):
    from courses.tasks import enrolments_sync_required_task

    evidence(setup, expires_in=20)
    assert enrolments_sync_required_task() == 1
    assert enrolments_sync_required_task() == 0
    assert len(renewals(setup)) == 1


def test_readiness_counts_met_and_expiring_only(setup):
    officer = setup["officer"]
    evidence(setup, expires_in=5)
    readiness = readiness_for_officer(officer=officer)
    assert (readiness.required, readiness.covered, readiness.percent) == (1, 1, 100)
    Attainment.objects.update(expires_on=setup["today"] - dt.timedelta(days=1))
    readiness = readiness_for_officer(officer=officer)
    assert (readiness.required, readiness.covered, readiness.in_progress) == (1, 0, 0)
    services.enrolments_retrain()
    assert readiness_for_officer(officer=officer).in_progress == 1


def test_next_steps_in_a_fixed_number_of_queries(setup, django_assert_num_queries):
    officer = setup["officer"]
    role = officer.assignments.get().role
    extra = []
    for i in range(6):
        competency = CompetencyFactory(code=f"GT{i:02d}")
        RoleRequirementFactory(role=role, competency=competency, level=1)
        extra.append(competency)
    CourseCompetencyFactory(page=setup["course"], competency=extra[0], level=1)
    enrolment = Enrolment.objects.create(officer=officer, course=setup["course"], course_title="x", reason="role",
                                         assigned_on=setup["today"])
    rows = rows_for_officers([officer])
    with django_assert_num_queries(2):
        competency_next_steps(officer, rows)
    by_code = {r.competency.code: r for r in rows}
    assert by_code["NV04"].next_course.pk == setup["course"].pk and by_code["NV04"].enrolment == enrolment
    assert by_code["GT00"].next_course.pk == setup["course"].pk
    assert by_code["GT05"].next_course is None and by_code["GT05"].enrolment is None
