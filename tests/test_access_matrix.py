"""Access-control matrix: every URL pattern × six kinds of visitor, with the status each must get.

Visitors (columns): ``anon`` (not logged in), ``officer`` (Nguyễn Thị Lan, team A — the owner of the records the
URLs point at), ``leader`` (leads ward A, so Lan is in scope), ``sibling`` (leads ward B: out of scope),
``trainer`` and ``admin`` (Administrator group). See tests/conftest.py for the unit tree.

``test_every_url_pattern_has_a_row`` walks the whole URLconf. Patterns of our apps (lms/urls.py, people,
courses, assessments, certificates, dashboards) and django.contrib.auth's account pages are checked one by one,
keyed by their URL name ("app:verb-noun"). Third-party includes (Wagtail admin, documents, the Wagtail page tree
under khoa-hoc/) are one row each, keyed "include:<prefix>", tested at a representative URL. A pattern without
a row, or a row whose pattern is gone, fails the test — so every new view must come with its row. Our own screens
inside the Wagtail admin (namespaces in OWN_ADMIN_NAMESPACES) have their rows in ADMIN_ROWS, with a seventh
visitor, ``lead`` (a lead trainer).

Adding a row for a new view
---------------------------
1. Add one entry to ROWS::

       "certificates:download": Row(
           lambda w: reverse("certificates:download", args=[w.certificate.pk]),
           anon=LOGIN, officer=OK, leader=OK, sibling=NOT_FOUND, trainer=NOT_FOUND, admin=OK),

   ``url`` receives the World ``w`` and returns the path to request. Expectations: OK (200), LOGIN (302 to the
   login page), FORBIDDEN (403), NOT_FOUND (404), NOT_ALLOWED (405), ``redirect("/path/")`` (302 to a path,
   query ignored), ``redirect_to("app:name")`` (302 to a URL name), or a plain int for any other status.
   Views that change state are POST-only: give ``method="post"`` and ``data={...}``; every request runs in a
   transaction that is rolled back, so what one visitor does never changes what the next one sees.
2. If the URL needs an object World lacks, add a ``cached_property`` to World that builds it with your app's
   factories, belonging to ``w.officer`` (in the leader's scope) — e.g. ``w.certificate``.
3. Not sure what your view answers today? ``ACCESS_MATRIX_PRINT=1 pytest tests/test_access_matrix.py -s -k name``
   prints each row's actual statuses in this notation; copy them only after checking they are what users must get.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

ACTORS = ("anon", "officer", "leader", "sibling", "trainer", "admin")

# Include()d URLconfs whose patterns are checked one by one; any other include is a single "include:<prefix>" row.
OWN_URLCONFS = ("lms.", "people.", "courses.", "assessments.", "certificates.", "dashboards.", "notifications.",
                "django.contrib.auth.urls")


# --- Expectations ---------------------------------------------------------------------------------------------
class Expect:
    def matches(self, response) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class Status(Expect):
    code: int

    def matches(self, response) -> bool:
        return response.status_code == self.code

    def __str__(self) -> str:
        return {200: "OK", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "NOT_ALLOWED"}.get(self.code, str(self.code))


@dataclass(frozen=True)
class Redirect(Expect):
    """A 302 to ``target`` (a path or a callable returning one; query string ignored)."""

    target: str | Callable[[], str]
    label: str = ""

    def path(self) -> str:
        return self.target() if callable(self.target) else self.target

    def matches(self, response) -> bool:
        return response.status_code == 302 and urlparse(response["Location"]).path == self.path()

    def __str__(self) -> str:
        return self.label or f'redirect("{self.path()}")'


OK = Status(200)
FORBIDDEN = Status(403)
NOT_FOUND = Status(404)
NOT_ALLOWED = Status(405)
LOGIN = Redirect(lambda: resolve_url(settings.LOGIN_URL), "LOGIN")


def redirect(path: str) -> Redirect:
    return Redirect(path)


def redirect_to(name: str, *args) -> Redirect:
    return Redirect(lambda: reverse(name, args=args), f'redirect_to("{name}")')


@dataclass
class Row:
    url: Callable[[World], str]
    anon: Expect | int
    officer: Expect | int
    leader: Expect | int
    sibling: Expect | int
    trainer: Expect | int
    admin: Expect | int
    method: str = "get"
    data: dict = field(default_factory=dict)

    def expected(self, actor: str) -> Expect:
        value = getattr(self, actor)
        return Status(value) if isinstance(value, int) else value


def same_for_all(expect: Expect | int, url: Callable[[World], str], **options) -> Row:
    return Row(url, *(expect,) * len(ACTORS), **options)


def logged_in(expect: Expect | int, url: Callable[[World], str], **options) -> Row:
    """Anonymous visitors go to the login page; every logged-in visitor gets ``expect``."""
    return Row(url, LOGIN, *(expect,) * (len(ACTORS) - 1), **options)


# --- The objects the URLs point at ----------------------------------------------------------------------------
class World:
    """The shared fixtures plus objects built on demand; everything belongs to ``officer`` unless named otherwise."""

    def __init__(self, *, unit_tree, officer, other_unit_officer, leader, sibling_leader, trainer, administrator):
        self.units = unit_tree
        self.officer = officer
        self.other_unit_officer = other_unit_officer
        self.users = {"anon": None, "officer": officer.user, "leader": leader.user,
                      "sibling": sibling_leader.user, "trainer": trainer, "admin": administrator}

    @cached_property
    def procedure(self):
        from procedures.models import Procedure

        return Procedure.objects.create(code="2.000815", name="Chứng thực bản sao từ bản chính", field="chung_thuc")

    @cached_property
    def password_reset_path(self) -> str:
        # Not a visitor's own account: logging in changes last_login, which invalidates that user's tokens.
        user = self.other_unit_officer.user
        return reverse("password_reset_confirm", kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})

    @cached_property
    def document(self):
        from django.core.files.base import ContentFile
        from wagtail.documents import get_document_model

        document = get_document_model()(title="Quy trình tiếp nhận hồ sơ")
        document.file.save("quy-trinh.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        document.save()
        return document

    @cached_property
    def image(self):
        import wagtail_factories

        return wagtail_factories.ImageFactory(title="Sơ đồ tiếp nhận hồ sơ")

    # notifications/
    @cached_property
    def notification(self):
        from notifications.models import Kind, Notification

        return Notification.objects.create(recipient=self.officer.user, kind=Kind.OVERDUE, subject=self.officer,
                                           title="Khóa học quá hạn", link="/hoc-tap/")

    @cached_property
    def unsubscribe_token(self):
        from notifications.services import unsubscribe_token

        return unsubscribe_token(user_id=self.officer.user.pk, kind="digest")

    # courses/
    @cached_property
    def course(self):
        from tests.courses.factories import build_course

        return build_course(title="Tiếp nhận hồ sơ theo Nghị định 118/2025/NĐ-CP", modules=1, lessons=2)

    @cached_property
    def lesson(self):
        from courses.models import LessonPage

        return LessonPage.objects.descendant_of(self.course).live().order_by("path").first()

    @cached_property
    def enrolled_lesson(self):
        """A lesson of a course the officer is enrolled in."""
        assert self.enrolment
        return self.lesson

    @cached_property
    def enrolment(self):
        from courses import services

        return services.enrolment_self_enrol(officer=self.officer, course=self.course)

    # certificates/
    @cached_property
    def certificate(self):
        from certificates import services

        certificate = services.certificate_issue(officer=self.officer, course=self.course, enrolment=self.enrolment)
        # The PDF task is queued on commit, which never comes inside a test transaction: render it now.
        services.certificate_render(certificate_id=certificate.pk)
        certificate.refresh_from_db()
        return certificate

    @cached_property
    def coverage_report(self):
        """The PDF coverage report of ward A, requested by its leader (rendered now: the on-commit task)."""
        from dashboards import services

        report = services.coverage_report_request(unit=self.units["ward_a"], on=dt.date(2026, 6, 15),
                                                  requested_by=self.users["leader"])
        services.coverage_report_render(report_id=report.pk)
        report.refresh_from_db()
        return report

    @cached_property
    def archive(self):
        """A ZIP of ward A's certificates, requested by its leader (built eagerly)."""
        from certificates import services

        assert self.certificate
        archive = services.unit_archive_request(unit=self.units["ward_a"], requested_by=self.users["leader"])
        services.unit_archive_build(archive_id=archive.pk)  # the on-commit task, run now
        archive.refresh_from_db()
        return archive

    # dashboards/: a desk observation of ``officer`` recorded by ``leader``
    @cached_property
    def observation(self):
        from django.utils import timezone

        from people import services
        from tests.people.factories import CompetencyFactory

        return services.observation_record(observer=self.users["leader"], officer=self.officer,
                                           competency=CompetencyFactory(code="GT02"), level=2,
                                           observed_on=timezone.localdate(), notes="Giải thích rõ ràng.")

    @cached_property
    def prior_learning(self):
        """Recognised prior learning of ``officer`` with its scanned decision (recorded by the administrator)."""
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from people import services
        from tests.people.factories import CompetencyFactory

        return services.prior_learning_record(
            officer=self.officer, competency=CompetencyFactory(code="NV04"), level=2,
            achieved_on=timezone.localdate(), basis="Quyết định 15/QĐ-UBND",
            document=SimpleUploadedFile("qd.pdf", b"%PDF-1.7\n%%EOF\n"), recorded_by=self.users["admin"])

    # courses/: a whole-course review of a draft edit of ``course``, submitted by the trainer; the lead trainer
    # (group "Lead trainer") decides it. Only the admin rows (ADMIN_ROWS) use them.
    @cached_property
    def lead_trainer(self):
        from tests.people.factories import UserFactory

        return UserFactory(username="lead", groups=["Trainer", "Lead trainer"])

    @cached_property
    def course_draft(self):
        """``course`` with a draft edit of its first lesson (not yet live)."""
        lesson = self.lesson
        lesson.summary = "Tóm tắt đang chờ duyệt"
        lesson.save_revision(user=self.users["trainer"])
        return self.course

    @cached_property
    def course_review(self):
        from courses import services

        return services.course_review_submit(course=self.course_draft, user=self.users["trainer"])

    # assessments/
    @cached_property
    def quiz(self):
        from tests.assessments.factories import QuizPageFactory, add_fixed, make_question
        from tests.courses.factories import build_course

        module = build_course(modules=1, lessons=0, title="Khóa kiểm tra quyền").get_children().first().specific
        quiz = QuizPageFactory(parent=module, title="Bài kiểm tra quyền truy cập")
        add_fixed(quiz, make_question())
        return quiz

    @cached_property
    def attempt(self):
        """A graded attempt of ``officer``."""
        from assessments import services

        return services.attempt_submit(attempt=services.attempt_start(quiz=self.quiz, officer=self.officer))

    @cached_property
    def open_response(self):
        """A response of ``officer``'s attempt in progress (after the graded one)."""
        from assessments import services

        assert self.attempt
        return services.attempt_start(quiz=self.quiz, officer=self.officer).responses.first()


# --- The table ------------------------------------------------------------------------------------------------
ROWS: dict[str, Row] = {
    # lms/urls.py
    "home": Row(lambda w: reverse("home"), anon=LOGIN, officer=redirect_to("courses:my-learning"),
                leader=redirect_to("dashboards:coverage"), sibling=redirect_to("dashboards:coverage"),
                trainer=redirect("/admin/"), admin=redirect("/admin/")),
    "set_language": same_for_all(redirect("/"), lambda w: reverse("set_language"), method="post",
                                 data={"language": "en", "next": "/"}),
    # User media (lms/media.py): image renditions are public; originals need a login (tests/test_media.py).
    "media": same_for_all(OK, lambda w: w.image.get_rendition("width-600").url),
    # django.contrib.auth: our login and password pages
    # The service worker and its offline page (lms/offline.py): public, they hold nothing of anyone's.
    "service-worker": same_for_all(OK, lambda w: reverse("service-worker")),
    "offline": same_for_all(OK, lambda w: reverse("offline")),
    "login": same_for_all(OK, lambda w: reverse("login")),
    "logout": same_for_all(LOGIN, lambda w: reverse("logout"), method="post"),
    "password_change": logged_in(OK, lambda w: reverse("password_change")),
    "password_change_done": logged_in(OK, lambda w: reverse("password_change_done")),
    "password_reset": same_for_all(OK, lambda w: reverse("password_reset")),
    "password_reset_done": same_for_all(OK, lambda w: reverse("password_reset_done")),
    # A valid link moves the token into the session and redirects to the set-password form.
    "password_reset_confirm": same_for_all(302, lambda w: w.password_reset_path),
    "password_reset_complete": same_for_all(OK, lambda w: reverse("password_reset_complete")),
    # assessments
    "assessments:save-response": Row(
        lambda w: reverse("assessments:save-response", args=[w.open_response.pk]), method="post",
        data={"kind": "single"}, anon=LOGIN, officer=OK, leader=NOT_FOUND, sibling=NOT_FOUND, trainer=NOT_FOUND,
        admin=NOT_FOUND),
    "assessments:attempt-result": Row(lambda w: reverse("assessments:attempt-result", args=[w.attempt.pk]),
                                      anon=LOGIN, officer=OK, leader=OK, sibling=NOT_FOUND, trainer=OK, admin=OK),
    "assessments:attempt-review": Row(lambda w: reverse("assessments:attempt-review", args=[w.attempt.pk]),
                                      anon=LOGIN, officer=OK, leader=OK, sibling=NOT_FOUND, trainer=OK, admin=OK),
    "assessments:attempt-history": logged_in(OK, lambda w: reverse("assessments:attempt-history")),
    # Leaders give overrides to officers of their own units (the sibling leader sees only ward B's).
    "assessments:quiz-overrides": Row(lambda w: reverse("assessments:quiz-overrides", args=[w.quiz.pk]),
                                      anon=LOGIN, officer=FORBIDDEN, leader=OK, sibling=OK, trainer=OK, admin=OK),
    # Third-party includes, one representative URL each.
    "include:admin/": Row(lambda w: "/admin/", anon=redirect("/admin/login/"), officer=redirect("/admin/login/"),
                          leader=redirect("/admin/login/"), sibling=redirect("/admin/login/"), trainer=OK, admin=OK),
    # Lesson documents are course content: login-only like the course pages (issue 9.14).
    "include:documents/": logged_in(OK, lambda w: w.document.url),
    "include:khoa-hoc/": logged_in(OK, lambda w: "/khoa-hoc/"),
    # courses/
    "courses:my-learning": Row(lambda w: reverse("courses:my-learning"), anon=LOGIN, officer=OK, leader=OK,
                               sibling=OK, trainer=NOT_FOUND, admin=NOT_FOUND),
    "courses:catalogue": logged_in(302, lambda w: reverse("courses:catalogue")),
    # The procedure catalogue is reference material for every signed-in user (issue 12).
    "courses:procedures": logged_in(OK, lambda w: reverse("courses:procedures")),
    "courses:procedure": logged_in(OK, lambda w: reverse("courses:procedure", args=[w.procedure.pk])),
    "courses:enrol": Row(lambda w: reverse("courses:enrol", args=[w.course.pk]), method="post",
                         anon=LOGIN, officer=302, leader=302, sibling=302, trainer=NOT_FOUND, admin=NOT_FOUND),
    "courses:continue": Row(lambda w: reverse("courses:continue", args=[w.enrolment.pk]), anon=LOGIN, officer=302,
                            leader=NOT_FOUND, sibling=NOT_FOUND, trainer=NOT_FOUND, admin=NOT_FOUND),
    # Not enrolled: back to the lesson with an error message; enrolled: on to the next lesson.
    "courses:lesson-complete": same_for_all(302, lambda w: reverse("courses:lesson-complete",
                                                                   args=[w.enrolled_lesson.pk]), method="post"),
    # 204: nothing recorded for visitors not enrolled in the course.
    "courses:lesson-ping": Row(lambda w: reverse("courses:lesson-ping", args=[w.enrolled_lesson.pk]), method="post",
                               data={"seconds": "30"}, anon=LOGIN, officer=OK, leader=204, sibling=204,
                               trainer=204, admin=204),
    "courses:assign": Row(lambda w: reverse("courses:assign"), anon=LOGIN, officer=FORBIDDEN, leader=OK,
                          sibling=OK, trainer=FORBIDDEN, admin=OK),
    # certificates/ (a unit's ZIP is visible only to the person who asked for it)
    "certificates:mine": logged_in(OK, lambda w: reverse("certificates:mine")),
    "certificates:download": Row(lambda w: reverse("certificates:download", args=[w.certificate.pk]),
                                 anon=LOGIN, officer=OK, leader=OK, sibling=NOT_FOUND, trainer=NOT_FOUND, admin=OK),
    "certificates:verify": same_for_all(OK, lambda w: reverse("certificates:verify")),
    "certificates:verify-code": same_for_all(OK, lambda w: reverse("certificates:verify-code",
                                                                   args=[w.certificate.code])),
    "certificates:units": Row(lambda w: reverse("certificates:units"), anon=LOGIN, officer=FORBIDDEN, leader=OK,
                              sibling=OK, trainer=FORBIDDEN, admin=OK),
    "certificates:unit-certificates": Row(
        lambda w: reverse("certificates:unit-certificates", args=[w.units["ward_a"].pk]),
        anon=LOGIN, officer=FORBIDDEN, leader=OK, sibling=NOT_FOUND, trainer=FORBIDDEN, admin=OK),
    "certificates:archive-request": Row(
        lambda w: reverse("certificates:archive-request", args=[w.units["ward_a"].pk]), method="post",
        anon=LOGIN, officer=FORBIDDEN, leader=302, sibling=NOT_FOUND, trainer=FORBIDDEN, admin=302),
    "certificates:archive-detail": Row(lambda w: reverse("certificates:archive-detail", args=[w.archive.pk]),
                                       anon=LOGIN, officer=NOT_FOUND, leader=OK, sibling=NOT_FOUND,
                                       trainer=NOT_FOUND, admin=NOT_FOUND),
    "certificates:archive-status": Row(lambda w: reverse("certificates:archive-status", args=[w.archive.pk]),
                                       anon=LOGIN, officer=NOT_FOUND, leader=OK, sibling=NOT_FOUND,
                                       trainer=NOT_FOUND, admin=NOT_FOUND),
    "certificates:archive-download": Row(lambda w: reverse("certificates:archive-download", args=[w.archive.pk]),
                                         anon=LOGIN, officer=NOT_FOUND, leader=OK, sibling=NOT_FOUND,
                                         trainer=NOT_FOUND, admin=NOT_FOUND),
    # notifications/: one's own centre; a notification is its recipient's only (others get 404)
    "notifications:list": logged_in(OK, lambda w: reverse("notifications:list")),
    "notifications:settings": logged_in(OK, lambda w: reverse("notifications:settings")),
    "notifications:open": Row(lambda w: reverse("notifications:open", args=[w.notification.pk]), method="post",
                              anon=LOGIN, officer=redirect("/hoc-tap/"), leader=NOT_FOUND, sibling=NOT_FOUND,
                              trainer=NOT_FOUND, admin=NOT_FOUND),
    "notifications:read": Row(lambda w: reverse("notifications:read", args=[w.notification.pk]), method="post",
                              anon=LOGIN, officer=redirect_to("notifications:list"), leader=NOT_FOUND,
                              sibling=NOT_FOUND, trainer=NOT_FOUND, admin=NOT_FOUND),
    "notifications:read-all": logged_in(redirect_to("notifications:list"),
                                        lambda w: reverse("notifications:read-all"), method="post"),
    # The e-mail's unsubscribe link: the signed token is the proof, no login.
    "notifications:unsubscribe": same_for_all(OK, lambda w: reverse("notifications:unsubscribe",
                                                                    args=[w.unsubscribe_token])),
    # dashboards/
    "dashboards:units": Row(lambda w: reverse("dashboards:units"), anon=LOGIN, officer=FORBIDDEN, leader=OK,
                            sibling=OK, trainer=FORBIDDEN, admin=OK),
    "dashboards:unit": Row(lambda w: reverse("dashboards:unit", args=[w.units["ward_a"].pk]), anon=LOGIN,
                           officer=FORBIDDEN, leader=OK, sibling=NOT_FOUND, trainer=FORBIDDEN, admin=OK),
    # The competency profile: one's own (administrators and trainers have no officer record), and a leader's view.
    "dashboards:my-competencies": Row(lambda w: reverse("dashboards:my-competencies"), anon=LOGIN, officer=OK,
                                      leader=OK, sibling=OK, trainer=NOT_FOUND, admin=NOT_FOUND),
    "dashboards:officer-competencies": Row(
        lambda w: reverse("dashboards:officer-competencies", args=[w.officer.pk]),
        anon=LOGIN, officer=FORBIDDEN, leader=OK, sibling=NOT_FOUND, trainer=FORBIDDEN, admin=OK),
    # The document of prior-learning evidence: the officer, leaders in scope, administrators.
    "dashboards:evidence-document": Row(lambda w: reverse("dashboards:evidence-document", args=[w.prior_learning.pk]),
                                        anon=LOGIN, officer=OK, leader=OK, sibling=NOT_FOUND, trainer=NOT_FOUND,
                                        admin=OK),
    # Desk observations: recorded by leaders in scope (or the centre director), never by administrators.
    "dashboards:observation-new": Row(lambda w: reverse("dashboards:observation-new") + f"?officer={w.officer.pk}",
                                      anon=LOGIN, officer=FORBIDDEN, leader=OK, sibling=NOT_FOUND,
                                      trainer=FORBIDDEN, admin=FORBIDDEN),
    "dashboards:observation": Row(lambda w: reverse("dashboards:observation", args=[w.observation.pk]),
                                  anon=LOGIN, officer=OK, leader=OK, sibling=NOT_FOUND, trainer=NOT_FOUND, admin=OK),
    "dashboards:observation-comment": Row(
        lambda w: reverse("dashboards:observation-comment", args=[w.observation.pk]), method="post",
        data={"kind": "acknowledge", "text": "Em đã đọc."},
        anon=LOGIN, officer=302, leader=FORBIDDEN, sibling=NOT_FOUND, trainer=NOT_FOUND, admin=FORBIDDEN),
    "dashboards:observation-withdraw": Row(
        lambda w: reverse("dashboards:observation-withdraw", args=[w.observation.pk]), method="post",
        data={"reason": "Nhầm năng lực."},
        anon=LOGIN, officer=FORBIDDEN, leader=302, sibling=NOT_FOUND, trainer=NOT_FOUND, admin=FORBIDDEN),
    # dashboards/: the printable coverage report of a unit in scope
    "dashboards:coverage-report-request": Row(
        lambda w: reverse("dashboards:coverage-report-request", args=[w.units["ward_a"].pk]), method="post",
        anon=LOGIN, officer=FORBIDDEN, leader=302, sibling=NOT_FOUND, trainer=FORBIDDEN, admin=302),
    **{f"dashboards:{name}": Row(lambda w, name=name: reverse(f"dashboards:{name}", args=[w.coverage_report.pk]),
                                 anon=LOGIN, officer=FORBIDDEN, leader=OK, sibling=NOT_FOUND, trainer=FORBIDDEN,
                                 admin=OK)
       for name in ("coverage-report", "coverage-report-status", "coverage-report-download")},
    # dashboards/: the trainers' results of the courses they may edit
    "dashboards:trainer-courses": Row(lambda w: reverse("dashboards:trainer-courses"), anon=LOGIN,
                                      officer=FORBIDDEN, leader=FORBIDDEN, sibling=FORBIDDEN, trainer=OK, admin=OK),
    # One course's learners: only for a course the user may edit (courses_editable_by, the list page's rule): the
    # world's trainer edits every course; the Administrator group holds no page permission, so, as its list is
    # empty, a course is 404 for it (as for a trainer without the permission, tests/dashboards/
    # test_trainer_course.py); officers and leaders 403.
    "dashboards:trainer-course": Row(lambda w: reverse("dashboards:trainer-course", args=[w.enrolment.course_id]),
                                     anon=LOGIN, officer=FORBIDDEN, leader=FORBIDDEN, sibling=FORBIDDEN, trainer=OK,
                                     admin=NOT_FOUND),
    # dashboards/: competency coverage (the leader's landing page and the pages of one unit in scope)
    "dashboards:coverage": Row(lambda w: reverse("dashboards:coverage"), anon=LOGIN, officer=FORBIDDEN, leader=OK,
                               sibling=OK, trainer=FORBIDDEN, admin=OK),
    **{f"dashboards:{name}": Row(lambda w, name=name: reverse(f"dashboards:{name}", args=[w.units["ward_a"].pk]),
                                 anon=LOGIN, officer=FORBIDDEN, leader=OK, sibling=NOT_FOUND, trainer=FORBIDDEN,
                                 admin=OK)
       for name in ("coverage-unit", "coverage-officers", "coverage-roles", "coverage-desks", "coverage-desk-fields",
                    "coverage-expiring", "coverage-overdue", "coverage-no-role", "coverage-trend", "coverage-quizzes")},
}


# --- Walking the URLconf --------------------------------------------------------------------------------------
def _module_name(resolver: URLResolver) -> str:
    module = resolver.urlconf_module
    return getattr(module, "__name__", "") if not isinstance(module, list | tuple) else ""


def url_pattern_keys(patterns=None, prefix: str = "", namespace: str = "") -> dict[str, str]:
    """Map each row key the URLconf needs to the route it stands for."""
    keys: dict[str, str] = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            name = _module_name(pattern)
            if name.startswith(OWN_URLCONFS) or not name:
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                keys.update(url_pattern_keys(pattern.url_patterns, route, ns))
            else:
                keys[f"include:{route}"] = route
        elif isinstance(pattern, URLPattern):
            if pattern.name:
                keys[f"{namespace}{pattern.name}"] = route
            else:
                keys[f"unnamed:{route}"] = route
    return keys


def test_every_url_pattern_has_a_row():
    keys = url_pattern_keys()
    unnamed = sorted(k for k in keys if k.startswith("unnamed:"))
    missing = sorted(k for k in keys if k not in ROWS and k not in unnamed)
    stale = sorted(k for k in ROWS if k not in keys)
    problems = []
    if unnamed:
        problems.append("URL patterns without a name (give them one): " + ", ".join(unnamed))
    if missing:
        problems.append("URL patterns with no row in ROWS (tests/test_access_matrix.py):\n" + "\n".join(
            f'    "{k}": Row(lambda w: reverse("{k}"), anon=LOGIN, officer=..., leader=..., sibling=..., '
            f"trainer=..., admin=...),  # /{keys[k]}" for k in missing))
    if stale:
        problems.append("Rows whose URL pattern no longer exists: " + ", ".join(stale))
    assert not problems, "\n".join(problems)


# --- Checking each row ----------------------------------------------------------------------------------------
@pytest.fixture
def world(unit_tree, officer, other_unit_officer, leader, sibling_leader, trainer, administrator):
    return World(unit_tree=unit_tree, officer=officer, other_unit_officer=other_unit_officer, leader=leader,
                 sibling_leader=sibling_leader, trainer=trainer, administrator=administrator)


def _describe(response) -> str:
    if response is None:
        return "?"
    if response.status_code in (301, 302, 303, 307, 308):
        return f'{response.status_code} → {response["Location"]}'
    return str(response.status_code)


def _request(world: World, actor: str, row: Row, url: str):
    """One request as ``actor``, inside a transaction that is rolled back afterwards."""
    with transaction.atomic():
        client = Client()
        user = world.users[actor]
        if user is not None:
            client.force_login(user)
        try:
            if row.method == "get":
                response = client.get(url, row.data)
            else:
                response = getattr(client, row.method)(url, row.data)
            if getattr(response, "streaming", False):
                # Read it through the test client's wrapper, which closes the file without closing the
                # database connection (response.close() alone would, in the middle of this transaction).
                b"".join(response.streaming_content)
        finally:
            transaction.set_rollback(True)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, world):
    row = ROWS[key]
    url = row.url(world)
    mismatches, actual = [], {}
    for actor in ACTORS:
        expected = row.expected(actor)
        try:
            response = _request(world, actor, row, url)
        except Exception as exc:  # noqa: BLE001 - a crashing view is reported in the table, not hidden
            actual[actor] = f"error {type(exc).__name__}: {exc}"
            mismatches.append(f"  {actor:8} expected {expected}, got {actual[actor]}")
            continue
        actual[actor] = _describe(response)
        if not expected.matches(response):
            mismatches.append(f"  {actor:8} expected {expected}, got {actual[actor]}")
    if os.environ.get("ACCESS_MATRIX_PRINT"):
        print(f"\n{key} {row.method.upper()} {url}: " + ", ".join(f"{a}={actual[a]}" for a in ACTORS))
    assert not mismatches, f"{row.method.upper()} {url} ({key}):\n" + "\n".join(mismatches)


# --- Our own screens inside the Wagtail admin ------------------------------------------------------------------
# Registered by our wagtail_hooks under /admin/ (so the URLconf walk above sees them only as "include:admin/"),
# they are checked here one by one, with a seventh visitor: ``lead``, a lead trainer (group "Lead trainer").
# Every URL name of the namespaces in OWN_ADMIN_NAMESPACES must have a row. Wagtail's admin answers visitors
# without admin access with its login page, and a refusal inside it (PermissionDenied) with a redirect to the
# dashboard and an error message (ADMIN_DENIED).
ADMIN_ACTORS = ACTORS + ("lead",)
OWN_ADMIN_NAMESPACES = ("course_reviews",)
_ADMIN_LOGIN = redirect("/admin/login/")


@dataclass
class AdminRow:
    url: Callable[[World], str]
    trainer: Expect | int
    admin: Expect | int
    lead: Expect | int
    method: str = "get"
    data: dict = field(default_factory=dict)
    # Visitors without admin access (officers, leaders) never reach our views.
    anon: Expect | int = _ADMIN_LOGIN
    officer: Expect | int = _ADMIN_LOGIN
    leader: Expect | int = _ADMIN_LOGIN
    sibling: Expect | int = _ADMIN_LOGIN

    def expected(self, actor: str) -> Expect:
        value = getattr(self, actor)
        return Status(value) if isinstance(value, int) else value


ADMIN_ROWS: dict[str, AdminRow] = {
    # Whole-course review: trainers see their own submissions, lead trainers every review; the author (the
    # trainer) may not decide their own; the Administrator group holds no page permission (no submit) and sees
    # no one else's review (404).
    "course_reviews:index": AdminRow(lambda w: reverse("course_reviews:index"), trainer=OK, admin=OK, lead=OK),
    "course_reviews:detail": AdminRow(lambda w: reverse("course_reviews:detail", args=[w.course_review.pk]),
                                      trainer=OK, admin=NOT_FOUND, lead=OK),
    "course_reviews:submit": AdminRow(lambda w: reverse("course_reviews:submit", args=[w.course_draft.pk]),
                                      trainer=OK, admin=redirect("/admin/"), lead=OK),
    "course_reviews:approve": AdminRow(lambda w: reverse("course_reviews:approve", args=[w.course_review.pk]),
                                       method="post", trainer=redirect("/admin/"), admin=NOT_FOUND,
                                       lead=redirect_to("course_reviews:index")),
    "course_reviews:reject": AdminRow(lambda w: reverse("course_reviews:reject", args=[w.course_review.pk]),
                                      method="post", data={"comment": "Bổ sung ví dụ."}, trainer=redirect("/admin/"),
                                      admin=NOT_FOUND, lead=redirect_to("course_reviews:index")),
}


def own_admin_url_names() -> set[str]:
    """URL names of our namespaces inside the Wagtail admin's URLconf."""
    names: set[str] = set()

    def walk(patterns, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace.rstrip(":") in OWN_ADMIN_NAMESPACES:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_own_admin_url_has_a_row():
    names = own_admin_url_names()
    assert names, "the admin namespaces were not found"
    assert set(ADMIN_ROWS) == names, f"add or remove ADMIN_ROWS rows: {names ^ set(ADMIN_ROWS)}"


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(ADMIN_ROWS))
def test_admin_access(key, world):
    row = ADMIN_ROWS[key]
    url = row.url(world)
    world.users["lead"] = world.lead_trainer
    mismatches, actual = [], {}
    for actor in ADMIN_ACTORS:
        expected = row.expected(actor)
        response = _request(world, actor, row, url)
        actual[actor] = _describe(response)
        if not expected.matches(response):
            mismatches.append(f"  {actor:8} expected {expected}, got {actual[actor]}")
    if os.environ.get("ACCESS_MATRIX_PRINT"):
        print(f"\n{key} {row.method.upper()} {url}: " + ", ".join(f"{a}={actual[a]}" for a in ADMIN_ACTORS))
    assert not mismatches, f"{row.method.upper()} {url} ({key}):\n" + "\n".join(mismatches)


# --- Wagtail snippet choosers (issue 9.8) ----------------------------------------------------------------------
# /admin/snippets/choose/<app>/<model>/ and its results, chosen, chosen-multiple and create URLs, for every snippet
# model. A chooser answers like the model's listing (lms/snippets.py): trainers may open only the choosers of
# models they hold a permission on or whose referring forms they fill in (QuizOverride.officer → Officer,
# CoursePage.area → CompetencyArea). Wagtail's admin turns a refusal into a redirect to the dashboard.
ADMIN_DENIED = redirect("/admin/")
ADMIN_LOGIN = redirect("/admin/login/")
CHOOSER_VERBS = ("choose", "choose_results", "chosen", "chosen_multiple", "create")
D = ADMIN_DENIED
# model label: (trainer, admin) for choosing, then (trainer, admin) for the chooser's "create" form.
CHOOSERS: dict[str, tuple[Expect, Expect, Expect, Expect]] = {
    "people.Unit": (D, OK, D, OK),
    "people.Officer": (OK, OK, D, OK),
    "people.DeskRole": (OK, OK, D, OK),
    "people.RoleAssignment": (D, OK, D, OK),
    "people.CompetencyArea": (OK, OK, D, OK),
    "people.Competency": (OK, OK, D, OK),
    "people.RoleRequirement": (D, OK, D, OK),
    "people.Attainment": (D, OK, D, OK),
    # Enrolments are written by services only: nobody creates one from the admin.
    "courses.Enrolment": (D, OK, D, D),
    # Administrators do not read lesson progress in the admin either (no view permission: listing and chooser).
    "courses.LessonProgress": (D, D, D, D),
    "assessments.QuestionCategory": (OK, OK, OK, OK),
    "assessments.Question": (OK, OK, OK, OK),
    "assessments.QuizOverride": (OK, OK, OK, OK),
    "certificates.CertificateTemplate": (D, OK, D, OK),
    # Trainers read the catalogue and the legal documents to link content; administrators manage them.
    "procedures.Procedure": (OK, OK, D, OK),
    "procedures.LegalDocument": (OK, OK, D, OK),
    "legalchanges.LegalChange": (OK, OK, D, OK),
}


def _snippet_object(world: World, model):
    """One object of each snippet model, belonging to the world's officer where it has one."""
    import datetime as dt

    from assessments import services as assessment_services
    from courses import services as course_services
    from legalchanges.models import LegalChange
    from procedures.models import LegalDocument
    from tests.certificates.factories import CertificateTemplateFactory
    from tests.people import factories as people

    builders = {
        "people.DeskRole": people.DeskRoleFactory,
        "people.CompetencyArea": people.CompetencyAreaFactory,
        "people.Competency": people.CompetencyFactory,
        "people.RoleAssignment": lambda: people.RoleAssignmentFactory(officer=world.officer, unit=world.officer.unit),
        "people.RoleRequirement": people.RoleRequirementFactory,
        "people.Attainment": lambda: people.AttainmentFactory(officer=world.officer),
        "courses.Enrolment": lambda: world.enrolment,
        "courses.LessonProgress": lambda: course_services.lesson_open(lesson=world.enrolled_lesson,
                                                                      user=world.officer.user),
        "assessments.Question": lambda: world.quiz.fixed_questions.first().question,
        "assessments.QuestionCategory": lambda: world.quiz.fixed_questions.first().question.category,
        "assessments.QuizOverride": lambda: assessment_services.quiz_override_set(
            quiz=world.quiz, officer=world.officer, extra_minutes=10, extra_attempts=0, reason="Ốm",
            granted_by=world.users["trainer"]),
        "certificates.CertificateTemplate": lambda: CertificateTemplateFactory(name="Mẫu kiểm tra quyền"),
        "procedures.Procedure": lambda: world.procedure,
        "procedures.LegalDocument": lambda: LegalDocument.objects.create(number="118/2025/NĐ-CP", kind="Nghị định",
                                                                         title="Một cửa"),
        "legalchanges.LegalChange": lambda: LegalChange.objects.create(
            document=LegalDocument.objects.create(number="367/2025/NĐ-CP", kind="Nghị định", title="Sửa đổi"),
            effective_on=dt.date(2026, 1, 15)),
    }
    return model._default_manager.first() or builders[model._meta.label]()


def test_every_snippet_model_has_a_chooser_row_and_the_scoped_chooser():
    from wagtail.snippets.models import get_snippet_models

    from lms.snippets import SnippetChooserViewSet

    labels = {m._meta.label for m in get_snippet_models()}
    assert labels == set(CHOOSERS), f"add or remove CHOOSERS rows: {labels ^ set(CHOOSERS)}"
    for model in get_snippet_models():
        assert isinstance(model.snippet_viewset.chooser_viewset, SnippetChooserViewSet), model


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(CHOOSERS))
def test_snippet_chooser_access(label, world):
    from django.apps import apps

    model = apps.get_model(label)
    obj = _snippet_object(world, model)
    assert obj is not None and obj.pk
    viewset = model.snippet_viewset.chooser_viewset
    trainer, admin, trainer_create, admin_create = CHOOSERS[label]
    mismatches = []
    for verb in CHOOSER_VERBS:
        url = reverse(viewset.get_url_name(verb), args=[obj.pk] if verb == "chosen" else [])
        data = {"id": obj.pk} if verb == "chosen_multiple" else {}
        expectations = {"anon": ADMIN_LOGIN, "officer": ADMIN_LOGIN, "leader": ADMIN_LOGIN, "sibling": ADMIN_LOGIN,
                        "trainer": trainer_create if verb == "create" else trainer,
                        "admin": admin_create if verb == "create" else admin}
        for actor, expected in expectations.items():
            response = _request(world, actor, Row(lambda w, url=url: url, **dict.fromkeys(ACTORS, OK), data=data), url)
            if not expected.matches(response):
                mismatches.append(f"  {verb:16} {actor:8} expected {expected}, got {_describe(response)}")
            elif expected == OK and verb in ("chosen", "chosen_multiple"):
                assert str(obj.pk) in response.content.decode(), (verb, actor)
    assert not mismatches, f"{label} chooser:\n" + "\n".join(mismatches)


@pytest.mark.django_db
def test_a_chooser_lists_only_what_its_listing_scopes(world, monkeypatch):
    """The choosers read the snippet viewset's get_queryset(request): a listing narrowed to the viewer's scope
    narrows its chooser in the same way (results, chosen and chosen-multiple)."""
    from people.models import Officer

    viewset = Officer.snippet_viewset
    monkeypatch.setattr(viewset, "get_queryset", lambda request: Officer.objects.filter(unit=world.officer.unit))
    chooser = viewset.chooser_viewset
    outside = world.other_unit_officer
    client = Client()
    client.force_login(world.users["admin"])
    results = client.get(reverse(chooser.get_url_name("choose_results"))).content.decode()
    assert world.officer.full_name in results and outside.full_name not in results
    assert client.get(reverse(chooser.get_url_name("chosen"), args=[outside.pk])).status_code == 404
    multiple = client.get(reverse(chooser.get_url_name("chosen_multiple")), {"id": [outside.pk, world.officer.pk]})
    assert [row["id"] for row in multiple.json()["result"]] == [str(world.officer.pk)]
