"""Demo courses: three published Vietnamese courses, one per competency area, using every lesson block.

`seed(stdout=...)` is idempotent: pages are found again by slug and updated with a new published revision;
images, documents and the video embed are created once. Called by `manage.py seed_demo` after people.demo,
so the demo officers are enrolled in what their desk roles require as soon as the courses are published.
"""

import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.documents.models import Document
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images.models import Image
from wagtail.rich_text import RichText

from people.models import Competency, CompetencyArea, DeskRole

from .demo_content import COURSES
from .models import CourseCompetency, CourseIndexPage, CoursePage, LessonPage, ModulePage

IMAGE_SIZE = (1200, 675)


def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    try:
        import fontpkg_be_vietnam_pro

        name = "BeVietnamPro-Bold.ttf" if bold else "BeVietnamPro-Regular.ttf"
        return ImageFont.truetype(str(Path(fontpkg_be_vietnam_pro.ROOT) / "files" / name), size)
    except (ImportError, OSError):
        return ImageFont.load_default()


def _diagram_png(title: str, steps: list[str]) -> bytes:
    """A simple, legible flow diagram (title + numbered boxes) drawn with Pillow and a Vietnamese font."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    width, height = IMAGE_SIZE
    img = PILImage.new("RGB", IMAGE_SIZE, (242, 246, 253))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, width, 110], fill=(13, 58, 127))
    draw.text((48, 34), title, font=_font(40, bold=True), fill=(255, 255, 255))
    cols = 2 if len(steps) > 4 else 1
    rows = (len(steps) + cols - 1) // cols
    box_w = (width - 48 * (cols + 1)) // cols
    box_h = min(96, (height - 150 - 20 * rows) // max(rows, 1))
    for i, step in enumerate(steps):
        col, row = divmod(i, rows)
        x = 48 + col * (box_w + 48)
        y = 140 + row * (box_h + 20)
        draw.rounded_rectangle([x, y, x + box_w, y + box_h], radius=14, fill=(255, 255, 255),
                               outline=(20, 81, 168), width=3)
        draw.ellipse([x + 16, y + box_h // 2 - 24, x + 64, y + box_h // 2 + 24], fill=(20, 81, 168))
        number = str(i + 1)
        draw.text((x + 40, y + box_h // 2), number, font=_font(26, bold=True), fill=(255, 255, 255), anchor="mm")
        draw.text((x + 84, y + box_h // 2), step, font=_font(26), fill=(22, 33, 58), anchor="lm")
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _image(spec: dict) -> Image:
    image = Image.objects.filter(title=spec["title"]).first()
    if image is None:
        data = _diagram_png(spec["title"], spec["steps"])
        image = Image(title=spec["title"], description=spec.get("alt", ""),
                      file=ImageFile(io.BytesIO(data), name=f"{spec['key']}.png"))
        image.save()
    return image


def _document(spec: dict) -> Document:
    document = Document.objects.filter(title=spec["title"]).first()
    if document is None:
        data = spec["text"].strip().encode("utf-8") + b"\n"
        document = Document(title=spec["title"], file_size=len(data))
        document.file.save(f"{spec['key']}.txt", ContentFile(data), save=False)
        document.save()
    return document


def _video(spec: dict) -> str:
    """Register the video in Wagtail's embed cache so lessons render without fetching from the network."""
    url = spec["url"]
    Embed.objects.update_or_create(
        hash=get_embed_hash(url),
        defaults={
            "url": url, "max_width": None, "type": "video", "title": spec["title"], "provider_name": spec["provider"],
            "html": (
                f'<video controls preload="metadata" src="{spec["src"]}" title="{spec["title"]}">'
                f'<a href="{spec["src"]}">{spec["title"]}</a></video>'
            ),
            "width": 1280, "height": 720,
        },
    )
    return url


def _body(blocks: list) -> list:
    """Turn the compact content tuples of demo_content into StreamField data."""
    out = []
    for kind, value in blocks:
        if kind == "p":
            out.append(("paragraph", RichText(value)))
        elif kind == "image":
            out.append(("image", {"image": _image(value), "caption": value["caption"], "alt_text": value["alt"]}))
        elif kind == "video":
            out.append(("video", {"video": _video(value), "title": value["title"], "transcript": value["transcript"]}))
        elif kind == "document":
            out.append(("document", {"document": _document(value), "title": value["link"],
                                     "description": value["description"]}))
        elif kind == "callout":
            out.append(("callout", {"kind": value[0], "title": value[1], "text": RichText(value[2])}))
        elif kind == "procedure":
            out.append(("procedure", {"title": value[0], "steps": [
                {"title": t, "detail": RichText(d), "form": f} for t, d, f in value[1]]}))
        elif kind == "checklist":
            out.append(("checklist", {"title": value[0], "items": value[1]}))
        elif kind == "case":
            out.append(("case_study", {"title": value[0], "situation": RichText(value[1]), "question": value[2],
                                       "model_answer": RichText(value[3])}))
        elif kind == "glossary":
            out.append(("glossary", {"title": value[0], "terms": [{"term": t, "definition": d} for t, d in value[1]]}))
        else:
            raise ValueError(f"unknown demo block {kind}")
    return out


def _child(parent, model, slug: str, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    return page


@transaction.atomic
def seed(*, stdout) -> None:
    """Create or refresh the three demo courses and publish them."""
    index = CourseIndexPage.objects.first()
    if index is None:
        stdout.write("  Không tìm thấy danh mục khóa học (chưa chạy migrate?)")
        return
    stdout.write("Khóa học mẫu:")
    for spec in COURSES:
        course = _child(
            index, CoursePage, spec["slug"], title=spec["title"], summary=spec["summary"],
            description=spec["description"], estimated_hours=spec["hours"], validity_months=spec["validity"],
            legal_basis="\n".join(spec["legal_basis"]), is_legacy=False,
            area=CompetencyArea.objects.filter(code=spec["area"]).first(),
        )
        course.target_roles.set(DeskRole.objects.filter(code__in=spec["roles"]))
        competencies = {c.code: c for c in Competency.objects.filter(code__in=[c for c, _lvl in spec["grants"]])}
        course.granted_competencies = [
            CourseCompetency(competency=competencies[code], level=level)
            for code, level in spec["grants"] if code in competencies
        ]
        course.save_revision().publish()
        lessons = 0
        for m_slug, m_title, m_intro, lesson_specs in spec["modules"]:
            module = _child(course, ModulePage, m_slug, title=m_title, intro=m_intro)
            module.save_revision().publish()
            for l_slug, l_title, l_summary, minutes, blocks in lesson_specs:
                lesson = _child(module, LessonPage, l_slug, title=l_title, summary=l_summary,
                                estimated_minutes=minutes, body=_body(blocks))
                lesson.save_revision().publish()
                lessons += 1
        # Publishing again refreshes the folded search text with every module and lesson title.
        CoursePage.objects.get(pk=course.pk).save_revision().publish()
        stdout.write(f"  {course.title}: {len(spec['modules'])} học phần, {lessons} bài học")
