"""Officer feedback at the moment it matters: the quiz result page learns whether the course is now complete and
where its certificate stands (certificates is left of notifications, so this tag may read it; assessments may not).
"""

from django import template

register = template.Library()


@register.simple_tag
def course_outcome(attempt, user):
    """For the officer's own attempt whose enrolment is completed: {"enrolment", "certificate", "ready"} (the
    certificate issued for that enrolment, None while it is being issued). None otherwise. One query at most."""
    enrolment = getattr(attempt, "enrolment", None)
    if enrolment is None or enrolment.status != enrolment.Status.COMPLETED or attempt.officer.user_id != user.pk:
        return None
    from certificates.models import Certificate

    certificate = (Certificate.objects.filter(enrolment=enrolment, status__in=Certificate.LIVE_STATUSES)
                   .order_by("-pk").first())
    return {"enrolment": enrolment, "certificate": certificate,
            "ready": bool(certificate and certificate.status == Certificate.Status.READY and certificate.pdf)}
