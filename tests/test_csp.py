"""The Content-Security-Policy of officer, leader and admin pages (issue 9.1): script-src is 'self', plus the
response's nonce where Wagtail's admin writes inline scripts — never 'unsafe-inline' — and every inline script
of a page carries that nonce, so a script that slipped into content could not run."""

import re

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import QuestionKind
from tests.assessments.factories import QuestionCategoryFactory, QuizPageFactory, add_fixed, make_question
from tests.courses.factories import EnrolmentFactory, LessonPageFactory, build_course
from tests.people.factories import UserFactory

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")


@pytest.fixture
def csp_site(officer, leader, unit_tree):
    """A course with a lesson and a quiz the officer is taking, a trainer's question, a superuser."""
    from wagtail.rich_text import RichText

    course = build_course(modules=1, lessons=0, title="Tiếp nhận hồ sơ")
    module = course.get_children().first().specific
    lesson = LessonPageFactory(parent=module, title="Bài 1", body=[("paragraph", RichText("<p>Nội dung</p>"))])
    quiz = QuizPageFactory(parent=module, title="Kiểm tra", time_limit_minutes=20)
    category = QuestionCategoryFactory(name="CSP")
    question = make_question(QuestionKind.SINGLE, category=category)
    add_fixed(quiz, question, make_question(QuestionKind.ESSAY, category=category))
    EnrolmentFactory(officer=officer, course=course)
    attempt = assessment_services.attempt_start(quiz=quiz, officer=officer)
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    return {"course": course, "lesson": lesson, "quiz": quiz, "question": question, "attempt": attempt,
            "superuser": superuser, "unit": unit_tree["ward_a"]}


def csp_pages(site, officer, leader) -> list[tuple[str, object, str]]:
    """(label, user, URL) of the pages every CSP test covers: officer, leader and Wagtail admin screens."""
    return [
        ("officer: my learning", officer.user, reverse("courses:my-learning")),
        ("officer: lesson", officer.user, site["lesson"].url),
        ("officer: quiz attempt", officer.user, site["quiz"].url),
        ("officer: course", officer.user, site["course"].url),
        ("officer: attempt history", officer.user, reverse("assessments:attempt-history")),
        ("leader: units", leader.user, reverse("dashboards:units")),
        ("leader: unit", leader.user, reverse("dashboards:unit", args=[site["unit"].pk])),
        ("admin: dashboard", site["superuser"], reverse("wagtailadmin_home")),
        ("admin: lesson editor", site["superuser"], reverse("wagtailadmin_pages:edit", args=[site["lesson"].pk])),
        ("admin: course editor", site["superuser"], reverse("wagtailadmin_pages:edit", args=[site["course"].pk])),
        ("admin: quiz editor", site["superuser"], reverse("wagtailadmin_pages:edit", args=[site["quiz"].pk])),
        ("admin: page explorer", site["superuser"], reverse("wagtailadmin_explore", args=[site["course"].pk])),
        ("admin: question listing", site["superuser"], reverse("wagtailsnippets_assessments_question:list")),
        ("admin: question editor", site["superuser"],
         reverse("wagtailsnippets_assessments_question:edit", args=[site["question"].pk])),
        ("admin: snippets", site["superuser"], reverse("wagtailsnippets:index")),
    ]


def script_src(response) -> list[str]:
    header = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}
    return directives["script-src"]


@pytest.mark.django_db
def test_script_src_is_self_and_a_nonce_never_unsafe_inline(client, csp_site, officer, leader):
    for label, user, url in csp_pages(csp_site, officer, leader):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, label
        if label == "officer: quiz attempt":
            assert b'class="card quiz-question' in response.content
        sources = script_src(response)
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, (label, sources)
        nonces = [s for s in sources if s.startswith("'nonce-")]
        assert set(sources) - set(nonces) == {"'self'"}, (label, sources)
        inline = INLINE_SCRIPT.findall(response.content.decode())
        if inline:
            assert len(nonces) == 1, (label, sources)
            nonce = nonces[0][len("'nonce-"):-1]
            assert all(f'nonce="{nonce}"' in tag for tag in inline), (label, inline)
        if label.startswith(("officer", "leader")):
            assert not inline and sources == ["'self'"], (label, inline)  # our templates load scripts from files


@pytest.mark.django_db
def test_each_response_has_its_own_nonce(client, csp_site):
    client.force_login(csp_site["superuser"])
    url = reverse("wagtailadmin_pages:edit", args=[csp_site["course"].pk])
    first, second = script_src(client.get(url)), script_src(client.get(url))
    assert first != second and all(len(s) > len("'nonce-'") + 16 for s in first + second if "nonce" in s)
