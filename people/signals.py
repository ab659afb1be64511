"""Events people/ sends to apps on its right, which it must not import.

Courses listens to enrol officers in what their roles require (DESIGN: role assignment creates enrolments).
Both carry primary keys only, and are sent after the transaction commits.
"""

from django.dispatch import Signal

# kwargs: officer_ids: list[int]
role_assignments_changed = Signal()
# kwargs: role_ids: list[int]
role_requirements_changed = Signal()
# kwargs: officer_ids: list[int] — evidence of these officers was revoked (courses re-trains them)
evidence_revoked = Signal()
