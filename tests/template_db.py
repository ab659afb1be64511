"""A migrated SQLite template database, reused by every test run until a migration changes.

Migrating the in-memory SQLite test database from scratch takes most of the start-up time of a test run. The
first run migrates as usual and keeps a copy of the result in the temporary directory, named by a hash of
every migration file of the installed apps (ours, Django's, Wagtail's…) and of the Django and Wagtail versions.
Later runs copy that file into the in-memory database with SQLite's backup API instead of migrating, so the
data migrations still define what the tests start from. PostgreSQL runs (CI's services stage) are untouched.
Loaded as a pytest plugin (``-p tests.template_db`` in pyproject.toml); ``LMS_TEST_DB_CACHE=0`` switches it off.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

CACHE_DIR = Path(tempfile.gettempdir()) / "lms-test-db"


def migrations_key() -> str:
    """A hash of every migration file of the installed apps, and of the framework versions that run them."""
    import django
    import wagtail
    from django.apps import apps

    digest = hashlib.sha256(f"{django.__version__}/{wagtail.__version__}".encode())
    for app in sorted(apps.get_app_configs(), key=lambda a: a.label):
        folder = Path(app.path) / "migrations"
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            digest.update(f"{app.label}/{path.relative_to(folder)}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _install() -> None:
    from django.core.management import call_command
    from django.db.backends.sqlite3.creation import DatabaseCreation

    original = DatabaseCreation.create_test_db

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if not self.is_in_memory_db(self._get_test_db_name()) or keepdb:
            return original(self, verbosity, autoclobber, serialize, keepdb)
        cache = CACHE_DIR / f"{self.connection.alias}-{migrations_key()}.sqlite3"
        if not cache.exists():
            name = original(self, verbosity, autoclobber, serialize, keepdb)
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            partial = cache.with_suffix(f".{os.getpid()}.tmp")
            target = sqlite3.connect(partial)
            self.connection.connection.backup(target)
            target.close()
            os.replace(partial, cache)  # atomic: a parallel run sees the whole file or none
            return name
        name = self._get_test_db_name()
        self._create_test_db(verbosity, autoclobber, keepdb)
        self.connection.close()
        self.connection.settings_dict["NAME"] = name
        from django.conf import settings

        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.ensure_connection()
        source = sqlite3.connect(cache)
        source.backup(self.connection.connection)
        source.close()
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        call_command("createcachetable", database=self.connection.alias)
        return name

    DatabaseCreation.create_test_db = create_test_db


def pytest_configure(config) -> None:
    if os.environ.get("LMS_TEST_DB_CACHE", "1") != "0":
        _install()
