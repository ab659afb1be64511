from notifications.commands import JobCommand


class Command(JobCommand):
    help = "Remind trainers of essays waiting over 3 days."
    job = "marking"
