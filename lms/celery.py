import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")

app = Celery("lms", task_cls="lms.tasks:Task")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def worker_nice(**_kwargs) -> None:
    """LMS_WORKER_NICE (0 by default): a worker on the same machine as the web processes lowers its priority, so
    that the certificates' PDFs wait for idle CPU instead of slowing the pages (an exam's submits all issue a
    certificate within the same half minute). Applied before the pool forks, so its processes inherit it."""
    from django.conf import settings

    niceness = int(getattr(settings, "LMS_WORKER_NICE", 0) or 0)
    if niceness > 0:
        os.nice(min(niceness, 19))
