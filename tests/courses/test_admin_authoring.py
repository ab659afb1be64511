"""End to end in the admin: a trainer builds a lesson with every block type, submits it, a lead trainer approves."""

import pytest
from django.urls import reverse
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield
from wagtail_factories import DocumentFactory, ImageFactory

from courses.models import LessonPage
from tests.courses.factories import EnrolmentFactory, ModulePageFactory, build_course
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db
VIDEO_URL = "https://www.youtube.com/watch?v=authoring"


def listblock(items):
    """Form data of a ListBlock: count, then each item's value, order and deleted flag."""
    data = {"count": str(len(items))}
    for i, value in enumerate(items):
        data[str(i)] = {"value": value, "order": str(i), "deleted": "", "id": f"item-{i}"}
    return data


def test_trainer_builds_every_block_and_lead_trainer_publishes(client, trainer, officer):
    Embed.objects.create(url=VIDEO_URL, hash=get_embed_hash(VIDEO_URL), type="video", title="Video",
                         html='<iframe src="https://www.youtube-nocookie.com/embed/a" title="Video"></iframe>')
    image, document = ImageFactory(), DocumentFactory()
    course = build_course(title="Khóa học soạn trong trang quản trị", modules=0)
    module = ModulePageFactory(parent=course, title="Học phần 1")
    EnrolmentFactory(officer=officer, course=course)
    body = streamfield([
        ("paragraph", rich_text("<p>Mở đầu</p>")),
        ("image", {"image": image.pk, "caption": "Quầy", "alt_text": "Quầy tiếp nhận"}),
        ("video", {"video": VIDEO_URL, "title": "Video", "transcript": "Lời thoại"}),
        ("document", {"document": document.pk, "title": "Mẫu 01", "description": "Giấy tiếp nhận"}),
        ("callout", {"kind": "warning", "title": "Lưu ý", "text": rich_text("<p>Không sách nhiễu</p>")}),
        ("procedure", {"title": "Tiếp nhận", "steps": listblock([
            {"title": "Kiểm tra", "detail": rich_text("<p>Đối chiếu</p>"), "form": "Mẫu 02"}])}),
        ("checklist", {"title": "Mở quầy", "items": listblock(["Đeo thẻ", "Bật máy"])}),
        ("case_study", {"title": "Tình huống", "situation": rich_text("<p>Ông A</p>"), "question": "Làm gì?",
                        "model_answer": rich_text("<p>Lắng nghe</p>")}),
        ("glossary", {"title": "Thuật ngữ", "terms": listblock([{"term": "TTHC", "definition": "Thủ tục"}])}),
    ])
    data = nested_form_data({
        "title": "Bài học đủ mọi khối", "slug": "bai-hoc-du-moi-khoi", "summary": "Tóm tắt",
        "body": body, "estimated_minutes": "10", "is_required": "on", "action-submit": "Submit",
    })
    client.force_login(trainer)
    response = client.post(reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson = LessonPage.objects.get(slug="bai-hoc-du-moi-khoi")
    assert not lesson.live
    assert [b.block_type for b in lesson.get_latest_revision_as_object().body] == [
        "paragraph", "image", "video", "document", "callout", "procedure", "checklist", "case_study", "glossary"]
    state = lesson.current_workflow_state
    assert state is not None and state.status == "in_progress"

    client.force_login(officer.user)
    assert client.get("/khoa-hoc/" + "/".join(Page.objects.get(pk=lesson.pk).url_path.split("/")[2:])).status_code == 404

    lead = UserFactory(username="lead", groups=["Lead trainer"])
    state.current_task_state.approve(user=lead)
    lesson.refresh_from_db()
    assert lesson.live
    client.force_login(officer.user)
    html = client.get(lesson.url).content.decode()
    for expected in ("Mở đầu", "Quầy tiếp nhận", "youtube-nocookie.com/embed/a", "Mẫu 01", 'role="note"', "Mẫu 02",
                     'type="checkbox"', "<summary>", "<dt>TTHC</dt>"):
        assert expected in html
