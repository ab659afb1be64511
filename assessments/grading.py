"""Automatic grading of one response, per question type. Pure functions: no database access.

Each function returns the fraction of the mark earned (0..1) or None when a person must mark it (essay).

- single choice, true/false: 1 if the chosen option is correct.
- multiple choice: all-or-nothing = exactly the correct set; partial credit = (correct chosen − wrong chosen)
  / number of correct options, never below 0 (so ticking everything earns nothing); when the options carry
  weights (GIFT `~%70%a ~%30%b ~%-100%c`), partial credit = the sum of the ticked options' weights / 100,
  between 0 and 1 (Moodle's rule; an option without a weight counts 0).
- short answer: compared after NFC normalisation, lower-casing and removing every space; optionally with
  Vietnamese diacritics folded (people.text.fold, which also maps đ → d).
- matching: share of pairs matched correctly (all-or-nothing: every pair).
- ordering: share of items in their correct place (all-or-nothing: the whole order).
- numerical: right when the number given is within an accepted value ± its tolerance, edges included (exact
  decimal arithmetic, so 2.4 and 2.6 are right for 2.5 ± 0.1). The officer may write a decimal comma ("2,5") or
  point ("2.5"), spaces, and the question's unit after the number ("15 ngày").
- cloze: per gap (assessments.cloze), Σ gap weight × the share its answer earns / Σ weights (all-or-nothing:
  every gap fully right).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from people.text import fold

from .models import QuestionKind

ONE = Decimal("1")
ZERO = Decimal("0")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Selection:
    choice_id: int
    position: int | None = None
    matched_text: str = ""


def normalise_answer(text: str, *, ignore_diacritics: bool) -> str:
    value = unicodedata.normalize("NFC", text or "").lower()
    if ignore_diacritics:
        value = fold(value)
    return _WS.sub("", value)


#: An officer's number: optional sign, digits with "." or "," separators (at most 40 characters in all).
_NUMBER = re.compile(r"^[+-]?(?:\d[\d.,]*)$")
NUMBER_MAX_LENGTH = 40


def parse_number(text: str, *, unit: str = "") -> Decimal | None:
    """The number an officer typed ("2,5", "2.5", "-3", "1.234,5", "15 ngày"), or None when it is not one.

    One separator (comma or point) is the decimal separator; with both, the last one is, and the others group
    thousands; several of the same kind group thousands ("1.000.000"). The question's unit may follow.
    """
    value = unicodedata.normalize("NFC", text or "").strip()
    if unit:
        u = unicodedata.normalize("NFC", unit).strip()
        if u and value.casefold().endswith(u.casefold()):
            value = value[:-len(u)]
    value = _WS.sub("", value).replace("\u2212", "-")
    if (not value or len(value) > NUMBER_MAX_LENGTH or not _NUMBER.match(value) or value[-1] in ".,"
            or re.search(r"[.,]{2}", value)):
        return None
    sign, digits = ("-" if value[0] == "-" else ""), value.lstrip("+-")
    commas, points = digits.count(","), digits.count(".")
    if commas and points:
        decimal_sep = "," if digits.rfind(",") > digits.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        if digits.count(decimal_sep) > 1:
            return None
        digits = digits.replace(group_sep, "").replace(decimal_sep, ".")
    elif commas > 1 or points > 1:
        digits = digits.replace(",", "").replace(".", "")
    else:
        digits = digits.replace(",", ".")
    try:
        number = Decimal(sign + digits)
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def numerical_match(choices: list, number: Decimal | None):
    """The first accepted value (a choice) whose value ± tolerance holds the number, or None."""
    if number is None:
        return None
    for c in choices:
        value = parse_number(c.text)
        if value is not None and abs(number - value) <= Decimal(c.tolerance or 0):
            return c
    return None


def grade(*, kind: str, choices: list, selections: Iterable[Selection], text: str = "",
          partial_credit: bool = True, ignore_diacritics: bool = False, unit: str = "") -> Decimal | None:
    """Fraction (0..1) of the mark earned by an answer; None for essays (marked by a trainer)."""
    selections = list(selections)
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE):
        correct = {c.pk for c in choices if c.is_correct}
        chosen = {s.choice_id for s in selections}
        return ONE if len(chosen) == 1 and chosen <= correct else ZERO
    if kind == QuestionKind.MULTIPLE:
        correct = {c.pk for c in choices if c.is_correct}
        chosen = {s.choice_id for s in selections}
        if not correct:
            return ONE if not chosen else ZERO
        if not partial_credit:
            return ONE if chosen == correct else ZERO
        if any(getattr(c, "weight", None) is not None for c in choices):
            weights = {c.pk: Decimal(c.weight or 0) for c in choices}
            return _clamp(sum((weights.get(i, ZERO) for i in chosen), ZERO) / Decimal(100))
        earned = Decimal(len(chosen & correct) - len(chosen - correct)) / Decimal(len(correct))
        return _clamp(earned)
    if kind == QuestionKind.SHORT_ANSWER:
        given = normalise_answer(text, ignore_diacritics=ignore_diacritics)
        if not given:
            return ZERO
        accepted = {normalise_answer(c.text, ignore_diacritics=ignore_diacritics) for c in choices}
        return ONE if given in accepted else ZERO
    if kind == QuestionKind.NUMERICAL:
        return ONE if numerical_match(choices, parse_number(text, unit=unit)) is not None else ZERO
    if kind == QuestionKind.CLOZE:
        from . import cloze

        given = {s.choice_id: s.matched_text for s in selections}
        gaps, answers = [], {}
        for c in sorted(choices, key=lambda c: c.position):
            try:
                gap = cloze.parse_gap(c.text, number=c.position)
            except cloze.ClozeError:
                continue
            gaps.append(gap)
            answers[gap.number] = given.get(c.pk, "")
        return cloze.grade(gaps, answers, partial_credit=partial_credit, ignore_diacritics=ignore_diacritics)
    if kind == QuestionKind.MATCHING:
        if not choices:
            return ZERO
        by_id = {c.pk: c for c in choices}
        right = 0
        for s in selections:
            item = by_id.get(s.choice_id)
            if item is not None and s.matched_text and _same(item.match_text, s.matched_text):
                right += 1
        return _share(right, len(choices), partial_credit)
    if kind == QuestionKind.ORDERING:
        if not choices:
            return ZERO
        correct_place = correct_places(choices)
        right = sum(1 for s in selections if s.position is not None and correct_place.get(s.choice_id) == s.position)
        return _share(right, len(choices), partial_credit)
    return None


def correct_places(choices: list) -> dict[int, int]:
    """Ordering: each item's correct place, 1-based (the order of the frozen positions)."""
    return {c.pk: i for i, c in enumerate(sorted(choices, key=lambda c: c.position), start=1)}


def choice_verdicts(*, kind: str, choices: list, selections: Iterable[Selection]) -> dict[int, bool]:
    """For the review: whether each part of the officer's answer is right, by choice id — a chosen option (single,
    true/false, multiple), a pair given (matching), a place given (ordering). Parts not answered are left out."""
    by_id = {c.pk: c for c in choices}
    verdicts = {}
    places = correct_places(choices) if kind == QuestionKind.ORDERING else {}
    for s in selections:
        item = by_id.get(s.choice_id)
        if item is None:
            continue
        if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE, QuestionKind.MULTIPLE):
            verdicts[s.choice_id] = bool(item.is_correct)
        elif kind == QuestionKind.MATCHING and s.matched_text:
            verdicts[s.choice_id] = _same(item.match_text, s.matched_text)
        elif kind == QuestionKind.ORDERING and s.position is not None:
            verdicts[s.choice_id] = places.get(s.choice_id) == s.position
    return verdicts


def score_for(fraction: Decimal | None, max_mark: Decimal) -> Decimal | None:
    if fraction is None:
        return None
    return (Decimal(max_mark) * fraction).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _same(a: str, b: str) -> bool:
    return normalise_answer(a, ignore_diacritics=False) == normalise_answer(b, ignore_diacritics=False)


def _share(right: int, total: int, partial_credit: bool) -> Decimal:
    if not partial_credit:
        return ONE if right == total else ZERO
    return _clamp(Decimal(right) / Decimal(total))


def _clamp(value: Decimal) -> Decimal:
    return max(ZERO, min(ONE, value))
