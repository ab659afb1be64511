"""Reads of assessments/: what an officer sees of an attempt, grades, completion status, marking, statistics."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from courses.models import CoursePage, Enrolment
from people.roles import is_administrator, is_trainer
from people.selectors import officers_visible_to

from . import cloze, grading
from .models import (
    Attempt,
    GradingMethod,
    Question,
    QuestionKind,
    QuizPage,
    Response,
    ResponseChoice,
    ReviewWhen,
    VersionChoice,
)
from .tokens import choice_token


def quiz_grade(*, percents: list[Decimal], method: str) -> Decimal | None:
    """The quiz grade from graded attempts' percentages in attempt order, by the quiz's grading method."""
    if not percents:
        return None
    if method == GradingMethod.FIRST:
        return percents[0]
    if method == GradingMethod.LAST:
        return percents[-1]
    if method == GradingMethod.AVERAGE:
        return (sum(percents) / len(percents)).quantize(Decimal("0.01"))
    return max(percents)


@dataclass
class QuizSummary:
    attempts: list = field(default_factory=list)
    grade: Decimal | None = None
    passed: bool = False
    waiting: int = 0


def quiz_summary_for_officer(*, quiz: QuizPage, officer, attempts: list | None = None) -> QuizSummary:
    """The officer's attempts (newest first; read unless given) and their quiz grade by the grading method."""
    if attempts is None:
        attempts = list(Attempt.objects.filter(quiz=quiz, officer=officer).order_by("-number"))
    graded = [a.percent for a in sorted(attempts, key=lambda a: a.number)
              if a.status == Attempt.Status.GRADED and a.percent is not None]
    grade = quiz_grade(percents=graded, method=quiz.grading_method)
    return QuizSummary(
        attempts=attempts, grade=grade, passed=grade is not None and grade >= quiz.pass_mark,
        waiting=sum(1 for a in attempts if a.status == Attempt.Status.WAITING),
    )


def _course_quizzes(course_rows: list[tuple[int, str]]) -> dict[int, list[dict]]:
    """Live required quizzes under each course, by course id (one query)."""
    if not course_rows:
        return {}
    cond = reduce(or_, (Q(path__startswith=path) for _pk, path in course_rows))
    quizzes = list(QuizPage.objects.live().filter(cond, is_required=True)
                   .values("pk", "path", "grading_method", "pass_mark"))
    result: dict[int, list[dict]] = defaultdict(list)
    for pk, path in course_rows:
        result[pk] = [q for q in quizzes if q["path"].startswith(path)]
    return result


def required_quizzes_status(*, enrolments) -> dict[int, tuple[int, int]]:
    """Completion checker for courses: {enrolment id: (required quizzes passed, required quizzes)}.

    Registered in AssessmentsConfig.ready(). Three queries whatever the number of enrolments (two when their
    courses are loaded).
    """
    enrolments = list(enrolments)
    if all(Enrolment.course.is_cached(e) for e in enrolments):  # the courses are loaded: no query for them
        rows = list({(e.course_id, e.course.path) for e in enrolments if e.course.pass_mark_required})
    else:
        course_ids = {e.course_id for e in enrolments}
        rows = list(CoursePage.objects.filter(pk__in=course_ids, pass_mark_required=True)
                    .values_list("pk", "path"))
    by_course = _course_quizzes(rows)
    relevant = [e for e in enrolments if by_course.get(e.course_id)]
    if not relevant:
        return {}
    quiz_ids = {q["pk"] for qs in by_course.values() for q in qs}
    percents: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for enrolment_id, quiz_id, percent in (
        Attempt.objects.filter(enrolment_id__in=[e.pk for e in relevant], quiz_id__in=quiz_ids,
                               status=Attempt.Status.GRADED)
        .order_by("number").values_list("enrolment_id", "quiz_id", "percent")
    ):
        percents[(enrolment_id, quiz_id)].append(percent)
    result = {}
    for e in relevant:
        quizzes = by_course[e.course_id]
        passed = 0
        for q in quizzes:
            grade = quiz_grade(percents=percents.get((e.pk, q["pk"]), []), method=q["grading_method"])
            if grade is not None and grade >= q["pass_mark"]:
                passed += 1
        result[e.pk] = (passed, len(quizzes))
    return result


def best_grade_for_officer_course(*, officer, course: CoursePage) -> Decimal | None:
    """The officer's best graded percentage on any quiz of a course (the score level feeding attainment)."""
    quiz_ids = QuizPage.objects.filter(path__startswith=course.path).values("pk")
    best = (Attempt.objects.filter(officer=officer, quiz_id__in=quiz_ids, status=Attempt.Status.GRADED)
            .order_by("-percent").values_list("percent", flat=True).first())
    return best


# --- Frozen question versions, shared by every officer -------------------------------------------------

VERSION_CHOICES_CACHE_KEY = "assessments:version-choices:1:{}"  # bump the 1 if a migration rewrites versions
VERSION_CHOICES_CACHE_SECONDS = 24 * 60 * 60
_CHOICE_FIELDS = ("id", "version_id", "position", "text", "match_text", "is_correct", "feedback", "weight",
                  "tolerance")


def _version_choice_tuples(version_ids: list[int]) -> dict[int, list[tuple]]:
    from django.core.cache import cache

    keys = {VERSION_CHOICES_CACHE_KEY.format(vid): vid for vid in version_ids}
    cached = cache.get_many(list(keys))
    rows: dict[int, list[tuple]] = {keys[k]: v for k, v in cached.items()}
    missing = [vid for vid in version_ids if vid not in rows]
    if missing:
        fetched: dict[int, list[tuple]] = {vid: [] for vid in missing}
        for row in VersionChoice.objects.filter(version_id__in=missing).order_by("version_id", "position") \
                .values_list(*_CHOICE_FIELDS):
            fetched[row[1]].append(row)
        cache.set_many({VERSION_CHOICES_CACHE_KEY.format(vid): r for vid, r in fetched.items()},
                       VERSION_CHOICES_CACHE_SECONDS)
        rows.update(fetched)
    return rows


def version_choices(*, version_ids) -> dict[int, list[VersionChoice]]:
    """The choices of question versions, by version id, in position order: from the shared cache, the misses
    in one query. A version and its choices never change once made (an edit makes a new version), so the
    cache needs no invalidation; at 8:00 a thousand officers drawing from the same bank share one copy."""
    version_ids = list(dict.fromkeys(version_ids))
    rows = _version_choice_tuples(version_ids)
    return {vid: [VersionChoice(**dict(zip(_CHOICE_FIELDS, row, strict=True))) for row in rows[vid]]
            for vid in version_ids}


class ChoiceRow:
    """A version's choice as the open attempt's page needs it: the cached row, with the attribute names of
    VersionChoice (id/pk, position, text, …) but none of a model instance's cost (120 of them per page)."""

    __slots__ = _CHOICE_FIELDS

    def __init__(self, row: tuple):
        (self.id, self.version_id, self.position, self.text, self.match_text, self.is_correct, self.feedback,
         self.weight, self.tolerance) = row

    @property
    def pk(self) -> int:
        return self.id


def version_choice_rows(*, version_ids) -> dict[int, list[ChoiceRow]]:
    """version_choices as light rows (ChoiceRow), for pages that only show them."""
    version_ids = list(dict.fromkeys(version_ids))
    rows = _version_choice_tuples(version_ids)
    return {vid: [ChoiceRow(row) for row in rows[vid]] for vid in version_ids}


@dataclass(frozen=True)
class SelectionRow:
    """A saved part of an answer (ResponseChoice): which choice, at which place, matched with which text."""

    choice_id: int
    position: int | None
    matched_text: str


def response_selections(*, response_ids) -> dict[int, dict[int, SelectionRow]]:
    """The saved selections of responses, by response id then choice id, in one query of plain rows."""
    result: dict[int, dict[int, SelectionRow]] = defaultdict(dict)
    for rid, cid, position, matched in ResponseChoice.objects.filter(response_id__in=list(response_ids)) \
            .values_list("response_id", "choice_id", "position", "matched_text"):
        result[rid][cid] = SelectionRow(cid, position, matched)
    return result


def attach_version_choices(responses) -> None:
    """Give each response's version its choices (version_choices) as if prefetched: `version.choices.all()`
    then reads no database."""
    by_version = version_choices(version_ids=[r.version_id for r in responses])
    for r in responses:
        version = r.version
        qs = version.choices.all()
        qs._result_cache = by_version[r.version_id]
        qs._prefetch_done = True
        version._prefetched_objects_cache = {**getattr(version, "_prefetched_objects_cache", {}), "choices": qs}


# --- Attempt display ------------------------------------------------------------------------------------

@dataclass
class ChoiceView:
    token: str  # the attempt's opaque name of the option (assessments.tokens), never a database id
    text: str
    selected: bool = False
    position: int | None = None
    matched_text: str = ""
    # Only filled for the review, never for an open attempt:
    is_correct: bool | None = None
    feedback: str = ""
    correct_match: str = ""
    correct_position: int | None = None
    # The officer's part of the answer (a chosen option, a pair, a place): True right, False wrong, None not
    # answered or not shown (the quiz's review hides the answers).
    verdict: bool | None = None


@dataclass
class GapView:
    """One gap of a cloze question as the page shows it (named by its token, never by an id)."""

    token: str
    number: int
    kind: str  # cloze.SHORT, cloze.CHOICE or cloze.NUMBER
    layout: str  # choice gaps: "select", "vertical", "horizontal"
    options: list  # choice gaps: the option texts (in the attempt's order)
    answer: str = ""
    # Review only, and only when the quiz's review shows the answers:
    verdict: bool | None = None  # True right, False wrong, None partly right or not shown
    partial: bool = False
    key: str = ""  # the right answer(s)
    feedback: str = ""  # feedback of the answer given (review showing feedback)


@dataclass
class ClozePart:
    """A piece of a cloze question's text (sanitised HTML, safe) followed by a gap (or None at the end)."""

    html: str
    gap: GapView | None = None


def cloze_parts(*, stem: str, choices: list, selections: dict, response_id: int | None, seed: int = 0,
                review: bool = False, show_answers: bool = False, show_feedback: bool = False,
                ignore_diacritics: bool = False) -> list[ClozePart]:
    """A cloze question's text cut at its gaps, each gap with what the officer gave and, for the review, its
    mark. The text pieces are the stored (nh3-sanitised) HTML with Wagtail's links expanded; gap texts and
    feedback are plain text, escaped by the template."""
    from django.utils.safestring import mark_safe
    from wagtail.rich_text import expand_db_html

    gaps = cloze.gaps_or_empty(stem)
    if not gaps:
        return []
    by_number = {c.position: c for c in choices}
    parts, at = [], 0
    for gap in gaps:
        choice = by_number.get(gap.number)
        token = (choice_token(response_id=response_id, choice_id=choice.pk) if response_id and choice
                 else str(gap.number))
        sel = selections.get(choice.pk) if choice else None
        options = [a.text for a in gap.answers] if gap.kind == cloze.CHOICE else []
        if seed:
            random.Random(seed * 1000 + gap.number).shuffle(options)
        view = GapView(token=token, number=gap.number, kind=gap.kind, layout=gap.layout, options=options,
                       answer=sel.matched_text if sel else "")
        if review and (show_answers or show_feedback):
            share, matched = cloze.gap_fraction(gap, view.answer, ignore_diacritics=ignore_diacritics)
            if show_answers:
                view.verdict = True if share == 1 else False if share == 0 else None
                view.partial = 0 < share < 1
                view.key = cloze.right_answer_text(gap)
            if show_feedback and matched is not None:
                view.feedback = matched.feedback
        parts.append(ClozePart(html=mark_safe(expand_db_html(cloze.text_between(stem[at:gap.start]))), gap=view))
        at = gap.end
    parts.append(ClozePart(html=mark_safe(expand_db_html(cloze.text_between(stem[at:])))))
    return parts


@dataclass
class ItemView:
    response: Response
    number: int
    kind: str
    stem: str
    image: object
    choices: list
    partners: list = field(default_factory=list)  # matching: texts of the right-hand sides
    text_answer: str = ""
    answered: bool = False
    unit: str = ""  # numerical: shown after the answer box
    # Review only:
    score: Decimal | None = None
    explanation: str = ""
    legal_reference: str = ""
    accepted_answers: list = field(default_factory=list)
    marker_comment: str = ""
    # Text answers (short answer) in a review showing the answers: True right, False wrong, None not shown.
    text_verdict: bool | None = None
    cloze: list = field(default_factory=list)  # cloze: the text cut at its gaps (ClozePart)


def _ordered_choices(choices: list[VersionChoice], seed: int) -> list[VersionChoice]:
    ordered = sorted(choices, key=lambda c: c.position)
    if seed:
        random.Random(seed).shuffle(ordered)
    return ordered


def attempt_items(*, attempt: Attempt, positions: list[int] | None = None, review: bool = False,
                  show_answers: bool = False, show_feedback: bool = False) -> list[ItemView]:
    """The questions of an attempt as the officer sees them (frozen versions, frozen order).

    For an open attempt (review=False) no correctness, feedback or accepted answer is put in the result,
    so templates cannot leak the answer key.
    """
    qs = Response.objects.filter(attempt=attempt).select_related("version", "version__image")
    if positions is not None:
        qs = qs.filter(position__in=positions)
    responses = list(qs.order_by("position"))
    if review:
        attach_version_choices(responses)
    else:  # the open attempt only shows the choices: light rows, no model instances
        rows = version_choice_rows(version_ids=[r.version_id for r in responses])
    saved = response_selections(response_ids=[r.pk for r in responses])
    items = []
    for r in responses:
        v = r.version
        selections = saved.get(r.pk, {})
        choices = list(v.choices.all()) if review else rows[r.version_id]
        views = []
        partners = []
        parts = []
        if v.kind == QuestionKind.CLOZE:
            parts = cloze_parts(stem=v.stem, choices=choices, selections=selections, response_id=r.pk,
                                seed=r.shuffle_seed, review=review, show_answers=show_answers,
                                show_feedback=show_feedback, ignore_diacritics=v.ignore_diacritics)
        elif v.kind in (QuestionKind.SHORT_ANSWER, QuestionKind.NUMERICAL, QuestionKind.ESSAY):
            pass
        else:
            verdicts, places = {}, {}
            if review and show_answers:
                verdicts = grading.choice_verdicts(kind=v.kind, choices=choices, selections=[
                    grading.Selection(choice_id=cid, position=s.position, matched_text=s.matched_text)
                    for cid, s in selections.items()])
                places = grading.correct_places(choices)
            for c in _ordered_choices(choices, r.shuffle_seed):
                sel = selections.get(c.pk)
                cv = ChoiceView(token=choice_token(response_id=r.pk, choice_id=c.pk), text=c.text, selected=sel is not None,
                                position=sel.position if sel else None, matched_text=sel.matched_text if sel else "")
                if review and show_answers:
                    cv.is_correct = c.is_correct
                    cv.correct_match = c.match_text
                    cv.correct_position = places[c.pk]
                    cv.verdict = verdicts.get(c.pk)
                if review and show_feedback and sel is not None:
                    cv.feedback = c.feedback
                views.append(cv)
            if v.kind == QuestionKind.MATCHING:
                # Right-hand sides in alphabetical order: their order says nothing about the pairs.
                partners = sorted({c.match_text for c in choices}, key=lambda t: (t.casefold(), t))
            if v.kind == QuestionKind.ORDERING and any(cv.position for cv in views):
                views.sort(key=lambda cv: cv.position or 999)
        item = ItemView(
            response=r, number=r.position, kind=v.kind, stem=v.stem, image=v.image, choices=views,
            partners=partners, text_answer=r.text_answer, unit=v.unit,
            answered=bool(selections) or bool(r.text_answer.strip()), cloze=parts,
        )
        if review:
            item.score = r.score
            item.marker_comment = r.marker_comment
            if show_feedback:
                item.explanation, item.legal_reference = v.explanation, v.legal_reference
            if show_answers and v.kind == QuestionKind.SHORT_ANSWER:
                item.accepted_answers = [c.text for c in choices]
                if r.score is not None and item.answered:
                    item.text_verdict = r.score >= r.max_mark
            if show_answers and v.kind == QuestionKind.NUMERICAL:
                item.accepted_answers = [numerical_display(c, unit=v.unit) for c in choices]
                if r.score is not None and item.answered:
                    item.text_verdict = r.score >= r.max_mark
        items.append(item)
    return items


def attempt_progress(*, attempt: Attempt) -> tuple[int, int]:
    """(answered, total) questions of an attempt, for the progress bar and the submit confirmation."""
    counts = Response.objects.filter(attempt=attempt).aggregate(
        total=Count("pk", distinct=True),
        answered=Count("pk", distinct=True, filter=Q(selections__isnull=False) | ~Q(text_answer="")),
    )
    return counts["answered"], counts["total"]


def review_allowed(*, attempt: Attempt, quiz: QuizPage, passed: bool, now: dt.datetime | None = None) -> bool:
    """Whether the review (answers, feedback) may be shown for a finished attempt under the quiz's policy."""
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return False
    now = now or timezone.now()
    if quiz.review_when == ReviewWhen.IMMEDIATELY:
        return True
    if quiz.review_when == ReviewWhen.AFTER_CLOSE:
        return quiz.available_until is not None and now >= quiz.available_until
    if quiz.review_when == ReviewWhen.AFTER_PASS:
        return passed
    return False


def attempts_visible_to(*, viewer) -> QuerySet[Attempt]:
    """Attempts a user may open: their own; their led units' officers (leaders); all (trainers, admins)."""
    qs = Attempt.objects.select_related("quiz", "officer", "officer__unit")
    if not getattr(viewer, "is_authenticated", False):
        return qs.none()
    if is_trainer(viewer):
        return qs
    return qs.filter(officer__in=officers_visible_to(viewer=viewer).values("pk"))


def attempts_for_officer(*, officer) -> QuerySet[Attempt]:
    """The officer's attempt history, newest first."""
    return Attempt.objects.filter(officer=officer).select_related("quiz").order_by("-started_at")


# --- Marking --------------------------------------------------------------------------------------------

def marking_queue(*, viewer, quiz_id: int | None = None, course_id: int | None = None,
                  unit_id: int | None = None) -> QuerySet[Response]:
    """Essay answers waiting for a trainer, oldest submission first, filterable by quiz, course and unit."""
    if not is_trainer(viewer):
        return Response.objects.none()
    qs = (Response.objects.filter(needs_marking=True)
          .exclude(attempt__status=Attempt.Status.IN_PROGRESS)
          .select_related("attempt", "attempt__officer", "attempt__officer__unit", "attempt__quiz", "version")
          .order_by("attempt__submitted_at", "position"))
    if quiz_id:
        qs = qs.filter(attempt__quiz_id=quiz_id)
    if course_id:
        course = CoursePage.objects.filter(pk=course_id).first()
        qs = qs.filter(attempt__quiz__path__startswith=course.path) if course else qs.none()
    if unit_id:
        from people.models import Unit

        unit = Unit.objects.filter(pk=unit_id).first()
        qs = qs.filter(attempt__officer__unit__path__startswith=unit.path) if unit else qs.none()
    return qs


def quizzes_visible_to_trainer(*, viewer) -> QuerySet[QuizPage]:
    if not (is_trainer(viewer) or is_administrator(viewer)):
        return QuizPage.objects.none()
    return QuizPage.objects.all().order_by("path")


# --- Item analysis --------------------------------------------------------------------------------------

@dataclass
class ChoiceStat:
    text: str
    is_correct: bool
    count: int
    share: float


@dataclass
class ItemStat:
    question_id: int
    label: str
    kind: str
    n: int
    facility: float | None
    discrimination: float | None
    choices: list


@dataclass
class QuizStats:
    attempts: int
    mean: float | None
    items: list
    distribution: list  # [(label, count, share_of_max)]


def item_statistics_for_quiz(*, quiz: QuizPage) -> QuizStats:
    """Classical item analysis over the quiz's graded attempts.

    - facility index = mean score / max mark of the question (0..1; high = easy);
    - discrimination index = facility in the upper 27 % of attempts (by total grade) minus facility in the
      lower 27 % (−1..1; ≥ 0.3 discriminates well), as in Kelley's upper–lower groups method;
    - per-choice distribution = how many responses selected each option (grouped by option text across
      question versions);
    - score distribution = graded attempts per 10-point band of the grade.
    """
    attempts = list(Attempt.objects.filter(quiz=quiz, status=Attempt.Status.GRADED).values_list("pk", "percent"))
    bands = [0] * 10
    for _pk, percent in attempts:
        bands[min(9, int(Decimal(percent) // 10))] += 1
    top = max(bands) or 1
    distribution = [(f"{i * 10}–{i * 10 + 10 if i < 9 else 100}", c, c / top) for i, c in enumerate(bands)]
    if not attempts:
        return QuizStats(attempts=0, mean=None, items=[], distribution=distribution)
    ranked = sorted(attempts, key=lambda a: (a[1], a[0]))
    k = max(1, round(len(ranked) * 0.27))
    lower = {pk for pk, _p in ranked[:k]}
    upper = {pk for pk, _p in ranked[-k:]}
    responses = list(
        Response.objects.filter(attempt_id__in=[pk for pk, _p in attempts])
        .values_list("attempt_id", "version__question_id", "score", "max_mark")
    )
    per_q: dict[int, list] = defaultdict(list)
    for attempt_id, qid, score, max_mark in responses:
        frac = float(score or 0) / float(max_mark) if max_mark else 0.0
        per_q[qid].append((attempt_id, frac))
    questions = {q.pk: q for q in Question.objects.filter(pk__in=per_q.keys())}
    choice_rows = (VersionChoice.objects.filter(version__question_id__in=per_q.keys(),
                                                version__responses__attempt_id__in=[pk for pk, _p in attempts])
                   .values_list("version__question_id", "text", "is_correct").distinct())
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for qid, text in ResponseChoice.objects.filter(
        response__attempt_id__in=[pk for pk, _p in attempts]
    ).values_list("response__version__question_id", "choice__text"):
        counts[(qid, text)] += 1
    options: dict[int, dict[str, bool]] = defaultdict(dict)
    for qid, text, correct in choice_rows:
        options[qid][text] = options[qid].get(text, False) or correct
    items = []
    for qid, rows in per_q.items():
        q = questions.get(qid)
        fac = sum(f for _a, f in rows) / len(rows)
        up = [f for a, f in rows if a in upper]
        lo = [f for a, f in rows if a in lower]
        disc = (sum(up) / len(up) - sum(lo) / len(lo)) if up and lo and len(attempts) >= 2 else None
        n = len(rows)
        choice_stats = []
        if q is not None and q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE):
            for text, correct in options[qid].items():
                c = counts.get((qid, text), 0)
                choice_stats.append(ChoiceStat(text=text, is_correct=correct, count=c, share=c / n if n else 0))
        items.append(ItemStat(question_id=qid, label=q.label if q else str(qid), kind=q.kind if q else "",
                              n=n, facility=fac, discrimination=disc, choices=choice_stats))
    items.sort(key=lambda s: s.label)
    mean = sum(float(p) for _pk, p in attempts) / len(attempts)
    return QuizStats(attempts=len(attempts), mean=mean, items=items, distribution=distribution)


def question_preview_data(*, question: Question) -> ItemView:
    """A question rendered as an officer sees it in an attempt (for the admin preview): no answer key."""
    choices = list(question.choices.all())
    views = [ChoiceView(token=str(i), text=c.text) for i, c in enumerate(choices, start=1)]
    partners = []
    if question.kind == QuestionKind.MATCHING:
        partners = sorted({c.match_text for c in choices}, key=lambda t: (t.casefold(), t))
    if question.kind in (QuestionKind.SHORT_ANSWER, QuestionKind.NUMERICAL, QuestionKind.ESSAY, QuestionKind.CLOZE):
        views = []
    parts = []
    if question.kind == QuestionKind.CLOZE:
        parts = cloze_parts(stem=question.stem, choices=[], selections={}, response_id=None)
    return ItemView(response=None, number=1, kind=question.kind, stem=question.stem, image=question.image,
                    choices=views, partners=partners, unit=question.unit, cloze=parts)


def numerical_display(choice, *, unit: str = "") -> str:
    """An accepted value as the review shows it, in the active language's number format: "2,5 ± 0,1 ngày"."""
    from django.utils.formats import number_format

    from .grading import parse_number

    value = parse_number(choice.text)
    text = number_format(value.normalize() if value is not None else choice.text, use_l10n=True)
    if choice.tolerance:
        text += f" ± {number_format(Decimal(choice.tolerance).normalize(), use_l10n=True)}"
    return f"{text} {unit}".strip()


# --- Pass rates (dashboards) ----------------------------------------------------------------------------

@dataclass
class QuizPassRate:
    """Graded attempts of one quiz in a period and how many of them reached the pass mark."""

    quiz_id: int
    title: str
    path: str
    pass_mark: Decimal
    graded: int
    passed: int
    officers: int

    @property
    def share(self) -> float | None:
        return self.passed / self.graded if self.graded else None

    @property
    def percent(self) -> float | None:
        return None if self.share is None else round(self.share * 100, 1)


def _graded_attempts(*, unit_path: str | None, since: dt.datetime | None, until: dt.datetime | None,
                     quiz_paths: list[str] | None = None) -> QuerySet[Attempt]:
    qs = Attempt.objects.filter(status=Attempt.Status.GRADED, graded_at__isnull=False)
    if unit_path is not None:
        qs = qs.filter(officer__unit__path__startswith=unit_path)
    if since is not None:
        qs = qs.filter(graded_at__gte=since)
    if until is not None:
        qs = qs.filter(graded_at__lt=until)
    if quiz_paths is not None:
        if not quiz_paths:
            return qs.none()
        qs = qs.filter(reduce(or_, (Q(quiz__path__startswith=p) for p in quiz_paths)))
    return qs


def quiz_pass_rates(*, unit_path: str | None = None, since: dt.datetime | None = None,
                    until: dt.datetime | None = None, quiz_paths: list[str] | None = None) -> list[QuizPassRate]:
    """Per quiz: graded attempts in [since, until) (by grading time) of the officers of a unit subtree (all
    officers when `unit_path` is None), optionally only quizzes under the given page paths (courses), and how
    many passed. One grouped query, quizzes in tree order."""
    from django.db.models import Count

    rows = (_graded_attempts(unit_path=unit_path, since=since, until=until, quiz_paths=quiz_paths)
            .order_by().values("quiz_id", "quiz__title", "quiz__path", "quiz__pass_mark")
            .annotate(graded=Count("pk"), passed=Count("pk", filter=Q(passed=True)),
                      officers=Count("officer_id", distinct=True)))
    result = [QuizPassRate(quiz_id=r["quiz_id"], title=r["quiz__title"], path=r["quiz__path"],
                           pass_mark=r["quiz__pass_mark"], graded=r["graded"], passed=r["passed"],
                           officers=r["officers"]) for r in rows]
    result.sort(key=lambda r: r.path)
    return result


def low_pass_rate_quizzes(*, threshold: float, minimum_attempts: int, **filters) -> list[QuizPassRate]:
    """The quizzes of `quiz_pass_rates(**filters)` with at least `minimum_attempts` graded attempts whose pass
    rate is below `threshold` (a share, 0–1), lowest first."""
    found = [r for r in quiz_pass_rates(**filters) if r.graded >= minimum_attempts and r.share < threshold]
    found.sort(key=lambda r: (r.share, -r.graded, r.path))
    return found


def monthly_pass_rates(*, unit_path: str, since: dt.datetime, until: dt.datetime) -> dict[tuple[int, int], tuple[int, int]]:
    """{(year, month): (graded attempts, passed)} of the officers of a unit subtree, by the month (local time)
    the attempt was graded, for attempts graded in [since, until). One grouped query."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    rows = (_graded_attempts(unit_path=unit_path, since=since, until=until)
            .annotate(month=TruncMonth("graded_at")).order_by().values("month")
            .annotate(graded=Count("pk"), passed=Count("pk", filter=Q(passed=True))))
    result = {}
    for r in rows:
        month = r["month"]
        if month is not None:
            result[(month.year, month.month)] = (r["graded"], r["passed"])
    return result
