from notifications.commands import JobCommand


class Command(JobCommand):
    help = "Send the weekly leader digest (Monday 07:00)."
    job = "digest"
