"""Officer and leader views: POST-only mutations, scoping (allowed and denied), redirects."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrolment, LessonPage, LessonProgress
from courses.signals import course_completed
from tests.courses.factories import EnrolmentFactory, build_course
from tests.people.factories import DeskRoleFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def _due():
    return (timezone.localdate() + dt.timedelta(days=20)).isoformat()


def test_my_learning_needs_login_and_an_officer(client, officer, trainer):
    url = reverse("courses:my-learning")
    assert client.get(url).status_code == 302
    client.force_login(trainer)
    assert client.get(url).status_code == 404
    client.force_login(officer.user)
    response = client.get(url)
    assert response.status_code == 200
    assert officer.full_name in response.content.decode()


def test_my_learning_shows_required_overdue_and_completed(client, officer):
    overdue = EnrolmentFactory(officer=officer, course=build_course(title="Văn hóa ứng xử"),
                               reason=Enrolment.Reason.ROLE, due_on=timezone.localdate() - dt.timedelta(days=3))
    EnrolmentFactory(officer=officer, course=build_course(title="Chữ ký số"), reason=Enrolment.Reason.SELF)
    EnrolmentFactory(officer=officer, course=build_course(title="VNeID"), status=Enrolment.Status.COMPLETED,
                     completed_at=timezone.now())
    client.force_login(officer.user)
    html = client.get(reverse("courses:my-learning")).content.decode()
    assert "Văn hóa ứng xử" in html and "Chữ ký số" in html and "VNeID" in html
    assert "enrolment--overdue" in html
    assert overdue.due_on.strftime("%d/%m/%Y") in html
    assert 'role="progressbar"' in html


def test_self_enrol_is_post_only(client, officer):
    course = build_course()
    url = reverse("courses:enrol", args=[course.pk])
    client.force_login(officer.user)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert Enrolment.objects.filter(officer=officer, course=course, reason=Enrolment.Reason.SELF).count() == 1
    client.post(url)
    assert Enrolment.objects.filter(officer=officer, course=course).count() == 1


def test_lesson_complete_moves_progress_and_goes_to_next_lesson(client, officer):
    course = build_course(lessons=2)
    EnrolmentFactory(officer=officer, course=course)
    first, second = LessonPage.objects.descendant_of(course).order_by("path")
    client.force_login(officer.user)
    assert client.get(reverse("courses:lesson-complete", args=[first.pk])).status_code == 405
    response = client.post(reverse("courses:lesson-complete", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == second.url
    html = client.get(course.url).content.decode()
    assert 'aria-valuenow="50"' in html
    response = client.post(reverse("courses:lesson-complete", args=[second.pk]))
    assert response["Location"] == course.url
    assert Enrolment.objects.get(officer=officer).status == Enrolment.Status.COMPLETED


def test_continue_goes_to_last_lesson_opened(client, officer, other_unit_officer):
    course = build_course(lessons=3)
    enrolment = EnrolmentFactory(officer=officer, course=course)
    lessons = list(LessonPage.objects.descendant_of(course).order_by("path"))
    client.force_login(officer.user)
    assert client.get(reverse("courses:continue", args=[enrolment.pk]))["Location"] == lessons[0].url
    client.get(lessons[1].url)
    assert client.get(reverse("courses:continue", args=[enrolment.pk]))["Location"] == lessons[1].url
    client.force_login(other_unit_officer.user)
    assert client.get(reverse("courses:continue", args=[enrolment.pk])).status_code == 404


def test_lesson_ping_records_time(client, officer):
    course = build_course(lessons=1)
    EnrolmentFactory(officer=officer, course=course)
    lesson = LessonPage.objects.descendant_of(course).get()
    client.force_login(officer.user)
    html = client.get(lesson.url).content.decode()
    assert "courses/lesson.js" in html and "data-ping-url" in html
    # Right after opening, nothing can be credited yet: time on page is bounded by the wall clock.
    response = client.post(reverse("courses:lesson-ping", args=[lesson.pk]), {"seconds": "30"})
    assert response.status_code == 200 and response.json()["seconds"] == 0
    LessonProgress.objects.update(last_viewed_at=timezone.now() - dt.timedelta(seconds=31))
    response = client.post(reverse("courses:lesson-ping", args=[lesson.pk]), {"seconds": "30"})
    assert response.status_code == 200 and response.json()["seconds"] == 30
    assert LessonProgress.objects.get(lesson=lesson).seconds_spent == 30
    assert client.post(reverse("courses:lesson-ping", args=[lesson.pk]), {"seconds": "x"}).status_code == 400


def test_lesson_ping_needs_csrf(officer):
    from django.test import Client

    course = build_course(lessons=1)
    EnrolmentFactory(officer=officer, course=course)
    lesson = LessonPage.objects.descendant_of(course).get()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer.user)
    assert strict.post(reverse("courses:lesson-ping", args=[lesson.pk]), {"seconds": "30"}).status_code == 403


class TestLeaderAssignment:
    def test_officers_and_trainers_cannot_assign(self, client, officer, trainer):
        client.force_login(officer.user)
        assert client.get(reverse("courses:assign")).status_code == 403
        client.force_login(trainer)
        assert client.get(reverse("courses:assign")).status_code == 403

    def test_leader_assigns_an_officer_in_scope(self, client, leader, officer):
        course = build_course()
        client.force_login(leader.user)
        assert client.get(reverse("courses:assign")).status_code == 200
        response = client.post(reverse("courses:assign"), {
            "course": course.pk, "target": "officer", "officer": officer.pk, "due_on": _due()})
        assert response.status_code == 302
        enrolment = Enrolment.objects.get(officer=officer, course=course)
        assert enrolment.reason == Enrolment.Reason.LEADER and enrolment.assigned_by == leader.user
        assert enrolment.due_on.isoformat() == _due()

    def test_officer_outside_scope_is_404(self, client, leader, other_unit_officer):
        course = build_course()
        client.force_login(leader.user)
        response = client.post(reverse("courses:assign"), {
            "course": course.pk, "target": "officer", "officer": other_unit_officer.pk, "due_on": _due()})
        assert response.status_code == 404
        assert not Enrolment.objects.exists()

    def test_unit_subtree_assignment_is_scoped(self, client, leader, sibling_leader, officer, other_unit_officer,
                                               unit_tree):
        course = build_course()
        client.force_login(sibling_leader.user)
        response = client.post(reverse("courses:assign"), {
            "course": course.pk, "target": "unit", "unit": unit_tree["ward_a"].pk, "due_on": _due()})
        assert response.status_code == 404
        client.force_login(leader.user)
        client.post(reverse("courses:assign"), {
            "course": course.pk, "target": "unit", "unit": unit_tree["ward_a"].pk, "due_on": _due()})
        enrolled = set(Enrolment.objects.values_list("officer_id", flat=True))
        assert officer.pk in enrolled and other_unit_officer.pk not in enrolled

    def test_role_assignment_only_reaches_officers_in_scope(self, client, leader, officer, other_unit_officer):
        role = DeskRoleFactory(code="TN")
        RoleAssignmentFactory(officer=officer, role=role)
        RoleAssignmentFactory(officer=other_unit_officer, role=role)
        course = build_course()
        client.force_login(leader.user)
        client.post(reverse("courses:assign"), {
            "course": course.pk, "target": "role", "role": role.pk, "due_on": _due()})
        assert list(Enrolment.objects.values_list("officer_id", flat=True)) == [officer.pk]

    def test_past_due_date_is_rejected(self, client, leader, officer):
        course = build_course()
        client.force_login(leader.user)
        response = client.post(reverse("courses:assign"), {
            "course": course.pk, "target": "officer", "officer": officer.pk, "due_on": "2020-01-01"})
        assert response.status_code == 200
        assert not Enrolment.objects.exists()


def test_admin_lists_enrolments_but_never_adds_or_deletes(client, administrator, officer):
    enrolment = EnrolmentFactory(officer=officer, course=build_course(title="Chữ ký số"))
    admin = administrator
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.get(reverse("wagtailsnippets_courses_enrolment:list"))
    assert response.status_code == 200 and "Chữ ký số" in response.content.decode()
    assert client.get(reverse("wagtailsnippets_courses_enrolment:inspect", args=[enrolment.pk])).status_code == 200
    assert client.get("/admin/courses/enrolments/add/").status_code in (302, 403)
    assert client.get(f"/admin/courses/enrolments/delete/{enrolment.pk}/").status_code in (302, 403)


def test_course_page_lists_prerequisites_with_completion(client, officer):
    basics = build_course(title="Kiến thức nền tảng")
    advanced = build_course(title="Nâng cao")
    advanced.prerequisites.add(basics)
    advanced.save()
    EnrolmentFactory(officer=officer, course=basics, status=Enrolment.Status.COMPLETED, completed_at=timezone.now())
    client.force_login(officer.user)
    html = client.get(advanced.url).content.decode()
    assert "Kiến thức nền tảng" in html and "badge-success" in html


def test_course_page_prefers_the_open_renewal_over_the_completed_enrolment(client, officer):
    course = build_course(lessons=2)
    EnrolmentFactory(officer=officer, course=course, status=Enrolment.Status.COMPLETED, completed_at=timezone.now())
    EnrolmentFactory(officer=officer, course=course, reason=Enrolment.Reason.RENEWAL,
                     due_on=timezone.localdate() + dt.timedelta(days=10))
    client.force_login(officer.user)
    html = client.get(course.url).content.decode()
    assert 'aria-valuenow="0"' in html and "course-panel__figure" in html


def test_admin_edits_the_due_date_and_withdraws_but_cannot_complete(client, administrator, officer):
    course = build_course(lessons=1)
    enrolment = EnrolmentFactory(officer=officer, course=course)
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    url = reverse("wagtailsnippets_courses_enrolment:edit", args=[enrolment.pk])
    assert 'name="status"' not in client.get(url).content.decode()
    sent = []

    def receiver(sender, enrolment, **kwargs):
        sent.append(enrolment.pk)

    course_completed.connect(receiver)
    try:
        response = client.post(url, {"due_on": "2031-05-20", "status": Enrolment.Status.COMPLETED})
    finally:
        course_completed.disconnect(receiver)
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.due_on == dt.date(2031, 5, 20)
    assert enrolment.status == Enrolment.Status.ACTIVE and enrolment.completed_at is None and not sent
    client.post(url, {"due_on": "2031-05-20", "withdraw": "on"})
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
