"""Demo courses: three published Vietnamese courses, one per competency area, using every lesson block.

The content lives in data/demo_courses.json (written for this project from the facts in shared/domain/DOMAIN.md):
shared media (images drawn as diagrams, documents, videos) by key, then courses → modules → lessons, each
lesson's blocks named by their StreamField type. `seed(stdout=...)` is idempotent: pages are found again by slug and updated with a new published revision;
images, documents and the video embed are created once. Called by `manage.py seed_demo` after people.demo,
so the demo officers are enrolled in what their desk roles require as soon as the courses are published.
"""

import io
import json
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
from procedures.models import LegalDocument, Procedure

from .models import CourseCompetency, CourseIndexPage, CoursePage, LessonPage, ModulePage

IMAGE_SIZE = (1200, 675)
CONTENT_FILE = Path(__file__).resolve().parent / "data" / "demo_courses.json"


def load_content() -> dict:
    """The demo content: {"images", "documents", "videos"} by key, and "courses"."""
    return json.loads(CONTENT_FILE.read_text(encoding="utf-8"))


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


def _body(blocks: list[dict], media: dict) -> list:
    """Turn the lesson blocks of the content file into StreamField data (media are referenced by key)."""
    out = []
    for block in blocks:
        kind = block["type"]
        if kind == "paragraph":
            out.append(("paragraph", RichText(block["html"])))
        elif kind == "image":
            spec = dict(media["images"][block["image"]], key=block["image"])
            out.append(("image", {"image": _image(spec), "caption": block["caption"], "alt_text": spec["alt"]}))
        elif kind == "video":
            spec = media["videos"][block["video"]]
            out.append(("video", {"video": _video(spec), "title": spec["title"], "transcript": spec["transcript"]}))
        elif kind == "document":
            spec = dict(media["documents"][block["document"]], key=block["document"])
            out.append(("document", {"document": _document(spec), "title": spec["link"],
                                     "description": spec["description"]}))
        elif kind == "callout":
            out.append(("callout", {"kind": block["kind"], "title": block["title"], "text": RichText(block["html"])}))
        elif kind == "procedure":
            out.append(("procedure", {"title": block["title"], "steps": [
                {"title": step["title"], "detail": RichText(step["detail"]), "form": step["form"]}
                for step in block["steps"]]}))
        elif kind == "checklist":
            out.append(("checklist", {"title": block["title"], "items": block["items"]}))
        elif kind == "case_study":
            out.append(("case_study", {"title": block["title"], "situation": RichText(block["situation"]),
                                       "question": block["question"], "model_answer": RichText(block["model_answer"])}))
        elif kind == "glossary":
            out.append(("glossary", {"title": block["title"], "terms": block["terms"]}))
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
    content = load_content()
    for spec in content["courses"]:
        course = _child(
            index, CoursePage, spec["slug"], title=spec["title"], summary=spec["summary"],
            description=spec["description"], estimated_hours=spec["hours"], validity_months=spec["validity"],
            legal_basis="\n".join(spec["legal_basis"]), is_legacy=False,
            area=CompetencyArea.objects.filter(code=spec["area"]).first(),
        )
        course.target_roles.set(DeskRole.objects.filter(code__in=spec["roles"]))
        # The procedure catalogue (procedures/demo.py) is seeded first; missing codes are skipped.
        course.procedures.set(Procedure.objects.filter(code__in=spec.get("procedures", [])))
        course.legal_documents.set(LegalDocument.objects.filter(number__in=spec.get("legal_documents", [])))
        grants = [(grant["competency"], grant["level"]) for grant in spec["grants"]]
        competencies = {c.code: c for c in Competency.objects.filter(code__in=[code for code, _level in grants])}
        course.granted_competencies = [
            CourseCompetency(competency=competencies[code], level=level)
            for code, level in grants if code in competencies
        ]
        course.save_revision().publish()
        lessons = 0
        for module_spec in spec["modules"]:
            module = _child(course, ModulePage, module_spec["slug"], title=module_spec["title"],
                            intro=module_spec["intro"])
            module.save_revision().publish()
            for lesson_spec in module_spec["lessons"]:
                lesson = _child(module, LessonPage, lesson_spec["slug"], title=lesson_spec["title"],
                                summary=lesson_spec["summary"], estimated_minutes=lesson_spec["minutes"],
                                body=_body(lesson_spec["blocks"], content))
                lesson.procedures.set(Procedure.objects.filter(code__in=lesson_spec.get("procedures", [])))
                lesson.legal_documents.set(LegalDocument.objects.filter(
                    number__in=lesson_spec.get("legal_documents", [])))
                lesson.save_revision().publish()
                lessons += 1
        # Publishing again refreshes the folded search text with every module and lesson title.
        CoursePage.objects.get(pk=course.pk).save_revision().publish()
        stdout.write(f"  {course.title}: {len(spec['modules'])} học phần, {lessons} bài học")
