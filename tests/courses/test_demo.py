"""The demo seed: three published courses, one per area, every block type, officers enrolled, idempotent."""

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
    assert sorted(c.area.code for c in courses) == ["communication", "it", "procedure"]
    all_blocks = set(LessonStreamBlock.base_blocks)
    for course in courses:
        modules = ModulePage.objects.live().child_of(course)
        assert modules.count() >= 3
        for module in modules:
            assert LessonPage.objects.live().child_of(module).count() >= 3
        used = {b.block_type for lesson in LessonPage.objects.descendant_of(course) for b in lesson.body}
        assert used == all_blocks, (course.title, all_blocks - used)
        assert course.granted_competencies.exists() and course.target_roles.exists()
    enrolled = Enrolment.objects.filter(officer__user__username="gd003", reason=Enrolment.Reason.ROLE).count()
    assert enrolled == 3
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
