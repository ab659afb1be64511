"""Two beat instances (here: four threads) run the same job at the same moment: every notification is written
once and e-mailed once. Real threads on the real database: run with DATABASE_URL=postgres://… (skipped on
in-memory SQLite, which threads cannot share; `.ci/run` runs the whole suite again on PostgreSQL)."""

import datetime as dt
from collections import Counter

import pytest
from django.core import mail

from notifications import services
from notifications.models import Kind, Notification
from tests.assessments.test_concurrency import run_in_threads, shared_database  # noqa: F401 - fixture
from tests.notifications.conftest import TODAY
from tests.people.factories import OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_same_jobs_run_at_once_send_each_notification_once(shared_database, enrol, unit_tree,  # noqa: F811
                                                               leader, holds):
    officers = [OfficerFactory(unit=unit_tree["team_a"]) for _ in range(12)]
    for officer in officers[:8]:
        enrol(TODAY + dt.timedelta(days=7), who=officer)
    for officer in officers[8:]:
        holds(officer, TODAY + dt.timedelta(days=30))

    def job(name):
        return lambda: services.run_job(name, today=TODAY).created

    results, errors = run_in_threads([job("due"), job("due"), job("due"), job("lapsing"), job("lapsing"),
                                      job("digest"), job("digest")])
    assert errors == []
    assert sorted(results) == [0, 0, 0, 0, 1, 4, 8]  # each key won by exactly one run
    assert Counter(Notification.objects.values_list("kind", flat=True)) == {
        Kind.DUE_SOON: 8, Kind.LAPSING: 4, Kind.DIGEST: 1}
    assert Notification.objects.exclude(status="sent").count() == 0
    assert len(mail.outbox) == 13
    assert len({(tuple(m.to), m.subject) for m in mail.outbox}) == 13
