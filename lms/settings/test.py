"""Test settings: fast hashing, local memory e-mail and cache, eager Celery unless a broker is given."""

import os

from .base import *  # noqa: F401,F403
from .base import DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The SQLite default runs in memory; DATABASE_URL (PostgreSQL in CI) is used as given.
if "DATABASE_URL" not in os.environ:
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:", "ATOMIC_REQUESTS": True}

# Tasks run eagerly inside tests. With CELERY_BROKER_URL set (CI's PostgreSQL + Redis stage) the broker is kept,
# and the tests marked "services" switch eager mode off to go through a real `celery worker` process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or None
HAS_CELERY = bool(CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
