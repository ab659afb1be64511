"""An officer takes a timed quiz in Chromium: answers autosave ("Đã lưu"), the tab is closed half-way, a new tab
resumes the attempt with every answer kept, then the attempt is submitted and graded."""

import pytest
from django.urls import reverse

from assessments.models import Attempt, QuestionKind, ResponseChoice
from tests.assessments.factories import token
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def timed_quiz(db):
    from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question
    from tests.courses.factories import build_course

    module = build_course(modules=1, lessons=0, title="Tiếp nhận hồ sơ").get_children().first().specific
    quiz = QuizPageFactory(parent=module, title="Kiểm tra cuối khóa", time_limit_minutes=20, layout="one")
    cat = QuestionCategoryFactory(name="Trình duyệt")
    add_fixed(quiz, make_question(QuestionKind.SINGLE, category=cat), make_question(QuestionKind.MULTIPLE, category=cat),
              make_question(QuestionKind.SHORT_ANSWER, category=cat), make_question(QuestionKind.TRUE_FALSE, category=cat))
    return quiz


def test_close_the_tab_half_way_and_finish_with_every_answer_kept(page, officer, timed_quiz):
    officer.user.set_password("matkhau-Demo-2026")
    officer.user.save()
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "matkhau-Demo-2026")
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    url = page.base_url + timed_quiz.url
    page.goto(url)
    page.locator("form:has(input[name=action][value=start]) button").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#quiz-timer").count() == 1
    attempt = Attempt.objects.get(officer=officer)
    responses = list(attempt.responses.select_related("version").order_by("position"))

    # Question 1 (single choice): click the right answer; autosave says so without a page load.
    right = responses[0].version.choices.get(is_correct=True)
    page.locator(f"input[name='q{responses[0].pk}'][value='{token(responses[0], right)}']").check()
    page.locator("#cau-1 [data-status]").filter(has_text=":").wait_for()
    assert list(ResponseChoice.objects.filter(response=responses[0]).values_list("choice_id", flat=True)) == [right.pk]
    page.locator(".quiz-actions button[name=goto]").last.click()
    page.wait_for_load_state("networkidle")
    # Question 2 (multiple): tick two options, then close the tab without pressing anything.
    save_url = reverse("assessments:save-response", args=[responses[1].pk])
    for choice in responses[1].version.choices.filter(is_correct=True)[:2]:
        # Each tick is saved on its own: wait for that autosave's answer rather than a fixed time.
        with page.expect_response(lambda r: r.url.endswith(save_url) and r.request.method == "POST") as saved:
            page.locator(f"input[name='q{responses[1].pk}'][value='{token(responses[1], choice)}']").check()
        assert saved.value.ok
    page.locator("#cau-2 [data-status]").filter(has_text=":").wait_for()
    screenshot(page, "quiz-attempt")
    context = page.context
    page.close()

    again = context.new_page()
    again.goto(url)
    assert again.locator("#cau-2").count() == 1  # resumes on the page where the officer stopped
    assert again.locator("#cau-2 input:checked").count() == 2
    again.goto(url + "?trang=1")
    assert again.locator(f"input[name='q{responses[0].pk}'][value='{token(responses[0], right)}']").is_checked()
    again.goto(url + "?trang=3")
    again.fill(f"input[name='q{responses[2].pk}']", "HỘ TỊCH")
    again.locator(f"input[name='q{responses[2].pk}']").blur()
    again.locator("#cau-3 [data-status]").filter(has_text=":").wait_for()
    again.on("dialog", lambda dialog: dialog.accept())
    again.locator("#quiz-submit").click()
    again.wait_for_url(f"**{reverse('assessments:attempt-result', args=[attempt.pk])}")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    scores = [r.score for r in attempt.responses.order_by("position")]
    assert scores[0] == 1 and scores[2] == 1 and 0 < scores[1] < 1 and scores[3] == 0
    screenshot(again, "quiz-result")
