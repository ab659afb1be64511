"""Rich text in course pages (catalogue intro, course description, every rich-text block of a lesson body,
quiz instructions and result texts) is sanitised when it is saved — page save, revision, admin editor — and
what was stored before is cleaned by the data migration (issue 9.1)."""

import importlib
import json

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.rich_text import RichText

from courses.models import CourseIndexPage, LessonPage
from tests.assessments.test_xss import PAYLOADS, assert_clean
from tests.courses.factories import LessonPageFactory, ModulePageFactory, build_course

pytestmark = pytest.mark.django_db


def _body(html: str):
    return [
        ("paragraph", RichText(html)),
        ("callout", {"kind": "note", "title": "Lưu ý", "text": RichText(html)}),
        ("procedure", {"title": "Quy trình", "steps": [{"title": "Bước 1", "detail": RichText(html), "form": ""}]}),
        ("case_study", {"title": "Tình huống", "situation": RichText(html), "question": "Làm gì?",
                        "model_answer": RichText(html)}),
    ]


def _rich_texts(raw_body) -> list[str]:
    """Every rich-text value in a lesson body's stored JSON."""
    data = json.loads(raw_body) if isinstance(raw_body, str) else raw_body
    out = []
    for block in data:
        value = block["value"]
        if block["type"] == "paragraph":
            out.append(value)
        elif block["type"] == "callout":
            out.append(value["text"])
        elif block["type"] == "procedure":
            out += [step["value"]["detail"] for step in value["steps"]]
        elif block["type"] == "case_study":
            out += [value["situation"], value["model_answer"]]
    return out


def _stored_body(page) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM courses_lessonpage WHERE page_ptr_id = %s", [page.pk])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("name,html", PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_lesson_body_course_and_catalogue_rich_text_are_sanitised_on_save(name, html):
    course = build_course(modules=1, lessons=0, description=html)
    lesson = LessonPageFactory(parent=course.get_children().first(), title="Bài XSS", body=_body(html))
    values = _rich_texts(_stored_body(lesson))
    assert len(values) == 5
    for value in values:
        assert_clean(value)
        assert "Câu hỏi" in value
    course.refresh_from_db()
    assert_clean(course.description)
    revision = lesson.save_revision()  # what a lead trainer reviews is the revision
    for value in _rich_texts(revision.content["body"]):
        assert_clean(value)
    index = CourseIndexPage.objects.get()
    index.intro = html
    index.save()
    index.refresh_from_db()
    assert_clean(index.intro)


def test_lesson_page_renders_no_script_from_content(client, officer):
    from tests.courses.factories import EnrolmentFactory

    course = build_course(modules=1, lessons=0)
    lesson = LessonPageFactory(parent=course.get_children().first(), title="Bài XSS",
                               body=_body('<p>Nội dung</p><svg onload="alert(1)"></svg><img src=x onerror=alert(1)>'))
    EnrolmentFactory(officer=officer, course=course)
    client.force_login(officer.user)
    html = client.get(lesson.url).content.decode()
    assert "Nội dung" in html and "alert(1)" not in html


def test_the_page_editor_keeps_what_draftail_writes(client, trainer):
    """A lesson saved through the Wagtail editor keeps its formatting, internal link and line breaks."""
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    module = ModulePageFactory(parent=build_course(modules=0, lessons=0), title="Học phần")
    client.force_login(trainer)
    html = '<p>Chữ <b>đậm</b> và <a href="https://dichvucong.gov.vn/">cổng</a><br/>dòng hai</p>'
    resp = client.post(reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk]), nested_form_data({
        "title": "Bài soạn", "slug": "bai-soan", "summary": "", "estimated_minutes": "10", "is_required": "on",
        "body": streamfield([("paragraph", rich_text(html, features=[
            "h2", "h3", "bold", "italic", "link", "ol", "ul", "hr", "document-link"]))]),
    }))
    assert resp.status_code == 302, resp.content[:1000]
    [stored] = _rich_texts(_stored_body(LessonPage.objects.get(slug="bai-soan")))
    assert "<b>đậm</b>" in stored and 'href="https://dichvucong.gov.vn/"' in stored and "<br/>" in stored


def test_data_migration_cleans_stored_pages_and_revisions():
    from django.apps import apps

    course = build_course(modules=1, lessons=0)
    lesson = LessonPageFactory(parent=course.get_children().first(), title="Bài cũ", body=_body("<p>Old</p>"))
    revision = lesson.save_revision()
    dirty = "<p>Old</p><script>alert(1)</script>"
    raw = _stored_body(lesson).replace("<p>Old</p>", dirty)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE courses_lessonpage SET body = %s WHERE page_ptr_id = %s", [raw, lesson.pk])
        cursor.execute("UPDATE courses_coursepage SET description = %s WHERE page_ptr_id = %s",
                       ['<p onclick="alert(1)">Mô tả</p>', course.pk])
    content = dict(revision.content)
    content["body"] = raw
    type(revision).objects.filter(pk=revision.pk).update(content=content)
    assert "<script>" in _stored_body(lesson)
    migration = importlib.import_module("courses.migrations.0003_sanitise_rich_text")
    migration.sanitise_stored_html(apps, None)
    assert _rich_texts(_stored_body(lesson)) == ["<p>Old</p>"] * 5
    course.refresh_from_db()
    assert course.description == "<p>Mô tả</p>"
    revision.refresh_from_db()
    assert _rich_texts(revision.content["body"]) == ["<p>Old</p>"] * 5
