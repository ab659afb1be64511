from notifications.commands import JobCommand


class Command(JobCommand):
    help = "Remind officers of training due in 7 days and today."
    job = "due"
