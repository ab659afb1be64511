"""Every number an attempt endpoint takes from a request is validated and clamped: a 400, a 404 or a Vietnamese
message, never a 500 (a 30-digit id overflows SQLite's INTEGER; ≥ 32768 overflows a PostgreSQL smallint)."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Attempt, QuestionKind, QuizOverride, ResponseChoice
from tests.assessments.factories import (
    QuestionCategoryFactory,
    QuizPageFactory,
    add_fixed,
    make_question,
    token,
)

pytestmark = pytest.mark.django_db

# One value per class of bad number.
BAD_NUMBERS = {
    "30 digits": "1" * 30,
    "above smallint": "40000",
    "negative": "-1",
    "decimal": "1.5",
    "not a number": "abc",
    "non-ASCII digits": "١٢",
    "empty after spaces": "  ",
}
INVALID_VI = "Trang đã gửi một giá trị không hợp lệ. Hãy tải lại trang và thử lại."


@pytest.fixture
def open_attempt(client, officer, module_page):
    cat = QuestionCategoryFactory(name="Số từ yêu cầu")
    quiz = QuizPageFactory(parent=module_page, layout="one")
    add_fixed(quiz, make_question(QuestionKind.SINGLE, category=cat), make_question(QuestionKind.ORDERING, category=cat))
    attempt = services.attempt_start(quiz=quiz, officer=officer)
    client.force_login(officer.user)
    single, ordering = attempt.responses.select_related("version").order_by("position")
    return quiz, attempt, single, ordering


def autosave(client, response, data):
    return client.post(reverse("assessments:save-response", args=[response.pk]),
                       {"kind": response.version.kind, **data}, HTTP_ACCEPT_LANGUAGE="vi")


@pytest.mark.parametrize("value", BAD_NUMBERS.values(), ids=BAD_NUMBERS.keys())
@pytest.mark.parametrize("field", ["revision", "position", "choice"])
def test_autosave_refuses_bad_numbers_with_400(client, open_attempt, field, value):
    _quiz, _attempt, single, ordering = open_attempt
    if field == "revision":
        resp = autosave(client, single, {f"q{single.pk}_rev": value,
                                         f"q{single.pk}": token(single, single.version.choices.first())})
    elif field == "position":
        items = list(ordering.version.choices.all())
        resp = autosave(client, ordering, {f"q{ordering.pk}_pos_{token(ordering, items[0])}": value,
                                           f"q{ordering.pk}_pos_{token(ordering, items[1])}": "2"})
    else:  # a number where a token belongs
        resp = autosave(client, single, {f"q{single.pk}": value})
    if field == "revision" and value == "40000":
        assert resp.status_code == 200  # a revision ahead of the saved one is simply not stale
        return
    if field == "choice" and not value.strip():
        assert resp.status_code == 200 and resp.json()["saved"]  # nothing chosen is a valid answer
        return
    assert resp.status_code == 400
    assert resp.json()["saved"] is False and resp.json()["error"]
    assert not ResponseChoice.objects.filter(response__in=[single, ordering]).exists()


URLS = {"save-response": "cau-tra-loi/{n}/luu/", "attempt-result": "lan-lam/{n}/ket-qua/",
        "attempt-review": "lan-lam/{n}/xem-lai/", "quiz-overrides": "bai-kiem-tra/{n}/gia-han/"}


@pytest.mark.parametrize("name", URLS)
def test_oversized_ids_in_urls_are_404(client, open_attempt, name):
    assert client.get("/kiem-tra/" + URLS[name].format(n="9" * 30)).status_code == 404
    # The largest id that fits still reaches the view, which does not find it.
    url = reverse(f"assessments:{name}", args=[10**18 - 1])
    assert (client.post(url, {"kind": "single"}) if name == "save-response" else client.get(url)).status_code == 404


@pytest.mark.parametrize("value", BAD_NUMBERS.values(), ids=BAD_NUMBERS.keys())
@pytest.mark.parametrize("field", ["shown", "goto", "revision", "position"])
def test_attempt_form_refuses_or_clamps_bad_numbers(client, open_attempt, field, value):
    quiz, attempt, single, ordering = open_attempt
    data = {"attempt": attempt.pk, "shown": [single.pk], "action": "save",
            f"q{single.pk}": token(single, single.version.choices.first()), f"q{single.pk}_rev": "0"}
    if field == "shown":
        data["shown"] = [value]
    elif field == "goto":
        data["goto"] = value
    elif field == "revision":
        data[f"q{single.pk}_rev"] = value
    else:
        items = list(ordering.version.choices.all())
        data["shown"] = [ordering.pk]
        data[f"q{ordering.pk}_pos_{token(ordering, items[0])}"] = value
    resp = client.post(quiz.url, data, HTTP_ACCEPT_LANGUAGE="vi", follow=True)
    assert resp.status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS and 1 <= attempt.current_page <= 2
    html = resp.content.decode()
    if value == "40000" and field in ("shown", "goto", "revision"):
        # A number of the right kind, only large: an id that is not this attempt's is ignored, a page is clamped,
        # a revision ahead of the saved one is not stale.
        assert INVALID_VI not in html
        if field == "goto":
            assert attempt.current_page == 2
    elif field == "position" and not value.strip():
        assert INVALID_VI not in html  # an empty place is "not placed yet"
    else:
        assert INVALID_VI in html, (field, value)


@pytest.mark.parametrize("value", BAD_NUMBERS.values(), ids=BAD_NUMBERS.keys())
def test_page_number_in_the_query_string_is_clamped(client, open_attempt, value):
    quiz, attempt, _single, _ordering = open_attempt
    resp = client.get(quiz.url, {"trang": value})
    assert resp.status_code == 200 and b'id="quiz-form"' in resp.content
    attempt.refresh_from_db()
    assert 1 <= attempt.current_page <= 2


@pytest.mark.parametrize("value", BAD_NUMBERS.values(), ids=BAD_NUMBERS.keys())
@pytest.mark.parametrize("field", ["officer", "extra_minutes", "extra_attempts"])
def test_override_form_refuses_bad_numbers(client, trainer, officer, open_attempt, field, value):
    quiz = open_attempt[0]
    client.force_login(trainer)
    data = {"officer": officer.pk, "extra_minutes": "10", "extra_attempts": "1", field: value}
    resp = client.post(reverse("assessments:quiz-overrides", args=[quiz.pk]), data)
    if field == "officer":
        assert resp.status_code == 404
    elif value.strip() == "":
        assert resp.status_code == 302  # empty = 0, a valid choice
    else:
        assert resp.status_code == 302
        assert not QuizOverride.objects.filter(quiz=quiz, officer=officer).exists()
