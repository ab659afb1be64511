"""Prerequisites are enforced at enrolment and at lesson open, with a Vietnamese message naming what to finish
first; a leader's assignment (or having completed the course once) waives them."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from courses import selectors, services
from courses.models import Enrolment, LessonPage
from tests.courses.factories import EnrolmentFactory, build_course

pytestmark = pytest.mark.django_db

MESSAGE = "Hãy hoàn thành khóa học “Kiến thức nền tảng”, “Kỹ năng giao tiếp” trước: đây là điều kiện tiên quyết"


@pytest.fixture
def courses():
    basics = build_course(title="Kiến thức nền tảng", lessons=1)
    manners = build_course(title="Kỹ năng giao tiếp", lessons=1)
    advanced = build_course(title="Nâng cao", lessons=2)
    advanced.prerequisites.add(basics, manners)
    advanced.save()
    return basics, manners, advanced


def _complete(officer, course):
    EnrolmentFactory(officer=officer, course=course, status=Enrolment.Status.COMPLETED, completed_at=timezone.now())


def _first_lesson(course) -> LessonPage:
    return LessonPage.objects.descendant_of(course).live().first()


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


class TestEnrolment:
    def test_self_enrolment_waits_for_the_prerequisites(self, client, officer, courses):
        basics, manners, advanced = courses
        client.force_login(officer.user)
        page = client.get(advanced.url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        assert MESSAGE in page and reverse("courses:enrol", args=[advanced.pk]) not in page
        response = client.post(reverse("courses:enrol", args=[advanced.pk]), HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 302
        assert not Enrolment.objects.filter(officer=officer, course=advanced).exists()
        assert any(MESSAGE in m for m in _messages(response))

    def test_one_missing_is_named_alone(self, officer, courses):
        basics, manners, advanced = courses
        _complete(officer, basics)
        from django.core.exceptions import ValidationError
        from django.utils import translation

        with translation.override("vi"), pytest.raises(ValidationError) as exc:
            services.enrolment_self_enrol(officer=officer, course=advanced)
        assert exc.value.messages == [
            "Hãy hoàn thành khóa học “Kỹ năng giao tiếp” trước: đây là điều kiện tiên quyết của khóa học này."]

    def test_once_completed_the_officer_enrols(self, client, officer, courses):
        basics, manners, advanced = courses
        _complete(officer, basics)
        _complete(officer, manners)
        client.force_login(officer.user)
        assert reverse("courses:enrol", args=[advanced.pk]) in client.get(advanced.url).content.decode()
        client.post(reverse("courses:enrol", args=[advanced.pk]))
        assert Enrolment.objects.filter(officer=officer, course=advanced, status=Enrolment.Status.ACTIVE).exists()

    def test_a_prerequisite_not_published_does_not_block(self, officer, courses):
        basics, manners, advanced = courses
        basics.unpublish()
        manners.unpublish()
        assert selectors.prerequisites_missing(officer=officer, course=advanced) == []
        services.enrolment_self_enrol(officer=officer, course=advanced)

    def test_a_leader_assigns_without_them(self, client, leader, officer, courses):
        _basics, _manners, advanced = courses
        client.force_login(leader.user)
        due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
        response = client.post(reverse("courses:assign"), {
            "course": advanced.pk, "target": "officer", "officer": officer.pk, "due_on": due})
        assert response.status_code == 302
        assert Enrolment.objects.get(officer=officer, course=advanced).reason == Enrolment.Reason.LEADER
        assert selectors.prerequisites_missing(officer=officer, course=advanced) == []


class TestLessonOpen:
    def test_a_role_enrolment_opens_no_lesson_before_the_prerequisites(self, client, officer, courses):
        basics, manners, advanced = courses
        EnrolmentFactory(officer=officer, course=advanced, reason=Enrolment.Reason.ROLE)
        lesson = _first_lesson(advanced)
        client.force_login(officer.user)
        response = client.get(lesson.url, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 302 and response["Location"] == advanced.url
        assert any(MESSAGE in m for m in _messages(response))
        assert not Enrolment.objects.get(officer=officer, course=advanced).last_lesson_id
        page = client.get(advanced.url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        assert MESSAGE in page and lesson.url not in page.split('class="course-panel')[1].split("</section>")[0]
        response = client.post(reverse("courses:lesson-complete", args=[lesson.pk]), HTTP_ACCEPT_LANGUAGE="vi")
        assert not lesson.progress.filter(completed_at__isnull=False).exists()
        assert any(MESSAGE in m for m in _messages(response))

    def test_a_leader_assignment_opens_the_lessons(self, client, officer, courses):
        _basics, _manners, advanced = courses
        EnrolmentFactory(officer=officer, course=advanced, reason=Enrolment.Reason.LEADER)
        client.force_login(officer.user)
        assert client.get(_first_lesson(advanced).url).status_code == 200

    def test_a_renewal_of_a_completed_course_opens_the_lessons(self, client, officer, courses):
        _basics, _manners, advanced = courses
        _complete(officer, advanced)
        EnrolmentFactory(officer=officer, course=advanced, reason=Enrolment.Reason.RENEWAL)
        client.force_login(officer.user)
        assert client.get(_first_lesson(advanced).url).status_code == 200

    def test_prerequisites_completed_open_the_lessons(self, client, officer, courses):
        basics, manners, advanced = courses
        _complete(officer, basics)
        _complete(officer, manners)
        EnrolmentFactory(officer=officer, course=advanced, reason=Enrolment.Reason.ROLE)
        client.force_login(officer.user)
        assert client.get(_first_lesson(advanced).url).status_code == 200

    def test_trainers_preview_freely(self, client, trainer, courses):
        _basics, _manners, advanced = courses
        client.force_login(trainer)
        assert client.get(_first_lesson(advanced).url).status_code == 200


def test_starting_a_quiz_does_not_self_enrol_past_the_prerequisites(client, officer, courses):
    from assessments.models import Attempt, QuestionKind
    from tests.assessments.factories import QuizPageFactory, add_fixed, make_question

    _basics, _manners, advanced = courses
    quiz = QuizPageFactory(parent=advanced.get_children().first(), title="Kiểm tra nâng cao")
    add_fixed(quiz, make_question(QuestionKind.SINGLE))
    client.force_login(officer.user)
    response = client.post(quiz.url, {"action": "start"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 302
    assert any(MESSAGE in m for m in _messages(response))
    assert not Attempt.objects.exists() and not Enrolment.objects.filter(course=advanced).exists()
