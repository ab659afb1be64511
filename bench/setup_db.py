"""A fresh database and media folder for one benchmark run (shared by the page benchmarks)."""

import os
import tempfile
from pathlib import Path


def fresh_database(*, name: str, postgres: bool) -> str:
    """Point Django at a new, empty database called `name` and a temporary MEDIA_ROOT; return its label.

    PostgreSQL is the one at 127.0.0.1:5432 (trust auth); otherwise an SQLite file in the temp folder.
    Call before django.setup().
    """
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix=f"{name}-media-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    if postgres:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
        return "PostgreSQL 15"
    path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
    path.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return "SQLite (file)"
