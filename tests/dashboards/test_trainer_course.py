"""Issue 14, item 5: the learners of one course for its trainers — who is enrolled, their unit, status, progress,
last activity, best score and attempts per quiz, due date; filters, sorting, pages and the XLSX/CSV export."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt
from courses.models import Enrolment, LessonPage, LessonProgress
from dashboards import trainer as trainer_selectors
from tests.assessments.factories import QuizPageFactory
from tests.courses.factories import EnrolmentFactory, build_course
from tests.dashboards.test_coverage import client_for
from tests.people.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def attempt(quiz, enrolment, number, percent, *, status=Attempt.Status.GRADED, when=None):
    when = when or timezone.now() - dt.timedelta(days=2)
    graded = status == Attempt.Status.GRADED
    return Attempt.objects.create(
        quiz=quiz, officer=enrolment.officer, enrolment=enrolment, number=number, quiz_title=quiz.title,
        status=status, started_at=when, submitted_at=when, graded_at=when if graded else None,
        score=percent if graded else None, max_score=100, percent=percent if graded else None,
        passed=(percent >= quiz.pass_mark) if graded else None)


@pytest.fixture
def course_world(unit_tree, officer, other_unit_officer):
    """Lan (team A): in progress, one lesson of two done, two graded attempts (40 %, 85 %) on the final quiz.
    Hùng (centre B): overdue, nothing done. Bình (centre A): completed. Chi (centre A): withdrawn."""
    today = timezone.localdate()
    course = build_course(title="Tiếp nhận hồ sơ", modules=1, lessons=2, pass_mark_required=False)
    module = course.get_children().first()
    final = QuizPageFactory(parent=module, title="Kiểm tra cuối khóa", is_required=False)
    quick = QuizPageFactory(parent=module, title="Kiểm tra nhanh", is_required=False)
    binh = OfficerFactory(full_name="Trần Văn Bình", unit=unit_tree["centre_a"])
    chi = OfficerFactory(full_name="Lê Thị Chi", unit=unit_tree["centre_a"])
    lan = EnrolmentFactory(officer=officer, course=course, due_on=today + dt.timedelta(days=10))
    hung = EnrolmentFactory(officer=other_unit_officer, course=course, due_on=today - dt.timedelta(days=3))
    done = EnrolmentFactory(officer=binh, course=course, status=Enrolment.Status.COMPLETED,
                            completed_at=timezone.now() - dt.timedelta(days=5), due_on=today)
    gone = EnrolmentFactory(officer=chi, course=course, status=Enrolment.Status.WITHDRAWN)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    LessonProgress.objects.create(enrolment=lan, lesson=lessons[0], completed_at=timezone.now())
    attempt(final, lan, 1, Decimal("40"))
    attempt(final, lan, 2, Decimal("85"))
    attempt(quick, lan, 1, None, status=Attempt.Status.WAITING)
    return {"course": course, "final": final, "quick": quick, "lan": lan, "hung": hung, "done": done, "gone": gone,
            "unit_tree": unit_tree}


def url_of(course, **params):
    from urllib.parse import urlencode

    return reverse("dashboards:trainer-course", args=[course.pk]) + (f"?{urlencode(params)}" if params else "")


def test_every_enrolled_officer_with_status_progress_and_quiz_results(course_world, trainer):
    response = client_for(trainer).get(url_of(course_world["course"]))
    assert response.status_code == 200
    data = response.context["data"]
    rows = {r.officer.full_name: r for r in data.rows}
    assert {name: r.status for name, r in rows.items()} == {
        "Nguyễn Thị Lan": "in_progress", "Trần Văn Hùng": "overdue", "Trần Văn Bình": "completed",
        "Lê Thị Chi": "withdrawn"}
    lan = rows["Nguyễn Thị Lan"]
    assert (lan.done, lan.total, lan.progress_percent) == (1, 2, 50)
    assert rows["Trần Văn Bình"].progress_percent == 100 and rows["Trần Văn Hùng"].progress_percent == 0
    assert [q.title for q in data.quizzes] == ["Kiểm tra cuối khóa", "Kiểm tra nhanh"]
    assert [(c.attempts, c.best) for c in lan.quizzes] == [(2, Decimal("85")), (1, None)]
    assert [(c.attempts, c.best) for c in rows["Trần Văn Hùng"].quizzes] == [(0, None), (0, None)]
    assert lan.last_activity is not None and lan.last_activity > timezone.now() - dt.timedelta(minutes=5)
    assert rows["Trần Văn Hùng"].last_activity is None
    assert data.counts == {"in_progress": 1, "overdue": 1, "completed": 1, "withdrawn": 1}
    assert data.enrolled == 3  # as on the list page: withdrawn left out
    body = response.content.decode()
    assert "Đang học" in body and "Quá hạn" in body and "Đã rút" in body and "Đã hoàn thành" in body
    assert "85,0&nbsp;%" in body and "2 lượt" in body
    assert (timezone.localdate() + dt.timedelta(days=10)).strftime("%d/%m/%Y") in body
    assert course_world["unit_tree"]["team_a"].name in body


@pytest.mark.parametrize(("params", "names"), [
    ({"status": "overdue"}, ["Trần Văn Hùng"]),
    ({"status": "withdrawn"}, ["Lê Thị Chi"]),
    ({"status": "in_progress"}, ["Nguyễn Thị Lan"]),
    ({"status": "completed"}, ["Trần Văn Bình"]),
    ({"q": "nguyen thi"}, ["Nguyễn Thị Lan"]),
    ({"q": "TRẦN"}, ["Trần Văn Bình", "Trần Văn Hùng"]),
    ({"status": "nonsense", "q": "   "}, ["Trần Văn Bình", "Lê Thị Chi", "Trần Văn Hùng", "Nguyễn Thị Lan"]),
])
def test_filters(course_world, trainer, params, names):
    response = client_for(trainer).get(url_of(course_world["course"], **params))
    assert [r.officer.full_name for r in response.context["data"].rows] == names


def test_unit_filter_and_sorts(course_world, trainer):
    client = client_for(trainer)
    centre_a = course_world["unit_tree"]["centre_a"]
    rows = client.get(url_of(course_world["course"], unit=centre_a.pk)).context["data"].rows
    assert [r.officer.full_name for r in rows] == ["Trần Văn Bình", "Lê Thị Chi"]
    assert client.get(url_of(course_world["course"], unit="9" * 30)).status_code == 200  # ignored, never a 500

    def order(sort):
        return [r.officer.full_name for r in client.get(url_of(course_world["course"], sort=sort)).context["data"].rows]

    # Vietnamese names sort by the given name (tên): Bình, Chi, Hùng, Lan.
    assert order("name") == ["Trần Văn Bình", "Lê Thị Chi", "Trần Văn Hùng", "Nguyễn Thị Lan"]
    assert order("progress")[:2] == ["Trần Văn Bình", "Nguyễn Thị Lan"]
    assert order("activity")[0] == "Nguyễn Thị Lan"
    assert order("due")[:3] == ["Trần Văn Hùng", "Trần Văn Bình", "Nguyễn Thị Lan"]
    assert order("bogus") == order("name")


def test_paginated(course_world, trainer, unit_tree):
    course = course_world["course"]
    for i in range(30):
        EnrolmentFactory(officer=OfficerFactory(full_name=f"Đỗ Văn Tâm {i:02d}", unit=unit_tree["team_a"]),
                         course=course)
    client = client_for(trainer)
    first = client.get(url_of(course))
    assert len(first.context["rows"]) == 25 and first.context["page_obj"].paginator.count == 34
    second = client.get(url_of(course, page=2))
    assert len(second.context["rows"]) == 9
    assert 'rel="next"' in first.content.decode()


def test_query_count_does_not_grow_with_officers(course_world, trainer, unit_tree):
    course = course_world["course"]
    client = client_for(trainer)

    def add(n, start):
        for i in range(start, start + n):
            e = EnrolmentFactory(officer=OfficerFactory(full_name=f"Phan Thị Mai {i}", unit=unit_tree["team_a"]),
                                 course=course)
            attempt(course_world["final"], e, 1, Decimal("60"))

    add(1, 0)  # five officers
    client.get(url_of(course))
    for fmt in (None, "xlsx"):
        params = {"format": fmt} if fmt else {}
        with CaptureQueriesContext(connection) as small:
            assert client.get(url_of(course, **params)).status_code == 200
        add(45 if fmt is None else 1, 1000 if fmt is None else 2000)  # fifty officers (then fifty-one)
        with CaptureQueriesContext(connection) as large:
            response = client.get(url_of(course, **params))
        assert len(large.captured_queries) == len(small.captured_queries), fmt
        if fmt is None:
            assert response.context["page_obj"].paginator.count == 50


def _csv(response):
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_exports_have_the_same_numbers_as_the_page(course_world, trainer):
    from openpyxl import load_workbook

    client = client_for(trainer)
    course = course_world["course"]
    page_rows = client.get(url_of(course, status="in_progress")).context["data"].rows
    response = client.get(url_of(course, status="in_progress", format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ket-qua-tiep-nhan-ho-so-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Mã cán bộ", "Họ và tên", "Mã đơn vị", "Đơn vị", "Trạng thái", "Tiến độ (%)",
                         "Hoạt động gần nhất", "Hạn hoàn thành", "Kiểm tra cuối khóa: điểm cao nhất (%)",
                         "Kiểm tra cuối khóa: số lượt", "Kiểm tra nhanh: điểm cao nhất (%)", "Kiểm tra nhanh: số lượt")
    assert len(values) == 1 + len(page_rows) == 2
    lan = values[1]
    assert lan[1] == "Nguyễn Thị Lan" and lan[4] == "Đang học"
    assert lan[5] == pytest.approx(page_rows[0].progress_share) == pytest.approx(0.5)
    assert lan[6].date() == timezone.localtime(page_rows[0].last_activity).date()
    assert lan[7].date() == page_rows[0].enrolment.due_on
    assert lan[8:] == (pytest.approx(0.85), 2, None, 1)
    assert sheet["F2"].number_format == "0.0%" and sheet["H2"].number_format == "dd/mm/yyyy"

    lines = _csv(client.get(url_of(course, format="csv")))
    assert len(lines) == 5
    by_name = {line[1]: line for line in lines[1:]}
    assert by_name["Nguyễn Thị Lan"][5] == "50.0" and by_name["Nguyễn Thị Lan"][8:] == ["85.0", "2", "", "1"]
    assert by_name["Trần Văn Hùng"][4] == "Quá hạn"
    assert by_name["Lê Thị Chi"][4] == "Đã rút"
    assert by_name["Nguyễn Thị Lan"][7] == page_rows[0].enrolment.due_on.strftime("%d/%m/%Y")


def test_course_the_trainer_cannot_edit_is_not_found(course_world, trainer):
    from wagtail.models import GroupPagePermission

    GroupPagePermission.objects.filter(group__name="Trainer").delete()
    assert client_for(trainer).get(url_of(course_world["course"])).status_code == 404
    assert client_for(trainer).get(url_of(course_world["course"], format="xlsx")).status_code == 404


def test_others_are_refused(course_world, officer, leader, client):
    url = url_of(course_world["course"])
    assert client_for(officer.user).get(url).status_code == 403
    assert client_for(leader.user).get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_list_page_links_each_course_to_its_learners(course_world, trainer):
    body = client_for(trainer).get(reverse("dashboards:trainer-courses")).content.decode()
    assert f'href="{url_of(course_world["course"])}"' in body


def test_selector_without_enrolments(trainer):
    course = build_course(title="Khóa trống", modules=1, lessons=1)
    data = trainer_selectors.course_learners(course=course, on=timezone.localdate())
    assert data.rows == [] and data.enrolled == 0
    body = client_for(trainer).get(url_of(course)).content.decode()
    assert "Chưa có ai ghi danh khóa học này." in body


def test_query_bound(course_world, trainer, unit_tree, django_assert_max_num_queries):
    """18 queries for 50 officers (session, user, groups, page permissions, the course, the status counts, units,
    quizzes, the rows, progress, lesson views, attempts, the layout's menu and bell); the test above shows that the
    number does not grow with the officers."""
    for i in range(50):
        e = EnrolmentFactory(officer=OfficerFactory(full_name=f"Hồ Văn Nam {i}", unit=unit_tree["team_a"]),
                             course=course_world["course"])
        attempt(course_world["final"], e, 1, Decimal("75"))
    client = client_for(trainer)
    with django_assert_max_num_queries(18):
        assert client.get(url_of(course_world["course"])).status_code == 200
