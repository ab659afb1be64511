"""Benchmark: time and peak memory of the largest files the imports accept, and of the hostile ones they refuse.

    .venv/bin/python bench/imports.py            # writes bench/results-imports.md

Each scenario runs in its own child process on a fresh SQLite database (migrated and seeded before the clock
starts), through the same function the Celery task runs (``officer_import_job_run`` / ``question_import_job_run``),
so the numbers are what a worker pays. Peak RSS is ``ru_maxrss`` of the whole child (Python, Django, openpyxl,
SQLite); "growth" subtracts the RSS measured just before the import. Target: peak RSS ≤ 300 MB for any accepted
file (issue 9 item 5).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SCENARIOS = {
    "officers-max-rows": "officer XLSX at the row cap (50,000 rows, the 8 template columns)",
    "officers-widest": "officer XLSX at the row cap with 20 filled columns, close to the unpacked-size cap",
    "questions-max-rows": "question XLSX at the row cap (10,000 questions, every column filled)",
    "zip-bomb": "refused: zip bomb (small file, ≈ 75 MB of sheet XML)",
    "rows-200k": "refused: 200,000 rows in a 33 KB file",
}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _officer_file(kind: str) -> tuple[bytes, str]:
    from import_officers import generate_rows

    from lms.spreadsheets import Sheet, xlsx_bytes
    from people.imports import COLUMNS, MAX_COLUMNS, MAX_ROWS

    rows = generate_rows(MAX_ROWS)
    header = list(COLUMNS)
    if kind == "officers-widest":
        fillers = MAX_COLUMNS - len(COLUMNS)
        header += [f"Ghi chú {i}" for i in range(1, fillers + 1)]
        note = "Ghi chú"
        rows = [[*r, *([note] * fillers)] for r in rows]
    return xlsx_bytes([Sheet("Cán bộ", header=header, rows=rows)]), "can-bo.xlsx"


def _question_file() -> tuple[bytes, str]:
    from assessments.exports import _example_rows
    from assessments.imports import MAX_ROWS, XLSX_HEADERS
    from lms.spreadsheets import Sheet, xlsx_bytes

    examples = _example_rows()
    rows = []
    for i in range(MAX_ROWS):
        row = list(examples[i % len(examples)])
        row[1] = f"{row[1]} {i}"
        row[2] = f"{row[2]} (câu {i}) " + "Căn cứ NĐ 118/2025/NĐ-CP về thực hiện cơ chế một cửa. " * 3
        rows.append(row)
    return xlsx_bytes([Sheet("Câu hỏi", header=XLSX_HEADERS, rows=rows)]), "cau-hoi.xlsx"


def _setup(scenario: str) -> None:
    from setup_db import fresh_database

    fresh_database(name=f"bench_imports_{scenario.replace('-', '_')}", postgres=False)
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("DJANGO_DEBUG", "False")
    import django

    django.setup()


def generate(scenario: str, path: Path) -> None:
    """Build the scenario's file in its own process, so that building it does not count in the import's RSS."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.base"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    import django

    django.setup()
    from tests import hostile_files

    if scenario.startswith("officers"):
        data, _name = _officer_file(scenario)
    elif scenario.startswith("questions"):
        data, _name = _question_file()
    elif scenario == "zip-bomb":
        data = hostile_files.zip_bomb()
    else:
        data = hostile_files.many_rows(200_000)
    path.write_bytes(data)


def child(scenario: str, path: Path) -> None:
    _setup(scenario)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from import_officers import _seed_reference_data

    from lms.spreadsheets import unpacked_size

    call_command("migrate", verbosity=0, interactive=False)
    _seed_reference_data()
    user = get_user_model().objects.create(username="bench", is_superuser=True)
    data, name = path.read_bytes(), path.name
    rss_before = _rss_mb()
    started = time.perf_counter()
    if scenario.startswith("questions"):
        from assessments.imports import question_import_job_run
        from assessments.models import QuestionImportJob

        job = QuestionImportJob.objects.create(created_by=user, filename=name, data=data,
                                               options={"format": "xlsx", "category": "Bench"})
        status = question_import_job_run(job_id=job.pk)
    else:
        from people.imports import officer_import_job_run
        from people.models import OfficerImportJob

        job = OfficerImportJob.objects.create(created_by=user, filename=name, data=data, options={})
        status = officer_import_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    outcome = (job.result or {}).get("officers_created") or (job.result or {}).get("created")
    if status != "done":
        outcome = "; ".join(p[2] for p in job.problems)[:160]
    print("RESULT " + json.dumps({
        "status": status, "seconds": round(elapsed, 2), "rss_before": round(rss_before, 1),
        "rss_peak": round(_rss_mb(), 1), "file_kb": round(len(data) / 1024), "unpacked_mb":
        round(unpacked_size(data) / 2**20, 1), "outcome": outcome}))


def run_child(scenario: str, folder: Path) -> dict:
    path = folder / ("cau-hoi.xlsx" if scenario.startswith("questions") else f"{scenario}.xlsx")
    subprocess.run([sys.executable, __file__, "--generate", scenario, str(path)], cwd=ROOT, check=True)
    out = subprocess.run([sys.executable, __file__, "--child", scenario, str(path)], capture_output=True, text=True,
                         cwd=ROOT, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise SystemExit(f"benchmark child failed:\n{out.stdout[-3000:]}\n{out.stderr[-5000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", choices=list(SCENARIOS))
    parser.add_argument("--output", default=str(ROOT / "bench" / "results-imports.md"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    if args.generate:
        generate(args.generate[0], Path(args.generate[1]))
        return
    load = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as folder:
        for scenario in args.only or SCENARIOS:
            result = run_child(scenario, Path(folder))
            print(scenario, result, flush=True)
            results.append((scenario, result))
    lines = [
        "## Imports at their limits (`bench/imports.py`)",
        "",
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite file database. Load average when "
        f"the run started: {load:.1f} (other processes share the CPUs). Target: peak RSS ≤ 300 MB for any accepted "
        "file. Each run is the background job's function on a fresh database in its own process.",
        "",
        "| scenario | file | unpacked | status | wall time (s) | RSS before (MB) | peak RSS (MB) | growth (MB) | outcome |",
        "|---|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    for scenario, r in results:
        lines.append(f"| {SCENARIOS[scenario]} | {r['file_kb']:,} KB | {r['unpacked_mb']} MB | {r['status']} | "
                     f"{r['seconds']:.1f} | {r['rss_before']:.0f} | {r['rss_peak']:.0f} | "
                     f"{r['rss_peak'] - r['rss_before']:.0f} | {r['outcome']} |")
    lines.append("")
    with tempfile.NamedTemporaryFile("w", delete=False, dir=Path(args.output).parent, encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    os.replace(handle.name, args.output)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
