"""An officer answers a numerical question in Chromium: a decimal comma typed in the inputmode=decimal box is
autosaved as typed and graded within the tolerance."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Attempt, QuestionKind
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def numerical_quiz(db):
    from assessments.services import QuestionData, category_for_path, question_create
    from tests.assessments.factories import QuizPageFactory, add_fixed
    from tests.courses.factories import build_course

    module = build_course(modules=1, lessons=0, title="Thu lệ phí").get_children().first().specific
    quiz = QuizPageFactory(parent=module, title="Kiểm tra lệ phí", layout="all")
    question = question_create(category=category_for_path(path="Trình duyệt/Số"), data=QuestionData(
        kind=QuestionKind.NUMERICAL, unit="%",
        stem="<p>Bộ phận Một cửa nhận 200 phiếu đánh giá, 181 phiếu “hài lòng”. Tỉ lệ hài lòng là bao nhiêu phần "
             "trăm?</p>",
        choices=[{"text": "90.5", "tolerance": Decimal("0.1"), "is_correct": True}]))
    add_fixed(quiz, question)
    return quiz


def test_a_decimal_comma_is_saved_as_typed_and_graded(page, officer, numerical_quiz):
    officer.user.set_password("matkhau-Demo-2026")
    officer.user.save()
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "matkhau-Demo-2026")
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.goto(page.base_url + numerical_quiz.url)
    page.locator("form:has(input[name=action][value=start]) button").click()
    page.wait_for_load_state("networkidle")
    attempt = Attempt.objects.get(officer=officer)
    response = attempt.responses.get()
    box = page.locator(f"input[name='q{response.pk}']")
    assert box.get_attribute("inputmode") == "decimal" and box.get_attribute("type") == "text"
    box.fill("90,5")
    box.blur()
    page.locator("#cau-1 [data-status]").filter(has_text=":").wait_for()
    response.refresh_from_db()
    assert response.text_answer == "90,5"
    screenshot(page, "quiz-numerical")
