"""The demo seed: four published courses (two on procedures: the one-stop desk, and the ward-level hộ tịch and
chứng thực procedures), every block type, officers enrolled, idempotent."""

import io

import pytest

from courses import demo as courses_demo
from courses.blocks import LessonStreamBlock
from courses.models import CoursePage, Enrolment, LessonPage, ModulePage
from courses.selectors import courses_search

pytestmark = pytest.mark.django_db


def test_demo_courses_are_complete_published_and_idempotent():
    from people import demo as people_demo

    people_demo.seed(stdout=io.StringIO())
    courses_demo.seed(stdout=io.StringIO())
    courses = list(CoursePage.objects.live().select_related("area"))
    assert sorted(c.area.code for c in courses) == ["communication", "it", "procedure", "procedure"]
    all_blocks = set(LessonStreamBlock.base_blocks)
    for course in courses:
        modules = ModulePage.objects.live().child_of(course)
        assert modules.count() >= 3
        for module in modules:
            assert LessonPage.objects.live().child_of(module).count() >= 3
        used = {b.block_type for lesson in LessonPage.objects.descendant_of(course) for b in lesson.body}
        assert used == all_blocks, (course.title, all_blocks - used)
        assert course.granted_competencies.exists() and course.target_roles.exists()
    enrolled = Enrolment.objects.filter(officer__user__username="gd003", reason=Enrolment.Reason.ROLE)
    # The three area courses, and the ward-procedure course for NV10-CT (gd003 holds NV10-HT, not NV10-CT).
    assert sorted(e.course.slug for e in enrolled) == [
        "chuyen-doi-so-tai-bo-phan-mot-cua", "thu-tuc-cap-xa-ho-tich-chung-thuc", "tiep-nhan-va-tra-ket-qua-theo-nd-118",
        "van-hoa-ung-xu-tai-bo-phan-mot-cua"]
    assert courses_search(query="vneid") and courses_search(query="mau 02") and courses_search(query="3 biet")

    counts = (CoursePage.objects.count(), LessonPage.objects.count(), Enrolment.objects.count())
    courses_demo.seed(stdout=io.StringIO())
    assert (CoursePage.objects.count(), LessonPage.objects.count(), Enrolment.objects.count()) == counts


def test_demo_content_file_references_only_known_media_and_block_types():
    from courses.demo import load_content

    content = load_content()
    known = {"paragraph", "image", "video", "document", "callout", "procedure", "checklist", "case_study", "glossary"}
    used = set()
    for course in content["courses"]:
        for module in course["modules"]:
            for lesson in module["lessons"]:
                for block in lesson["blocks"]:
                    used.add(block["type"])
                    for media in ("image", "video", "document"):
                        if block["type"] == media:
                            assert block[media] in content[f"{media}s"], block
    assert used == known


def test_demo_ward_procedure_course_teaches_the_catalogue_procedures_and_grants_field_competencies():
    from people import demo as people_demo
    from procedures import demo as procedures_demo

    people_demo.seed(stdout=io.StringIO())
    procedures_demo.seed(stdout=io.StringIO())
    courses_demo.seed(stdout=io.StringIO())
    course = CoursePage.objects.get(slug="thu-tuc-cap-xa-ho-tich-chung-thuc")
    assert sorted((g.competency.code, g.level) for g in course.granted_competencies.all()) == [
        ("NV10-CT", 2), ("NV10-HT", 2)]
    assert set(course.procedures.values_list("field", flat=True)) == {"ho_tich", "chung_thuc"}
    lessons = LessonPage.objects.live().descendant_of(course)
    assert lessons.count() == 9
    for lesson in lessons:
        assert lesson.procedures.exists(), lesson.title
        assert not lesson.procedures.filter(status="repealed").exists()
    assert not course.legal_documents.filter(status="repealed").exists()
