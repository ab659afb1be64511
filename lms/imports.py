"""What every import shares: the problem it reports, the list that caps them, and the date parser.

Every import (officers, questions, attainments) reports problems as ``ImportProblem(row, column, message)``
with the message in the active language, raises ``ImportFailed`` (or a subclass) and nothing else, and reads
dates with ``parse_date`` so that a date typed, pasted or stored by a spreadsheet means the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: At most this many problems are shown; the rest are counted ("và N lỗi khác").
MAX_REPORTED_PROBLEMS = 200
#: At most this many are kept while collecting (so that sorting by row still shows the first rows).
_MAX_KEPT_PROBLEMS = 2_000

#: Years outside this range are a typing mistake (02/07/225, 01/01/20255), not a real date.
MIN_YEAR = 1900
MAX_YEAR = 2100


@dataclass(frozen=True, init=False)
class ImportProblem:
    """One problem in an import file: where (spreadsheet row or text line, column) and why.

    ``row`` is the number the user sees in their editor (the header is row 1), or None for a file-level problem;
    ``line`` is True for text formats (GIFT, Aiken), where the number is a line rather than a row.
    ``kind`` is a stable machine word for tests and logs ("bad_date", "too_large", …).
    """

    row: int | None
    column: str | None
    message: str
    kind: str = ""
    line: bool = False

    def __init__(self, row: int | None, column: str | None, message: str | None = None, kind: str = "",
                 line: bool = False, *, reason: str | None = None):
        # ``reason=`` is the name people.imports used before the problem was shared; both are accepted.
        for name, value in (("row", row), ("column", column), ("message", message if message is not None
                                                                       else reason or ""),
                            ("kind", kind), ("line", line)):
            object.__setattr__(self, name, value)

    @property
    def reason(self) -> str:
        return self.message

    @property
    def where(self) -> int | None:
        return self.row

    @property
    def is_row(self) -> bool:
        return not self.line

    def __str__(self) -> str:
        values = {"n": self.row, "column": self.column, "message": self.message}
        if self.row and self.column:
            return _("Row %(n)s, column «%(column)s»: %(message)s") % values
        if self.row:
            return (_("Line %(n)s: %(message)s") if self.line else _("Row %(n)s: %(message)s")) % values
        if self.column:
            return _("Column «%(column)s»: %(message)s") % values
        return self.message

    def as_json(self) -> list:
        return [self.row, self.column, self.message, self.kind, self.line]

    @classmethod
    def from_json(cls, value: list) -> ImportProblem:
        row, column, message, kind, line = value
        return cls(row, column, message, kind, line)


class Problems:
    """Problems as they are found: keeps the first ones, counts the rest, so a hostile file cannot fill memory."""

    def __init__(self, *, columns: list[str] | None = None):
        self._kept: list[ImportProblem] = []
        self.total = 0
        self._order = {c: i for i, c in enumerate(columns or [])}

    def add(self, row: int | None, column: str | None, message: str, kind: str = "", *, line: bool = False) -> None:
        self.append(ImportProblem(row, column, message, kind, line))

    def append(self, problem: ImportProblem) -> None:
        self.total += 1
        if len(self._kept) < _MAX_KEPT_PROBLEMS:
            self._kept.append(problem)

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def sorted(self) -> list[ImportProblem]:
        return sorted(self._kept, key=lambda p: (p.row or 0, self._order.get(p.column, 99)))

    def failed(self, error_class: type[ImportFailed] | None = None) -> ImportFailed:
        return (error_class or ImportFailed)(self.sorted(), total=self.total)

    def raise_if_any(self, error_class: type[ImportFailed] | None = None) -> None:
        if self.total:
            raise self.failed(error_class)


class ImportFailed(Exception):
    """The file was refused and nothing was written.

    ``problems`` holds at most MAX_REPORTED_PROBLEMS, in row order; ``total`` counts all of them and
    ``more`` is how many are not shown ("và N lỗi khác").
    """

    def __init__(self, problems: list[ImportProblem], *, total: int | None = None):
        problems = list(problems)
        self.total = max(total or 0, len(problems))
        self.problems = problems[:MAX_REPORTED_PROBLEMS]
        self.more = self.total - len(self.problems)
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """Every shown problem as text, then "… and N more problems" when some were left out."""
        lines = [str(p) for p in self.problems]
        if self.more:
            lines.append(more_problems_text(self.more))
        return lines


def more_problems_text(count: int) -> str:
    return _("… and %(count)s more problems.") % {"count": count}


def single(message: str, kind: str = "", *, row: int | None = None, column: str | None = None,
           error_class: type[ImportFailed] | None = None) -> ImportFailed:
    """An ImportFailed with one file-level (or row-level) problem."""
    return (error_class or ImportFailed)([ImportProblem(row, column, message, kind)])


# --- Dates ----------------------------------------------------------------------------------------------

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$", re.ASCII)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$", re.ASCII)
#: The largest serial a spreadsheet can hold (31/12/9999) and the first (01/01/1900).
_MAX_SERIAL = 2958465


class DateError(ValueError):
    """A value that is not a date; ``message`` says why in the active language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _checked(year: int, month: int, day: int, shown: str, *, min_year: int, max_year: int) -> dt.date:
    if not (min_year <= year <= max_year):
        raise DateError(_("“%(value)s”: the year must be between %(min)s and %(max)s.") % {
            "value": shown, "min": min_year, "max": max_year})
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(_("“%(value)s” is not a date of the calendar.") % {"value": shown}) from None


def _bad(shown: str, *, iso_only: bool) -> DateError:
    if iso_only:
        return DateError(_("“%(value)s” is not a valid date (use yyyy-mm-dd).") % {"value": shown})
    return DateError(_("“%(value)s” is not a valid date (use dd/mm/yyyy).") % {"value": shown})


def parse_date(value, *, iso_only: bool = False, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR) -> dt.date | None:
    """A date from a cell or a text: dd/mm/yyyy (also d/m/yyyy, with “-” or “.”), ISO yyyy-mm-dd, a spreadsheet
    date or datetime cell, or a spreadsheet serial number (45839 = 01/07/2025). Empty → None.

    Raises DateError (a ValueError) with a message for the user; years outside min_year..max_year are refused.
    ``iso_only`` accepts only yyyy-mm-dd text (the GIFT ``osa-valid`` option is written that way).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _checked(value.year, value.month, value.day, value.strftime("%d/%m/%Y"),
                        min_year=min_year, max_year=max_year)
    if isinstance(value, bool):
        raise _bad(str(value), iso_only=iso_only)
    if isinstance(value, int | float):
        return _from_serial(value, min_year=min_year, max_year=max_year)
    text = unicodedata.normalize("NFC", str(value)).strip()
    if not text:
        return None
    shown = text[:40]
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _checked(year, month, day, shown, min_year=min_year, max_year=max_year)
    match = None if iso_only else _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return _checked(year, month, day, shown, min_year=min_year, max_year=max_year)
    raise _bad(shown, iso_only=iso_only)


def _from_serial(value: int | float, *, min_year: int, max_year: int) -> dt.date:
    from openpyxl.utils.datetime import from_excel

    shown = format(value, "g") if isinstance(value, float) else str(value)
    if value != value or not (1 <= value <= _MAX_SERIAL):  # NaN, infinities, out of the spreadsheet's range
        raise DateError(_("“%(value)s” is not a valid date (use dd/mm/yyyy).") % {"value": shown[:40]})
    converted = from_excel(value)
    day = converted.date() if isinstance(converted, dt.datetime) else converted
    return _checked(day.year, day.month, day.day, shown, min_year=min_year, max_year=max_year)


def format_date(day: dt.date | None) -> str:
    """dd/mm/yyyy, the form every import and export writes."""
    return day.strftime("%d/%m/%Y") if day else ""


# --- Background imports ---------------------------------------------------------------------------------


class ImportJob(models.Model):
    """An upload imported by a Celery task, with what the progress page shows (abstract: each app whose
    import it is has its own table, e.g. people.OfficerImportJob, assessments.QuestionImportJob).

    The file is kept in ``data`` until the task has run (workers may be on other machines) and then cleared;
    the result and the first problems stay as JSON.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Waiting")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", gettext_lazy("Finished")
        REFUSED = "refused", gettext_lazy("Refused: problems in the file")
        FAILED = "failed", gettext_lazy("Failed")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=gettext_lazy("uploaded by"))
    created_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    filename = models.CharField(gettext_lazy("file name"), max_length=255)
    data = models.BinaryField(default=bytes)
    options = models.JSONField(default=dict)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    problems = models.JSONField(default=list)
    problems_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return min(99, int(100 * self.rows_done / self.rows_total)) if self.rows_total else 0

    def problem_list(self) -> list[ImportProblem]:
        return [ImportProblem.from_json(p) for p in self.problems]

    @property
    def problems_more(self) -> int:
        return max(0, self.problems_total - len(self.problems))

    # The state changes, written with update() so the progress page sees them while the import runs.

    def mark_running(self) -> None:
        self._set(status=self.Status.RUNNING, started_at=timezone.now())

    def mark_progress(self, done: int, total: int) -> None:
        self._set(rows_done=done, rows_total=total)

    def mark_done(self, result: dict) -> None:
        self._set(status=self.Status.DONE, result=result, finished_at=timezone.now(), data=b"")

    def mark_refused(self, error: ImportFailed) -> None:
        self._set(status=self.Status.REFUSED, problems=[p.as_json() for p in error.problems],
                  problems_total=error.total, finished_at=timezone.now(), data=b"")

    def mark_failed(self, message: str) -> None:
        self._set(status=self.Status.FAILED, error=message, finished_at=timezone.now(), data=b"")

    def _set(self, **values) -> None:
        for name, value in values.items():
            setattr(self, name, value)
        type(self).objects.filter(pk=self.pk).update(**values)


def import_jobs_visible_to(model: type[ImportJob], *, user):
    """A user sees the jobs they started; superusers see every job."""
    jobs = model.objects.all()
    return jobs if user.is_superuser else jobs.filter(created_by=user)


def import_job_run(*, job_model, job_id: int, run) -> str:
    """Run a background import job (`run(job_id=…)`, the app's service) for its Celery task. An unexpected error
    marks the job failed — its progress page says so — and is logged; the task does not retry, since the same
    file would fail the same way."""
    try:
        return run(job_id=job_id)
    except Exception:
        logging.getLogger(job_model.__module__).exception("import job %s %s failed", job_model.__name__, job_id)
        job = job_model.objects.filter(pk=job_id).first()
        if job is not None:
            job.mark_failed(_("The import stopped because of an error in the application; nothing was written. "
                              "The error was logged for the administrators."))
        return "failed"
