from notifications.commands import JobCommand


class Command(JobCommand):
    help = "Tell officers about new re-training enrolments."
    job = "retraining"
