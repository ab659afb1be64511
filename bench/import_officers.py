"""Benchmark: import a generated 10,000-row XLSX of officers and role assignments.

    .venv/bin/python bench/import_officers.py                 # SQLite file DB (fresh), writes bench/results-import.md
    .venv/bin/python bench/import_officers.py --postgres postgres://postgres@127.0.0.1:5432/postgres

Each database run happens in a child process with its own fresh database (migrated before the clock starts).
The clock covers exactly what the upload screen and `manage.py import_officers` do: read the file, validate
every row, write everything in one transaction and run the on-commit notifications. It reports wall time,
peak Python heap (tracemalloc) and peak resident memory (ru_maxrss) for a first import and for a re-import of the
same file (which must update nothing and create nothing). Target: <= 30 s and <= 500 MB on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CENTRES = ["GIADINH-TT", "BINHTHANH-TT", "BINHLOITRUNG-TT", "THANHMYTAY-TT", "BINHQUOI-TT"]
ROLE_WEIGHTS = {"TN": 40, "HD": 20, "TL": 25, "QL": 5, "LD": 4, "IT": 6}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai"]
MIDDLE_F = ["Thị", "Thị Thu", "Ngọc", "Thị Kim", "Thị Minh", "Thanh", "Thị Hồng", "Bảo", "Thị Ngọc", "Phương"]
MIDDLE_M = ["Văn", "Minh", "Quốc", "Đức", "Hữu", "Thanh", "Công", "Hoàng", "Đình", "Gia"]
GIVEN_F = ["Lan", "Hà", "Mai", "Hương", "Trang", "Ngọc", "Linh", "Thảo", "Anh", "Hạnh", "Oanh", "Yến", "Nhung",
           "Dung", "Vy", "Trâm", "Quyên", "Thủy", "Hằng", "Giang"]
GIVEN_M = ["Hùng", "Tuấn", "Dũng", "Bảo", "Khoa", "Long", "Phúc", "Quang", "Sơn", "Thắng", "Trung", "Vinh",
           "Hải", "Nam", "Đạt", "Hiếu", "Kiên", "Tâm", "Tài", "Lộc"]
ASCII = str.maketrans("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
                      "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd")


def generate_rows(n_rows: int, seed: int = 2026) -> list[list]:
    """~1.3 rows per officer: most hold one desk role, some two or three (an officer with two roles has two rows)."""
    rng = random.Random(seed)
    rows: list[list] = []
    roles, weights = list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values())
    number = 0
    while len(rows) < n_rows:
        number += 1
        female = rng.random() < 0.6
        name = " ".join([rng.choice(FAMILY), rng.choice(MIDDLE_F if female else MIDDLE_M),
                         rng.choice(GIVEN_F if female else GIVEN_M)])
        code = f"CB{number:06d}"
        email = f"{name.lower().translate(ASCII).replace(' ', '.')}.{number}@hcm.gov.vn"
        phone = f"09{rng.randrange(10**8):08d}"
        centre = rng.choice(CENTRES)
        count = rng.choices([1, 2, 3], weights=[66, 27, 7])[0]
        held = set()
        for _ in range(count):
            role = rng.choices(roles, weights)[0]
            if role in held:
                continue
            held.add(role)
            start = date(2025, 7, 1) + timedelta(days=rng.randrange(0, 300))
            end = start + timedelta(days=rng.randrange(90, 720)) if rng.random() < 0.15 else None
            rows.append([code, name, email, phone, centre, role, start, end])
            if len(rows) == n_rows:
                break
    return rows


def write_xlsx(rows: list[list], path: Path) -> None:
    from openpyxl import Workbook

    from people.imports import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cán bộ")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("DJANGO_DEBUG", "False")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _seed_reference_data() -> None:
    """The real units (units.csv) and the six desk roles (roles.csv), as seed_demo loads them."""
    from people.models import DeskRole, Unit
    from people.services import unit_save

    domain = ROOT.parent / "shared" / "domain"
    units_csv = domain / "units.csv"
    roles_csv = domain / "roles.csv"
    if units_csv.exists():
        for row in csv.DictReader(units_csv.open(encoding="utf-8")):
            if Unit.objects.filter(code=row["code"]).exists():
                continue
            parent = Unit.objects.get(code=row["parent_code"]) if row["parent_code"] else None
            unit_save(unit=Unit(code=row["code"], name=row["name_vi"], kind=row["kind"], parent=parent))
    else:
        city = Unit.objects.filter(code="HCM").first() or unit_save(
            unit=Unit(code="HCM", name="Thành phố Hồ Chí Minh", kind="city"))
        for code in CENTRES:
            if not Unit.objects.filter(code=code).exists():
                unit_save(unit=Unit(code=code, name=f"Trung tâm {code}", kind="service_centre", parent=city))
    if roles_csv.exists():
        for row in csv.DictReader(roles_csv.open(encoding="utf-8")):
            DeskRole.objects.get_or_create(code=row["code"], defaults={"name_vi": row["name_vi"],
                                                                       "name_en": row["name_en"]})
    else:
        for code in ROLE_WEIGHTS:
            DeskRole.objects.get_or_create(code=code, defaults={"name_vi": code})


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed_import(path: Path, trace: bool) -> dict:
    """Wall time without tracing (tracemalloc slows Python code several times); heap peak in a traced run."""
    from people.imports import officers_import_file

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with path.open("rb") as handle:
        result = officers_import_file(file=handle)
    elapsed = time.perf_counter() - started
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "seconds": round(elapsed, 2),
        "heap_mb": round(peak / 2**20, 1),
        "rss_mb": round(_rss_mb(), 1),
        "rows": result.rows,
        "officers_created": result.officers_created,
        "officers_updated": result.officers_updated,
        "officers_unchanged": result.officers_unchanged,
        "assignments_created": result.assignments_created,
        "assignments_unchanged": result.assignments_unchanged,
    }


def child(database_url: str, path: Path, trace: bool) -> None:
    """One fresh database: migrate and seed (not timed), then import the file twice."""
    _setup_django(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    _seed_reference_data()
    rss_before = round(_rss_mb(), 1)
    first = _timed_import(path, trace)
    second = _timed_import(path, trace)
    print("RESULT " + json.dumps({"first": first, "second": second, "rss_before": rss_before}))


def run_child(database_url: str, path: Path, trace: bool = False) -> dict:
    flag = ["--trace"] if trace else []
    out = subprocess.run([sys.executable, __file__, *flag, "--child", database_url, str(path)], capture_output=True,
                         text=True, cwd=ROOT, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise SystemExit(f"benchmark child failed:\n{out.stdout[-3000:]}\n{out.stderr[-5000:]}")


def _fresh_postgres(url: str) -> tuple[str, str]:
    """Create (or recreate) a throw-away database next to the given server URL."""
    import psycopg

    base, _slash, _name = url.rpartition("/")
    name = "bench_import_officers"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}", name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--postgres", help="PostgreSQL server URL; a database bench_import_officers is recreated")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results-import.md"))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.trace)
        return

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    import django

    django.setup()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        tmp_path = Path(tmp)
        rows = generate_rows(args.rows)
        workbook = tmp_path / "can-bo.xlsx"
        write_xlsx(rows, workbook)
        officers = len({r[0] for r in rows})
        size_kb = workbook.stat().st_size / 1024
        print(f"{len(rows)} rows, {officers} officers, {size_kb:.0f} KB")
        results = [("SQLite (file)", run_child(f"sqlite:///{tmp_path / 'bench.sqlite3'}", workbook))]
        traced = run_child(f"sqlite:///{tmp_path / 'traced.sqlite3'}", workbook, trace=True)
        for key in ("first", "second"):
            results[0][1][key]["heap_mb"] = traced[key]["heap_mb"]
        if args.postgres:
            url, name = _fresh_postgres(args.postgres)
            try:
                results.append(("PostgreSQL", run_child(url, workbook)))
                _fresh_postgres(args.postgres)
                traced = run_child(url, workbook, trace=True)
                for key in ("first", "second"):
                    results[-1][1][key]["heap_mb"] = traced[key]["heap_mb"]
            finally:
                import psycopg

                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    lines = [
        "## Officer import (`bench/import_officers.py`)",
        "",
        f"Generated XLSX: {len(rows):,} rows, {officers:,} officers over the five ward centres, {size_kb:,.0f} KB. "
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}. "
        f"Load average when the run started: {load:.1f} (other processes share the CPUs). "
        "Target: ≤ 30 s and ≤ 500 MB.",
        "",
        "| database | run | wall time (s) | peak Python heap during the import (MB) | peak RSS of the process (MB) "
        "| officers created / updated / unchanged | assignments created / unchanged |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for label, result in results:
        for run, key in (("first import", "first"), ("re-import of the same file", "second")):
            r = result[key]
            lines.append(
                f"| {label} | {run} | {r['seconds']:.2f} | {r['heap_mb']:.1f} | {r['rss_mb']:.1f} | "
                f"{r['officers_created']} / {r['officers_updated']} / {r['officers_unchanged']} | "
                f"{r['assignments_created']} / {r['assignments_unchanged']} |"
            )
    lines += ["", "Wall time covers reading the file, validating every row, the single write transaction and the "
              "on-commit role_assignments_changed notification (one, with every officer id, received by courses/). "
              "It is measured without tracing; the Python heap peak comes from a second, tracemalloc-traced run "
              "on another fresh database. Peak RSS is the whole process (Django, openpyxl, the database driver); "
              f"before the first import it was {results[0][1]['rss_before']:.0f} MB.", ""]
    Path(args.output).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
