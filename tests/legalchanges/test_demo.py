"""The demo legal change (issue 12, "Done means"): applying it re-enrols exactly the affected officers (the set
computed here independently), retires the linked questions, fills the review list; the preview's numbers equal
what is applied; applying it twice changes nothing."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from courses.models import Enrolment
from courses.selectors import granting_courses
from legalchanges import demo as legalchanges_demo
from legalchanges import services
from legalchanges.models import LegalChange, ReviewItem
from people.competency import evidence_until
from people.models import Attainment, EvidenceBound, RoleAssignment, RoleRequirement

pytestmark = pytest.mark.django_db


def _seed():
    from assessments import demo as assessments_demo
    from certificates import demo as certificates_demo
    from courses import demo as courses_demo
    from people import demo as people_demo
    from procedures import demo as procedures_demo

    for module in (people_demo, procedures_demo, courses_demo, assessments_demo, legalchanges_demo,
                   certificates_demo):
        module.seed(stdout=io.StringIO())


def _expected_retrainees(change: LegalChange, today: dt.date) -> set[int]:
    """Officers whose best evidence for an affected competency is cut by the change's bound: evidence achieved
    before the effective date counts at most until effective + grace (the rule, applied by hand)."""

    class Bound:
        achieved_before, valid_until = change.effective_on, change.retrain_by

    result = set()
    competencies = {c.pk for c in change.competencies.all()}
    current = RoleAssignment.objects.current(today).filter(officer__is_active=True)
    needs: dict[tuple[int, int], tuple[int, int | None]] = {}
    for assignment in current.select_related("role"):
        for req in RoleRequirement.objects.filter(role=assignment.role, competency_id__in=competencies):
            key = (assignment.officer_id, req.competency_id)
            level, validity = needs.get(key, (0, None))
            months = req.validity_months or None
            needs[key] = (max(level, req.level), months if validity is None or (months and months < validity)
                          else validity)
    for (officer_id, competency_id), (level, validity) in needs.items():
        evidence = list(Attainment.objects.filter(officer_id=officer_id, competency_id=competency_id, level__gte=level,
                                                  revoked_at__isnull=True, achieved_on__lte=today)
                        .order_by("achieved_on", "pk"))
        best, bounded = "none", False
        for e in evidence:
            plain = evidence_until(e, validity)
            cut = evidence_until(e, validity, [Bound])
            value = dt.date.max if cut is None else cut
            if best == "none" or value > best:
                best, bounded = value, cut != plain
        if evidence and bounded:
            result.add(officer_id)
    return result


def test_the_demo_legal_change_previews_what_it_applies_and_applies_once():
    _seed()
    today = timezone.localdate()
    change = LegalChange.objects.get()
    assert not change.is_applied and change.document.number == "91/2025/QH15"
    before = set(Enrolment.objects.values_list("pk", flat=True))

    preview = services.legal_change_preview(change=change)
    assert not EvidenceBound.objects.exists() and set(Enrolment.objects.values_list("pk", flat=True)) == before
    expected = _expected_retrainees(change, today)
    assert expected and set(preview.retrain_officer_ids) == expected

    applied = services.legal_change_apply(change=change, user=None)
    assert applied == preview
    new = Enrolment.objects.exclude(pk__in=before)
    assert new.count() == applied.enrolled
    assert set(new.values_list("officer_id", flat=True)) <= expected
    assert set(new.values_list("reason", flat=True)) <= {Enrolment.Reason.RENEWAL}
    # Every officer who must retrain now studies a course granting the competency (new or already active).
    grants = granting_courses(competency_ids=[c.pk for c in change.competencies.all()])
    course_ids = {course.pk for options in grants.values() for _level, course in options}
    studying = set(Enrolment.objects.filter(course_id__in=course_ids, status=Enrolment.Status.ACTIVE)
                   .values_list("officer_id", flat=True))
    assert expected <= studying | set(new.values_list("officer_id", flat=True))
    assert ReviewItem.objects.filter(change=change).count() == applied.lessons_to_review + applied.questions_to_review
    assert applied.lessons_to_review > 0

    counts = (EvidenceBound.objects.count(), Enrolment.objects.count(), ReviewItem.objects.count())
    assert services.legal_change_apply(change=LegalChange.objects.get(pk=change.pk), user=None) == applied
    legalchanges_demo.seed(stdout=io.StringIO())
    assert (EvidenceBound.objects.count(), Enrolment.objects.count(), ReviewItem.objects.count()) == counts
