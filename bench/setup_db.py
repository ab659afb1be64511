"""A fresh database and media folder for one benchmark run (shared by the page benchmarks)."""

import os
import tempfile
from pathlib import Path


def fresh_database(*, name: str, postgres: bool, reuse: bool = False) -> str:
    """Point Django at a new, empty database called `name` and a temporary MEDIA_ROOT; return its label.

    PostgreSQL is the one at 127.0.0.1:5432 (trust auth); otherwise an SQLite file in the temp folder.
    Call before django.setup(). `reuse=True` keeps the database as it is (an earlier run's seeded data).
    """
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix=f"{name}-media-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    if postgres:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if reuse and exists:
                os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
                return "PostgreSQL 15"
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        return "PostgreSQL 15"
    path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
    if not reuse:
        path.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return "SQLite (file)"
