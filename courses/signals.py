"""The upward events of courses/: apps on the right listen to them without courses importing them.

course_completed.send(sender=Enrolment, enrolment=<Enrolment>) is sent once per enrolment, after the
transaction that completed it commits (certificates issue).

course_review_decided.send(sender=CourseReview, review=<CourseReview>) is sent once per decision (approved or
rejected), after the transaction that recorded it commits (notifications tell the author).
"""

from django.dispatch import Signal

course_completed = Signal()
course_review_decided = Signal()
