# ruff: noqa: F811 - `world` is the fixture imported from test_coverage
"""Quiz pass rates on the coverage pages: the monthly rate in the trend, the list of quizzes with low pass rates
(item analysis for trainers, "Giao khóa học" for leaders)."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt
from assessments.selectors import monthly_pass_rates, quiz_pass_rates
from dashboards import coverage
from tests.assessments.factories import QuizPageFactory
from tests.courses.factories import ModulePageFactory, build_course
from tests.dashboards.test_coverage import DATE, D, client_for, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def graded(quiz, officer, n, *, passed, day):
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    start = Attempt.objects.filter(quiz=quiz, officer=officer).count()
    for i in range(n):
        percent = Decimal("90") if passed else Decimal("20")
        Attempt.objects.create(quiz=quiz, officer=officer, number=start + i + 1, quiz_title=quiz.title,
                               status=Attempt.Status.GRADED, started_at=at, submitted_at=at, graded_at=at,
                               score=percent, max_score=100, percent=percent, passed=passed)


@pytest.fixture
def quizzes(world):
    course = build_course(title="Giao tiếp với người dân", modules=1, lessons=1)
    module = course.get_children().first()
    hard = QuizPageFactory(parent=module, title="Kiểm tra cuối khóa")
    easy = QuizPageFactory(parent=ModulePageFactory(parent=course, title="Học phần 2"), title="Kiểm tra nhanh")
    may = dt.date(2026, 5, 20)
    graded(hard, world["lan"], 2, passed=True, day=may)
    graded(hard, world["binh"], 4, passed=False, day=may)
    graded(hard, world["hung"], 5, passed=True, day=may)  # sibling ward: never counted for ward A
    graded(easy, world["chi"], 5, passed=True, day=dt.date(2026, 4, 2))
    graded(easy, world["chi"], 1, passed=False, day=D - dt.timedelta(days=400))  # outside the 12 months
    return {"course": course, "hard": hard, "easy": easy}


def test_pass_rates_per_quiz_and_month(world, quizzes):
    ward = world["units"]["ward_a"]
    rates = {r.title: (r.graded, r.passed, r.officers) for r in quiz_pass_rates(unit_path=ward.path)}
    assert rates == {"Kiểm tra cuối khóa": (6, 2, 2), "Kiểm tra nhanh": (6, 5, 1)}
    since = timezone.make_aware(dt.datetime(2026, 1, 1))
    months = monthly_pass_rates(unit_path=ward.path, since=since, until=since + dt.timedelta(days=365))
    assert months == {(2026, 5): (6, 2), (2026, 4): (5, 5)}


def test_trend_has_the_monthly_quiz_pass_rate(world, quizzes):
    points = {p.label: p for p in coverage.coverage_trend(unit=world["units"]["ward_a"], on=D)}
    assert (points["05/2026"].quiz_graded, points["05/2026"].quiz_passed) == (6, 2)
    assert points["05/2026"].quiz_percent == 33.3
    assert points["04/2026"].quiz_percent == 100.0
    assert points["03/2026"].quiz_percent is None
    leader = client_for(world["leader"].user)
    url = reverse("dashboards:coverage-trend", args=[world["units"]["ward_a"].pk])
    body = leader.get(url, {"date": DATE}).content.decode()
    assert "33,3" in body and "2/6" in body
    book = openpyxl.load_workbook(__import__("io").BytesIO(leader.get(url, {"date": DATE, "format": "xlsx"}).content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[-3:] == ["Lượt kiểm tra được chấm", "Lượt kiểm tra đạt", "Tỷ lệ đạt kiểm tra (%)"]
    may = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "05/2026")
    assert may[-3:-1] == (6, 2) and abs(may[-1] - 2 / 6) < 1e-9


def test_low_pass_list_for_leader_and_trainer_links(world, quizzes, administrator):
    ward = world["units"]["ward_a"]
    url = reverse("dashboards:coverage-quizzes", args=[ward.pk])
    page = client_for(world["leader"].user).get(url, {"date": DATE})
    items = page.context["items"]
    assert [(i.rate.title, i.rate.graded, i.rate.passed, i.course.pk) for i in items] == [
        ("Kiểm tra cuối khóa", 6, 2, quizzes["course"].pk)]
    body = page.content.decode()
    assert f'{reverse("courses:assign")}?target=unit&amp;unit={ward.pk}&amp;course={quizzes["course"].pk}' in body
    analysis = reverse("assessments_analysis:detail", args=[quizzes["hard"].pk])
    assert analysis not in body  # leaders cannot open the admin's item analysis
    assert analysis in client_for(administrator).get(url, {"date": DATE}).content.decode()
    sibling = client_for(world["sibling"].user).get(
        reverse("dashboards:coverage-quizzes", args=[world["units"]["ward_b"].pk]), {"date": DATE})
    assert sibling.context["items"] == []  # Hùng passed every attempt
    csv_text = client_for(world["leader"].user).get(url, {"date": DATE, "format": "csv"}).content.decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("Kiểm tra cuối khóa,Giao tiếp với người dân,6,2,33.3")
