"""Cloze questions (Moodle's "embedded answers"): gaps written inside the question text.

A gap is `{weight:TYPE:answers}`: `{1:SHORTANSWER:=Hộ tịch~%50%Hộ-tịch#phản hồi}`, `{2:MULTICHOICE:=Đúng~Sai}`,
`{1:NUMERICAL:=5:0.5}`. The weight (1 when left out) is the gap's share of the question's mark. Answers are
separated by `~`; `=` marks a right answer (100 %), `%50%` a partly right one, no prefix a wrong one; `#` starts
the answer's feedback. `\\}`, `\\~`, `\\#`, `\\=`, `\\%`, `\\:`, `\\{` and `\\\\` write those characters literally.

Types: SHORTANSWER (SA, MW), MULTICHOICE (MC, a drop-down list), MULTICHOICE_V (MCV, radio buttons one per
line), MULTICHOICE_H (MCH, radio buttons on one line), NUMERICAL (NM, `value:tolerance`, edges included).

The question text is rich text (sanitised HTML, see lms.html); gaps are found in it, so an answer's `&` is
stored `&amp;` and read back as `&`. A gap cannot contain formatting (a tag). Pure functions, no database.
"""

import dataclasses
import html
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

SHORT, CHOICE, NUMBER = "short", "choice", "number"
#: Moodle's type names and their synonyms → (kind, layout of a choice gap).
TYPES = {
    "SHORTANSWER": (SHORT, ""), "SA": (SHORT, ""), "MW": (SHORT, ""),
    "MULTICHOICE": (CHOICE, "select"), "MC": (CHOICE, "select"),
    "MULTICHOICE_V": (CHOICE, "vertical"), "MCV": (CHOICE, "vertical"),
    "MULTICHOICE_H": (CHOICE, "horizontal"), "MCH": (CHOICE, "horizontal"),
    "NUMERICAL": (NUMBER, ""), "NM": (NUMBER, ""),
}
MAX_GAPS = 50
MAX_GAP_SOURCE = 500  # a gap's source is frozen in a VersionChoice.text (max_length 500)
MAX_WEIGHT = 100
_HEAD = re.compile(r"^\s*(\d*)\s*:\s*([A-Za-z_]+)\s*:(.*)$", re.S)
_PERCENT = re.compile(r"^%(-?\d+(?:[.,]\d+)?)%")
ESCAPABLE = "{}~#=%:\\"
ZERO, HUNDRED = Decimal(0), Decimal(100)


class ClozeError(ValueError):
    """The cloze text is malformed; `messages` says why, in the active language, gap by gap."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class GapAnswer:
    text: str
    fraction: Decimal  # 0..100
    feedback: str = ""
    value: Decimal | None = None  # numerical gaps
    tolerance: Decimal = ZERO


@dataclass(frozen=True)
class Gap:
    number: int  # 1-based, in reading order
    kind: str  # SHORT, CHOICE or NUMBER
    layout: str  # choice gaps: "select", "vertical" or "horizontal"
    weight: int
    answers: tuple
    source: str  # what was between the braces, exactly as stored (HTML-escaped text)
    start: int = 0  # position of "{" in the question's HTML
    end: int = 0  # position after "}"

    @property
    def right_answers(self) -> list[GapAnswer]:
        return [a for a in self.answers if a.fraction == HUNDRED]


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in ESCAPABLE:
            out.append(text[i + 1])
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _split(text: str, sep: str) -> list[str]:
    """Split on an unescaped separator (escapes kept for _unescape)."""
    parts, buf, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            buf.append(text[i:i + 2])
            i += 2
            continue
        if text[i] == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(text[i])
        i += 1
    parts.append("".join(buf))
    return parts


def escape(text: str) -> str:
    """A text written literally inside a gap (answers, feedback): the special characters escaped."""
    return "".join(f"\\{ch}" if ch in ESCAPABLE else ch for ch in text)


def _number(text: str) -> Decimal | None:
    from .grading import parse_number

    return parse_number(text)


def parse_gap(source: str, *, number: int = 1) -> Gap:
    """One gap from what was written between its braces; ClozeError when it is malformed."""
    where = {"n": number}
    if "<" in source or ">" in source:
        raise ClozeError([_("Gap %(n)s contains formatting (bold, a link…): write a gap as plain text.") % where])
    if len(source) > MAX_GAP_SOURCE:
        raise ClozeError([_("Gap %(n)s is too long (at most %(max)s characters).") % {**where,
                                                                                      "max": MAX_GAP_SOURCE}])
    m = _HEAD.match(html.unescape(source))
    if not m:
        raise ClozeError([_("Gap %(n)s is malformed: write it like {1:SHORTANSWER:=answer} or "
                            "{1:MULTICHOICE:=right~wrong}.") % where])
    weight_text, type_name, body = m.groups()
    problems = []
    spec = TYPES.get(type_name.upper())
    if spec is None:
        problems.append(_("Gap %(n)s has an unknown type “%(t)s”: use SHORTANSWER (SA), MULTICHOICE (MC), "
                          "MULTICHOICE_V (MCV), MULTICHOICE_H (MCH) or NUMERICAL (NM).") % {**where,
                                                                                          "t": type_name[:30]})
    weight = int(weight_text) if weight_text else 1
    if not 1 <= weight <= MAX_WEIGHT:
        problems.append(_("The weight of gap %(n)s must be a whole number from 1 to %(max)s.") % {
            **where, "max": MAX_WEIGHT})
    kind, layout = spec or (SHORT, "")
    answers = []
    for raw in _split(body, "~"):
        raw = raw.strip()
        fraction = ZERO
        if raw.startswith("="):
            fraction, raw = HUNDRED, raw[1:]
        else:
            pm = _PERCENT.match(raw)
            if pm:
                fraction, raw = Decimal(pm.group(1).replace(",", ".")), raw[pm.end():]
                if not ZERO <= fraction <= HUNDRED:
                    problems.append(_("In gap %(n)s a percentage must be between 0 and 100.") % where)
        text_part, *feedback_parts = _split(raw, "#")
        text = _unescape(text_part).strip()
        feedback = _unescape("#".join(feedback_parts)).strip()
        if not text:
            problems.append(_("Gap %(n)s has an empty answer.") % where)
            continue
        value, tolerance = None, ZERO
        if kind == NUMBER:
            value_text, _sep, tolerance_text = text.partition(":")
            value = _number(value_text)
            try:
                tolerance = Decimal(tolerance_text.strip().replace(",", ".")) if tolerance_text.strip() else ZERO
            except InvalidOperation:
                tolerance = None
            if value is None or tolerance is None or not tolerance.is_finite() or tolerance < 0:
                problems.append(_("In gap %(n)s “%(v)s” is not a number with an optional tolerance "
                                  "(write 5 or 5:0.5).") % {**where, "v": text[:40]})
                continue
        answers.append(GapAnswer(text=text, fraction=fraction, feedback=feedback, value=value,
                                 tolerance=tolerance))
    if answers and not any(a.fraction == HUNDRED for a in answers):
        problems.append(_("Gap %(n)s has no right answer: mark one with “=”.") % where)
    if kind == CHOICE and spec is not None and len(answers) < 2:
        problems.append(_("The multiple choice gap %(n)s needs at least two options.") % where)
    if kind == CHOICE and len({a.text for a in answers}) != len(answers):
        problems.append(_("The multiple choice gap %(n)s lists the same option twice.") % where)
    if problems:
        raise ClozeError(problems)
    return Gap(number=number, kind=kind, layout=layout, weight=weight, answers=tuple(answers), source=source)


def parse_cloze(text: str) -> list[Gap]:
    """Every gap of a question text, in reading order; ClozeError listing every problem (unbalanced braces, a
    malformed gap, no gap at all)."""
    gaps, problems = [], []
    i, n, start = 0, len(text or ""), None
    text = text or ""
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            i += 2
            continue
        if ch == "<" and start is None:
            # Gaps are looked for in text only, never inside a tag (a "{" in an href is not a gap). Sanitised
            # HTML has no ">" inside its attribute values (lms.html._attribute_filter).
            close = text.find(">", i)
            i = n if close < 0 else close + 1
            continue
        if ch == "{":
            if start is not None:
                problems.append(_("A “{” opens a gap inside gap %(n)s: close each gap with “}” (write \\{ for a "
                                  "brace).") % {"n": len(gaps) + 1})
                start = None
                break
            start = i
        elif ch == "}":
            if start is None:
                problems.append(_("A “}” closes no gap (write \\} for a brace)."))
                break
            try:
                gap = parse_gap(text[start + 1:i], number=len(gaps) + 1)
                gaps.append(dataclasses.replace(gap, start=start, end=i + 1))
            except ClozeError as error:
                problems += error.messages
                gaps.append(None)
            start = None
        i += 1
    if start is not None:
        problems.append(_("Gap %(n)s is not closed with “}”.") % {"n": len(gaps) + 1})
    if len(gaps) > MAX_GAPS:
        problems.append(_("A cloze question has at most %(max)s gaps.") % {"max": MAX_GAPS})
    if not gaps and not problems:
        problems.append(_("A cloze question needs at least one gap in its text, e.g. {1:SHORTANSWER:=hộ tịch}."))
    if problems:
        raise ClozeError(problems)
    return gaps


def gaps_or_empty(text: str) -> list[Gap]:
    """The gaps of a text already validated when it was saved (a frozen version); [] if it does not parse."""
    try:
        return parse_cloze(text)
    except ClozeError:
        return []


def text_between(text: str) -> str:
    """Text outside the gaps as shown: `\\{` and `\\}` written literally become braces."""
    return text.replace("\\{", "{").replace("\\}", "}")


def gap_fraction(gap: Gap, given: str, *, ignore_diacritics: bool = False) -> tuple[Decimal, GapAnswer | None]:
    """The share (0..1) a gap's answer earns and the answer it matched (for its feedback): the best matching
    answer's percentage. Short answers are compared as the engine compares them (NFC, case, spaces, optionally
    diacritics); options by their text; numbers within value ± tolerance, edges included."""
    from .grading import normalise_answer, parse_number

    if not (given or "").strip():
        return ZERO, None
    best = None
    if gap.kind == NUMBER:
        number = parse_number(given)
        if number is not None:
            for a in gap.answers:
                if a.value is not None and abs(number - a.value) <= a.tolerance and (
                        best is None or a.fraction > best.fraction):
                    best = a
    else:
        target = normalise_answer(given, ignore_diacritics=ignore_diacritics and gap.kind == SHORT)
        for a in gap.answers:
            if normalise_answer(a.text, ignore_diacritics=ignore_diacritics and gap.kind == SHORT) == target and (
                    best is None or a.fraction > best.fraction):
                best = a
    return (best.fraction / HUNDRED if best else ZERO), best


def grade(gaps: list[Gap], answers: dict[int, str], *, partial_credit: bool = True,
          ignore_diacritics: bool = False) -> Decimal:
    """Σ gap weight × gap share / Σ weights (0..1); all-or-nothing: 1 only when every gap earns its full share."""
    if not gaps:
        return ZERO
    shares = [(g.weight, gap_fraction(g, answers.get(g.number, ""), ignore_diacritics=ignore_diacritics)[0])
              for g in gaps]
    if not partial_credit:
        return Decimal(1) if all(s == 1 for _w, s in shares) else ZERO
    total = sum(w for w, _s in shares)
    return sum((w * s for w, s in shares), ZERO) / Decimal(total)


def right_answer_text(gap: Gap) -> str:
    """The key of a gap as the review shows it: the right answers (numbers with their tolerance)."""
    from django.utils.formats import number_format

    texts = []
    for a in gap.right_answers:
        if gap.kind == NUMBER and a.value is not None:
            text = number_format(a.value.normalize(), use_l10n=True)
            if a.tolerance:
                text += f" ± {number_format(a.tolerance.normalize(), use_l10n=True)}"
            texts.append(text)
        else:
            texts.append(a.text)
    return " / ".join(texts)
