from decimal import Decimal
from types import SimpleNamespace as C

from assessments.grading import Selection, grade, normalise_answer, score_for
from assessments.models import QuestionKind as K

OPTS = [C(pk=1, is_correct=True, position=1), C(pk=2, is_correct=False, position=2), C(pk=3, is_correct=False, position=3)]
MULTI = [C(pk=1, is_correct=True), C(pk=2, is_correct=True), C(pk=3, is_correct=True), C(pk=4, is_correct=False)]


def sel(*ids):
    return [Selection(i) for i in ids]


def test_single_choice_and_true_false():
    assert grade(kind=K.SINGLE, choices=OPTS, selections=sel(1)) == 1
    assert grade(kind=K.SINGLE, choices=OPTS, selections=sel(2)) == 0
    assert grade(kind=K.SINGLE, choices=OPTS, selections=[]) == 0
    assert grade(kind=K.SINGLE, choices=OPTS, selections=sel(1, 2)) == 0
    assert grade(kind=K.TRUE_FALSE, choices=OPTS[:2], selections=sel(1)) == 1


def test_multiple_choice_partial_credit():
    g = lambda *ids: grade(kind=K.MULTIPLE, choices=MULTI, selections=sel(*ids), partial_credit=True)  # noqa: E731
    assert g(1, 2, 3) == 1
    assert g(1, 2) == Decimal(2) / 3
    assert g(1, 2, 4) == Decimal(1) / 3  # one wrong tick cancels one right tick
    assert g(1, 2, 3, 4) == Decimal(2) / 3
    assert g(4) == 0  # never below zero
    assert g() == 0


def test_multiple_choice_all_or_nothing():
    g = lambda *ids: grade(kind=K.MULTIPLE, choices=MULTI, selections=sel(*ids), partial_credit=False)  # noqa: E731
    assert g(1, 2, 3) == 1
    assert g(1, 2) == 0
    assert g(1, 2, 3, 4) == 0


def test_short_answer_ignores_case_and_spaces_and_optionally_diacritics():
    accepted = [C(pk=1, text="Hộ tịch"), C(pk=2, text="Chứng thực")]
    g = lambda text, fold=False: grade(kind=K.SHORT_ANSWER, choices=accepted, selections=[], text=text,  # noqa: E731
                                       ignore_diacritics=fold)
    assert g("hộ tịch") == 1
    assert g("  HỘ   TỊCH ") == 1
    assert g("hộtịch") == 1
    assert g("ho tich") == 0
    assert g("ho tich", fold=True) == 1
    assert g("CHUNG THUC", fold=True) == 1
    assert g("") == 0
    # Decomposed input (macOS keyboards) equals composed input.
    import unicodedata
    assert g(unicodedata.normalize("NFD", "hộ tịch")) == 1
    assert normalise_answer("Đăng ký", ignore_diacritics=True) == "dangky"


def test_matching_partial_and_all_or_nothing():
    pairs = [C(pk=1, match_text="A"), C(pk=2, match_text="B"), C(pk=3, match_text="C")]
    right = [Selection(1, matched_text="A"), Selection(2, matched_text=" b "), Selection(3, matched_text="C")]
    two = [Selection(1, matched_text="A"), Selection(2, matched_text="B"), Selection(3, matched_text="A")]
    assert grade(kind=K.MATCHING, choices=pairs, selections=right) == 1
    assert grade(kind=K.MATCHING, choices=pairs, selections=two) == Decimal(2) / 3
    assert grade(kind=K.MATCHING, choices=pairs, selections=two, partial_credit=False) == 0
    assert grade(kind=K.MATCHING, choices=pairs, selections=[]) == 0


def test_ordering_partial_and_all_or_nothing():
    items = [C(pk=10, position=1), C(pk=11, position=2), C(pk=12, position=3), C(pk=13, position=4)]
    perfect = [Selection(10, 1), Selection(11, 2), Selection(12, 3), Selection(13, 4)]
    swapped = [Selection(10, 1), Selection(11, 2), Selection(13, 3), Selection(12, 4)]
    assert grade(kind=K.ORDERING, choices=items, selections=perfect) == 1
    assert grade(kind=K.ORDERING, choices=items, selections=swapped) == Decimal("0.5")
    assert grade(kind=K.ORDERING, choices=items, selections=swapped, partial_credit=False) == 0


def test_essay_needs_a_person_and_scores_round():
    assert grade(kind=K.ESSAY, choices=[], selections=[], text="...") is None
    assert score_for(None, Decimal("2")) is None
    assert score_for(Decimal(2) / 3, Decimal("2")) == Decimal("1.33")
