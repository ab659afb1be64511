"""Enrolment (automatic, leader, self), progress and the completion rule, against the real database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses import completion, services
from courses.models import Enrolment, LessonPage, LessonProgress, TrainingSettings
from courses.signals import course_completed
from people import services as people_services
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
def role_setup(officer):
    """Role TN requires NV04 at level 2; one live course grants NV04 at level 2."""
    role = DeskRoleFactory(code="TN")
    competency = CompetencyFactory(code="NV04")
    RoleRequirementFactory(role=role, competency=competency, level=2)
    course = build_course(title="Tiếp nhận và kiểm tra hồ sơ", lessons=2)
    CourseCompetencyFactory(page=course, competency=competency, level=2)
    return {"role": role, "competency": competency, "course": course}


def test_role_assignment_enrols_officer_after_commit(officer, role_setup, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        people_services.role_assignment_upsert(
            officer=officer, role=role_setup["role"], unit=officer.unit, start_date=dt.date(2025, 7, 1)
        )
    enrolment = Enrolment.objects.get(officer=officer)
    assert enrolment.course_id == role_setup["course"].pk
    assert enrolment.reason == Enrolment.Reason.ROLE
    assert enrolment.due_on == timezone.localdate() + dt.timedelta(days=30)


def test_due_days_come_from_training_settings(officer, role_setup, django_capture_on_commit_callbacks):
    settings_row = TrainingSettings.load()
    settings_row.enrolment_due_days = 45
    settings_row.save()
    with django_capture_on_commit_callbacks(execute=True):
        people_services.role_assignment_upsert(
            officer=officer, role=role_setup["role"], unit=officer.unit, start_date=dt.date(2025, 7, 1)
        )
    assert Enrolment.objects.get(officer=officer).due_on == timezone.localdate() + dt.timedelta(days=45)


def test_new_requirement_enrols_role_holders_and_never_twice(officer, django_capture_on_commit_callbacks):
    role = DeskRoleFactory(code="HD")
    RoleAssignmentFactory(officer=officer, role=role)
    competency = CompetencyFactory(code="CN03")
    course = build_course(title="VNeID")
    CourseCompetencyFactory(page=course, competency=competency, level=3)
    assert not Enrolment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        people_services.role_requirement_set(role=role, competency=competency, level=2)
    assert Enrolment.objects.filter(officer=officer, course=course).count() == 1
    # The same change again, a second sync, and a direct call: still one enrolment.
    with django_capture_on_commit_callbacks(execute=True):
        people_services.role_requirement_set(role=role, competency=competency, level=2)
    services.enrolments_sync_required(officer_ids=[officer.pk])
    assert Enrolment.objects.filter(officer=officer, course=course).count() == 1


def test_course_granting_too_low_a_level_or_legacy_or_draft_is_not_used(officer):
    role = DeskRoleFactory(code="TL")
    competency = CompetencyFactory(code="NV07")
    RoleRequirementFactory(role=role, competency=competency, level=3)
    RoleAssignmentFactory(officer=officer, role=role)
    low = build_course(title="Cơ bản")
    CourseCompetencyFactory(page=low, competency=competency, level=2)
    legacy = build_course(title="Theo NĐ 61/2018", is_legacy=True)
    CourseCompetencyFactory(page=legacy, competency=competency, level=3)
    draft = build_course(title="Bản nháp")
    CourseCompetencyFactory(page=draft, competency=competency, level=3)
    draft.unpublish()
    assert services.enrolments_sync_required(officer_ids=[officer.pk]) == 0
    assert not Enrolment.objects.exists()


def test_ended_or_future_roles_do_not_enrol_and_ending_keeps_history(officer, role_setup,
                                                                     django_capture_on_commit_callbacks):
    today = timezone.localdate()
    RoleAssignmentFactory(officer=officer, role=role_setup["role"], start_date=today + dt.timedelta(days=5))
    services.enrolments_sync_required(officer_ids=[officer.pk])
    assert not Enrolment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assignment, _ = people_services.role_assignment_upsert(
            officer=officer, role=role_setup["role"], unit=officer.unit, start_date=dt.date(2025, 7, 1)
        )
    enrolment = Enrolment.objects.get(officer=officer)
    lesson = LessonPage.objects.descendant_of(role_setup["course"]).first()
    services.lesson_complete(lesson=lesson, user=officer.user)
    with django_capture_on_commit_callbacks(execute=True):
        people_services.role_assignment_end(assignment=assignment, end_date=today)
        people_services.role_assignment_end(assignment=assignment, end_date=today - dt.timedelta(days=1))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).count() == 1


def test_valid_attainment_means_no_enrolment(officer, role_setup):
    RoleAssignmentFactory(officer=officer, role=role_setup["role"])
    AttainmentFactory(officer=officer, competency=role_setup["competency"], level=3,
                      achieved_on=dt.date(2025, 1, 1), expires_on=timezone.localdate() + dt.timedelta(days=90))
    assert services.enrolments_sync_required(officer_ids=[officer.pk]) == 0


def test_publishing_a_course_enrols_officers_already_in_the_role(officer):
    role = DeskRoleFactory(code="IT")
    competency = CompetencyFactory(code="CN07")
    RoleRequirementFactory(role=role, competency=competency, level=1)
    RoleAssignmentFactory(officer=officer, role=role)
    course = build_course(title="Hỗ trợ kỹ thuật")
    CourseCompetencyFactory(page=course, competency=competency, level=1)
    course.save_revision().publish()
    assert Enrolment.objects.filter(officer=officer, course=course, reason=Enrolment.Reason.ROLE).exists()


def test_bulk_sync_is_a_fixed_number_of_queries(unit_tree, role_setup, django_assert_max_num_queries):
    from tests.people.factories import OfficerFactory

    officers = OfficerFactory.create_batch(40, unit=unit_tree["team_a"])
    for o in officers:
        RoleAssignmentFactory(officer=o, role=role_setup["role"])
    with django_assert_max_num_queries(12):
        created = services.enrolments_sync_required(officer_ids=[o.pk for o in officers])
    assert created == 40


def test_enrolment_create_is_idempotent_and_tightens_due_date(officer):
    course = build_course()
    first = services.enrolment_create(officer=officer, course=course, reason=Enrolment.Reason.RENEWAL,
                                      due_on=dt.date(2030, 1, 31))
    again = services.enrolment_create(officer=officer, course=course, reason=Enrolment.Reason.LEADER,
                                      due_on=dt.date(2030, 1, 10))
    assert first.pk == again.pk
    assert again.due_on == dt.date(2030, 1, 10)
    with pytest.raises(ValidationError):
        services.enrolment_create(officer=officer, course=course, reason="bogus")


def test_self_enrolment_requires_a_published_course(officer):
    course = build_course()
    course.unpublish()
    course.refresh_from_db()
    with pytest.raises(ValidationError):
        services.enrolment_self_enrol(officer=officer, course=course)


def test_completion_when_all_required_lessons_done_and_signal_once(officer, django_capture_on_commit_callbacks):
    course = build_course(lessons=3)
    optional = LessonPage.objects.descendant_of(course).last()
    optional.is_required = False
    optional.save_revision().publish()
    services.enrolment_create(officer=officer, course=course, reason=Enrolment.Reason.SELF)
    received = []
    course_completed.connect(lambda sender, enrolment, **kw: received.append(enrolment.pk), weak=False,
                             dispatch_uid="test-received")
    try:
        lessons = list(LessonPage.objects.descendant_of(course).filter(is_required=True).order_by("path"))
        with django_capture_on_commit_callbacks(execute=True):
            enrolment = services.lesson_complete(lesson=lessons[0], user=officer.user)
        assert enrolment.status == Enrolment.Status.ACTIVE and not received
        with django_capture_on_commit_callbacks(execute=True):
            enrolment = services.lesson_complete(lesson=lessons[1], user=officer.user)
        assert enrolment.status == Enrolment.Status.COMPLETED and enrolment.completed_at
        with django_capture_on_commit_callbacks(execute=True):
            assert services.enrolment_check_completion(enrolment=enrolment) is True
        assert received == [enrolment.pk]
    finally:
        course_completed.disconnect(dispatch_uid="test-received")


def test_registered_checker_blocks_completion_until_its_items_are_done(officer,
                                                                       django_capture_on_commit_callbacks):
    course = build_course(lessons=1)
    enrolment = services.enrolment_create(officer=officer, course=course, reason=Enrolment.Reason.SELF)
    state = {"passed": 0}

    def fake_quizzes(*, enrolments):
        return {e.pk: (state["passed"], 1) for e in enrolments if e.course_id == course.pk}

    completion.register_requirement(fake_quizzes)
    lesson = LessonPage.objects.descendant_of(course).get()
    services.lesson_complete(lesson=lesson, user=officer.user)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    from courses.selectors import progress_for_enrolments

    assert progress_for_enrolments(enrolments=[enrolment])[enrolment.pk] == (1, 2)
    state["passed"] = 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.enrolment_check_completion(enrolment=enrolment) is True
    assert callbacks  # course_completed is sent after commit
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_time_on_page_is_capped(officer):
    course = build_course(lessons=1)
    services.enrolment_create(officer=officer, course=course, reason=Enrolment.Reason.SELF)
    lesson = LessonPage.objects.descendant_of(course).get()
    services.lesson_open(lesson=lesson, user=officer.user)
    LessonProgress.objects.update(last_viewed_at=timezone.now() - dt.timedelta(minutes=10))
    progress = services.lesson_time_record(lesson=lesson, user=officer.user, seconds=5000)
    assert progress.seconds_spent == services.PING_MAX_SECONDS
    # An immediate second ping cannot claim more than the wall-clock time since the first (+ slack).
    progress = services.lesson_time_record(lesson=lesson, user=officer.user, seconds=60)
    assert progress.seconds_spent <= services.PING_MAX_SECONDS + 1
    LessonProgress.objects.update(seconds_spent=services.LESSON_MAX_SECONDS,
                                  last_viewed_at=timezone.now() - dt.timedelta(minutes=1))
    progress = services.lesson_time_record(lesson=lesson, user=officer.user, seconds=30)
    assert progress.seconds_spent == services.LESSON_MAX_SECONDS


def test_unenrolled_visitor_records_nothing(officer):
    course = build_course(lessons=1)
    lesson = LessonPage.objects.descendant_of(course).get()
    assert services.lesson_open(lesson=lesson, user=officer.user) is None
    assert services.lesson_time_record(lesson=lesson, user=officer.user, seconds=30) is None
    with pytest.raises(ValidationError):
        services.lesson_complete(lesson=lesson, user=officer.user)


def test_readiness_counts_evidence_not_completed_courses(officer):
    from courses.selectors import readiness_for_officer

    role = DeskRoleFactory(code="QL")
    RoleAssignmentFactory(officer=officer, role=role)
    held, studied, studying, missing = (CompetencyFactory(code=c) for c in ("NV11", "GT06", "GT07", "NV02"))
    for competency in (held, studied, studying, missing):
        RoleRequirementFactory(role=role, competency=competency, level=2)
    AttainmentFactory(officer=officer, competency=held, level=2, achieved_on=dt.date(2025, 1, 1),
                      expires_on=timezone.localdate() + dt.timedelta(days=30))
    done_course, open_course = build_course(title="Phối hợp"), build_course(title="Hài lòng")
    CourseCompetencyFactory(page=done_course, competency=studied, level=3)
    CourseCompetencyFactory(page=open_course, competency=studying, level=2)
    Enrolment.objects.create(officer=officer, course=done_course, course_title="Phối hợp", reason="role",
                             assigned_on=timezone.localdate(), status=Enrolment.Status.COMPLETED)
    Enrolment.objects.create(officer=officer, course=open_course, course_title="Hài lòng", reason="role",
                             assigned_on=timezone.localdate())
    readiness = readiness_for_officer(officer=officer)
    # The expiring attainment counts; the completed course without a certificate does not (its certificate is the
    # evidence, not the course).
    assert (readiness.required, readiness.covered, readiness.in_progress, readiness.percent) == (4, 1, 1, 25)


def test_daily_sync_task_enrols_roles_that_started_since(officer, role_setup):
    from courses.tasks import enrolments_sync_required_task

    # Recorded with a future start (no enrolment then), now in force: the daily task picks it up, once.
    RoleAssignmentFactory(officer=officer, role=role_setup["role"], start_date=timezone.localdate())
    enrolments_sync_required_task.delay()  # eager in tests
    assert Enrolment.objects.filter(officer=officer, course=role_setup["course"]).count() == 1
    enrolments_sync_required_task()
    assert Enrolment.objects.filter(officer=officer, course=role_setup["course"]).count() == 1


def test_a_burst_of_pings_is_credited_no_more_than_the_wall_clock_time(officer):
    """Issue 9.12: 100 pings in 2.7 s claiming 5 s each were credited 500 s; now at most the 2.7 s elapsed."""
    import time_machine

    course = build_course(lessons=1)
    services.enrolment_create(officer=officer, course=course, reason=Enrolment.Reason.SELF)
    lesson = LessonPage.objects.descendant_of(course).get()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        services.lesson_open(lesson=lesson, user=officer.user)
        for _ in range(100):
            clock.shift(dt.timedelta(milliseconds=27))
            progress = services.lesson_time_record(lesson=lesson, user=officer.user, seconds=5)
        assert progress.seconds_spent <= 2.7
        # An honest tab reporting 30 visible seconds every 30 s gets them all.
        before = progress.seconds_spent
        for _ in range(4):
            clock.shift(dt.timedelta(seconds=30))
            progress = services.lesson_time_record(lesson=lesson, user=officer.user, seconds=30)
        assert progress.seconds_spent == before + 120
        # Time reported as hidden (0 s) is spent: it cannot be claimed by a later ping.
        clock.shift(dt.timedelta(seconds=50))
        services.lesson_time_record(lesson=lesson, user=officer.user, seconds=0)
        clock.shift(dt.timedelta(seconds=1))
        progress = services.lesson_time_record(lesson=lesson, user=officer.user, seconds=60)
        assert progress.seconds_spent == before + 121
        assert progress.seconds_spent <= (timezone.now() - start).total_seconds()


@pytest.mark.django_db(transaction=True)
def test_concurrent_pings_share_the_elapsed_time(officer):
    """Pings racing on the same lesson (many tabs, a script) read the last credited time under a row lock."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection, connections

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("in-memory SQLite is not shared between threads; run with DATABASE_URL=postgres://…")
    course = build_course(lessons=1)
    services.enrolment_create(officer=officer, course=course, reason=Enrolment.Reason.SELF)
    lesson = LessonPage.objects.descendant_of(course).get()
    services.lesson_open(lesson=lesson, user=officer.user)
    LessonProgress.objects.update(last_viewed_at=timezone.now() - dt.timedelta(seconds=30))
    barrier = Barrier(10)

    def ping():
        try:
            barrier.wait()
            services.lesson_time_record(lesson=lesson, user=officer.user, seconds=30)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(10) as pool:
        for f in [pool.submit(ping) for _ in range(10)]:
            f.result()
    assert 30 <= LessonProgress.objects.get(lesson=lesson).seconds_spent <= 32
