"""ASCII slugs for new pages, Vietnamese folded ("Tiếp nhận hồ sơ" → tiep-nhan-ho-so); demo slugs kept."""

import json
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses.models import CoursePage, LessonPage, ModulePage
from lms.slugs import ascii_filename, fold_vietnamese, slugify_ascii
from people.text import fold
from tests.browser.conftest import browser, page  # noqa: F401 - fixtures
from tests.courses.factories import ModulePageFactory, build_course, catalogue

DEMO = Path(settings.BASE_DIR) / "courses" / "data" / "demo_courses.json"


class TestFolding:
    @pytest.mark.parametrize(("title", "slug"), [
        ("Tiếp nhận hồ sơ", "tiep-nhan-ho-so"),
        ("Đăng ký khai sinh", "dang-ky-khai-sinh"),
        ("Quy trình ĐIỆN TỬ: bước 1/3", "quy-trinh-dien-tu-buoc-13"),
        ("Ưu tiên người cao tuổi", "uu-tien-nguoi-cao-tuoi"),
        ("Thủ tục hành chính — Nghị định 118", "thu-tuc-hanh-chinh-nghi-dinh-118"),
    ])
    def test_titles_to_slugs(self, title, slug):
        assert slugify_ascii(title) == slug
        assert slugify_ascii(unicodedata.normalize("NFD", title)) == slug  # decomposed input too

    def test_case_is_kept_by_the_fold_and_people_search_folds_the_same_way(self):
        assert fold_vietnamese("Đặng Thị Ngọc Ánh") == "Dang Thi Ngoc Anh"
        assert fold("  Đặng  Thị ") == "dang thi"

    def test_file_names(self):
        assert ascii_filename("Trần Thị Bích Ngọc") == "Tran Thi Bich Ngoc"
        assert ascii_filename('Lê / Văn: "Đức"?') == "Le Van Duc"
        assert ascii_filename("..") == "file"


@pytest.mark.django_db
class TestNewPages:
    def test_unicode_slugs_are_off(self):
        assert settings.WAGTAIL_ALLOW_UNICODE_SLUGS is False

    def test_a_page_saved_without_a_slug_gets_the_folded_one(self):
        course = CoursePage(title="Tiếp nhận hồ sơ đất đai", summary="Tóm tắt")
        catalogue().add_child(instance=course)
        assert course.slug == "tiep-nhan-ho-so-dat-dai"
        again = CoursePage(title="Tiếp nhận hồ sơ đất đai", summary="Tóm tắt")
        catalogue().add_child(instance=again)
        assert again.slug == "tiep-nhan-ho-so-dat-dai-2"
        assert course.url.endswith("/tiep-nhan-ho-so-dat-dai/")

    def test_the_admin_form_refuses_a_unicode_slug_with_a_suggestion(self, client, trainer):
        module = ModulePageFactory(parent=build_course(modules=0), title="Học phần 1")
        client.force_login(trainer)
        url = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", module.pk])
        data = {"title": "Tiếp nhận hồ sơ", "summary": "Tóm tắt", "body": streamfield([]), "estimated_minutes": "10"}
        response = client.post(url, nested_form_data({**data, "slug": "tiếp-nhận"}))
        assert response.status_code == 200 and not LessonPage.objects.filter(title="Tiếp nhận hồ sơ").exists()
        assert response.context["form"].errors["slug"] == [
            "Đường dẫn chỉ dùng chữ không dấu, chữ số và dấu gạch ngang, ví dụ “tiep-nhan”."]
        assert "tiếp-nhận" not in LessonPage.objects.values_list("slug", flat=True)
        response = client.post(url, nested_form_data({**data, "slug": "tiep-nhan-ho-so"}))
        assert response.status_code == 302, response.context["form"].errors
        assert LessonPage.objects.get(title="Tiếp nhận hồ sơ").slug == "tiep-nhan-ho-so"

    def test_the_admin_slug_field_carries_the_vietnamese_formatters(self, client, trainer):
        client.force_login(trainer)
        html = client.get(reverse("wagtailadmin_pages:add", args=["courses", "coursepage", catalogue().pk])).content
        html = html.decode()
        assert "data-w-slug-allow-unicode-value" not in html  # False: the attribute is left out, JS reads false
        assert "data-w-slug-formatters-value" in html and "\\u0111\\u0110" in html  # [đĐ] → d


@pytest.mark.django_db
def test_demo_slugs_are_kept():
    from io import StringIO

    from courses import demo

    demo.seed(stdout=StringIO())
    spec = json.loads(DEMO.read_text(encoding="utf-8"))
    courses = spec if isinstance(spec, list) else spec.get("courses", spec)
    wanted = {c["slug"] for c in courses}
    assert wanted <= set(CoursePage.objects.values_list("slug", flat=True))
    module_slugs = {m["slug"] for c in courses for m in c.get("modules", [])}
    assert module_slugs <= set(ModulePage.objects.values_list("slug", flat=True))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_admin_types_a_vietnamese_title_and_gets_an_ascii_slug(page, trainer):  # noqa: F811
    page.goto(page.base_url + reverse("wagtailadmin_login"))
    page.fill("input[name=username]", "trainer")
    page.fill("input[name=password]", "matkhau-Demo-2026")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")
    page.goto(page.base_url + reverse("wagtailadmin_pages:add", args=["courses", "coursepage", catalogue().pk]))
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.locator("#id_title").click()
    page.fill("#id_title", "Tiếp nhận hồ sơ Đăng ký")
    page.locator("#id_title").blur()
    expect(page.locator("#id_slug")).to_have_value("tiep-nhan-ho-so-dang-ky")
    assert not [e for e in errors if "error" in e.lower()]
