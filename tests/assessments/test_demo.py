import io

import pytest

from assessments import demo
from assessments.models import Question, QuestionKind, QuizPage

pytestmark = pytest.mark.django_db


def test_demo_banks_and_timed_final_quizzes():
    from courses import demo as courses_demo

    out = io.StringIO()
    courses_demo.seed(stdout=out)
    demo.seed(stdout=out)
    demo.seed(stdout=out)  # idempotent
    for bank in demo.load_banks():
        questions = Question.objects.filter(category__path__startswith=f"{bank['root']}/")
        assert questions.count() >= 20
        assert set(questions.values_list("kind", flat=True)) == set(QuestionKind.values)
    quizzes = list(QuizPage.objects.live())
    assert len(quizzes) == 4  # one per demo course
    for quiz in quizzes:
        assert quiz.time_limit_minutes > 0
        module = quiz.get_parent()
        assert module.pk == module.get_parent().get_children().order_by("path").last().pk


def test_demo_skips_quizzes_without_courses():
    out = io.StringIO()
    demo.seed(stdout=out)
    assert Question.objects.count() >= 60 and not QuizPage.objects.exists()
    assert "Bỏ qua" in out.getvalue()


def test_ward_procedure_bank_is_scenario_questions_linked_to_the_procedures():
    from courses import demo as courses_demo
    from people import demo as people_demo
    from procedures import demo as procedures_demo

    out = io.StringIO()
    people_demo.seed(stdout=out)
    procedures_demo.seed(stdout=out)
    courses_demo.seed(stdout=out)
    demo.seed(stdout=out)
    questions = Question.objects.filter(category__path__startswith="Thủ tục cấp xã: hộ tịch và chứng thực/")
    assert questions.count() == 21
    assert all(q.procedures.exists() for q in questions)
    fields = set(questions.values_list("procedures__field", flat=True))
    assert fields == {"ho_tich", "chung_thuc"}
    assert set(questions.values_list("category__competency__code", flat=True)) == {"NV10-HT", "NV10-CT"}
    assert not questions.filter(legal_documents__status="repealed").exists()
