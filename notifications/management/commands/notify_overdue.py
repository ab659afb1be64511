from notifications.commands import JobCommand


class Command(JobCommand):
    help = "Tell officers (and after 7 days their leader) about overdue training."
    job = "overdue"
