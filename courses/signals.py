"""The one upward event of courses/: certificates listen to it without courses importing them.

course_completed.send(sender=Enrolment, enrolment=<Enrolment>) is sent once per enrolment, after the
transaction that completed it commits.
"""

from django.dispatch import Signal

course_completed = Signal()
