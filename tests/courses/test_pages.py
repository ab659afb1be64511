"""Page tree rules, privacy of the catalogue, and rendering of every lesson block."""

import pytest
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.models import Page, PageViewRestriction, Site
from wagtail_factories import DocumentFactory, ImageFactory

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from tests.courses.factories import LessonPageFactory, ModulePageFactory, build_course, catalogue

pytestmark = pytest.mark.django_db

VIDEO_URL = "https://www.youtube.com/watch?v=demo-video-1"


def test_catalogue_is_the_default_site_root_and_private():
    index = catalogue()
    assert Site.objects.get(is_default_site=True).root_page_id == index.pk
    assert PageViewRestriction.objects.filter(page=index, restriction_type="login").exists()
    assert not Page.objects.filter(slug="home", depth=2, content_type__model="page").exists()


def test_page_hierarchy_rules():
    index = catalogue()
    course = build_course(modules=1, lessons=1)
    module = course.get_children().specific().first()
    assert CourseIndexPage.allowed_subpage_models() == [CoursePage]
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert CoursePage.can_create_at(index)
    assert not CoursePage.can_create_at(course)
    assert ModulePage.can_create_at(course)
    assert not ModulePage.can_create_at(index)
    assert LessonPage.can_create_at(module)
    assert not LessonPage.can_create_at(course)
    assert not LessonPage.can_create_at(index)
    assert LessonPage.allowed_subpage_models() == []
    assert not CourseIndexPage.can_create_at(Page.get_first_root_node())  # max_count = 1


def test_anonymous_visitor_is_sent_to_login(client):
    course = build_course()
    response = client.get(course.url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_course_module_lesson_pages_render_for_an_officer(client, officer):
    course = build_course(modules=2, lessons=2)
    client.force_login(officer.user)
    assert client.get(catalogue().url).status_code == 200
    response = client.get(course.url)
    assert response.status_code == 200
    assert "Bài 2.2" in response.content.decode()
    module = course.get_children().first()
    assert client.get(module.url).status_code == 200
    lesson = LessonPage.objects.get(title="Bài 1.2")
    body = client.get(lesson.url).content.decode()
    assert "Bài 1.1" in body and "Bài 2.1" in body  # previous and next
    assert 'rel="prev"' in body and 'rel="next"' in body


def test_every_lesson_block_renders_accessibly(client, officer):
    image = ImageFactory(title="Quầy tiếp nhận")
    document = DocumentFactory(title="Mẫu 01")
    Embed.objects.create(
        url=VIDEO_URL, max_width=None, hash=get_embed_hash(VIDEO_URL), type="video",
        html='<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video"></iframe>', title="Video",
    )
    module = ModulePageFactory()
    lesson = LessonPageFactory(
        parent=module,
        body=[
            ("paragraph", "<p>Đoạn văn <b>đậm</b></p>"),
            ("image", {"image": image, "caption": "Quầy số 1", "alt_text": "Cán bộ tại quầy"}),
            ("video", {"video": VIDEO_URL, "title": "Hướng dẫn", "transcript": "Lời thoại của video"}),
            ("document", {"document": document, "title": "Tải Mẫu 01", "description": "Giấy tiếp nhận"}),
            ("callout", {"kind": "legal", "title": "Căn cứ", "text": "<p>NĐ 118/2025/NĐ-CP</p>"}),
            ("procedure", {"title": "Tiếp nhận", "steps": [
                {"title": "Kiểm tra hồ sơ", "detail": "<p>Đối chiếu</p>", "form": "Mẫu 01"},
                {"title": "Yêu cầu bổ sung", "detail": "", "form": "Mẫu 02"},
            ]}),
            ("checklist", {"title": "Trước khi mở quầy", "items": ["Đeo thẻ", "Bật máy quét"]}),
            ("case_study", {"title": "Công dân bức xúc", "situation": "<p>Ông A lớn tiếng</p>",
                            "question": "Anh/chị xử lý thế nào?", "model_answer": "<p>Bình tĩnh lắng nghe</p>"}),
            ("glossary", {"title": "Thuật ngữ", "terms": [{"term": "TTHC", "definition": "Thủ tục hành chính"}]}),
        ],
    )
    client.force_login(officer.user)
    html = client.get(lesson.url).content.decode()
    assert "Đoạn văn <b>đậm</b>" in html
    assert "<figcaption>Quầy số 1</figcaption>" in html and 'alt="Cán bộ tại quầy"' in html
    assert "youtube-nocookie.com/embed/x" in html and "Lời thoại của video" in html and "<details" in html
    assert "Tải Mẫu 01" in html and document.url in html and "DAT" in html
    assert 'role="note"' in html and "NĐ 118/2025/NĐ-CP" in html
    assert '<ol class="procedure__steps">' in html and "Mẫu 02" in html
    assert html.count('type="checkbox"') == 2
    assert "<summary>" in html and "Bình tĩnh lắng nghe" in html
    assert "<dl" in html and "<dt>TTHC</dt>" in html


def test_draft_pages_are_not_served_to_officers(client, officer):
    course = build_course()
    lesson = LessonPage.objects.descendant_of(course).first()
    lesson.unpublish()
    client.force_login(officer.user)
    assert client.get(lesson.url).status_code == 404
    assert lesson.title not in client.get(course.url).content.decode()
