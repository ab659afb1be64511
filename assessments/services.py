"""Every write of assessments/: question versions, attempts, autosave, submit, marking, overrides."""

import datetime as dt
import hashlib
import json
import logging
import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment, course_path_prefix
from courses.services import enrolment_check_completion
from people.models import Officer

from . import cloze, grading, selectors, tokens
from .models import (
    CHOICE_KINDS,
    Attempt,
    Choice,
    Question,
    QuestionCategory,
    QuestionKind,
    QuestionVersion,
    QuizOverride,
    QuizPage,
    Response,
    ResponseChoice,
    VersionChoice,
)

logger = logging.getLogger(__name__)


class AttemptError(ValidationError):
    """An attempt cannot be started or an answer cannot be saved; the message is shown to the officer."""


class AttemptClosed(AttemptError):
    """The attempt was submitted or its deadline (plus grace) has passed: answers are refused."""


class StaleAnswer(AttemptError):
    """The answer was changed elsewhere (another tab) after this page showed it: the newer answer is kept."""

    def __init__(self, message, *, revision: int):
        super().__init__(message)
        self.revision = revision


def stale_answer_message() -> str:
    return _("This answer was changed in another tab or window after this page was opened. The newer answer is "
             "kept: check it before going on.")


def grace_seconds() -> int:
    return int(getattr(settings, "ASSESSMENTS_GRACE_SECONDS", 30))


def offline_grace_seconds() -> int:
    """How long after the deadline an answer given before it, queued offline and replayed, is still accepted."""
    return int(getattr(settings, "ASSESSMENTS_OFFLINE_GRACE_SECONDS", 300))


# --- Offline answers: the attempt page's signed token -----------------------------------------------------
# The attempt page embeds a token signed by the server: the attempt and the server's time when it rendered the
# page. Each answer the browser queues while offline carries the token and how many milliseconds after the page
# loaded it was given (the browser's monotonic clock, so a wrong clock on the desk's PC does not matter). The
# server believes that time only within bounds it can check: not before the page was rendered, not after the
# deadline, and only when the answer arrives within ASSESSMENTS_OFFLINE_GRACE_SECONDS of the deadline.

OFFLINE_SALT = "assessments.offline"
OFFLINE_TOKEN_MAX_LENGTH = 200
OFFLINE_OFFSET_MAX_MS = 7 * 24 * 60 * 60 * 1000  # a page left open longer than a week proves nothing more
OFFLINE_TIME_MAX_MS = 253_402_300_799_000  # 9999-12-31 23:59:59 UTC: datetime's last second


def offline_token_make(*, attempt: Attempt, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    return signing.dumps({"a": attempt.pk, "t": int(now.timestamp() * 1000)}, salt=OFFLINE_SALT, compress=False)


def offline_token_time(*, token: str, attempt_id: int) -> dt.datetime | None:
    """The server time a valid token for this attempt was made at, or None (forged, altered, another attempt's)."""
    if not isinstance(token, str) or not token or len(token) > OFFLINE_TOKEN_MAX_LENGTH:
        return None
    try:
        data = signing.loads(token, salt=OFFLINE_SALT)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict) or data.get("a") != attempt_id:
        return None
    at = data.get("t")
    if not isinstance(at, int) or isinstance(at, bool) or not 0 < at < OFFLINE_TIME_MAX_MS:
        return None
    return dt.datetime.fromtimestamp(at / 1000, tz=dt.UTC)


@dataclass(frozen=True)
class OfflineStamp:
    """What a replayed answer claims: the page's token and the milliseconds between page load and the answer."""

    token: str
    offset_ms: int


def offline_answered_at(*, attempt: Attempt, stamp: OfflineStamp | None, now: dt.datetime) -> dt.datetime | None:
    """When an answer arriving after the deadline plus grace was given, if the server can believe it was given
    before the deadline; None otherwise (no or bad token, answered after the deadline, arrived too late)."""
    if stamp is None or attempt.deadline is None:
        return None
    if now > attempt.deadline + dt.timedelta(seconds=offline_grace_seconds()):
        return None
    if not isinstance(stamp.offset_ms, int) or not 0 <= stamp.offset_ms <= OFFLINE_OFFSET_MAX_MS:
        return None
    rendered = offline_token_time(token=stamp.token, attempt_id=attempt.pk)
    if rendered is None or rendered > now:
        return None
    answered = rendered + dt.timedelta(milliseconds=stamp.offset_ms)
    if answered > attempt.deadline or answered > now:
        return None
    return answered


# --- Question bank -------------------------------------------------------------------------------------

def category_for_path(*, path: str, create: bool = True) -> QuestionCategory:
    """The category at "A/B/C", creating missing levels (imports and the shell name categories by path)."""
    names = [p.strip() for p in (path or "").split("/") if p.strip()]
    if not names:
        raise ValidationError(_("A category path is required."))
    parent = None
    for name in names:
        node = QuestionCategory.objects.filter(parent=parent, name=name).first()
        if node is None:
            if not create:
                raise QuestionCategory.DoesNotExist(path)
            node = QuestionCategory(parent=parent, name=name)
            node.full_clean()
            node.save()
        parent = node
    return parent


@transaction.atomic
def category_save(*, category: QuestionCategory) -> QuestionCategory:
    """Save a category and re-derive the paths of its sub-categories when its name or parent changed."""
    old_path = QuestionCategory.objects.filter(pk=category.pk).values_list("path", flat=True).first() if category.pk else None
    category.full_clean()
    category.save()
    if old_path and old_path != category.path:
        for child in QuestionCategory.objects.filter(path__startswith=f"{old_path}/").order_by("path"):
            child.save(update_fields=[])
    return category


@dataclass
class QuestionData:
    """A question as imports build it, before it is written."""

    kind: str
    stem: str
    title: str = ""
    choices: list = None  # list[dict(text, match_text, is_correct, feedback, weight, tolerance)]
    explanation: str = ""
    legal_reference: str = ""
    default_mark: Decimal = Decimal("1")
    partial_credit: bool = True
    ignore_diacritics: bool = False
    rubric: str = ""
    unit: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    tags: list = None


def question_validate_choices(*, kind: str, choices: list[dict], stem: str | None = None) -> list[str]:
    """Reasons (in the active language) why a set of answers does not make a question of this kind.

    A cloze question has no answer rows: its gaps are checked in its text (`stem`, sanitised first, as it will be
    stored)."""
    if kind == QuestionKind.CLOZE:
        return cloze_problems(stem=stem or "", choices=choices)
    errors = []
    correct = [c for c in choices if c.get("is_correct")]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE) and len(choices) < 2:
        errors.append(_("A choice question needs at least two answers."))
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and len(correct) != 1:
        errors.append(_("Exactly one answer must be marked correct."))
    if kind == QuestionKind.MULTIPLE and not correct:
        errors.append(_("At least one answer must be marked correct."))
    if kind == QuestionKind.SHORT_ANSWER and not choices:
        errors.append(_("Give at least one accepted answer."))
    if kind == QuestionKind.MATCHING:
        if len(choices) < 2:
            errors.append(_("A matching question needs at least two pairs."))
        if any(not c.get("match_text") for c in choices):
            errors.append(_("Every pair needs a right-hand side."))
    if kind == QuestionKind.ORDERING and len(choices) < 2:
        errors.append(_("An ordering question needs at least two items."))
    if any(not (c.get("text") or "").strip() for c in choices):
        errors.append(_("An answer is empty."))
    errors += _weight_problems(kind=kind, choices=choices)
    errors += _numerical_problems(kind=kind, choices=choices)
    return errors


def cloze_problems(*, stem: str, choices: list[dict] | None = None) -> list[str]:
    """Why a cloze question's text does not parse (unbalanced braces, an unknown type, a gap without a right
    answer…), or [] when it does."""
    from lms.html import sanitise_html

    errors = []
    if choices:
        errors.append(_("A cloze question takes its answers from the gaps in its text: remove the answer rows."))
    try:
        cloze.parse_cloze(sanitise_html(stem))
    except cloze.ClozeError as error:
        errors += error.messages
    return errors


def numerical_text(value: Decimal) -> str:
    """How an accepted value or a tolerance is stored and exported: "2.5", "-3", "0.05" (no exponent)."""
    return format(Decimal(value).normalize(), "f")


def _numerical_problems(*, kind: str, choices: list[dict]) -> list[str]:
    """Numerical: at least one accepted value, each a number, tolerances ≥ 0; tolerances on no other type."""
    if kind != QuestionKind.NUMERICAL:
        if any(c.get("tolerance") is not None for c in choices):
            return [_("A tolerance is only used by numerical questions: leave it empty.")]
        return []
    errors = []
    if not choices:
        errors.append(_("Give at least one accepted value."))
    for c in choices:
        if (c.get("text") or "").strip() and grading.parse_number(c["text"]) is None:
            errors.append(_("“%(v)s” is not a number (write it like 2.5 or 2,5).") % {"v": c["text"][:40]})
        elif c.get("tolerance") is not None and not (0 <= Decimal(c["tolerance"]) < Decimal("1e14")):
            errors.append(_("A tolerance must be 0 or more."))
    return errors


def _weight_problems(*, kind: str, choices: list[dict]) -> list[str]:
    """Weights (multiple choice only): a right option has a positive weight, a wrong one none or a weight ≤ 0,
    and the right options' weights add up to 100 %."""
    weights = [c.get("weight") for c in choices]
    if all(w is None for w in weights):
        return []
    if kind != QuestionKind.MULTIPLE:
        return [_("Answer weights are only used by multiple choice questions: leave them empty.")]
    errors = []
    if any(w is not None and not (Decimal("-100") <= Decimal(w) <= Decimal("100")) for w in weights):
        errors.append(_("A weight must be between -100 and 100."))
    if any(bool(c.get("is_correct")) != (c.get("weight") is not None and Decimal(c["weight"]) > 0) for c in choices):
        errors.append(_("With weights, every right answer has a positive weight and every wrong answer a weight of "
                        "0 or less (or none)."))
    total = sum((Decimal(w) for w in weights if w is not None and Decimal(w) > 0), Decimal(0))
    if abs(total - 100) > Decimal("0.01"):
        errors.append(_("The weights of the right answers must add up to 100 (they add up to %(total)s).") % {
            "total": _weight_text(total)})
    return errors


@transaction.atomic
def question_create(*, category: QuestionCategory, data: QuestionData) -> Question:
    """Create a question with its answers (used by imports and the demo)."""
    question = Question(
        category=category, kind=data.kind, title=data.title or "", stem=data.stem,
        explanation=data.explanation or "", legal_reference=data.legal_reference or "",
        default_mark=data.default_mark, partial_credit=data.partial_credit,
        ignore_diacritics=data.ignore_diacritics, rubric=data.rubric or "", unit=data.unit or "",
        valid_from=data.valid_from, valid_until=data.valid_until,
    )
    errors = question_validate_choices(kind=data.kind, choices=data.choices or [], stem=data.stem)
    if errors:
        raise ValidationError(errors)
    question.full_clean()
    question.save()
    Choice.objects.bulk_create([
        Choice(question=question, sort_order=i, text=c["text"], match_text=c.get("match_text", ""),
               is_correct=bool(c.get("is_correct")), feedback=c.get("feedback", ""), weight=c.get("weight"),
               tolerance=c.get("tolerance"))
        for i, c in enumerate(data.choices or [])
    ])
    if data.tags:
        question.tags.add(*data.tags)
        question.save()
    return question


@transaction.atomic
def question_duplicate(*, question: Question) -> Question:
    """Copy a question and its answers into the same category (a starting point for a variant)."""
    copy = Question.objects.get(pk=question.pk)
    tags = list(copy.tags.names())
    choices = list(Choice.objects.filter(question=question).order_by("sort_order"))
    copy.pk = None
    copy.id = None
    copy.title = _("%(title)s (copy)") % {"title": question.label}
    copy.title = copy.title[:255]
    copy.full_clean()
    copy.save()
    Choice.objects.bulk_create([
        Choice(question=copy, sort_order=c.sort_order, text=c.text, match_text=c.match_text,
               is_correct=c.is_correct, feedback=c.feedback, weight=c.weight, tolerance=c.tolerance)
        for c in choices
    ])
    if tags:
        copy.tags.add(*tags)
        copy.save()
    return copy


def _weight_text(weight) -> str:
    return format(Decimal(weight).normalize(), "f")


def _fingerprint(question: Question, choices: list[Choice]) -> str:
    payload = [
        question.kind, question.title, question.stem, question.image_id, question.explanation,
        question.legal_reference, str(question.default_mark), question.partial_credit,
        question.ignore_diacritics, question.rubric,
        # A weight is only part of the print when set, so questions without weights keep their versions.
        [[c.text, c.match_text, c.is_correct, c.feedback] + ([_weight_text(c.weight)] if c.weight is not None else [])
         + ([f"±{_weight_text(c.tolerance)}"] if c.tolerance is not None else []) for c in choices],
    ] + ([question.unit] if question.unit else [])
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def question_versions_current(*, question_ids: list[int]) -> dict[int, QuestionVersion]:
    """The version matching each question's current content, snapshotting the questions that changed.

    A fixed number of queries whatever the number of questions, so starting an attempt stays fast: three when
    every question already has its version (the usual start), six more when some need one.
    """
    with transaction.atomic(savepoint=False):  # no savepoint: nothing here is caught and retried
        return _question_versions_current(question_ids=question_ids)


def _question_versions_current(*, question_ids: list[int]) -> dict[int, QuestionVersion]:
    questions = list(Question.objects.filter(pk__in=question_ids).prefetch_related(
        models_prefetch_choices()))
    prints = {q.pk: _fingerprint(q, list(q.choices.all())) for q in questions}
    found = {
        (v.question_id, v.fingerprint): v
        for v in QuestionVersion.objects.filter(question_id__in=prints.keys(), fingerprint__in=set(prints.values()))
    }
    result: dict[int, QuestionVersion] = {}
    missing = []
    for q in questions:
        version = found.get((q.pk, prints[q.pk]))
        if version is None:
            missing.append(q)
        else:
            result[q.pk] = version
    if missing:
        # Two requests starting the same just-edited quiz would both number a new version max + 1 and one would
        # fail on uniq_question_version. Lock the questions that need a version (in pk order, so concurrent
        # starts queue instead of deadlocking), then look again: whoever waited finds the version the first
        # request made.
        list(Question.objects.select_for_update().filter(pk__in=[q.pk for q in missing]).order_by("pk")
             .values_list("pk", flat=True))
        found = {
            (v.question_id, v.fingerprint): v
            for v in QuestionVersion.objects.filter(question_id__in=[q.pk for q in missing],
                                                    fingerprint__in={prints[q.pk] for q in missing})
        }
        for q in missing:
            if (q.pk, prints[q.pk]) in found:
                result[q.pk] = found[(q.pk, prints[q.pk])]
        missing = [q for q in missing if q.pk not in result]
    if missing:
        numbers = dict(
            QuestionVersion.objects.filter(question_id__in=[q.pk for q in missing])
            .values("question_id").annotate(n=Max("number")).values_list("question_id", "n")
        )
        new_versions = [
            QuestionVersion(
                question=q, number=numbers.get(q.pk, 0) + 1, fingerprint=prints[q.pk], kind=q.kind, title=q.title,
                stem=q.stem, image_id=q.image_id, explanation=q.explanation, legal_reference=q.legal_reference,
                default_mark=q.default_mark, partial_credit=q.partial_credit, ignore_diacritics=q.ignore_diacritics,
                rubric=q.rubric, unit=q.unit,
            )
            for q in missing
        ]
        QuestionVersion.objects.bulk_create(new_versions)
        if any(v.pk is None for v in new_versions):  # backends that do not return ids from bulk inserts
            new_versions = list(QuestionVersion.objects.filter(
                question_id__in=[q.pk for q in missing], fingerprint__in=[prints[q.pk] for q in missing]))
        by_question = {v.question_id: v for v in new_versions}
        rows = []
        shuffler = random.SystemRandom()
        for q in missing:
            version = by_question[q.pk]
            result[q.pk] = version
            version_rows = [
                VersionChoice(version=version, position=i, text=c.text, match_text=c.match_text,
                              is_correct=c.is_correct, feedback=c.feedback, weight=c.weight,
                              tolerance=c.tolerance)
                for i, c in enumerate(q.choices.all(), start=1)
            ]
            if q.kind == QuestionKind.CLOZE:
                # One row per gap: answers are saved per gap (ResponseChoice) and named by the gap's token.
                version_rows = [VersionChoice(version=version, position=g.number, text=g.source)
                                for g in cloze.gaps_or_empty(q.stem)]
            if q.kind == QuestionKind.ORDERING:
                # Inserted in random order so that ids (visible in the form) say nothing about the right order.
                shuffler.shuffle(version_rows)
            rows += version_rows
        VersionChoice.objects.bulk_create(rows)
    return result


# --- The current version of each question, for the starts at 8:00 -------------------------------------

BANK_VERSION_KEY = "assessments:bank:version"
CURRENT_VERSION_KEY = "assessments:current-version:{}:{}"  # bank version, question id
CURRENT_VERSION_SECONDS = 60 * 60


def _bank_version() -> str:
    from lms.versions import cache_version

    return cache_version(BANK_VERSION_KEY)


def bank_version_bump() -> None:
    """Retire every cached "current version" and candidate list of the bank (lms.versions: now, and again when
    the transaction that changed a question commits)."""
    from lms.versions import cache_version_bump

    cache_version_bump(BANK_VERSION_KEY)


@dataclass(frozen=True)
class VersionRef:
    """What a start needs of a question's current version: its id, its kind and its default mark."""

    pk: int
    kind: str
    default_mark: Decimal


def question_version_refs(*, question_ids: list[int]) -> dict[int, VersionRef]:
    """question_versions_current for the starts: the same versions, from the shared cache when no question of
    the bank changed since they were looked up (any question or answer saved or deleted starts a new bank
    version), so a thousand officers drawing from the same bank neither re-read nor re-fingerprint it."""
    from django.core.cache import cache

    bank = _bank_version()
    keys = {CURRENT_VERSION_KEY.format(bank, qid): qid for qid in question_ids}
    found = {keys[k]: VersionRef(*v) for k, v in cache.get_many(list(keys)).items()}
    missing = [qid for qid in question_ids if qid not in found]
    if missing:
        fresh = {qid: VersionRef(v.pk, v.kind, v.default_mark)
                 for qid, v in question_versions_current(question_ids=missing).items()}
        # Cached once the versions exist for every other transaction: after this one commits.
        transaction.on_commit(lambda: cache.set_many({
            CURRENT_VERSION_KEY.format(bank, qid): (ref.pk, ref.kind, ref.default_mark) for qid, ref in fresh.items()
        }, CURRENT_VERSION_SECONDS))
        found.update(fresh)
    return found


def models_prefetch_choices():
    from django.db.models import Prefetch

    return Prefetch("choices", queryset=Choice.objects.order_by("sort_order", "pk"))


# --- Quiz rules -----------------------------------------------------------------------------------------

def draw_from_pools(*, fixed: list[int], pools: list[tuple[list[int], int]], rng: random.Random) -> list[int]:
    """Fixed questions plus `count` questions drawn uniformly without replacement from each pool.

    A question already fixed or drawn by an earlier rule is never drawn twice.
    """
    chosen = list(dict.fromkeys(fixed))
    taken = set(chosen)
    for candidates, count in pools:
        available = [c for c in candidates if c not in taken]
        picked = rng.sample(available, min(count, len(available)))
        chosen += picked
        taken.update(picked)
    return chosen


CANDIDATES_KEY = "assessments:candidates:{}:{}:{}"  # bank version, quiz, day
CANDIDATES_SECONDS = 60 * 60


def _candidate_ids(*, quiz: QuizPage, today: dt.date) -> tuple[list[int], dict[int, Decimal], list]:
    """The questions a start can draw today: the fixed ones (with their marks) and each rule's pool. The same for
    every officer, so from the shared cache under the bank's version (which every change to a question, an
    answer, a category, a quiz's fixed questions or draw rules retires) and the day (validity dates)."""
    from django.core.cache import cache

    key = CANDIDATES_KEY.format(_bank_version(), quiz.pk, today.isoformat())
    found = cache.get(key)
    if found is None:
        found = _candidate_ids_read(quiz=quiz, today=today)
        transaction.on_commit(lambda: cache.set(key, found, CANDIDATES_SECONDS))
    return found


def quiz_question_total(*, quiz: QuizPage, today: dt.date) -> int:
    """How many questions an attempt started today has: the fixed questions in use and, per draw rule, its count
    or the whole pool when smaller (from the cached candidates: no query at 8:00)."""
    fixed, _marks, pools = _candidate_ids(quiz=quiz, today=today)
    return len(fixed) + sum(min(count, len(ids)) for ids, count in pools)


def _candidate_ids_read(*, quiz: QuizPage, today: dt.date) -> tuple[list[int], dict[int, Decimal], list]:
    fixed_rows = list(quiz.fixed_questions.filter(question__is_active=True).filter(
        Q(question__valid_from__isnull=True) | Q(question__valid_from__lte=today),
        Q(question__valid_until__isnull=True) | Q(question__valid_until__gte=today),
    ).order_by("sort_order").values_list("question_id", "mark"))
    fixed = [qid for qid, _m in fixed_rows]
    marks = {qid: m for qid, m in fixed_rows if m is not None}
    rules = list(quiz.random_rules.select_related("category").order_by("sort_order"))
    if not rules:
        return fixed, marks, []

    def in_rule(rule) -> Q:
        cats = Q(category_id=rule.category_id)
        if rule.include_subcategories:
            cats |= Q(category__path__startswith=f"{rule.category.path}/")
        return cats

    # Every rule's candidates in one query (ids and category paths only), shared out to the rules below.
    candidates = list(Question.objects.filter(reduce(or_, (in_rule(r) for r in rules)), is_active=True).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
    ).order_by("pk").values_list("pk", "category_id", "category__path"))
    pools = []
    for rule in rules:
        prefix = f"{rule.category.path}/"
        ids = [pk for pk, cat_id, path in candidates
               if cat_id == rule.category_id or (rule.include_subcategories and path.startswith(prefix))]
        pools.append((ids, rule.count))
    return fixed, marks, pools


PREPARE_CHUNK = 500


def quiz_versions_prepare(*, quiz: QuizPage, now: dt.datetime | None = None) -> int:
    """Make the missing versions of every question the quiz can draw today (fixed questions and every rule's
    pool), in chunks of PREPARE_CHUNK questions; returns how many questions were looked at. Run after the quiz
    is published (assessments.receivers), so that starts only look versions up (three queries) instead of
    making them; a question edited later still gets its new version at the first start after the edit."""
    fixed, _marks, pools = _candidate_ids(quiz=quiz, today=timezone.localdate(now or timezone.now()))
    ids = list(dict.fromkeys([*fixed, *(pk for pool, _count in pools for pk in pool)]))
    for start in range(0, len(ids), PREPARE_CHUNK):
        question_versions_current(question_ids=ids[start:start + PREPARE_CHUNK])
    return len(ids)


@dataclass
class StartCheck:
    allowed: bool
    reason: str = ""
    next_start_at: dt.datetime | None = None
    attempts_used: int = 0
    attempts_allowed: int = 0  # 0 = unlimited
    open_attempt: Attempt | None = None
    override: QuizOverride | None = None


def attempt_start_check(*, quiz: QuizPage, officer: Officer, now: dt.datetime | None = None,
                        attempts: list[Attempt] | None = None) -> StartCheck:
    """Whether the officer may start a new attempt now, and if not, why (window, limit, delay).

    `attempts`: the officer's attempts on the quiz, newest first, when the caller has read them already (the
    landing page's summary)."""
    now = now or timezone.now()
    if attempts is None:
        attempts = list(Attempt.objects.filter(quiz=quiz, officer=officer).order_by("-number")
                        .only("pk", "number", "status", "started_at", "submitted_at", "deadline"))
    override = QuizOverride.objects.filter(quiz=quiz, officer=officer).first()
    allowed_n = quiz.attempts_allowed + (override.extra_attempts if override and quiz.attempts_allowed else 0)
    check = StartCheck(allowed=False, attempts_used=len(attempts), attempts_allowed=allowed_n, override=override)
    open_attempt = next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None)
    if open_attempt is not None:
        check.open_attempt = open_attempt
        check.reason = _("You have an attempt in progress.")
        return check
    if quiz.available_from and now < quiz.available_from:
        check.reason = _("The quiz is not open yet.")
        return check
    if quiz.available_until and now >= quiz.available_until:
        check.reason = _("The quiz is closed.")
        return check
    if allowed_n and len(attempts) >= allowed_n:
        check.reason = _("You have used all your attempts.")
        return check
    if attempts and quiz.delay_minutes:
        last_end = attempts[0].submitted_at or attempts[0].started_at
        next_at = last_end + dt.timedelta(minutes=quiz.delay_minutes)
        if now < next_at:
            check.next_start_at = next_at
            check.reason = _("You must wait before your next attempt.")
            return check
    check.allowed = True
    return check


@transaction.atomic
def attempt_start(*, quiz: QuizPage, officer: Officer, now: dt.datetime | None = None,
                  rng: random.Random | None = None) -> Attempt:
    """Start an attempt (or return the one in progress): draw the questions and freeze their versions and order.

    Bounded number of queries whatever the size of the bank or of the quiz.
    """
    now = now or timezone.now()
    # One start at a time per officer: a second tab (or a double click) waits here, then finds the attempt the
    # first one made instead of drawing another.
    list(Officer.objects.select_for_update().filter(pk=officer.pk).values_list("pk", flat=True))
    check = attempt_start_check(quiz=quiz, officer=officer, now=now)
    if check.open_attempt is not None:
        return Attempt.objects.get(pk=check.open_attempt.pk)
    if not check.allowed:
        raise AttemptError(check.reason)
    rng = rng or random.SystemRandom()
    fixed, marks, pools = _candidate_ids(quiz=quiz, today=timezone.localdate(now))
    question_ids = draw_from_pools(fixed=fixed, pools=pools, rng=rng)
    if not question_ids:
        raise AttemptError(_("This quiz has no questions yet."))
    if quiz.shuffle_questions:
        rng.shuffle(question_ids)
    versions = question_version_refs(question_ids=question_ids)
    minutes = quiz.time_limit_minutes
    if minutes and check.override:
        minutes += check.override.extra_minutes
    deadline = now + dt.timedelta(minutes=minutes) if minutes else None
    if quiz.available_until and (deadline is None or deadline > quiz.available_until):
        deadline = quiz.available_until
    enrolment = _enrolment_for_attempt(quiz=quiz, officer=officer)
    attempt = Attempt(
        quiz=quiz, officer=officer, enrolment=enrolment, number=check.attempts_used + 1, quiz_title=quiz.title,
        started_at=now, deadline=deadline,
    )
    # quiz, officer and enrolment were just read: no need to check again that they exist.
    attempt.full_clean(exclude=["quiz", "officer", "enrolment"], validate_constraints=False)
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        # A double click or a second tab started the same attempt a moment earlier: use that one.
        existing = Attempt.objects.filter(quiz=quiz, officer=officer, status=Attempt.Status.IN_PROGRESS).first()
        if existing is None:
            raise
        return existing
    Response.objects.bulk_create([
        Response(
            attempt=attempt, version_id=versions[qid].pk, position=i, max_mark=marks.get(qid, versions[qid].default_mark),
            shuffle_seed=(rng.randrange(1, 2**31)
                          if quiz.shuffle_choices or versions[qid].kind == QuestionKind.ORDERING else 0),
        )
        for i, qid in enumerate(question_ids, start=1) if qid in versions
    ])
    return attempt


def _enrolment_for_attempt(*, quiz: QuizPage, officer: Officer) -> Enrolment | None:
    """The officer's active enrolment in the quiz's course; an officer who never enrolled is self-enrolled
    (taking the final quiz is studying the course). A completed or withdrawn course is not re-opened."""
    enrolments = list(Enrolment.objects.filter(officer=officer, course__path=course_path_prefix(quiz))
                      .select_related("course").order_by("-pk"))
    active = next((e for e in enrolments if e.status == Enrolment.Status.ACTIVE), None)
    if active or enrolments:
        return active
    from courses.models import CoursePage

    course = CoursePage.objects.filter(path=course_path_prefix(quiz)).first()
    if course is None or not course.live:
        return None
    try:
        from courses.services import enrolment_self_enrol
    except ImportError:
        return None
    return enrolment_self_enrol(officer=officer, course=course)


def attempt_deadline_passed(*, attempt: Attempt, now: dt.datetime, with_grace: bool = True) -> bool:
    if attempt.deadline is None:
        return False
    limit = attempt.deadline + dt.timedelta(seconds=grace_seconds() if with_grace else 0)
    return now > limit


# --- Autosave -------------------------------------------------------------------------------------------

def response_save(*, response_id: int, user, choices: list[str] | None = None, text: str | None = None,
                  order: list[str] | None = None, matches: dict[str, str] | None = None,
                  kind: str | None = None, revision: int | None = None, now: dt.datetime | None = None,
                  offline: OfflineStamp | None = None) -> Response:
    """Save one answer as it is given: one locked read (ownership, attempt status, deadline, revision and the
    version's choices at once) and at most three writes — two when a single choice changes (its row is updated
    in place) or a text is saved; returns the response with its new `revision`.

    Options, ordering items and matching items are named by the attempt's opaque tokens (assessments.tokens),
    exactly as the page shows them: `choices`: tokens of the options chosen (single/multiple/true-false);
    `order`: item tokens in the officer's order; `matches`: {item token: right-hand text} (cloze: {gap token:
    what was written or chosen in the gap}); `text`: short answer, numerical or essay. `revision` is the revision of the answer the page showed (None: not checked, for trusted callers).

    Refused with AttemptClosed when the attempt is no longer in progress or its deadline plus grace has passed —
    unless `offline` (an answer queued by the browser while offline, replayed later) proves with the page's signed
    token that it was given before the deadline and it arrives within the offline grace (offline_answered_at):
    then it is saved with the time it was given;
    with StaleAnswer when the answer was saved since that revision (from another tab) and this one differs —
    the newer answer is never overwritten by an older or empty one; with ValidationError when the answer does not
    fit the question (an unknown token included).
    """
    # No savepoint (it would cost two queries); refusals are returned, not raised, inside the block so that
    # the caller's transaction stays usable.
    with transaction.atomic(savepoint=False):
        result = _response_save(response_id=response_id, user=user, choices=choices, text=text, order=order,
                                matches=matches, kind=kind, revision=revision, now=now or timezone.now(),
                                offline=offline)
    if isinstance(result, Exception):
        raise result
    return result


def _locked_response(*, response_id: int, user) -> tuple[Response | None, list[int]]:
    """The response (attempt and version joined, the attempt row locked) and its version's choice ids, in one
    query: one row per choice (LEFT JOIN), so the tokens can be mapped without a second read.

    Only the attempt row is locked: every writer of an attempt's answers (autosave, a form post, submit) locks
    that one row first, so they queue behind each other instead of deadlocking (a submit holding the attempt
    while an autosave held a response and waited for the attempt)."""
    rows = list(
        Response.objects.select_related("attempt", "version")
        .select_for_update(of=("attempt",))
        .filter(pk=response_id, attempt__officer__user=user)
        .annotate(choice_pk=F("version__choices__pk"))
    )
    if not rows:
        return None, []
    return rows[0], [r.choice_pk for r in rows if r.choice_pk is not None]


def _answer_rows(*, response: Response, known: dict[str, int], choices, order, matches):
    """The ResponseChoice rows an answer makes, or a ValidationError."""
    kind = response.version.kind
    if kind in CHOICE_KINDS:
        chosen = list(dict.fromkeys(known[t] for t in choices or []))
        if kind != QuestionKind.MULTIPLE and len(chosen) > 1:
            return ValidationError(_("Choose only one answer."))
        return [ResponseChoice(response_id=response.pk, choice_id=c) for c in chosen]
    if kind == QuestionKind.ORDERING:
        placed = list(dict.fromkeys(known[t] for t in order or []))
        if placed and len(placed) != len(known):
            return ValidationError(_("Give every item a place."))
        return [ResponseChoice(response_id=response.pk, choice_id=c, position=i) for i, c in enumerate(placed, 1)]
    if kind in (QuestionKind.MATCHING, QuestionKind.CLOZE):
        return [ResponseChoice(response_id=response.pk, choice_id=known[item], matched_text=str(partner)[:500])
                for item, partner in (matches or {}).items() if partner]
    return []


def _new_answer(*, response: Response, choice_ids, choices=None, text=None, order=None, matches=None):
    """(text, None) for a text answer or (None, ResponseChoice rows) for the others, or a ValidationError when
    a token is not one of the question's (an id, another question's token, a guess)."""
    known = tokens.token_map(response_id=response.pk, choice_ids=choice_ids)
    given = [*(choices or []), *(order or []), *(matches or {}).keys()]
    if any(t not in known for t in given):
        return ValidationError(_("This answer is not one of the options shown. Reload the page and answer again."))
    if response.version.kind in TEXT_KINDS:
        return (text or "")[:20000], None
    rows = _answer_rows(response=response, known=known, choices=choices, order=order, matches=matches)
    if isinstance(rows, Exception):
        return rows
    return None, rows


TEXT_KINDS = (QuestionKind.SHORT_ANSWER, QuestionKind.NUMERICAL, QuestionKind.ESSAY)


def _same_as_saved(response: Response, *, text: str | None, rows: list[ResponseChoice] | None) -> bool:
    """Whether a (stale) answer is exactly the saved one: then nothing is lost and nothing needs refusing."""
    if rows is None:
        return response.text_answer == text
    saved = set(ResponseChoice.objects.filter(response_id=response.pk)
                .values_list("choice_id", "position", "matched_text"))
    return saved == {(r.choice_id, r.position, r.matched_text) for r in rows}


def _response_save(*, response_id, user, choices, text, order, matches, kind, revision, now, offline=None):
    response, choice_ids = _locked_response(response_id=response_id, user=user)
    if response is None:
        return PermissionDenied()
    attempt = response.attempt
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return AttemptClosed(_("This attempt has been submitted; answers can no longer be changed."))
    answered_at = now
    if attempt_deadline_passed(attempt=attempt, now=now):
        answered_at = offline_answered_at(attempt=attempt, stamp=offline, now=now)
        if answered_at is None:
            return AttemptClosed(_("Time is up: answers given after the deadline are not accepted."))
        logger.info("late offline answer accepted: attempt %s response %s answered %.1f s before the deadline, "
                    "arrived %.1f s after it", attempt.pk, response.pk,
                    (attempt.deadline - answered_at).total_seconds(), (now - attempt.deadline).total_seconds())
    if kind is not None and kind != response.version.kind:
        return ValidationError(_("This answer does not belong to the question."))
    answer = _new_answer(response=response, choice_ids=choice_ids, choices=choices, text=text, order=order,
                         matches=matches)
    if isinstance(answer, Exception):
        return answer
    value, rows = answer
    is_text = rows is None
    if revision is not None and revision < response.revision:
        if _same_as_saved(response, text=value, rows=rows):
            return response
        return StaleAnswer(stale_answer_message(), revision=response.revision)
    # The attempt is locked (and with it its answers): the new revision is exactly one more than what was read.
    response.revision += 1
    response.answered_at = answered_at
    if is_text:
        Response.objects.filter(pk=response.pk).update(text_answer=value, answered_at=answered_at,
                                                       revision=response.revision)
        response.text_answer = value
        return response
    Response.objects.filter(pk=response.pk).update(answered_at=answered_at, revision=response.revision)
    if response.version.kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and len(rows) == 1:
        # The usual autosave, another option chosen: its one row is changed in place (one statement).
        if ResponseChoice.objects.filter(response_id=response.pk).update(choice_id=rows[0].choice_id):
            return response
        ResponseChoice.objects.bulk_create(rows)
        return response
    ResponseChoice.objects.filter(response_id=response.pk).delete()
    if rows:
        ResponseChoice.objects.bulk_create(rows)
    return response


@transaction.atomic
def attempt_page_set(*, attempt: Attempt, page: int) -> None:
    """Remember the page the officer is on, so a resumed attempt opens where it stopped."""
    page = max(1, min(page, 32767))  # a PositiveSmallIntegerField; callers clamp to the attempt's pages
    Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.IN_PROGRESS).update(current_page=page)


# --- Submit and grading ---------------------------------------------------------------------------------

def _responses_for_grading(*, attempt_id: int, ids: list[int] | None = None) -> list[Response]:
    """The responses of an attempt with their version, the version's choices and the officer's selections: two
    queries whatever the number of questions (the choices come from the shared cache), enough to compare
    answers, save the changed ones and grade."""
    qs = (Response.objects.filter(attempt_id=attempt_id).select_related("version")
          .prefetch_related("selections").order_by("position"))
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    responses = list(qs)
    selectors.attach_version_choices(responses)  # the shared cache: a version's choices never change
    return responses


def _grade_in_memory(responses: list[Response], *, selections: dict[int, list] | None = None) -> bool:
    """Set score / needs_marking on responses whose version choices and selections are loaded (`selections`:
    the rows just written for some of them); True when an essay still waits for a trainer. Writes nothing: the
    caller writes every response in one bulk update."""
    waiting = False
    selections = selections or {}
    for r in responses:
        v = r.version
        rows = selections[r.pk] if r.pk in selections else r.selections.all()
        selections_given = [grading.Selection(s.choice_id, s.position, s.matched_text) for s in rows]
        fraction = grading.grade(kind=v.kind, choices=list(v.choices.all()), selections=selections_given,
                                 text=r.text_answer, partial_credit=v.partial_credit,
                                 ignore_diacritics=v.ignore_diacritics, unit=v.unit)
        if fraction is None:
            if r.score is None:
                r.needs_marking = True
                waiting = True
        else:
            r.score = grading.score_for(fraction, r.max_mark)
            r.needs_marking = False
    return waiting


def _grade_responses(attempt: Attempt) -> bool:
    """Grade every response of an attempt (one read, one bulk update); True when an essay waits for a trainer."""
    responses = _responses_for_grading(attempt_id=attempt.pk)
    waiting = _grade_in_memory(responses)
    Response.objects.bulk_update(responses, ["score", "needs_marking"])
    return waiting


def _finalise(attempt: Attempt, now: dt.datetime, *, responses: list[Response] | None = None,
              quiz: QuizPage | None = None) -> Attempt:
    """Grade the attempt from its graded responses (given, or summed in the database) and check the course."""
    if responses is None:
        totals = Response.objects.filter(attempt=attempt).aggregate(s=models_sum("score"), m=models_sum("max_mark"))
        score, max_score = Decimal(totals["s"] or 0), Decimal(totals["m"] or 0)
    else:
        score = sum((r.score or Decimal(0) for r in responses), Decimal(0))
        max_score = sum((r.max_mark for r in responses), Decimal(0))
    percent = (score * 100 / max_score).quantize(Decimal("0.01")) if max_score else Decimal("0")
    if quiz is None or quiz.pk != attempt.quiz_id:
        quiz = QuizPage.objects.get(pk=attempt.quiz_id)
    attempt.score, attempt.max_score, attempt.percent = score, max_score, percent
    attempt.passed = percent >= quiz.pass_mark
    attempt.status = Attempt.Status.GRADED
    attempt.graded_at = now
    attempt.save(update_fields=["score", "max_score", "percent", "passed", "status", "graded_at", "submitted_at",
                                "auto_submitted"])
    if attempt.passed and attempt.enrolment_id and quiz.is_required:
        _check_completion(attempt)
    return attempt


def models_sum(field):
    from django.db.models import DecimalField, Sum

    return Sum(field, output_field=DecimalField(max_digits=10, decimal_places=2))


def _check_completion(attempt: Attempt) -> None:
    # enrolment_check_completion reads the enrolment (with its course) itself.
    enrolment_check_completion(enrolment=Enrolment(pk=attempt.enrolment_id))


def _submit_locked(locked: Attempt, *, now: dt.datetime, auto: bool, responses: list[Response] | None = None,
                   quiz: QuizPage | None = None, dirty_fields: tuple[str, ...] = (),
                   selections: dict[int, list] | None = None) -> Attempt:
    """Grade an attempt whose row is locked and still in progress: responses graded in memory and written in
    one bulk update (with the answer fields `dirty_fields` a form post just changed), then one write of the
    attempt."""
    if responses is None:
        responses = _responses_for_grading(attempt_id=locked.pk)
    locked.submitted_at, locked.auto_submitted = now, auto
    waiting = _grade_in_memory(responses, selections=selections)
    Response.objects.bulk_update(responses, ["score", "needs_marking", *dirty_fields])
    if waiting:
        locked.status = Attempt.Status.WAITING
        locked.save(update_fields=["status", "submitted_at", "auto_submitted"])
        return locked
    return _finalise(locked, now, responses=responses, quiz=quiz)


def attempt_submit(*, attempt: Attempt, now: dt.datetime | None = None, auto: bool = False,
                   quiz: QuizPage | None = None, at_deadline: bool = False) -> Attempt:
    """Submit and grade an attempt exactly once, however many times it is called (double click, two tabs,
    a retry, the expiry task): the row is locked and only the call that finds it IN_PROGRESS grades it.

    `at_deadline` (the expiry task): the attempt counts as submitted at its deadline, not minutes later when the
    task closes it after the offline grace, so the delay before the next attempt runs from the deadline.
    """
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.status != Attempt.Status.IN_PROGRESS:
            return locked
        locked = _submit_locked(locked, now=now, auto=auto, quiz=quiz)
        if at_deadline and locked.deadline is not None and locked.deadline < locked.submitted_at:
            locked.submitted_at = locked.deadline
            Attempt.objects.filter(pk=locked.pk).update(submitted_at=locked.deadline)
        return locked


@dataclass
class FormSave:
    """What a form post of an attempt page did: its attempt (graded when submitted), the messages of answers
    refused and the positions of stale answers kept. `finished`: the attempt posted is not in progress (no
    attempt, submitted elsewhere); `expired`: its time was up, so it was submitted with the stored answers."""

    attempt: Attempt | None
    errors: list = field(default_factory=list)
    stale: list = field(default_factory=list)
    submitted: bool = False
    finished: bool = False
    expired: bool = False
    saved: int = 0


def attempt_form_save(*, quiz: QuizPage, officer: Officer, attempt_id: int, response_ids: list[int], parse,
                      submit: bool = False, auto: bool = False, now: dt.datetime | None = None) -> FormSave:
    """Save the answers a form post of the attempt page carries (Lưu, Tiếp, Trước, Nộp bài) and submit it when
    asked: one locked read of the attempt, one read of its responses (with their versions' choices and the
    stored selections), and a fixed number of writes whatever the number of questions.

    `parse(response)` reads one response's answer from the form and returns (answer kwargs, revision) as for
    response_save, or raises ValidationError. Only answers that differ from the stored answer are written
    (autosave has usually stored them already), with one bulk update, one delete and one insert; an answer with
    an older revision than the stored one that differs from it is not written (stale tab: the newer answer is
    kept, its position returned). With `submit`, the attempt is graded in the same pass (responses graded in
    memory, written with the changed answers) unless an answer was refused, or a stale one was kept while time
    remains: then the officer is sent back to check. At the deadline plus grace nothing is saved and the attempt
    is submitted with the stored answers (`expired`).
    """
    now = now or timezone.now()
    errors, stale = [], []
    with transaction.atomic(savepoint=False):
        locked = (Attempt.objects.select_for_update()
                  .filter(pk=attempt_id, quiz_id=quiz.pk, officer_id=officer.pk).first())
        if locked is None or locked.status != Attempt.Status.IN_PROGRESS:
            return FormSave(attempt=locked, finished=True)
        if attempt_deadline_passed(attempt=locked, now=now):
            return FormSave(attempt=_submit_locked(locked, now=now, auto=True, quiz=quiz), submitted=True,
                            expired=True)
        shown = set(response_ids)
        responses = _responses_for_grading(attempt_id=locked.pk, ids=None if submit else list(shown))
        changed_text, changed_rows = [], {}
        for r in responses:
            if r.pk not in shown:
                continue
            try:
                kwargs, revision = parse(r)
            except ValidationError as exc:
                errors += exc.messages
                continue
            answer = _new_answer(response=r, choice_ids=[c.pk for c in r.version.choices.all()], **kwargs)
            if isinstance(answer, Exception):
                errors += answer.messages
                continue
            value, rows = answer
            saved_rows = [(s.choice_id, s.position, s.matched_text) for s in r.selections.all()]
            if (value == r.text_answer) if rows is None else (
                    set(saved_rows) == {(x.choice_id, x.position, x.matched_text) for x in rows}):
                continue  # the stored answer already (autosaved, or a stale page showing the same answer)
            if revision is not None and revision < r.revision:
                stale.append(r.position)
                continue
            r.revision += 1
            r.answered_at = now
            if rows is None:
                r.text_answer = value
                changed_text.append(r)
            else:
                changed_rows[r.pk] = (r, rows)
        if changed_rows:
            ResponseChoice.objects.filter(response_id__in=list(changed_rows)).delete()
            new_rows = [row for _r, rows in changed_rows.values() for row in rows]
            if new_rows:
                ResponseChoice.objects.bulk_create(new_rows)
        changed = changed_text + [r for r, _rows in changed_rows.values()]
        dirty = ("text_answer", "answered_at", "revision") if changed else ()
        time_is_up = locked.deadline is not None and now >= locked.deadline
        if submit and not errors and (not stale or time_is_up):
            # At the deadline (the timer's own submit) there is no time to review: the newer answers kept from
            # another tab are graded as they are.
            locked = _submit_locked(locked, now=now, auto=auto and time_is_up, responses=responses, quiz=quiz,
                                    dirty_fields=dirty,
                                    selections={pk: rows for pk, (_r, rows) in changed_rows.items()})
            return FormSave(attempt=locked, errors=errors, stale=stale, submitted=True, saved=len(changed))
        if changed:
            Response.objects.bulk_update(changed, list(dirty))
        return FormSave(attempt=locked, errors=errors, stale=stale, saved=len(changed))


def attempts_submit_expired(*, now: dt.datetime | None = None) -> int:
    """Submit every attempt whose deadline plus grace has passed (run periodically by Celery beat).

    The task waits for the longer of the two graces: answers given before the deadline while the desk was
    offline may still arrive (signed, offline_answered_at) up to ASSESSMENTS_OFFLINE_GRACE_SECONDS after it, and
    must find the attempt open. Only those are accepted that late; everything else is refused after the normal
    grace as before. The attempt counts as submitted at its deadline."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=max(grace_seconds(), offline_grace_seconds()))
    ids = list(Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lt=limit)
               .values_list("pk", flat=True)[:500])
    done = 0
    for pk in ids:
        attempt_submit(attempt=Attempt(pk=pk), now=now, auto=True, at_deadline=True)
        done += 1
    return done


@transaction.atomic
def response_mark(*, response: Response, score: Decimal, comment: str, marker) -> Response:
    """A trainer marks an essay; the attempt is graded when its last essay is marked."""
    response = Response.objects.select_for_update().select_related("attempt").get(pk=response.pk)
    if response.attempt.status == Attempt.Status.IN_PROGRESS:
        raise ValidationError(_("The attempt has not been submitted yet."))
    score = Decimal(score)
    if score < 0 or score > response.max_mark:
        raise ValidationError({"score": _("The score must be between 0 and %(max)s.") % {"max": response.max_mark}})
    response.score = score.quantize(Decimal("0.01"))
    response.marker_comment = (comment or "").strip()
    response.marked_by = marker
    response.marked_at = timezone.now()
    response.needs_marking = False
    response.save(update_fields=["score", "marker_comment", "marked_by", "marked_at", "needs_marking"])
    attempt = Attempt.objects.select_for_update().get(pk=response.attempt_id)
    if not Response.objects.filter(attempt=attempt, needs_marking=True).exists():
        _finalise(attempt, timezone.now())  # also re-grades an attempt whose essay is marked again
    return response


# --- Overrides ------------------------------------------------------------------------------------------

def quiz_override_set(*, quiz: QuizPage, officer: Officer, extra_minutes: int, extra_attempts: int,
                      reason: str, granted_by) -> QuizOverride | None:
    """Give one officer extra time and/or attempts on a quiz (zero for both removes the override).

    Callers check the scope first (assessments.permissions.can_override_for_officer).
    """
    if extra_minutes < 0 or extra_attempts < 0:
        raise ValidationError(_("Extra time and attempts cannot be negative."))
    existing = QuizOverride.objects.filter(quiz=quiz, officer=officer).first()
    if not extra_minutes and not extra_attempts:
        if existing:
            existing.delete()
        return None
    override = existing or QuizOverride(quiz=quiz, officer=officer)
    override.extra_minutes, override.extra_attempts = extra_minutes, extra_attempts
    override.reason, override.granted_by = (reason or "").strip()[:255], granted_by
    override.full_clean(validate_constraints=False)
    override.save()
    return override
