"""Flaky networks at the desk (issue 15, item 6), the server's side: answers queued offline and replayed after the
deadline count only within checked bounds (signed page token, answered before the deadline, arrived within the
offline grace); the expiry task waits for them; the service worker and the pages that opt in to offline reading."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, QuestionKind, Response, ResponseChoice
from courses.models import LessonPage
from tests.assessments.factories import add_fixed, make_question, token
from tests.courses.factories import build_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def timed_quiz(quiz):
    quiz.time_limit_minutes = 10
    quiz.save()
    return quiz


def started(quiz, officer, *, deadline_ago: float) -> Attempt:
    """An attempt whose deadline was `deadline_ago` seconds ago (10-minute limit)."""
    start = timezone.now() - dt.timedelta(minutes=10, seconds=deadline_ago)
    return services.attempt_start(quiz=quiz, officer=officer, now=start)


def late_post(client, response, choice, *, stamp_token: str, answered_ms, revision: int = 0):
    return client.post(
        reverse("assessments:save-response", args=[response.pk]),
        {
            "kind": response.version.kind,
            f"q{response.pk}": token(response, choice),
            f"q{response.pk}_rev": revision,
            "offline_token": stamp_token,
            "answered_ms": str(answered_ms),
        },
    )


def page_token(attempt: Attempt, *, seconds_before_deadline: float) -> str:
    return services.offline_token_make(
        attempt=attempt, now=attempt.deadline - dt.timedelta(seconds=seconds_before_deadline)
    )


def first_response(attempt: Attempt) -> Response:
    r = attempt.responses.select_related("version").get(position=1)
    return r


# --- The token ------------------------------------------------------------------------------------------


def test_token_carries_the_attempt_and_the_render_time(timed_quiz, officer):
    attempt = services.attempt_start(quiz=timed_quiz, officer=officer)
    now = timezone.now()
    made = services.offline_token_make(attempt=attempt, now=now)
    assert signing.loads(made, salt=services.OFFLINE_SALT)["a"] == attempt.pk
    at = services.offline_token_time(token=made, attempt_id=attempt.pk)
    assert abs((at - now).total_seconds()) < 0.002
    assert services.offline_token_time(token=made, attempt_id=attempt.pk + 1) is None  # another attempt's
    assert services.offline_token_time(token=made[:-2] + "xx", attempt_id=attempt.pk) is None  # altered
    assert services.offline_token_time(token="", attempt_id=attempt.pk) is None
    assert services.offline_token_time(token="a" * 10_000, attempt_id=attempt.pk) is None
    other_salt = signing.dumps({"a": attempt.pk, "t": int(now.timestamp() * 1000)}, salt="another.purpose")
    assert services.offline_token_time(token=other_salt, attempt_id=attempt.pk) is None
    for data in (
        {"a": attempt.pk, "t": "1"},
        {"a": attempt.pk, "t": True},
        {"a": attempt.pk, "t": 10**30},
        {"a": attempt.pk, "t": 2**52},
        {"a": attempt.pk, "t": 253_402_300_799_000},
        {"a": attempt.pk, "t": -1},
        {"a": attempt.pk},
        [attempt.pk, 1],
        {"a": str(attempt.pk), "t": 1},
    ):
        forged = signing.dumps(data, salt=services.OFFLINE_SALT)
        assert services.offline_token_time(token=forged, attempt_id=attempt.pk) is None, data


def test_the_attempt_page_embeds_a_token_for_its_attempt(client, timed_quiz, officer):
    client.force_login(officer.user)
    attempt = services.attempt_start(quiz=timed_quiz, officer=officer)
    html = client.get(timed_quiz.url).content.decode()
    found = re.search(r'data-offline-token="([^"]+)"', html).group(1)
    at = services.offline_token_time(token=found, attempt_id=attempt.pk)
    assert at is not None and abs((timezone.now() - at).total_seconds()) < 10
    assert f'data-attempt="{attempt.pk}"' in html and 'id="quiz-offline"' in html and 'role="status"' in html
    assert "Mất kết nối — đang kết nối lại…" in html and 'data-unsaved-text="Chưa lưu"' in html
    assert "{#" not in html and "comment %}" not in html and "Shown by attempt.js" not in html


def test_the_expired_page_runs_the_queue_before_its_submit_button(client, timed_quiz, officer):
    client.force_login(officer.user)
    attempt = started(timed_quiz, officer, deadline_ago=60)
    html = client.get(timed_quiz.url).content.decode()
    assert 'value="finish"' in html and 'id="quiz-form"' in html and "assessments/attempt.js" in html
    assert 'data-save-url="/kiem-tra/' in html and f'data-attempt="{attempt.pk}"' in html


# --- Late answers ---------------------------------------------------------------------------------------


def test_an_answer_given_before_the_deadline_and_replayed_after_it_counts(client, timed_quiz, officer):
    client.force_login(officer.user)
    attempt = started(timed_quiz, officer, deadline_ago=90)  # past the normal 30 s grace
    r = first_response(attempt)
    right = r.version.choices.get(is_correct=True)
    stamp = page_token(attempt, seconds_before_deadline=120)
    resp = late_post(client, r, right, stamp_token=stamp, answered_ms=100_000)  # 20 s before the deadline
    assert resp.status_code == 200 and resp.json()["saved"] is True, resp.content
    r.refresh_from_db()
    assert list(ResponseChoice.objects.filter(response=r).values_list("choice_id", flat=True)) == [right.pk]
    # When it was given (to the millisecond of the token), not when it came.
    assert abs(r.answered_at - (attempt.deadline - dt.timedelta(seconds=20))) < dt.timedelta(milliseconds=1)
    # Replayed twice (the reply was lost on the way back): the same answer again changes nothing.
    again = late_post(client, r, right, stamp_token=stamp, answered_ms=100_000)
    assert again.status_code == 200 and again.json()["revision"] == 1
    r.refresh_from_db()
    assert r.revision == 1
    # The attempt is then graded with it.
    graded = services.attempt_submit(attempt=attempt, auto=True)
    assert graded.status == Attempt.Status.GRADED and graded.responses.get(pk=r.pk).score == 1


def test_an_answer_claimed_after_the_deadline_is_refused(client, timed_quiz, officer):
    client.force_login(officer.user)
    attempt = started(timed_quiz, officer, deadline_ago=90)
    r = first_response(attempt)
    choice = r.version.choices.first()
    stamp = page_token(attempt, seconds_before_deadline=120)
    for offset in (121_000, 200_000):  # 1 s and 80 s after the deadline
        resp = late_post(client, r, choice, stamp_token=stamp, answered_ms=offset)
        assert resp.status_code == 409 and resp.json()["closed"] is True
    assert not ResponseChoice.objects.filter(response=r).exists()


def test_an_answer_arriving_after_the_offline_grace_is_refused(client, timed_quiz, officer, settings):
    settings.ASSESSMENTS_OFFLINE_GRACE_SECONDS = 60
    client.force_login(officer.user)
    attempt = started(timed_quiz, officer, deadline_ago=75)
    r = first_response(attempt)
    stamp = page_token(attempt, seconds_before_deadline=120)
    resp = late_post(client, r, r.version.choices.first(), stamp_token=stamp, answered_ms=60_000)
    assert resp.status_code == 409 and resp.json()["closed"] is True
    assert not ResponseChoice.objects.filter(response=r).exists()


def test_forged_tampered_and_foreign_tokens_are_refused_without_a_500(
    client, timed_quiz, officer, other_unit_officer
):
    client.force_login(officer.user)
    attempt = started(timed_quiz, officer, deadline_ago=90)
    other = started(timed_quiz, other_unit_officer, deadline_ago=90)
    r = first_response(attempt)
    choice = r.version.choices.first()
    good = page_token(attempt, seconds_before_deadline=120)
    payload, signature = good.rsplit(":", 1)
    earlier = signing.dumps(
        {"a": attempt.pk, "t": int((attempt.deadline - dt.timedelta(hours=1)).timestamp() * 1000)},
        salt=services.OFFLINE_SALT,
        key="not-the-secret-key",
    )
    attempts = [
        (page_token(other, seconds_before_deadline=120), 100_000),  # another attempt's page
        (earlier, 3_590_000),  # a time the server never signed
        (payload + ":" + signature[::-1], 100_000),  # altered signature
        (good.replace(good[0], "A" if good[0] != "A" else "B", 1), 100_000),  # altered payload
        ("garbage", 100_000),
        ("x" * 5000, 100_000),
        (":::", 100_000),
        (good, -5_000),
        (good, "1e9"),
        (good, "9" * 40),
        (good, ""),
        (good, "١٠٠"),  # offsets that are not ms
        (
            services.offline_token_make(attempt=attempt, now=timezone.now() + dt.timedelta(minutes=5)),
            0,
        ),  # future
    ]
    for stamp, offset in attempts:
        resp = late_post(client, r, choice, stamp_token=stamp, answered_ms=offset)
        assert resp.status_code == 409, (stamp, offset, resp.status_code)
    assert not ResponseChoice.objects.filter(response=r).exists()
    # Another officer's response with this officer's valid token: not found, as ever.
    theirs = first_response(other)
    resp = late_post(client, theirs, theirs.version.choices.first(), stamp_token=good, answered_ms=100_000)
    assert resp.status_code == 404


def test_the_token_changes_nothing_before_the_deadline(client, timed_quiz, officer):
    client.force_login(officer.user)
    attempt = services.attempt_start(quiz=timed_quiz, officer=officer)
    r = first_response(attempt)
    stamp = services.offline_token_make(
        attempt=attempt, now=timezone.now() - dt.timedelta(hours=5)
    )  # odd claims
    before = timezone.now()
    resp = late_post(client, r, r.version.choices.first(), stamp_token=stamp, answered_ms=1)
    assert resp.status_code == 200
    r.refresh_from_db()
    assert r.answered_at >= before  # the server's time: a claim is only read once the deadline has passed


def test_huge_payloads_are_cut_or_refused_not_a_500(client, officer, module_page, category, settings):
    from tests.assessments.factories import QuizPageFactory

    quiz = QuizPageFactory(parent=module_page, title="Tự luận", time_limit_minutes=10)
    add_fixed(quiz, make_question(QuestionKind.ESSAY, category=category))
    client.force_login(officer.user)
    attempt = started(quiz, officer, deadline_ago=90)
    r = first_response(attempt)
    url = reverse("assessments:save-response", args=[r.pk])
    stamp = page_token(attempt, seconds_before_deadline=120)
    resp = client.post(
        url, {"kind": "essay", f"q{r.pk}": "chữ " * 300_000, "offline_token": stamp, "answered_ms": "100000"}
    )
    assert resp.status_code == 200
    r.refresh_from_db()
    assert len(r.text_answer) == 20_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    resp = client.post(
        url, {"kind": "essay", f"q{r.pk}": "x" * 20_000, "offline_token": stamp, "answered_ms": "100000"}
    )
    assert resp.status_code == 400


# --- The expiry task ------------------------------------------------------------------------------------


def test_the_expiry_task_waits_for_the_offline_grace(timed_quiz, officer, other_unit_officer, settings):
    settings.ASSESSMENTS_OFFLINE_GRACE_SECONDS = 300
    waiting = started(timed_quiz, officer, deadline_ago=120)  # past the 30 s grace, within the offline one
    over = started(timed_quiz, other_unit_officer, deadline_ago=310)
    assert services.attempts_submit_expired() == 1
    waiting.refresh_from_db()
    over.refresh_from_db()
    assert waiting.status == Attempt.Status.IN_PROGRESS
    assert over.status == Attempt.Status.GRADED and over.auto_submitted
    assert over.submitted_at == over.deadline  # submitted at its deadline, not when the task ran
    assert over.graded_at > over.deadline
    # A normal grace longer than the offline one still rules.
    settings.ASSESSMENTS_GRACE_SECONDS, settings.ASSESSMENTS_OFFLINE_GRACE_SECONDS = 600, 60
    assert services.attempts_submit_expired() == 0
    settings.ASSESSMENTS_GRACE_SECONDS = 30
    assert services.attempts_submit_expired() == 1


# --- The service worker and the pages it may keep -------------------------------------------------------


def test_the_service_worker_is_served_from_the_root_and_never_cached(client, settings):
    resp = client.get("/sw.js")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/javascript")
    assert resp["Service-Worker-Allowed"] == "/" and resp["Cache-Control"] == "no-cache"
    body = resp.content.decode()
    assert 'var VERSION = "1"' in body and "X-Offline-Cache" in body and '"/kiem-tra/"' in body
    assert "/ngoai-tuyen/" in body and "/static/css/app.css" in body
    settings.LMS_OFFLINE_CACHE_VERSION = "v2"
    assert 'var VERSION = "v2"' in client.get("/sw.js").content.decode()
    assert client.post("/sw.js").status_code == 405


def test_the_offline_page_is_vietnamese(client):
    resp = client.get(reverse("offline"), HTTP_ACCEPT_LANGUAGE="vi")
    body = resp.content.decode()
    assert resp.status_code == 200 and "Bạn đang ngoại tuyến" in body and "<script" not in body


def test_logged_in_pages_register_the_worker_logged_out_pages_do_not(client, officer):
    assert "data-sw=" not in client.get(reverse("login")).content.decode()
    client.force_login(officer.user)
    html = client.get(reverse("home"), follow=True).content.decode()
    assert 'data-sw="/sw.js"' in html and "js/offline.js" in html


def test_logout_clears_the_offline_cache(client, officer):
    client.force_login(officer.user)
    resp = client.post(reverse("logout"))
    assert resp.status_code == 302 and resp["Clear-Site-Data"] == '"cache"'
    assert "_auth_user_id" not in client.session


def test_lesson_pages_opt_in_to_the_offline_cache_and_quiz_pages_do_not(client, officer, timed_quiz):
    course = build_course(modules=1, lessons=1, title="Đọc ngoại tuyến")
    lesson = LessonPage.objects.child_of(course.get_children().first()).first()
    client.force_login(officer.user)
    resp = client.get(lesson.url)
    assert resp.status_code == 200 and resp["X-Offline-Cache"] == "lesson"
    assert not client.get(course.url).has_header("X-Offline-Cache")
    landing = client.get(timed_quiz.url)
    assert landing.status_code == 200 and not landing.has_header("X-Offline-Cache")
    services.attempt_start(quiz=timed_quiz, officer=officer)
    attempt_page = client.get(timed_quiz.url)
    assert b'id="quiz-form"' in attempt_page.content and not attempt_page.has_header("X-Offline-Cache")
    assert not client.post(lesson.url).has_header("X-Offline-Cache")


def test_the_cache_version_follows_the_static_manifest(monkeypatch, settings):
    import io

    from lms import offline

    class Storage:
        manifest_name = "staticfiles.json"

        def __init__(self, content: bytes):
            self.content = content

        def open(self, name):
            assert name == "staticfiles.json"
            return io.BytesIO(self.content)

    versions = []
    for content in (b'{"paths": {"css/app.css": "css/app.0123456789ab.css"}}', b'{"paths": {}}'):
        monkeypatch.setattr(offline, "staticfiles_storage", Storage(content))
        offline._manifest_hash.cache_clear()
        versions.append(offline.cache_version())
    offline._manifest_hash.cache_clear()
    assert versions[0] != versions[1] and all(v.startswith("1-") and len(v) == 14 for v in versions)
    monkeypatch.setattr(offline, "staticfiles_storage", object())  # development: no manifest
    assert offline.cache_version() == "1"
    offline._manifest_hash.cache_clear()


def test_the_worker_and_the_offline_page_cost_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/sw.js").status_code == 200
        assert client.get(reverse("offline")).status_code == 200
