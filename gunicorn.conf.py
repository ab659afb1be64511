"""gunicorn settings for the web process (read from the working directory: `gunicorn lms.wsgi:application`).

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS; see docs/operations.md.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
timeout = 60
graceful_timeout = 30
keepalive = 5
# The application is imported once, in the master, and the workers are forked from it: a worker starts (or is
# recycled) in milliseconds instead of the ~1.5 s of CPU that importing Django, Wagtail and the apps costs — at the
# exam's 8:00 start, with 1,000 requests a worker, the old import-per-worker cost ~25 imports in 10 minutes. Code
# changes then need a full restart (not HUP). Nothing opens a database or Redis connection at import time.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() not in ("0", "false", "no")
# Recycle workers now and then, so that a slow leak never grows without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# Requests with huge request lines or headers are refused before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# gunicorn believes X-Forwarded-Proto only from these (Django reads it through SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The "Server" header says "gunicorn" with no version (gunicorn ≥ 20); nothing here adds one.
