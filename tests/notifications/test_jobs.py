"""Each job's selection at its boundaries, once only, mute rules and a query count independent of recipients."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Enrolment
from dashboards import coverage
from notifications import services
from notifications.models import Kind, Mute, Notification
from tests.notifications.conftest import TODAY, rows
from tests.people.factories import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.timedelta


def run(name, today=TODAY, **kwargs):
    return services.run_job(name, today=today, **kwargs)


# --- Due -------------------------------------------------------------------------------------------------------


def test_due_in_seven_days_and_today_across_the_year_end(enrol):
    soon = enrol(TODAY + D(days=7))         # 04/01/2027
    due_today = enrol(TODAY, who=OfficerFactory())
    enrol(TODAY + D(days=6), who=OfficerFactory())
    enrol(TODAY + D(days=8), who=OfficerFactory())
    enrol(TODAY + D(days=7), who=OfficerFactory(), status=Enrolment.Status.COMPLETED)
    result = run("due")
    assert result.created == 2
    [n_soon] = rows(kind=Kind.DUE_SOON)
    assert (n_soon.subject, n_soon.period, n_soon.recipient) == (soon, "2027-01-04", soon.officer.user)
    assert "04/01/2027" in n_soon.title and n_soon.title.startswith("Hạn hoàn thành")
    [n_today] = rows(kind=Kind.DUE_TODAY)
    assert n_today.subject == due_today
    assert n_today.link == f"/hoc-tap/ghi-danh/{due_today.pk}/tiep-tuc/"


def test_due_twice_sends_nothing_twice(enrol, django_capture_on_commit_callbacks):
    enrol(TODAY + D(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        first = run("due")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = run("due")
    assert (first.created, second.created, second.already) == (1, 0, 1)
    assert callbacks == []
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_a_moved_due_date_is_reminded_again(enrol):
    enrolment = enrol(TODAY + D(days=7))
    run("due")
    Enrolment.objects.filter(pk=enrolment.pk).update(due_on=TODAY + D(days=8))
    assert run("due", today=TODAY + D(days=1)).created == 1
    assert sorted(n.period for n in rows(kind=Kind.DUE_SOON)) == ["2027-01-04", "2027-01-05"]


def test_month_end(enrol):
    enrolment = enrol(dt.date(2027, 3, 7))
    assert run("due", today=dt.date(2027, 2, 28)).created == 1
    assert rows()[0].subject == enrolment


def test_weekend_reminders_move_to_friday_only_when_the_setting_says_so(enrol, settings):
    friday = dt.date(2027, 1, 8)
    saturday_due, sunday_due = enrol(friday + D(days=1)), enrol(friday + D(days=2), who=OfficerFactory())
    settings.NOTIFICATIONS_SKIP_WEEKENDS = False
    assert run("due", today=friday, dry_run=True).candidates == []
    settings.NOTIFICATIONS_SKIP_WEEKENDS = True
    result = run("due", today=friday)
    assert {n.subject for n in rows(kind=Kind.DUE_TODAY)} == {saturday_due, sunday_due}
    assert result.created == 2
    assert run("due", today=friday + D(days=1)).created == 0  # nothing at the weekend


# --- Overdue ---------------------------------------------------------------------------------------------------


def test_overdue_officer_at_once_their_nearest_leader_after_seven_days(enrol, officer, leader, unit_tree):
    city_leader = OfficerFactory(unit=unit_tree["city"], user=UserFactory(username="city", groups=["Leader"]))
    city_leader.led_units.add(unit_tree["city"])
    enrolment = enrol(TODAY - D(days=1))
    run("overdue")
    assert [(n.kind, n.recipient) for n in rows()] == [(Kind.OVERDUE, officer.user)]
    run("overdue", today=TODAY + D(days=5))  # 6 days late: still only the officer, once
    assert Notification.objects.count() == 1
    run("overdue", today=TODAY + D(days=6))  # 7 days late: the ward leader, not the city's
    [to_leader] = rows(kind=Kind.OVERDUE_LEADER)
    assert to_leader.recipient == leader.user and to_leader.subject == enrolment
    assert "Nguyễn Thị Lan" in to_leader.title
    assert to_leader.link == f"/quan-ly/nang-luc/{officer.unit_id}/qua-han/"
    run("overdue", today=TODAY + D(days=20))
    assert Notification.objects.count() == 2


def test_not_overdue_on_the_due_date(enrol):
    enrol(TODAY)
    assert run("overdue").candidates == []


# --- Lapsing ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_left", "window"), [(61, None), (60, 60), (31, 60), (30, 30), (8, 30), (7, 7),
                                                   (0, 7), (-1, None)])
def test_lapsing_window_boundaries(days_left, window):
    assert services.lapsing_window(TODAY + D(days=days_left), TODAY) == window


def test_lapsing_60_30_7_days_once_each(officer, holds):
    until = dt.date(2027, 2, 26)  # 60 days after 28/12/2026
    holds(officer, until)
    day = TODAY - D(days=2)
    while day <= until + D(days=3):
        run("lapsing", today=day)
        day += D(days=1)
    periods = list(Notification.objects.filter(kind=Kind.LAPSING).order_by("pk").values_list("period", flat=True))
    assert periods == ["2027-02-26/60", "2027-02-26/30", "2027-02-26/7"]
    first = Notification.objects.filter(kind=Kind.LAPSING).order_by("pk").first()
    assert "26/02/2027" in first.title and first.link == "/hoc-tap/nang-luc/"


def test_a_shorter_validity_in_the_requirement_is_the_deadline(officer, holds, requirement):
    """A legal change shortens the validity: the engine's "valid until" moves and the warning follows it."""
    holds(officer, dt.date(2030, 1, 1))
    assert run("lapsing", dry_run=True).candidates == []  # valid until 01/06/2027 (24 months)
    requirement.validity_months = 19  # → 01/01/2027, 4 days after TODAY, across the year end
    requirement.save()
    [candidate] = run("lapsing").candidates
    assert candidate.period == "2027-01-01/7"


def test_lapsing_caused_by_a_legal_change_names_the_document(officer, holds, requirement, unit_tree):
    """The bound of a legal change set the end: the text says to retrain under the document, by that day. Pairs
    whose end the bound did not set (evidence from after the law, or expiring earlier anyway) keep the plain
    text."""
    from people.models import Attainment, EvidenceBound

    holds(officer, dt.date(2030, 1, 1))  # 24 months from 01/06/2025: 01/06/2027, out of every window
    EvidenceBound.objects.create(competency=requirement.competency, achieved_before=dt.date(2026, 1, 1),
                                 valid_until=dt.date(2027, 1, 20), reason="91/2025/QH15")
    after_the_law = OfficerFactory(unit=unit_tree["team_a"])
    Attainment.objects.filter(pk=holds(after_the_law, TODAY + D(days=30)).pk).update(achieved_on=dt.date(2026, 2, 1))
    expires_first = OfficerFactory(unit=unit_tree["team_a"])
    holds(expires_first, TODAY + D(days=10))  # bounded too, but its own expiry (07/01/2027) comes first
    assert run("lapsing").created == 3
    bounded = Notification.objects.get(kind=Kind.LAPSING, recipient=officer.user)
    assert bounded.period == "2027-01-20/30"
    assert bounded.body == ("Năng lực “Tiếp nhận hồ sơ” của bạn chỉ còn hiệu lực đến ngày 20/01/2027 (còn 23 ngày) "
                            "do 91/2025/QH15. Hãy học lại theo 91/2025/QH15 trước ngày 20/01/2027 để tiếp tục làm "
                            "việc tại quầy.")
    for who in (after_the_law, expires_first):
        plain = Notification.objects.get(kind=Kind.LAPSING, recipient=who.user)
        assert "91/2025/QH15" not in plain.body and "Hãy gia hạn" in plain.body


def test_lapsing_query_count_does_not_grow_with_recipients(holds, unit_tree):
    def officers(n):
        return [OfficerFactory(unit=unit_tree["team_a"]) for _ in range(n)]

    for o in officers(2):
        holds(o, TODAY + D(days=30))
    with CaptureQueriesContext(connection) as few:
        assert run("lapsing").created == 2
    Notification.objects.all().delete()
    for o in officers(8):
        holds(o, TODAY + D(days=30))
    with CaptureQueriesContext(connection) as many:
        assert run("lapsing").created == 10
    assert len(many) == len(few)


def test_due_query_count_does_not_grow_with_recipients(enrol):
    enrol(TODAY + D(days=7))
    run("due", today=TODAY - D(days=30))  # warm-up: per-process lookups (content types…) are not the job's cost
    with CaptureQueriesContext(connection) as few:
        run("due")
    for _ in range(6):
        enrol(TODAY + D(days=8), who=OfficerFactory())
    with CaptureQueriesContext(connection) as many:
        assert run("due", today=TODAY + D(days=1)).created == 6
    assert len(many) == len(few)


# --- Re-training and marking -----------------------------------------------------------------------------------


def test_retraining_enrolments_are_announced_once(officer, course):
    from tests.courses.factories import EnrolmentFactory

    with time_machine.travel(dt.datetime(2026, 12, 20, 9, tzinfo=timezone.get_current_timezone()), tick=False):
        old = EnrolmentFactory(officer=officer, course=course, reason=Enrolment.Reason.RENEWAL,
                               due_on=dt.date(2027, 1, 20))
    assert run("retraining").created == 0  # created 8 days ago: before the catch-up window
    Enrolment.objects.filter(pk=old.pk).update(status=Enrolment.Status.WITHDRAWN)
    new = EnrolmentFactory(officer=officer, course=course, reason=Enrolment.Reason.RENEWAL,
                           due_on=dt.date(2027, 2, 1))
    EnrolmentFactory(officer=OfficerFactory(), course=course, reason=Enrolment.Reason.SELF)
    today = timezone.localdate()
    assert run("retraining", today=today).created == 1
    assert run("retraining", today=today + D(days=1)).created == 0
    [n] = rows()
    assert (n.kind, n.subject) == (Kind.RETRAINING, new)
    assert "01/02/2027" in n.body


@pytest.fixture
def waiting_attempt(officer, course):
    from assessments import services as assessment_services
    from assessments.models import QuestionKind
    from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question
    from tests.courses.factories import EnrolmentFactory, ModulePageFactory

    module = ModulePageFactory(parent=course)
    quiz = QuizPageFactory(parent=module, title="Bài tự luận")
    add_fixed(quiz, make_question(QuestionKind.ESSAY, category=QuestionCategoryFactory(), default_mark=Decimal("2")))
    EnrolmentFactory(officer=officer, course=course)
    submitted = dt.datetime(2026, 12, 24, 16, tzinfo=timezone.get_current_timezone())  # Thursday afternoon
    with time_machine.travel(submitted - D(minutes=5), tick=False):
        attempt = assessment_services.attempt_start(quiz=quiz, officer=officer)
        essay = attempt.responses.get()
        assessment_services.response_save(response_id=essay.pk, user=officer.user, text="Trả lời đầy đủ.")
    return assessment_services.attempt_submit(attempt=attempt, now=submitted)


def test_marking_reminder_after_three_days_to_every_trainer(waiting_attempt, trainer):
    other = UserFactory(username="trainer2", groups=["Trainer"])
    UserFactory(username="officer2", groups=["Officer"])
    assert run("marking", today=dt.date(2026, 12, 27)).created == 0  # 24/12 16:00 + 3 days is not over yet
    result = run("marking", today=dt.date(2026, 12, 28))
    assert {n.recipient for n in rows()} == {trainer, other}
    assert result.created == 2 and rows()[0].subject == waiting_attempt
    assert run("marking", today=dt.date(2026, 12, 29)).created == 0


def test_muted_marking_is_not_sent_and_mandatory_kinds_cannot_be_muted(waiting_attempt, trainer, officer):
    services.mutes_set(user=trainer, kinds=[Kind.MARKING, Kind.OVERDUE])
    assert set(Mute.objects.values_list("kind", flat=True)) == {Kind.MARKING}
    result = run("marking")
    assert (result.created, result.muted) == (0, 1)
    Mute.objects.create(user=officer.user, kind=Kind.OVERDUE)  # even if stored, a mandatory kind is sent
    Enrolment.objects.filter(officer=officer).update(due_on=TODAY - D(days=1))
    assert run("overdue").created == 1


# --- Weekly digest ---------------------------------------------------------------------------------------------


def test_digest_numbers_equal_the_dashboard_and_are_sent_once_a_week(officer, leader, holds, enrol, unit_tree):
    holds(officer, TODAY + D(days=20))           # met, lapsing within 30 days
    lost = OfficerFactory(unit=unit_tree["team_a"], full_name="Trần Văn Hùng")
    holds(lost, TODAY - D(days=3))                # met a week ago, a new gap now
    enrol(TODAY - D(days=2))                      # overdue
    result = run("digest")
    assert result.created == 1
    [n] = rows(kind=Kind.DIGEST)
    assert (n.recipient, n.subject, n.period) == (leader.user, unit_tree["ward_a"], "2026-W53")
    overview = coverage.coverage_overview(unit=unit_tree["ward_a"], on=TODAY)
    digest = services.digests_for([unit_tree["ward_a"]], TODAY)[unit_tree["ward_a"].pk]
    assert digest.counts.percent == overview.total.counts.percent == 50.0
    assert digest.previous.percent == 100.0 and digest.change == -50.0
    assert [r.officer for r in digest.new_gaps] == [lost]
    assert [r.officer for r in digest.lapsing] == [officer]
    assert len(digest.overdue) == overview.total.counts.overdue == 1
    assert "50,0 %" in n.title and "Trần Văn Hùng" in n.body and "-50,0 điểm" in n.body
    assert n.link == f"/quan-ly/nang-luc/{unit_tree['ward_a'].pk}/"
    assert {item["url"] for item in n.links} >= {f"/quan-ly/nang-luc/{unit_tree['ward_a'].pk}/tai-quay/"}
    assert run("digest", today=TODAY + D(days=3)).created == 0   # same ISO week
    assert run("digest", today=TODAY + D(days=7)).created == 1   # next week (2027-W01)


def test_digest_desk_red_cells(officer, leader, holds, unit_tree, settings):
    settings.DASHBOARDS_COUNTER_ROLES = ("TN",)
    holds(officer, TODAY + D(days=200))
    digest = services.digests_for([unit_tree["ward_a"]], TODAY)[unit_tree["ward_a"].pk]
    assert [(centre, cell.count) for centre, cell in digest.red_cells] == [(unit_tree["centre_a"], 1)]


def test_muted_digest(leader, unit_tree):
    services.mutes_set(user=leader.user, kinds=[Kind.DIGEST])
    assert run("digest").created == 0


def test_digest_query_count_does_not_grow_with_leaders(leader, unit_tree):
    with CaptureQueriesContext(connection) as few:
        run("digest")
    for n in range(5):
        extra = OfficerFactory(unit=unit_tree["ward_b"], user=UserFactory(username=f"lb{n}", groups=["Leader"]))
        extra.led_units.add(unit_tree["ward_b"] if n % 2 else unit_tree["centre_b"])
    with CaptureQueriesContext(connection) as many:
        assert run("digest", today=TODAY + D(days=7)).created == 6
    assert len(many) == len(few)


# --- Commands --------------------------------------------------------------------------------------------------


def test_command_dry_run_prints_who_would_get_what_and_writes_nothing(enrol, capsys):
    enrol(dt.date(2027, 1, 4))
    call_command("notify_due", "--today", "28/12/2026", "--dry-run")
    out = capsys.readouterr().out
    assert "Nguyễn Thị Lan" in out and "04/01/2027" in out and "1" in out
    assert Notification.objects.count() == 0
    call_command("notify_due", "--today", "28/12/2026")
    assert Notification.objects.count() == 1
    call_command("notify_due", "--today", "28/12/2026", "--dry-run")
    assert "Nguyễn Thị Lan" not in capsys.readouterr().out.split("\n")[0]


def test_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="DD/MM/YYYY"):
        call_command("notify_overdue", "--today", "2026-12-28")


@pytest.mark.parametrize("name", ["due", "overdue", "lapsing", "retraining", "marking", "digest"])
def test_every_job_has_a_beat_entry_and_a_command(name, settings):
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values()
               if e["task"] == "notifications.tasks.notifications_job_task" and e.get("args") == (name,)]
    assert len(entries) == 1
    call_command(f"notify_{name}", "--today", "28/12/2026", "--dry-run")


def test_digest_runs_monday_at_seven(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["notifications-digest"]["schedule"]
    assert schedule.hour == {7} and schedule.minute == {0} and schedule.day_of_week == {1}
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"
