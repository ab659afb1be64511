"""Settings of the `celery -A lms worker` processes that tests start (see tests/worker.py).

Production settings (lms/settings/base.py, driven by the same environment variables) plus the few knobs a test
needs: its own queue, so that two test runs sharing one Redis never take each other's jobs, and a short Redis
visibility timeout, so that a job held by a killed worker is handed out again within seconds (acks_late).
"""

from lms.settings.base import *  # noqa: F401,F403
from lms.settings.base import env

CELERY_TASK_DEFAULT_QUEUE = env.str("LMS_TEST_QUEUE", default="celery")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("LMS_TEST_VISIBILITY_TIMEOUT", default=3600)}
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# tests/notifications/test_beat.py: `celery beat` with the notification jobs every few seconds instead of daily.
if env.str("LMS_TEST_BEAT_SECONDS", default=""):
    CELERY_BEAT_SCHEDULE = {
        f"notifications-{_job}": {"task": "notifications.tasks.notifications_job_task",
                                  "schedule": env.float("LMS_TEST_BEAT_SECONDS"), "args": (_job,)}
        for _job in ("due", "overdue")
    }
