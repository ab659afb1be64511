"""The demo shows every status, and /hoc-tap/, the engine and competency_status agree on it (issue 10)."""

import csv
import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.urls import reverse

from courses.models import Enrolment
from courses.selectors import readiness_for_officer
from people.competency import STATUS_EXPIRED, STATUS_EXPIRING, STATUS_MET, STATUS_MISSING, rows_for_officers
from people.models import Attainment, Observation, Officer


@pytest.fixture
def demo(db, monkeypatch):
    from assessments import demo as assessments_demo
    from certificates import demo as certificates_demo
    from certificates import services as certificate_services
    from certificates.models import Certificate
    from courses import demo as courses_demo
    from people import demo as people_demo

    def fake_render(*, certificate_id, **kwargs):
        # The PDFs are not what this test is about: store a stub file instead of rendering with WeasyPrint.
        return certificate_services.certificate_pdf_store(certificate=Certificate.objects.get(pk=certificate_id),
                                                          data=b"%PDF-1.4\n", notify=False)

    monkeypatch.setattr(certificate_services, "certificate_render", fake_render)
    out = io.StringIO()
    for module in (people_demo, courses_demo, assessments_demo, certificates_demo):
        module.seed(stdout=out)
    return out.getvalue()


def status_csv():
    out = io.StringIO()
    call_command("competency_status", stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))


def test_demo_shows_every_status_and_my_learning_agrees_with_competency_status(demo, client):
    gd003 = Officer.objects.get(employee_code="GD003")
    statuses = {row.status for row in rows_for_officers([gd003])}
    assert statuses == {STATUS_MET, STATUS_EXPIRING, STATUS_EXPIRED, STATUS_MISSING}
    observations = Observation.objects.filter(observer__username="gd001")
    assert observations.count() == 2
    assert all(o.attainment.kind == Attainment.Kind.OBSERVATION for o in observations)
    assert Attainment.objects.filter(revoked_at__isnull=False, kind=Attainment.Kind.CERTIFICATE).exists()
    assert Attainment.objects.filter(revoked_at__isnull=False, kind=Attainment.Kind.PRIOR_LEARNING).exists()
    all_statuses = {row["Trạng thái"] for row in status_csv()}
    assert all_statuses == {STATUS_MET, STATUS_EXPIRING, STATUS_EXPIRED, STATUS_MISSING}
    # Re-training ran: the officer whose certificate was revoked is enrolled again despite the completed course.
    revoked_officer = Attainment.objects.filter(revoked_at__isnull=False, kind="certificate").first().officer
    assert Enrolment.objects.filter(officer=revoked_officer, reason=Enrolment.Reason.RENEWAL,
                                    status=Enrolment.Status.ACTIVE).exists()

    # One seeding for both checks (seeding the whole demo takes a while): /hoc-tap/ == the engine == the CSV.
    per_officer = defaultdict(lambda: [0, 0])
    for row in status_csv():
        counts = per_officer[row["Mã cán bộ"]]
        counts[1] += 1
        counts[0] += row["Trạng thái"] in (STATUS_MET, STATUS_EXPIRING)
    officers = Officer.objects.filter(is_active=True)
    for officer in officers:
        readiness = readiness_for_officer(officer=officer)
        assert [readiness.covered, readiness.required] == per_officer.get(officer.employee_code, [0, 0]), officer
    gd003 = Officer.objects.get(employee_code="GD003")
    client.force_login(gd003.user)
    response = client.get(reverse("courses:my-learning"))
    assert response.status_code == 200
    readiness = response.context["data"].readiness
    assert [readiness.covered, readiness.required] == per_officer["GD003"]
    assert f"{readiness.percent}%" in response.content.decode()
