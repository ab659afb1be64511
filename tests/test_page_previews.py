"""Every page type's preview (on add and on edit), draft view, revision view and revision compare answer 200
for trainers and lead trainers, with the draft's content — never a 500.

A preview or a revision is a page rebuilt from its revision JSON, not read from the database: its relations
(prerequisites, target roles, granted competencies, fixed questions…) are in-memory modelcluster FakeQuerySets.
"""

from html.parser import HTMLParser

import pytest
import wagtail_factories
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from assessments.models import QuizPage
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from tests.assessments.factories import QuizPageFactory, add_fixed, make_question
from tests.courses.factories import (
    CourseCompetencyFactory,
    build_course,
    catalogue,
)
from tests.people.factories import DeskRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE_TYPES = ["catalogue", "course", "module", "lesson", "quiz"]


class EditFormFields(HTMLParser):
    """The fields a browser would submit from Wagtail's page edit form (StreamFields are built by JS: added apart)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.fields, self._in_form, self._textarea, self._select = form_id, [], False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form or not a.get("name") and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ("on" if a.get("type") == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea = len(self.fields)
            self.fields.append((a["name"], ""))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            name, value = self.fields[self._textarea]
            self.fields[self._textarea] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def form_data(client, url: str, form_id: str, **overrides) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = EditFormFields(form_id)
    parser.feed(response.content.decode())
    data: dict = {}
    for name, value in parser.fields:
        if "__prefix__" not in name:
            data.setdefault(name, []).append(value)
    data.update({k: [v] for k, v in overrides.items()})
    return data


LESSON_BODY = nested_form_data({"body": streamfield([
    ("paragraph", {"value": '{"blocks":[{"key":"a","type":"unstyled","depth":0,"text":"Nội dung bản nháp",'
                            '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}'}),
])})


@pytest.fixture
def tree():
    """One page of each type; the course has prerequisites, target roles, granted competencies and a cover."""
    image = wagtail_factories.ImageFactory(title="Ảnh bìa")
    course = build_course(title="Tiếp nhận hồ sơ", modules=1, lessons=1, cover_image=image)
    prerequisite = build_course(title="Nhập môn Một cửa", modules=1, lessons=1)
    course.prerequisites.add(prerequisite)
    course.target_roles.add(DeskRoleFactory())
    CourseCompetencyFactory(page=course)
    course.save_revision().publish()
    module = ModulePage.objects.child_of(course).get()
    lesson = LessonPage.objects.child_of(module).get()
    quiz = QuizPageFactory(parent=module, title="Kiểm tra cuối học phần")
    add_fixed(quiz, make_question())
    quiz.save_revision().publish()
    pages = {"catalogue": catalogue(), "course": course, "module": module, "lesson": lesson, "quiz": quiz}
    # A draft on top of the live version of every page: previews, drafts and compares show it.
    for key, page in pages.items():
        page = page.specific
        page.title = f"{page.title} (bản nháp)"
        page.save_revision()
        pages[key] = page
    return pages


@pytest.fixture(params=["trainer", "lead trainer"])
def author(request, client):
    groups = ["Trainer"] if request.param == "trainer" else ["Trainer", "Lead trainer"]
    user = UserFactory(username=request.param.replace(" ", "_"), groups=groups)
    client.force_login(user)
    return user


def _body_overrides(page) -> dict:
    return LESSON_BODY if isinstance(page, LessonPage) else {}


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_view_draft(client, tree, author, kind):
    page = tree[kind]
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert response.status_code == 200
    assert page.title in response.content.decode()
    if kind == "course":  # the side panels read the draft's relations
        assert "Nhập môn Một cửa" in response.content.decode()


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_revision_view(client, tree, author, kind):
    page = tree[kind]
    revisions = list(page.revisions.order_by("created_at", "pk"))
    assert revisions
    for revision in revisions:
        response = client.get(reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision.pk]))
        assert response.status_code == 200, revision
        assert revision.content["title"] in response.content.decode()


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_revisions_compare(client, tree, author, kind):
    page = tree[kind]
    first, last = page.revisions.order_by("created_at", "pk").first(), page.latest_revision
    for a, b in [("earliest", "latest"), ("live", "latest"), (first.pk, last.pk)]:
        response = client.get(reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, a, b]))
        assert response.status_code == 200, (a, b)
    assert "(bản nháp)" in response.content.decode()


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_preview_on_edit(client, tree, author, kind):
    page = tree[kind]
    data = form_data(client, reverse("wagtailadmin_pages:edit", args=[page.pk]), "page-edit-form",
                     title="Tiêu đề xem trước", **_body_overrides(page))
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    response = client.post(url, data)
    assert response.status_code == 200 and response.json()["is_valid"], response.content
    response = client.get(url)
    assert response.status_code == 200
    assert "Tiêu đề xem trước" in response.content.decode()


PARENT_OF = {"course": "catalogue", "module": "course", "lesson": "module", "quiz": "module"}
MODEL_OF = {"course": CoursePage, "module": ModulePage, "lesson": LessonPage, "quiz": QuizPage}


@pytest.mark.parametrize("kind", list(PARENT_OF))
def test_preview_on_add(client, tree, author, kind):
    parent, model = tree[PARENT_OF[kind]], MODEL_OF[kind]
    meta = model._meta
    add_url = reverse("wagtailadmin_pages:add", args=[meta.app_label, meta.model_name, parent.pk])
    data = form_data(client, add_url, "page-edit-form", title="Trang mới xem trước", slug="trang-moi",
                     **(LESSON_BODY if model is LessonPage else {}))
    url = reverse("wagtailadmin_pages:preview_on_add", args=[meta.app_label, meta.model_name, parent.pk])
    response = client.post(url, data)
    assert response.status_code == 200 and response.json()["is_valid"], response.content
    response = client.get(url)
    assert response.status_code == 200
    assert "Trang mới xem trước" in response.content.decode()


def test_catalogue_is_the_only_index(tree):
    """The catalogue cannot be added twice (max_count = 1), so it has no preview on add."""
    assert not CourseIndexPage.can_create_at(tree["catalogue"].get_parent())
