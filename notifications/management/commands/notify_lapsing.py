from notifications.commands import JobCommand


class Command(JobCommand):
    help = "Warn officers of competencies lapsing in 60, 30 and 7 days."
    job = "lapsing"
