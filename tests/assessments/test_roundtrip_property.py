"""Property: GIFT export → import → export gives the same text, and XLSX export → import → export the same cells,
for every question type (single, multiple with and without weights, true/false, short answer, matching, ordering,
numerical, cloze, essay) and the metadata GIFT carries through our osa- comment lines. Fixed seed (derandomize) and a bounded number of examples, like
tests/test_parsers_hypothesis.py, so CI runs the same cases every time."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import cloze
from assessments.exports import export_gift, export_xlsx, questions_for_export
from assessments.imports import questions_import
from assessments.models import QuestionKind
from assessments.services import QuestionData, category_for_path, question_create

pytestmark = pytest.mark.django_db

# Vietnamese letters, digits and every character GIFT gives a meaning to (escaped by the export).
ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạếộữỳ0123456789~=#{}:\\->%().,?"
word = st.text(alphabet=ALPHABET, min_size=1, max_size=8)
phrase = st.lists(word, min_size=1, max_size=4).map(" ".join)
maybe = st.one_of(st.just(""), phrase)
_counter = itertools.count()


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def options(draw, n_min=2, n_max=5):
    texts = draw(st.lists(phrase, min_size=n_min, max_size=n_max, unique=True))
    return [{"text": t, "feedback": draw(maybe)} for t in texts]


# Text between gaps: no brace or backslash (a "\\" before a gap's "{" would escape it).
BETWEEN = st.text(alphabet=ALPHABET.replace("{", "").replace("}", "").replace("\\", ""), min_size=1, max_size=8)


@st.composite
def cloze_gap(draw):
    """One gap in Moodle's syntax: its texts escaped for the gap, then for HTML."""
    kind = draw(st.sampled_from(["SHORTANSWER", "SA", "MULTICHOICE", "MC", "MCV", "MULTICHOICE_H", "NUMERICAL",
                                 "NM"]))
    weight = draw(st.sampled_from(["", "1", "2", "5"]))
    if kind in ("NUMERICAL", "NM"):
        values = draw(st.lists(st.decimals(min_value=-10**4, max_value=10**4, places=2, allow_nan=False),
                               min_size=1, max_size=3))
        texts = [format(v.normalize(), "f") + draw(st.sampled_from(["", ":0", ":0.5", ":2"])) for v in values]
    else:
        texts = [cloze.escape(t) for t in draw(st.lists(phrase, min_size=2 if "M" in kind[:2] else 1, max_size=4,
                                                      unique=True))]
    answers = []
    for i, text in enumerate(texts):
        prefix = "=" if i == 0 else draw(st.sampled_from(["", "%50%", "%25%", "=", "%0%"]))
        feedback = draw(maybe)
        answers.append(prefix + text + (f"#{cloze.escape(feedback)}" if feedback else ""))
    order = draw(st.permutations(answers))
    return "{" + _escape_html(f"{weight}:{kind}:" + "~".join(order)) + "}"


@st.composite
def cloze_stem(draw):
    gaps = draw(st.lists(cloze_gap(), min_size=1, max_size=3))
    pieces = [_escape_html(draw(BETWEEN))]
    for gap in gaps:
        pieces += [gap, _escape_html(draw(BETWEEN))]
    return f"<p>{' '.join(pieces)}</p>"


@st.composite
def question_data(draw, *, xlsx=False):
    kind = draw(st.sampled_from([QuestionKind.SINGLE, "multiple_weighted", QuestionKind.MULTIPLE,
                                 QuestionKind.TRUE_FALSE, QuestionKind.SHORT_ANSWER, QuestionKind.MATCHING,
                                 QuestionKind.ORDERING, QuestionKind.NUMERICAL, QuestionKind.CLOZE,
                                 QuestionKind.ESSAY]))
    unit = ""
    stem = f"<p>{_escape_html(draw(phrase))}</p>"
    if kind == QuestionKind.SINGLE:
        choices = draw(options())
        right = draw(st.integers(0, len(choices) - 1))
        for i, c in enumerate(choices):
            c["is_correct"] = i == right
    elif kind == QuestionKind.MULTIPLE:
        choices = draw(options(3, 6))
        flags = draw(st.lists(st.booleans(), min_size=len(choices), max_size=len(choices)).filter(any))
        for c, flag in zip(choices, flags, strict=True):
            c["is_correct"] = flag
    elif kind == "multiple_weighted":
        kind = QuestionKind.MULTIPLE
        choices = draw(options(2, 6))
        n_right = draw(st.integers(1, len(choices)))
        cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=n_right - 1, max_size=n_right - 1, unique=True)))
        weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        for i, c in enumerate(choices):
            c["is_correct"] = i < n_right
            c["weight"] = (Decimal(weights[i]) if i < n_right
                           else draw(st.sampled_from([None, Decimal(0), Decimal(-50), Decimal(-100)])))
    elif kind == QuestionKind.TRUE_FALSE:
        value = draw(st.booleans())
        choices = [{"text": "Đúng", "is_correct": value, "feedback": draw(maybe)},
                   {"text": "Sai", "is_correct": not value, "feedback": draw(maybe)}]
    elif kind in (QuestionKind.SHORT_ANSWER, QuestionKind.ORDERING):
        choices = [{**c, "is_correct": True} for c in draw(options(1 if kind == QuestionKind.SHORT_ANSWER else 2))]
    elif kind == QuestionKind.MATCHING:
        choices = [{**c, "match_text": draw(phrase)} for c in draw(options())]
        if xlsx:  # the XLSX writes a pair "left -> right" in one cell: an arrow inside the left side is ambiguous
            for c in choices:
                c["text"] = c["text"].replace("->", "- >")
            if len({c["text"] for c in choices}) != len(choices):
                choices = choices[:1] + [{**c, "text": f"{c['text']} {i}"} for i, c in enumerate(choices[1:])]
    elif kind == QuestionKind.NUMERICAL:
        values = draw(st.lists(st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False),
                               min_size=1, max_size=3))
        choices = [{"text": format(v.normalize(), "f"), "is_correct": True, "feedback": draw(maybe),
                    "tolerance": draw(st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)))}
                   for v in values]
        unit = draw(st.sampled_from(["", "ngày", "%", "đồng"]))
    elif kind == QuestionKind.CLOZE:
        choices = []
        stem = draw(cloze_stem())
    else:
        choices = []
    return QuestionData(
        kind=kind, stem=stem, title=draw(maybe), choices=choices,
        explanation=draw(maybe), legal_reference=draw(maybe),
        default_mark=draw(st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)),
        partial_credit=draw(st.booleans()), ignore_diacritics=draw(st.booleans()),
        rubric=draw(maybe) if kind == QuestionKind.ESSAY else "", unit=unit,
        tags=draw(st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=6), max_size=3, unique=True)),
    )


@settings(derandomize=True, database=None, max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(batch=st.lists(question_data(), min_size=1, max_size=4))
def test_gift_export_import_export_is_identical(batch):
    n = next(_counter)
    source = category_for_path(path=f"Thuộc tính/Nguồn {n}")
    for data in batch:
        question_create(category=source, data=data)
    first = export_gift(questions_for_export(category=source))
    imported = questions_import(content=first.encode(), fmt="gift", category_path=f"Thuộc tính/Đích {n}")
    assert [q.kind for q in imported] == [d.kind for d in batch]
    second = export_gift(questions_for_export(category=imported[0].category))
    assert second == first


def _cells(data: bytes) -> list[list]:
    import io

    from openpyxl import load_workbook

    return [list(row) for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)]


@settings(derandomize=True, database=None, max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(question_data(xlsx=True), min_size=1, max_size=4))
def test_xlsx_export_import_export_is_identical(batch):
    """The XLSX template holds every type too, answer weights (“Trọng số (%)”) and cloze texts included."""
    n = next(_counter)
    source = category_for_path(path=f"Thuộc tính XLSX/Nguồn {n}")
    for data in batch:
        question_create(category=source, data=data)
    first = export_xlsx(questions_for_export(category=source))
    imported = questions_import(content=first, fmt="xlsx", category_path=f"Thuộc tính XLSX/Đích {n}")
    assert [q.kind for q in imported] == [d.kind for d in batch]
    for q, d in zip(imported, batch, strict=True):
        assert [c.weight for c in q.choices.order_by("sort_order")] == [c.get("weight") for c in d.choices or []]
    second = export_xlsx(questions_for_export(category=imported[0].category))
    assert _cells(second)[1:] == _cells(first)[1:]
