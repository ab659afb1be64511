"""All settings of One-Stop Academy, driven by the environment.

With no environment at all the project runs locally on SQLite with eager Celery, console e-mail and DEBUG on.
Production differs only in its environment variables (see README.md, "Environment variables").
"""

import ipaddress
from pathlib import Path

import environ
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# --- Core -----------------------------------------------------------------------------------------------
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=not SECRET_KEY)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DEBUG is off. Set it in the environment "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Our apps first so that their templates and translations win.
    "people",
    "procedures",
    "courses",
    "assessments",
    "legalchanges",
    "certificates",
    "dashboards",
    "notifications",
    # The project package: CSP nonces for Wagtail's inline scripts (lms/csp.py, lms/templates/wagtailadmin/),
    # the session timeout connected to logging in (lms/middleware.py).
    "lms",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Django and third parties
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dashboards.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "lms.csp.CSPNonceRequestMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
    "lms.middleware.SessionIdleTimeoutMiddleware",
    # The site and the page a URL routes to from the shared cache (lms/routing.py), for Wagtail's serve view.
    "lms.routing.CachedRouteMiddleware",
    # Last, so its process_exception sees a view's database error first: 503 "reconnecting", never a 500.
    "lms.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "people.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
# The embedded SQLite default serves a handful of simultaneous users (autosaves, lesson time pings, admin saves)
# without "database is locked": WAL lets readers run beside the one writer; every transaction starts IMMEDIATE,
# so a transaction that will write waits for the lock at BEGIN (under the busy timeout) instead of failing when
# it upgrades from reading; the busy timeout (seconds) is how long it waits. docs/operations.md, "SQLite".
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # A persistent connection is checked before its first query in a request, so after a database restart a
    # worker reconnects instead of failing once per dead connection; while the database is down the request
    # gets 503 + Retry-After (lms.middleware.DatabaseUnavailableMiddleware, docs/operations.md).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"

# Login throttling (django-axes): five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client address behind the reverse proxy: one helper for axes, the verify rate limit and the reset throttle.
AXES_CLIENT_IP_CALLABLE = "lms.http.axes_client_ip"

# --- Cache and proxies ----------------------------------------------------------------------------------
# Rate limits and throttles count in this cache: every gunicorn process must share it (Redis in production).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # The per-process default (one machine, no Redis) holds the competency counts of every unit (one entry per
    # unit and day: a city of 200 units and its 12-month trend is ~2,600 entries): Django's default of 300 entries
    # would cull them on every overview. ?max_entries=… in CACHE_URL still wins.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 50_000)
elif CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis is a cache, not a dependency: short timeouts, and while it is down reads miss and writes are skipped
    # behind a circuit breaker (lms/cache.py); sessions fall back to the database (cached_db).
    CACHES["default"]["BACKEND"] = "lms.cache.TolerantRedisCache"
# How long the competency status counts of a unit (the leaders' overview, trend, desk readiness) stay in the cache.
# Every write to the records behind them starts a new version, so this only bounds memory; 0 turns the cache off.
COMPETENCY_CACHE_SECONDS = env.int("COMPETENCY_CACHE_SECONDS", default=600)
# Addresses or networks of the reverse proxies whose X-Forwarded-For header is believed (empty: none is).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc} (an address or a network, e.g. 10.0.0.0/8)") from None

# Password reset throttle (lms.accounts): requests per e-mail address and per client address in a window.
LMS_PASSWORD_RESET_PER_ADDRESS = env.int("LMS_PASSWORD_RESET_PER_ADDRESS", default=3)
LMS_PASSWORD_RESET_PER_CLIENT = env.int("LMS_PASSWORD_RESET_PER_CLIENT", default=10)
LMS_PASSWORD_RESET_WINDOW = 60 * 60  # seconds

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["lms.formats"]

# --- Static and media -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="Học viện Một cửa <no-reply@localhost>")

# --- Celery ---------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or None
HAS_CELERY = bool(CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not HAS_CELERY
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
# A worker sharing its machine with the web processes runs at this lower priority (nice 0–19; lms/celery.py).
LMS_WORKER_NICE = env.int("LMS_WORKER_NICE", default=0)
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Sending a task while the broker is down gives up within a few seconds (connect timeout, two quick retries):
# the task is then recorded in the database (lms.models.DeferredTask) and sent by the sweeper below once the
# broker is back; for LMS_BROKER_CIRCUIT_SECONDS after a failure a process records without trying (lms/tasks.py).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5,
                                    "interval_max": 1}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 10}
LMS_BROKER_CIRCUIT_SECONDS = env.float("LMS_BROKER_CIRCUIT_SECONDS", default=5)
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE["lms-deferred-tasks-send"] = {"task": "lms.tasks.deferred_tasks_send_task", "schedule": 60}
# Certificates still PENDING long after issue (a queued render lost with a Redis that restarted empty) are
# queued again; the render is idempotent, so a duplicate only finds the PDF done.
LMS_PENDING_RENDER_AFTER = env.int("LMS_PENDING_RENDER_AFTER", default=10 * 60)
CELERY_BEAT_SCHEDULE["certificates-pending-requeue"] = {
    "task": "certificates.tasks.certificates_pending_requeue_task", "schedule": LMS_PENDING_RENDER_AFTER,
}
# certificates: daily expiry handling and renewal re-enrolment (N days before expiry), early morning local time.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["certificates-expire"] = {
    "task": "certificates.tasks.certificates_expire_task", "schedule": crontab(hour=2, minute=0),
}
CELERY_BEAT_SCHEDULE["certificates-renewal-enrol"] = {
    "task": "certificates.tasks.certificates_renewal_enrol_task", "schedule": crontab(hour=2, minute=10),
}
# assessments: submit quiz attempts whose time ran out while the officer was away; seconds of grace after a deadline.
CELERY_BEAT_SCHEDULE["assessments-submit-expired"] = {
    "task": "assessments.tasks.attempts_submit_expired_task", "schedule": 60.0,
}
ASSESSMENTS_GRACE_SECONDS = env.int("ASSESSMENTS_GRACE_SECONDS", default=30)
# Answers typed while the desk was offline and replayed after reconnecting (static/assessments/attempt.js) are
# still accepted this many seconds after the deadline when their signed page token proves they were given before it;
# the expiry task waits as long before it closes an attempt (docs/operations.md).
ASSESSMENTS_OFFLINE_GRACE_SECONDS = env.int("ASSESSMENTS_OFFLINE_GRACE_SECONDS", default=300)
# Bump (or set) on deploy to drop every browser's offline cache of lesson pages and static files (lms/offline.py);
# the service worker's cache name also changes by itself when the static files manifest changes.
LMS_OFFLINE_CACHE_VERSION = env.str("LMS_OFFLINE_CACHE_VERSION", default="1")
# courses: daily catch-up of automatic enrolment (role assignments that started today, courses granting more).
CELERY_BEAT_SCHEDULE["courses-enrolments-sync"] = {
    "task": "courses.tasks.enrolments_sync_required_task", "schedule": crontab(hour=1, minute=30),
}

# notifications: the daily reminders (early morning local time), Monday's leader digest at 07:00
# Asia/Ho_Chi_Minh (CELERY_TIMEZONE), and another try of failed e-mails every half hour.
for _minute, _job in enumerate(("due", "overdue", "lapsing", "retraining", "marking")):
    CELERY_BEAT_SCHEDULE[f"notifications-{_job}"] = {
        "task": "notifications.tasks.notifications_job_task", "schedule": crontab(hour=6, minute=5 * _minute),
        "args": (_job,),
    }
CELERY_BEAT_SCHEDULE["notifications-digest"] = {
    "task": "notifications.tasks.notifications_job_task", "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    "args": ("digest",),
}
CELERY_BEAT_SCHEDULE["notifications-retry-failed"] = {
    "task": "notifications.tasks.notifications_retry_failed_task", "schedule": crontab(minute="*/30"),
}
# A due-date reminder that would fall on a Saturday or Sunday is sent on the Friday before.
NOTIFICATIONS_SKIP_WEEKENDS = env.bool("NOTIFICATIONS_SKIP_WEEKENDS", default=False)

# --- Wagtail --------------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Học viện Một cửa"
# The public address of the site: every absolute link (e-mails, QR verify links, Wagtail's admin) starts with it.
# WAGTAILADMIN_BASE_URL (the older name, still read) defaults to it.
SITE_URL = env.str("SITE_URL", default="") or env.str("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents are always served through Wagtail's view (login-only: courses/wagtail_hooks.py), never from MEDIA_URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "pptx", "odt", "ods", "txt", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_MODERATION_ENABLED = True
# New pages get ASCII slugs with Vietnamese folded ("Tiếp nhận hồ sơ" → tiep-nhan-ho-so): lms/slugs.py.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# The admin login form with translated labels (lms/admin_forms.py).
WAGTAILADMIN_USER_LOGIN_FORM = "lms.admin_forms.LoginForm"

# --- Security -------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Sessions end after this much inactivity (lms.middleware): a working day for officers, less for admin users.
LMS_SESSION_IDLE_OFFICER = env.int("LMS_SESSION_IDLE_OFFICER", default=8 * 60 * 60)
LMS_SESSION_IDLE_STAFF = env.int("LMS_SESSION_IDLE_STAFF", default=2 * 60 * 60)
LMS_SESSION_REFRESH = 5 * 60  # seconds between two pushes of the expiry (a session write)
SESSION_COOKIE_AGE = LMS_SESSION_IDLE_OFFICER
# Sessions are read from the shared cache (CACHE_URL) and written through to the database: a request does not
# query django_session unless the cache lost the session; logout, a password change and expiry delete both.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# No page may be framed, except Wagtail's preview (which sets SAMEORIGIN itself, for the editor's preview panel).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # False only for a local production-like run over plain http (docs/operations.md).
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# Content Security Policy (django-csp 4). Scripts come only from our static files; the inline scripts Wagtail's
# admin still writes carry the request's nonce (lms/csp.py). Styles keep 'unsafe-inline': Wagtail's admin sets
# style attributes, and a nonce in style-src would switch 'unsafe-inline' off.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# --- Logging --------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# --- Project settings -----------------------------------------------------------------------------------
# Days between an automatic enrolment and its due date, unless the site setting says otherwise.
LMS_DEFAULT_DUE_DAYS = 30
# Largest officer import file accepted (bytes).
LMS_IMPORT_MAX_BYTES = env.int("LMS_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Largest total an uploaded XLSX may unpack to (a zip bomb is refused from the zip directory).
LMS_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("LMS_IMPORT_MAX_UNCOMPRESSED_BYTES", default=64 * 1024 * 1024)
# Uploads larger than this once unpacked (an XLSX's uncompressed size) are imported by a Celery task with a
# progress page instead of inside the request.
LMS_IMPORT_BACKGROUND_BYTES = env.int("LMS_IMPORT_BACKGROUND_BYTES", default=256 * 1024)
# Certificate PDFs and unit ZIPs: a private folder never served under MEDIA_URL (default: "private" next to
# MEDIA_ROOT). Put it on the same persistent volume as MEDIA_ROOT in production.
CERTIFICATES_PRIVATE_ROOT = env.str("CERTIFICATES_PRIVATE_ROOT", default="") or None
