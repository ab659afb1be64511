"""The exam room at 8:00, over HTTP: N officers log in, open and start the same quiz, autosave, submit.

    .venv/bin/python bench/load/exam_room.py --base http://127.0.0.1:8765 --seed /tmp/lms_load.json \
        --officers 20 --duration 30

Loopback only (the base URL must be 127.0.0.1 / localhost), bounded in officers (≤ 2000) and time (≤ 900 s);
it stops by itself: each officer logs in at a random moment of the first `--window` seconds. Without
`--start-window` they open and start the quiz right after logging in; with it, the exam begins when the login
window ends ("8:00") and each officer opens and starts the quiz at a random moment of the next `--start-window`
seconds (the synchronised start), then answers one question every `--think-min`..`--think-max` seconds (one
autosave each) and submits when every question is answered or when its time is over (`--duration` minus the two
windows, from its own start: submits are spread as the starts are), whichever comes first. Every request still
running at `--duration` + 30 s is abandoned. Prints, per request type, the count, the errors (an unexpected
status or a network error), p50 / p95 / p99 latencies, the overall throughput and the client's own CPU time.
`--max-start-p95 SECONDS` also fails the run (exit 1) when the start POST's p95 is above it (CI's short form).

A 503 (the server's "Đang kết nối lại…" while its database is unreachable) or a connection error is retried,
as the quiz page does: after 0.5 s, doubling up to the server's Retry-After (5 s at most), for at most
`--retry-for` seconds (30 by default) before it counts as an error. Every retry is counted in the "retries"
column, never hidden. The client keeps what it believes saved: each autosave answered 200 ("saved": true) is
recorded with its value, and `--saved-out` writes them, with each officer's attempt and whether it was submitted,
to a JSON file that bench/load/faults/postgres_restart.py checks against the database.

Standard library only (asyncio; each officer's keep-alive http.client connection is driven from a thread of a
pool as large as the number of officers, capped at 256), so it runs from the project's own venv.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import random
import re
import resource
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

MAX_OFFICERS = 2000
MAX_DURATION = 900
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTEMPT_RE = re.compile(r'<form method="post" id="quiz-form"[^>]*>.*?name="attempt" value="(\d+)"', re.S)
SAVE_URL_RE = re.compile(r'data-save-url="([^"]+)"')
FIELDSET_RE = re.compile(r'<fieldset[^>]*data-response="(\d+)" data-kind="([a-z_]+)"(.*?)</fieldset>', re.S)
OPTION_RE = re.compile(r'type="(?:radio|checkbox)" name="q\d+" value="([0-9a-f]+)"')
LABELLED_OPTION_RE = re.compile(
    r'type="(?:radio|checkbox)" name="q\d+" value="([0-9a-f]+)"[^>]*>\s*<span>([^<]*)</span>')
REV_RE = re.compile(r'name="q\d+_rev" value="(\d+)"')


RETRY_FIRST = 0.5  # seconds before the first retry; doubled each time, up to the server's Retry-After
RETRY_MAX = 5.0


class Stats:
    def __init__(self):
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.retries: dict[str, int] = defaultdict(int)
        self.unavailable: dict[str, int] = defaultdict(int)  # 503 answers (each one retried or an error)
        self.disconnects: dict[str, int] = defaultdict(int)  # connection errors (idem)
        self.retry_times: list[float] = []  # wall-clock time of each 503 / connection error
        self.saved: dict[int, dict] = {}  # response id -> the answer the client believes saved
        self.officers: dict[str, dict] = {}

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.latencies[kind].append(seconds)
        if not ok:
            self.errors[kind] += 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{kind}: {detail}")

    def failed_try(self, kind: str, *, unavailable: bool) -> None:
        (self.unavailable if unavailable else self.disconnects)[kind] += 1
        self.retry_times.append(time.time())


class Browser:
    """One officer's browser: a keep-alive connection, its cookies and the CSRF token."""

    def __init__(self, host: str, port: int, stats: Stats, retry_for: float = 30.0):
        self.host, self.port, self.stats, self.retry_for = host, port, stats, retry_for
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.last_retries = 0  # retries of the last request (0: answered at the first try)

    def _request(self, method: str, path: str, body: dict | list | None, headers: dict) -> tuple[int, dict, str]:
        for attempt in (1, 2):  # a keep-alive connection closed by the server (worker recycled) is reopened once
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                data = urlencode(body, doseq=True).encode() if body is not None else None
                hdrs = {"Host": f"{self.host}:{self.port}", "Accept-Language": "vi", **headers}
                if self.cookies:
                    hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
                if data is not None:
                    hdrs["Content-Type"] = "application/x-www-form-urlencoded"
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                text = resp.read().decode("utf-8", "replace")
                for raw in resp.headers.get_all("Set-Cookie") or []:
                    for name, morsel in SimpleCookie(raw).items():
                        if morsel.value:
                            self.cookies[name] = morsel.value
                        else:
                            self.cookies.pop(name, None)
                return resp.status, dict(resp.headers), text
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
            except (OSError, http.client.HTTPException):
                self.conn.close()  # a half-read response leaves the connection unusable
                self.conn = None
                raise
        raise AssertionError("unreachable")

    async def request(self, kind: str, method: str, path: str, *, body=None, expect=(200,), headers=None):
        """One request as the officer's page sends it: a 503 or a connection error is sent again (bounded)."""
        t0 = time.perf_counter()
        delay, self.last_retries = RETRY_FIRST, 0
        while True:
            try:
                status, hdrs, text = await asyncio.to_thread(self._request, method, path, body, headers or {})
                problem = f"HTTP 503 {path}" if status == 503 else ""
            except (OSError, http.client.HTTPException) as exc:
                status, hdrs, text = None, {}, ""
                problem = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - t0
            if not problem:
                ok = status in expect
                self.stats.record(kind, elapsed, ok, f"HTTP {status} {path}")
                return status, hdrs, text
            self.stats.failed_try(kind, unavailable=status == 503)
            retry_after = RETRY_MAX
            if status == 503:
                with contextlib.suppress(ValueError):  # seconds; an HTTP date is not used here
                    retry_after = min(RETRY_MAX, max(0.1, float(hdrs.get("Retry-After", RETRY_MAX))))
            wait = min(delay, retry_after)
            if elapsed + wait > self.retry_for:
                self.stats.record(kind, elapsed, False,
                                  f"{problem}, still after {self.last_retries} retries in {elapsed:.1f} s")
                return None, {}, ""
            self.last_retries += 1
            self.stats.retries[kind] += 1
            await asyncio.sleep(wait * random.uniform(0.8, 1.2))
            delay *= 2

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def pick(question: dict, correct: float) -> str:
    """The issue's officers answer 80 % right (--correct), so most pass and get a certificate."""
    if question["right"] and random.random() < correct:
        return question["right"][0]
    return random.choice(question["options"])


async def officer(i: int, username: str, args, seed: dict, stats: Stats, t_start: float) -> None:
    await asyncio.sleep(random.uniform(0, args.window))
    own_end = t_start + args.duration - 2  # submit before the run's end
    b = Browser(args.host, args.port, stats, retry_for=args.retry_for)
    record = stats.officers[username] = {"attempt": None, "submitted": False, "saved": 0}
    try:
        _s, _h, page = await b.request("login page", "GET", "/accounts/login/")
        token = CSRF_RE.search(page or "")
        if not token:
            return
        status, _h, _t = await b.request("login", "POST", "/accounts/login/", expect=(302,), body={
            "csrfmiddlewaretoken": token.group(1), "username": username, "password": seed["password"]})
        if status != 302:
            return
        if args.start_window:
            # The exam begins at the end of the login window; each officer starts within the start window and
            # has the same answering time from its own start.
            exam_at = t_start + args.window + random.uniform(0, args.start_window)
            await asyncio.sleep(max(0.0, exam_at - time.perf_counter()))
            own_end = exam_at + args.duration - args.window - args.start_window - 2
        quiz = seed["quiz_url"]
        _s, _h, landing = await b.request("quiz landing", "GET", quiz)
        token = CSRF_RE.search(landing or "")
        if not token:
            return
        csrf = token.group(1)
        if 'id="quiz-form"' not in landing:
            status, _h, _t = await b.request("start", "POST", quiz, expect=(302,),
                                             body={"csrfmiddlewaretoken": csrf, "action": "start"})
            if status != 302:
                return
        _s, _h, attempt_page = await b.request("attempt page", "GET", quiz)
        attempt = ATTEMPT_RE.search(attempt_page or "")
        save_url = SAVE_URL_RE.search(attempt_page or "")
        if not attempt or not save_url:
            stats.record("attempt page", 0.0, False, "no attempt form in the page")
            return
        csrf = (CSRF_RE.search(attempt_page) or token).group(1)
        record["attempt"] = int(attempt.group(1))
        questions = []
        for rid, kind, body in FIELDSET_RE.findall(attempt_page):
            rev = REV_RE.search(body)
            labelled = dict(LABELLED_OPTION_RE.findall(body))
            right = [value for value, label in labelled.items() if label.strip() == seed.get("correct_text")]
            questions.append({"id": rid, "kind": kind, "options": OPTION_RE.findall(body), "right": right,
                              "rev": int(rev.group(1)) if rev else 0, "answer": None})
        answered = 0
        for q in questions:
            if time.perf_counter() + args.think_min > own_end or not q["options"]:
                break
            await asyncio.sleep(random.uniform(args.think_min, args.think_max))
            q["answer"] = pick(q, args.correct)
            status, _h, text = await b.request(
                "autosave", "POST", save_url.group(1).replace("{id}", q["id"]),
                headers={"X-CSRFToken": csrf, "X-Requested-With": "fetch"},
                body={"kind": q["kind"], f"q{q['id']}": q["answer"], f"q{q['id']}_rev": str(q["rev"])})
            if status == 200:
                saved = json.loads(text)
                q["rev"] = saved.get("revision", q["rev"])
                if saved.get("saved"):  # what the officer's page shows as "Đã lưu": it must be in the database
                    stats.saved[int(q["id"])] = {"user": username, "attempt": record["attempt"],
                                                 "answer": q["answer"], "revision": q["rev"], "at": time.time(),
                                                 "retries": b.last_retries}
                    record["saved"] += 1
                answered += 1
        form = [("csrfmiddlewaretoken", csrf), ("attempt", attempt.group(1)), ("action", "submit")]
        for q in questions:  # the one-page form posts every question with what it shows (as a browser does)
            form += [("shown", q["id"]), (f"q{q['id']}_rev", str(q["rev"]))]
            if not q["answer"] and q["options"]:  # answered on the page after the last autosave
                q["answer"] = pick(q, args.correct)
            if q["answer"]:
                form.append((f"q{q['id']}", q["answer"]))
        status, hdrs, _t = await b.request("submit", "POST", quiz, expect=(302,), body=form)
        location = hdrs.get("Location", "")
        if status == 302 and "/ket-qua/" in location:
            record["submitted"] = True
            await b.request("result page", "GET", urlsplit(location).path)
        elif status == 302:
            stats.record("submit", 0.0, False, f"submit redirected to {location} (not the result)")
    finally:
        b.close()


def client_cpu_seconds() -> float:
    """CPU time of this client process so far (user + system), seconds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def report(stats: Stats, elapsed: float, args) -> str:
    order = ["login page", "login", "quiz landing", "start", "attempt page", "autosave", "submit", "result page"]
    start = (f"start window {args.start_window:g} s after it" if args.start_window
             else "the quiz started right after login")
    lines = [f"Exam-room load test: {args.officers} officers, {args.duration} s (login window {args.window:g} s, "
             f"{start}, think {args.think_min:g}–{args.think_max:g} s), {args.base}", "",
             "| request | count | retries | errors | p50 ms | p95 ms | p99 ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    total = 0
    for kind in order + sorted(k for k in stats.latencies if k not in order):
        values = stats.latencies.get(kind)
        if not values:
            continue
        total += len(values)
        lines.append(f"| {kind} | {len(values)} | {stats.retries.get(kind, 0)} | {stats.errors.get(kind, 0)} | "
                     f"{percentile(values, 50) * 1000:.0f} | {percentile(values, 95) * 1000:.0f} | "
                     f"{percentile(values, 99) * 1000:.0f} |")
    all_values = [v for vs in stats.latencies.values() for v in vs]
    lines += ["", f"{total} requests in {elapsed:.1f} s: {total / elapsed:.1f} requests/s; "
              f"errors {sum(stats.errors.values())}; median of all requests "
              f"{statistics.median(all_values) * 1000 if all_values else 0:.0f} ms; client CPU "
              f"{client_cpu_seconds():.1f} s"]
    if stats.retries or stats.unavailable or stats.disconnects:
        lines += ["", f"Retried: {sum(stats.retries.values())} retries after "
                  f"{sum(stats.unavailable.values())} answers 503 and {sum(stats.disconnects.values())} connection "
                  f"errors (" + ", ".join(f"{k} {v}" for k, v in sorted(stats.retries.items())) + ")"]
    submitted = sum(1 for o in stats.officers.values() if o["submitted"])
    lines += ["", f"Answers the client believes saved (autosave 200): {len(stats.saved)}; "
              f"attempts submitted: {submitted} of {args.officers}"]
    if stats.error_samples:
        lines += ["", "First errors:"] + [f"- {e}" for e in stats.error_samples]
    return "\n".join(lines)


async def run(args, seed: dict) -> tuple[Stats, float]:
    stats = Stats()
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=min(args.officers, 256)))
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(officer(i, seed["usernames"][i], args, seed, stats, t0))
             for i in range(args.officers)]
    done, pending = await asyncio.wait(tasks, timeout=args.duration + 30)
    for task in pending:
        task.cancel()
    for task in done:
        if task.exception() is not None:
            stats.record("officer", 0.0, False, f"{type(task.exception()).__name__}: {task.exception()}")
    if pending:
        stats.record("officer", 0.0, False, f"{len(pending)} officers still running at the end were abandoned")
    return stats, time.perf_counter() - t0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--seed", required=True, help="the JSON file bench/load/seed.py wrote")
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--duration", type=int, default=30, help="seconds; every officer submits before it ends")
    parser.add_argument("--window", type=float, default=None, help="login spread, seconds (default duration/3)")
    parser.add_argument("--start-window", type=float, default=0.0,
                        help="seconds after the login window in which every officer starts (0: start at login)")
    parser.add_argument("--max-start-p95", type=float, default=None,
                        help="seconds: fail (exit 1) when the start POST's p95 is above this")
    parser.add_argument("--correct", type=float, default=0.8,
                        help="share of answers chosen right (the seed names the right option's text)")
    parser.add_argument("--think-min", type=float, default=5.0)
    parser.add_argument("--think-max", type=float, default=10.0)
    parser.add_argument("--retry-for", type=float, default=30.0,
                        help="seconds a request answered 503 or cut off is retried before it is an error")
    parser.add_argument("--out", help="also write the report (Markdown) to this file")
    parser.add_argument("--saved-out", help="write the answers believed saved, the attempts and the retries (JSON)")
    args = parser.parse_args(argv)
    base = urlsplit(args.base)
    if base.scheme != "http" or base.hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--base must be a plain-http loopback address (this is a local test)")
    if not 1 <= args.duration <= MAX_DURATION:
        parser.error(f"--duration must be between 1 and {MAX_DURATION} seconds")
    args.window = args.duration / 3 if args.window is None else args.window
    if not 0 <= args.retry_for <= 120:
        parser.error("--retry-for must be between 0 and 120 seconds")
    if not 0 <= args.correct <= 1:
        parser.error("--correct is a share between 0 and 1")
    if not 0 <= args.window < args.duration or not 0 < args.think_min <= args.think_max:
        parser.error("--window must be below --duration and 0 < --think-min <= --think-max")
    if args.start_window < 0 or args.window + args.start_window + args.think_max + 5 > args.duration:
        parser.error("--window + --start-window + --think-max + 5 s must fit in --duration")
    args.host, args.port = base.hostname, base.port or 80
    with open(args.seed, encoding="utf-8") as fh:
        seed = json.load(fh)
    if not 1 <= args.officers <= min(MAX_OFFICERS, len(seed["usernames"])):
        parser.error(f"--officers must be between 1 and {min(MAX_OFFICERS, len(seed['usernames']))} (seeded)")
    stats, elapsed = asyncio.run(run(args, seed))
    text = report(stats, elapsed, args)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
    if args.saved_out:
        with open(args.saved_out, "w", encoding="utf-8") as fh:
            json.dump({"saved": {str(k): v for k, v in stats.saved.items()}, "officers": stats.officers,
                       "retries": stats.retries, "unavailable": stats.unavailable, "disconnects": stats.disconnects,
                       "retry_times": stats.retry_times, "errors": stats.errors, "error_samples": stats.error_samples,
                       "elapsed": elapsed}, fh, ensure_ascii=False, indent=1)
    failed = bool(sum(stats.errors.values()))
    starts = stats.latencies.get("start", [])
    if args.max_start_p95 is not None:
        p95 = percentile(starts, 95)
        if not starts:
            print("FAILED: no start request was made", file=sys.stderr)
            failed = True
        elif p95 > args.max_start_p95:
            print(f"FAILED: start p95 {p95 * 1000:.0f} ms > {args.max_start_p95 * 1000:.0f} ms", file=sys.stderr)
            failed = True
        else:
            print(f"start p95 {p95 * 1000:.0f} ms ≤ {args.max_start_p95 * 1000:.0f} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
