# ruff: noqa: F811 - `world` and `quizzes` are fixtures imported from the coverage tests
"""Issue 11, item 7: the officer's own status counts on "Học tập của tôi"; the trainer's "Kết quả khóa học"
(enrolled / completed / overdue / pass rate per course they may edit, quizzes with low pass rates)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.assessments.factories import QuizPageFactory
from tests.courses.factories import EnrolmentFactory, build_course
from tests.dashboards.test_coverage import client_for, world  # noqa: F401
from tests.dashboards.test_coverage_quizzes import graded, quizzes  # noqa: F401

pytestmark = pytest.mark.django_db


def test_my_learning_shows_my_status_counts(competency_world, officer):
    page = client_for(officer.user).get(reverse("courses:my-learning"))
    readiness = page.context["data"].readiness
    assert (readiness.met, readiness.expiring, readiness.expired, readiness.missing) == (2, 1, 1, 1)
    assert [(css, count) for css, _label, count in readiness.status_counts] == [
        ("met", 2), ("expiring", 1), ("expired", 1), ("missing", 1)]
    body = page.content.decode()
    profile = reverse("dashboards:my-competencies")
    assert body.count(f'<a href="{profile}"><span class="status status--') == 4
    assert 'status--expired">Hết hạn</span> <strong>1</strong>' in body


def test_trainer_sees_their_courses_results(world, quizzes, trainer):
    page = client_for(trainer).get(reverse("dashboards:trainer-courses"))
    assert page.status_code == 200
    stats = {s.course.title: (s.enrolled, s.completed, s.overdue, s.quiz_graded, s.quiz_passed)
             for s in page.context["data"].courses}
    # Every attempt counts here (Hùng's too: the course is the trainer's, whatever the ward), all time.
    assert stats["Giao tiếp với người dân"] == (0, 0, 0, 17, 12)
    assert stats["Tiếp nhận hồ sơ"] == (1, 0, 1, 0, 0)
    low = page.context["data"].low_pass
    assert [(i.rate.title, i.rate.graded, i.rate.passed) for i in low] == [("Kiểm tra cuối khóa", 11, 7)]
    body = page.content.decode()
    assert reverse("assessments_analysis:detail", args=[quizzes["hard"].pk]) in body
    assert "70,6" in body and "12/17" in body
    assert reverse("courses:assign") not in body  # trainers do not assign courses


def test_trainer_sees_only_courses_they_may_edit(world, trainer):
    from wagtail.models import GroupPagePermission

    course = build_course(title="Khóa riêng", modules=1, lessons=1)
    GroupPagePermission.objects.filter(group__name="Trainer").delete()
    page = client_for(trainer).get(reverse("dashboards:trainer-courses"))
    assert page.context["data"].courses == []
    assert course.pk


def test_trainer_page_query_count_does_not_grow(world, trainer):
    client = client_for(trainer)
    url = reverse("dashboards:trainer-courses")

    def add_course(n):
        course = build_course(title=f"Khóa {n}", modules=1, lessons=1)
        quiz = QuizPageFactory(parent=course.get_children().first())
        graded(quiz, world["lan"], 5, passed=False, day=world["lan"].user.date_joined.date())
        EnrolmentFactory(officer=world["chi"], course=course)

    add_course(0)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(1, 8):
        add_course(n)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(response.context["data"].courses) == 9  # the world's course and the eight added
    assert len(response.context["data"].low_pass) == 8
