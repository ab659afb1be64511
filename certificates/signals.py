"""The upward event of certificates/: the notification centre listens to it without certificates importing it.

certificate_ready.send(sender=Certificate, certificate=<Certificate>) is sent once per certificate, when its PDF
is first stored, after that transaction commits (lms.tasks.send_on_commit).
"""

from django.dispatch import Signal

certificate_ready = Signal()
