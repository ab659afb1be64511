import pytest

from assessments.models import QuestionKind
from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question
from tests.courses.factories import EnrolmentFactory, ModulePageFactory, build_course


@pytest.fixture
def category(db):
    return QuestionCategoryFactory(name="Một cửa")


@pytest.fixture
def course(db):
    return build_course(modules=1, lessons=0, title="Tiếp nhận và trả kết quả")


@pytest.fixture
def quiz(course, category):
    module = course.get_children().first().specific
    quiz = QuizPageFactory(parent=module, title="Kiểm tra cuối khóa")
    add_fixed(quiz, make_question(QuestionKind.SINGLE, category=category),
              make_question(QuestionKind.TRUE_FALSE, category=category))
    return quiz


@pytest.fixture
def enrolment(officer, course):
    return EnrolmentFactory(officer=officer, course=course)


@pytest.fixture
def module_page(course):
    return course.get_children().first().specific


__all__ = ["ModulePageFactory"]
