"""Certificate benchmarks -> bench/results-certificates.md

1. Render overhead: our render_certificate_pdf (template + QR + WeasyPrint) against bare WeasyPrint on the
   same HTML, per certificate (target ratio <= 1.3).
2. Throughput: 1,000 certificates issued, queued on Redis and rendered by one real `celery -A lms worker`
   process with concurrency 2 (target <= 90 s from the worker start to the last READY).

Usage (PostgreSQL and Redis on this machine; the script creates its own database):
    .venv/bin/python bench/certificates.py                 # both parts
    .venv/bin/python bench/certificates.py --renders 30 --count 1000
    .venv/bin/python bench/certificates.py --skip-worker   # part 1 only (no services needed)
"""

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "lms_bench_certificates"


def _parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renders", type=int, default=30, help="renders per side in part 1")
    parser.add_argument("--count", type=int, default=1000, help="certificates in part 2")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--skip-worker", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-certificates.md"))
    return parser.parse_args()


def _prepare_environment(args):
    media = tempfile.mkdtemp(prefix="bench-cert-media-")
    os.environ["MEDIA_ROOT"] = media
    os.environ["CERTIFICATES_PRIVATE_ROOT"] = os.path.join(media, "private")  # count only this run's files
    os.environ.setdefault("WAGTAILADMIN_BASE_URL", "https://hocvienmotcua.example.vn")
    if not args.skip_worker:
        os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
        os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    else:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{media}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.base"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return media


def _sample_certificate():
    from certificates.models import Certificate, CertificateTemplate
    from certificates.services import certificate_valid_until

    template = CertificateTemplate(name="Bench", signer_name="Trần Minh Quang", signer_title="Giám đốc")
    issued = dt.date(2026, 6, 9)
    certificate = Certificate(
        serial="OSA-2026-000123", code="bench-" + "x" * 26, officer_name="Nguyễn Thị Thu Hằng",
        officer_code="GD003", unit_name="Trung tâm Phục vụ hành chính công phường Gia Định",
        course_title="Tiếp nhận và trả kết quả hồ sơ theo Nghị định 118/2025/NĐ-CP",
        competencies=[{"code": "NV04", "name": "Tiếp nhận, kiểm tra hồ sơ", "level": 2},
                      {"code": "GT02", "name": "Giao tiếp, ứng xử với người dân", "level": 2}],
        issued_on=issued, expires_on=certificate_valid_until(issued_on=issued, validity_months=24),
        issuing_place="Thành phố Hồ Chí Minh",
    )
    return certificate, template


def bench_render(renders: int) -> dict:
    from weasyprint import HTML

    from certificates import pdf

    certificate, template = _sample_certificate()
    html = pdf.certificate_html(certificate=certificate, template=template)
    base_url = str(pdf.STATIC_DIR)
    # Warm both paths (font loading, template compilation) before timing.
    pdf.render_certificate_pdf(certificate=certificate, template=template)
    HTML(string=html, base_url=base_url).write_pdf()
    ours, bare = [], []
    for _ in range(renders):  # interleaved so that machine noise hits both sides alike
        t = time.perf_counter()
        pdf.render_certificate_pdf(certificate=certificate, template=template)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        HTML(string=html, base_url=base_url).write_pdf()
        bare.append(time.perf_counter() - t)
    return {"ours": statistics.median(ours), "bare": statistics.median(bare),
            "ratio": statistics.median(ours) / statistics.median(bare), "n": renders}


def bench_worker(count: int, concurrency: int, media: str) -> dict:
    from django.db import connection
    from wagtail.models import Page

    from certificates import services
    from certificates.models import Certificate, CertificateTemplate
    from courses.models import CourseIndexPage, CoursePage
    from lms.celery import app
    from people import services as people_services
    from people.models import Competency, CompetencyArea, Unit

    queue = f"bench-certificates-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    for name in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(name, None)
    app.amqp._rtable = None

    CertificateTemplate.objects.create(name="Mặc định", signer_name="Trần Minh Quang", is_default=True)
    area, _ = CompetencyArea.objects.get_or_create(code="procedure", defaults={"name_vi": "Giải quyết TTHC"})
    competency = Competency.objects.create(code="NV04", area=area, name_vi="Tiếp nhận, kiểm tra hồ sơ")
    index = CourseIndexPage.objects.first() or Page.get_first_root_node().add_child(
        instance=CourseIndexPage(title="Khóa học", slug="khoa-hoc"))
    course = index.add_child(instance=CoursePage(title="Tiếp nhận và trả kết quả theo NĐ 118/2025/NĐ-CP",
                                                 slug="bench-nd118", validity_months=24))
    course.granted_competencies.create(competency=competency, level=2)
    unit = people_services.unit_create(code="BENCH-TT", name="Trung tâm PVHCC phường Gia Định",
                                       kind=Unit.Kind.SERVICE_CENTRE)
    officers = [
        people_services.officer_upsert(employee_code=f"BC{n:05d}", full_name=f"Nguyễn Thị Bảo Ngọc {n}",
                                       unit=unit, notify=False)[0]
        for n in range(count)
    ]
    t0 = time.perf_counter()
    ids = [services.certificate_issue(officer=o, course=course).pk for o in officers]  # each commits -> .delay
    issue_seconds = time.perf_counter() - t0

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.base", "MEDIA_ROOT": media}
    log_path = Path(media) / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=prefork",
             f"--concurrency={concurrency}", "-Q", queue, "-l", "warning", "-n", f"{queue}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    started = time.perf_counter()
    try:
        while True:
            connection.close()
            ready = Certificate.objects.filter(pk__in=ids, status="ready").count()
            if ready == len(ids):
                break
            if worker.poll() is not None:
                raise RuntimeError(log_path.read_text())
            if time.perf_counter() - started > 900:
                raise RuntimeError(f"only {ready} of {len(ids)} ready after 900 s")
            time.sleep(0.25)
        worker_seconds = time.perf_counter() - started
    finally:
        import signal

        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    from certificates.storage import private_root

    files = len(list(private_root().rglob("*.pdf")))
    return {"count": count, "issue": issue_seconds, "worker": worker_seconds, "files": files,
            "concurrency": concurrency}


def main():
    args = _parse()
    load_before = os.getloadavg()[0]
    media = _prepare_environment(args)
    render = bench_render(args.renders)
    print(f"render: ours {render['ours'] * 1000:.1f} ms, bare {render['bare'] * 1000:.1f} ms, "
          f"ratio {render['ratio']:.2f}")
    worker = None
    if not args.skip_worker:
        worker = bench_worker(args.count, args.concurrency, media)
        print(f"worker: {worker['count']} certificates issued in {worker['issue']:.1f} s, rendered in "
              f"{worker['worker']:.1f} s ({worker['files']} files)")
    cpu = os.cpu_count()
    load = f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    lines = [
        "## Certificates (bench/certificates.py)",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, {cpu} CPU cores. "
        f"Run: `{' '.join(['.venv/bin/python', 'bench/certificates.py', *sys.argv[1:]])}` ({load}; other "
        "processes on a shared machine slow every number down alike).",
        "",
        "| measure | result | target | verdict |",
        "|---|---|---|---|",
        f"| render one certificate, ours (template + QR + WeasyPrint), median of {render['n']} | "
        f"{render['ours'] * 1000:.0f} ms | — | — |",
        f"| bare WeasyPrint on the same HTML, median of {render['n']} | {render['bare'] * 1000:.0f} ms | — | — |",
        f"| ratio ours / bare | {render['ratio']:.2f} | ≤ 1.3 | {'met' if render['ratio'] <= 1.3 else 'NOT met'} |",
    ]
    if worker:
        n = f"{worker['count']:,}".replace(",", ".")
        lines += [
            f"| issue {n} certificates (rows, serials, attainments, enqueue on Redis) | {worker['issue']:.1f} s "
            "| — | — |",
            f"| render {n} PDFs, one worker process, concurrency {worker['concurrency']} "
            f"(worker start → last READY) | {worker['worker']:.1f} s | ≤ 90 s | "
            f"{'met' if worker['worker'] <= 90 else 'NOT met'} |",
            f"| PDF files written for {n} certificates | {worker['files']:,} | one each | ".replace(",", ".")
            + f"{'met' if worker['files'] == worker['count'] else 'NOT met'} |",
        ]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
