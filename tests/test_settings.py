"""Settings: fail fast without a secret key in production, eager Celery by default vs a Redis broker,
Vietnamese language, time zone and formats."""

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

BASE_DIR = Path(__file__).resolve().parent.parent
# DJANGO_ALLOW_ASYNC_UNSAFE is set in-process by the browser tests (Playwright); a production process never has it.
CONTROLLED = ("DJANGO_SECRET_KEY", "DJANGO_DEBUG", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")


def run_python(code: str, **env_overrides: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter whose environment we control (settings are read at import time)."""
    env = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def settings_in_subprocess(names, module="lms.settings.base", **env) -> dict:
    code = (
        f"import json, {module} as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {list(names)!r}}}, default=str))"
    )
    result = run_python(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


class TestSecretKeyAndDebug:
    def test_production_without_secret_key_refuses_to_start(self):
        result = run_python("import lms.settings.base", DJANGO_DEBUG="False")
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "DJANGO_SECRET_KEY" in result.stderr

    def test_production_with_secret_key_starts_with_debug_off_and_secure_cookies(self):
        values = settings_in_subprocess(
            ["DEBUG", "SECRET_KEY", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"],
            DJANGO_DEBUG="False", DJANGO_SECRET_KEY="x" * 50,
        )
        assert values == {"DEBUG": False, "SECRET_KEY": "x" * 50, "SESSION_COOKIE_SECURE": True,
                          "CSRF_COOKIE_SECURE": True}

    def test_a_secret_key_alone_turns_debug_off(self):
        values = settings_in_subprocess(["DEBUG"], DJANGO_SECRET_KEY="y" * 50)
        assert values["DEBUG"] is False

    def test_no_environment_means_local_debug_with_a_dev_key(self):
        values = settings_in_subprocess(["DEBUG", "SECRET_KEY"])
        assert values["DEBUG"] is True
        assert values["SECRET_KEY"].startswith("dev-only")


class TestCelery:
    def test_eager_by_default(self):
        values = settings_in_subprocess(["CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "HAS_CELERY"])
        assert values == {"CELERY_BROKER_URL": None, "CELERY_TASK_ALWAYS_EAGER": True, "HAS_CELERY": False}

    def test_redis_broker_when_configured(self):
        url = "redis://127.0.0.1:6379/0"
        values = settings_in_subprocess(
            ["CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "HAS_CELERY"], CELERY_BROKER_URL=url
        )
        assert values == {"CELERY_BROKER_URL": url, "CELERY_TASK_ALWAYS_EAGER": False, "HAS_CELERY": True}

    @pytest.mark.parametrize(("broker", "eager"), [(None, True), ("redis://127.0.0.1:6379/3", False)])
    def test_the_celery_app_reads_the_settings(self, broker, eager):
        env = {"DJANGO_SETTINGS_MODULE": "lms.settings.base"}
        if broker:
            env["CELERY_BROKER_URL"] = broker
        code = (
            "import json, django; django.setup(); from lms.celery import app; "
            "print(json.dumps([app.conf.task_always_eager, app.conf.broker_url, app.conf.task_serializer]))"
        )
        result = run_python(code, **env)
        assert result.returncode == 0, result.stderr
        always_eager, broker_url, serializer = json.loads(result.stdout.strip().splitlines()[-1])
        assert always_eager is eager
        assert serializer == "json"
        if broker:
            assert broker_url == broker


class TestLanguageAndTime:
    def test_vietnamese_first_with_english_available(self):
        assert settings.LANGUAGE_CODE == "vi"
        assert [code for code, _name in settings.LANGUAGES] == ["vi", "en"]
        assert settings.USE_I18N and settings.USE_TZ

    def test_time_zone_is_ho_chi_minh_city(self):
        assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
        assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"


class TestVietnameseFormats:
    @pytest.fixture(autouse=True)
    def _vietnamese(self):
        with translation.override("vi"):
            yield

    def test_numbers_use_a_dot_for_thousands_and_a_comma_for_decimals(self):
        assert formats.number_format(30000) == "30.000"
        assert formats.number_format(1234567) == "1.234.567"
        assert formats.number_format(Decimal("2500.5"), decimal_pos=1) == "2.500,5"

    def test_templates_localise_numbers(self):
        html = Template("{{ fee }} đồng · {{ ratio|floatformat:2 }}").render(Context({"fee": 30000, "ratio": 0.875}))
        assert html == "30.000 đồng · 0,88"

    def test_dates_are_day_month_year(self):
        day = dt.date(2026, 6, 9)
        assert formats.date_format(day) == "09/06/2026"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "09/06/2026"
        assert Template("{{ d|date }}").render(Context({"d": day})) == "09/06/2026"

    def test_date_times_are_shown_in_local_time_24_hour(self):
        moment = dt.datetime(2026, 11, 26, 18, 30, tzinfo=dt.UTC)
        html = Template("{{ m }}").render(Context({"m": moment}))
        assert html == "01:30 27/11/2026"
        assert moment.astimezone(ZoneInfo(settings.TIME_ZONE)).hour == 1

    def test_forms_accept_day_first_dates(self):
        class F(forms.Form):
            day = forms.DateField()

        form = F(data={"day": "09/06/2026"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == dt.date(2026, 6, 9)

    def test_english_keeps_day_first_dates(self):
        with translation.override("en"):
            assert formats.date_format(dt.date(2026, 6, 9), "SHORT_DATE_FORMAT") == "09/06/2026"


class TestCacheAndProxies:
    def test_local_memory_cache_by_default(self):
        values = settings_in_subprocess(["CACHES", "TRUSTED_PROXIES", "AXES_CLIENT_IP_CALLABLE"])
        assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
        assert values["TRUSTED_PROXIES"] == []
        assert values["AXES_CLIENT_IP_CALLABLE"] == "lms.http.axes_client_ip"

    def test_redis_cache_from_cache_url(self):
        values = settings_in_subprocess(["CACHES"], CACHE_URL="redis://127.0.0.1:6379/2")
        # Django's RedisCache, failing open while Redis is down (lms/cache.py).
        assert values["CACHES"]["default"]["BACKEND"] == "lms.cache.TolerantRedisCache"
        assert values["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/2"

    def test_trusted_proxies_are_addresses_or_networks(self):
        values = settings_in_subprocess(["TRUSTED_PROXIES"], TRUSTED_PROXIES="10.0.0.2,172.16.0.0/12")
        assert values["TRUSTED_PROXIES"] == ["10.0.0.2", "172.16.0.0/12"]
        result = run_python("import lms.settings.base", TRUSTED_PROXIES="10.0.0.2,nginx")
        assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


class TestSqliteDefault:
    def test_the_local_sqlite_database_opens_with_wal_immediate_and_a_busy_timeout(self, tmp_path):
        code = "import json, lms.settings.base as s; print(json.dumps(s.DATABASES['default']['OPTIONS']))"
        result = run_python(code, DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
        assert result.returncode == 0, result.stderr
        options = json.loads(result.stdout.strip().splitlines()[-1])
        assert options["transaction_mode"] == "IMMEDIATE"
        assert options["timeout"] == 20
        assert "PRAGMA journal_mode=WAL" in options["init_command"]

    def test_a_postgres_database_gets_no_sqlite_options(self):
        values = settings_in_subprocess(["DATABASES"], DATABASE_URL="postgres://u@localhost:5432/x")
        assert "transaction_mode" not in values["DATABASES"]["default"].get("OPTIONS", {})
