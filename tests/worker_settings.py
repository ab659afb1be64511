"""Settings of the `celery -A lms worker` processes that tests start (see tests/worker.py).

Production settings (lms/settings/base.py, driven by the same environment variables) plus the few knobs a test
needs: its own queue, so that two test runs sharing one Redis never take each other's jobs, and a short Redis
visibility timeout, so that a job held by a killed worker is handed out again within seconds (acks_late).
"""

from lms.settings.base import *  # noqa: F401,F403
from lms.settings.base import CELERY_BROKER_TRANSPORT_OPTIONS, env

CELERY_TASK_DEFAULT_QUEUE = env.str("LMS_TEST_QUEUE", default="celery")
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS,
                                   "visibility_timeout": env.int("LMS_TEST_VISIBILITY_TIMEOUT", default=3600)}
if env.str("LMS_TEST_VISIBILITY_TIMEOUT", default=""):
    # A job held by a killed worker is handed out again only by a sweep of the "unacked" set, which kombu runs
    # every unacked_restore_interval × unacked_restore_throttle seconds (10 × 10 by default: the kill test once
    # waited past 180 s) under a mutex a killed worker may hold for unacked_mutex_expire (300 s). Every second,
    # and a mutex that lapses quickly, so the restarted worker gets the job back within seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS.update(unacked_restore_interval=1, unacked_restore_throttle=1,
                                           unacked_mutex_expire=10)
# tests/certificates/test_worker.py: the render task waits at a gate (a file) so the kill lands mid-render.
if env.str("LMS_TEST_RENDER_GATE", default=""):
    CELERY_IMPORTS = ["tests.worker_hooks"]
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
