"""Reads of courses/: each page stays at a fixed number of queries whatever the number of enrolments or lessons."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from people.competency import (
    STATUS_EXPIRED,
    STATUS_EXPIRING,
    STATUS_MET,
    STATUS_MISSING,
    rows_for_officers,
)
from people.models import (
    Competency,
    CompetencyArea,
    DeskRole,
    Officer,
    current_assignment_q,
)
from people.selectors import (
    officer_for_user,
    officers_visible_to,
    units_led_by,
)
from people.text import fold
from procedures.models import Procedure, Status

from .completion import requirement_status
from .models import (
    CourseCompetency,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    ModulePage,
    course_path_prefix,
)


def _percent(done: int, total: int) -> int:
    if total <= 0:
        return 0
    return min(100, round(100 * done / total))


@dataclass
class EnrolmentRow:
    enrolment: Enrolment
    done: int
    total: int

    @property
    def percent(self) -> int:
        if self.enrolment.status == Enrolment.Status.COMPLETED:
            return 100
        return _percent(self.done, self.total)


@dataclass
class Readiness:
    required: int = 0
    covered: int = 0
    in_progress: int = 0
    #: The officer's required pairs by status (people.competency): đạt, sắp hết hạn, hết hạn, chưa đạt.
    met: int = 0
    expiring: int = 0
    expired: int = 0
    missing: int = 0

    @property
    def percent(self) -> int:
        return _percent(self.covered, self.required)

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """(css key, label, count) per status, best first, for the badges of "Học tập của tôi"."""
        return [("met", _("Met"), self.met), ("expiring", _("Expiring soon"), self.expiring),
                ("expired", _("Expired"), self.expired), ("missing", _("Not yet met"), self.missing)]


@dataclass
class MyLearning:
    officer: Officer
    required: list[EnrolmentRow] = field(default_factory=list)
    in_progress: list[EnrolmentRow] = field(default_factory=list)
    completed: list[EnrolmentRow] = field(default_factory=list)
    readiness: Readiness = field(default_factory=Readiness)

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.required if row.enrolment.is_overdue)


def lesson_totals_for_courses(*, courses) -> dict[int, int]:
    """Number of live, required lessons in each course, by one grouped query on the page tree paths."""
    courses = {c.pk: c for c in courses}
    if not courses:
        return {}
    by_length: dict[int, dict[str, int]] = defaultdict(dict)
    for c in courses.values():
        by_length[len(c.path)][c.path] = c.pk
    totals: dict[int, int] = {}
    for length, paths in by_length.items():
        rows = (
            LessonPage.objects.live()
            .filter(is_required=True)
            .annotate(prefix=Substr("path", 1, length))
            .filter(prefix__in=list(paths))
            .order_by()
            .values("prefix")
            .annotate(n=Count("id"))
            .values_list("prefix", "n")
        )
        for prefix, n in rows:
            totals[paths[prefix]] = n
    return {pk: totals.get(pk, 0) for pk in courses}


def progress_for_enrolments(*, enrolments: list[Enrolment]) -> dict[int, tuple[int, int]]:
    """(done, total) per enrolment: live required lessons plus every registered requirement (e.g. quizzes)."""
    if not enrolments:
        return {}
    totals = lesson_totals_for_courses(courses=[e.course for e in enrolments])
    done = dict(
        LessonProgress.objects.filter(
            enrolment__in=[e.pk for e in enrolments],
            completed_at__isnull=False,
            lesson__live=True,
            lesson__is_required=True,
        )
        .order_by()
        .values("enrolment_id")
        .annotate(n=Count("id"))
        .values_list("enrolment_id", "n")
    )
    extra = requirement_status(enrolments=enrolments)
    result = {}
    for e in enrolments:
        d_extra, t_extra = extra.get(e.pk, (0, 0))
        result[e.pk] = (done.get(e.pk, 0) + d_extra, totals.get(e.course_id, 0) + t_extra)
    return result


def granting_courses(*, competency_ids) -> dict[int, list[tuple[int, CoursePage]]]:
    """Live, non-legacy, unexpired courses granting these competencies, one query: competency id ->
    [(granted level, course)] by level then tree order (the lowest sufficient level is the first choice)."""
    grants: dict[int, list[tuple[int, CoursePage]]] = defaultdict(list)
    competency_ids = list(competency_ids)
    if not competency_ids:
        return grants
    for grant in (
        CourseCompetency.objects.filter(
            competency_id__in=competency_ids, page__live=True, page__is_legacy=False, page__expired=False
        )
        .select_related("page")
        .order_by("level", "page__path")
    ):
        grants[grant.competency_id].append((grant.level, grant.page))
    return grants


def competency_next_steps(officer: Officer, rows: list) -> list:
    """Give each competency row of one officer its next step, in two queries whatever the number of rows.

    row.next_course = the course that closes the gap: the one granting the competency at the required level or
    higher that the officer is already studying, else the lowest sufficient level (None: no course yet).
    row.enrolment = the officer's active enrolment in that course (None when not enrolled: "Enrol").
    """
    grants = granting_courses(competency_ids={row.competency.pk for row in rows})
    course_ids = {course.pk for options in grants.values() for _level, course in options}
    active = {}
    if course_ids:
        active = {e.course_id: e for e in Enrolment.objects.filter(
            officer=officer, course_id__in=course_ids, status=Enrolment.Status.ACTIVE)}
    for row in rows:
        candidates = [c for level, c in grants.get(row.competency.pk, ()) if level >= row.required_level]
        studying = next((c for c in candidates if c.pk in active), None)
        row.next_course = studying or (candidates[0] if candidates else None)
        row.enrolment = active.get(row.next_course.pk) if row.next_course is not None else None
    return rows


def readiness_for_officer(*, officer: Officer, on: dt.date | None = None) -> Readiness:
    """Share of the (officer, competency) pairs the current roles require whose status is đạt or sắp hết hạn
    (people.competency: a completed course is not evidence, its certificate is). In progress = a pair not met
    with an active enrolment in a course that would grant it."""
    rows = rows_for_officers([officer], on)
    competency_next_steps(officer, [row for row in rows if not row.is_met])
    covered = sum(1 for row in rows if row.is_met)
    in_progress = sum(1 for row in rows if not row.is_met and row.enrolment is not None)
    by_status = Counter(row.status for row in rows)
    return Readiness(required=len(rows), covered=covered, in_progress=in_progress,
                     met=by_status[STATUS_MET], expiring=by_status[STATUS_EXPIRING],
                     expired=by_status[STATUS_EXPIRED], missing=by_status[STATUS_MISSING])


def enrolments_for_officer(*, officer: Officer) -> QuerySet[Enrolment]:
    """An officer's enrolments with their course and last lesson, for listing."""
    return Enrolment.objects.filter(officer=officer).select_related("course", "course__area", "last_lesson")


def my_learning_for_officer(*, officer: Officer) -> MyLearning:
    """"Học tập của tôi": required courses by due date, self-chosen ones in progress, completed ones, readiness."""
    enrolments = list(
        enrolments_for_officer(officer=officer).exclude(status=Enrolment.Status.WITHDRAWN).order_by(
            "due_on", "-assigned_on", "pk"
        )
    )
    counts = progress_for_enrolments(enrolments=[e for e in enrolments if e.status == Enrolment.Status.ACTIVE])
    data = MyLearning(officer=officer, readiness=readiness_for_officer(officer=officer))
    for e in enrolments:
        row = EnrolmentRow(e, *counts.get(e.pk, (0, 0)))
        if e.status == Enrolment.Status.COMPLETED:
            data.completed.append(row)
        elif e.is_required:
            data.required.append(row)
        else:
            data.in_progress.append(row)
    data.required.sort(key=lambda r: (r.enrolment.due_on or dt.date.max, r.enrolment.pk))
    data.completed.sort(key=lambda r: r.enrolment.completed_at or timezone.now(), reverse=True)
    return data


# --- Course tree -------------------------------------------------------------------------------------------


@dataclass
class TreeItem:
    page: Page
    is_lesson: bool
    is_required: bool = True
    minutes: int = 0
    done: bool = False
    is_current: bool = False


@dataclass
class TreeModule:
    page: Page
    items: list[TreeItem] = field(default_factory=list)

    @property
    def lessons(self) -> list[TreeItem]:
        return [i for i in self.items if i.is_lesson and i.is_required]

    @property
    def done(self) -> int:
        return sum(1 for i in self.lessons if i.done)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def percent(self) -> int:
        return _percent(self.done, self.total)


@dataclass
class CourseDetail:
    course: CoursePage
    officer: Officer | None
    enrolment: Enrolment | None
    modules: list[TreeModule]
    done: int
    total: int
    continue_lesson: Page | None
    grants: list
    target_roles: list
    prerequisites: list
    # Prerequisites the officer must still finish before enrolling or opening a lesson (none when waived).
    missing_prerequisites: list = field(default_factory=list)
    procedures: list = field(default_factory=list)

    @property
    def percent(self) -> int:
        if self.enrolment and self.enrolment.status == Enrolment.Status.COMPLETED:
            return 100
        return _percent(self.done, self.total)

    @property
    def lessons(self) -> list[TreeItem]:
        return [i for m in self.modules for i in m.items if i.is_lesson]

    @property
    def lesson_count(self) -> int:
        return len(self.lessons)

    @property
    def can_enrol(self) -> bool:
        return (self.officer is not None and self.enrolment is None and self.course.live
                and not self.missing_prerequisites)

    @property
    def prerequisites_message(self) -> str:
        return prerequisites_message(self.missing_prerequisites)


# --- Prerequisites ----------------------------------------------------------------------------------------


def _prerequisites_waived(*, officer: Officer, course: CoursePage) -> bool:
    """A leader's assignment of the course (not withdrawn) waives its prerequisites, and so does having completed
    the course once (a renewal re-enrolment)."""
    return Enrolment.objects.filter(officer=officer, course=course).filter(
        Q(reason=Enrolment.Reason.LEADER) & ~Q(status=Enrolment.Status.WITHDRAWN) | Q(status=Enrolment.Status.COMPLETED)
    ).exists()


def _with_completion(*, officer: Officer | None, prerequisites: list) -> list:
    """Mark each prerequisite course `is_completed` for the officer (a completed enrolment in it)."""
    completed = set()
    if prerequisites and officer is not None:
        completed = set(Enrolment.objects.filter(
            officer=officer, course__in=[p.pk for p in prerequisites], status=Enrolment.Status.COMPLETED,
        ).values_list("course_id", flat=True))
    for prerequisite in prerequisites:
        prerequisite.is_completed = prerequisite.pk in completed
    return prerequisites


def _live_prerequisites(course: CoursePage) -> list:
    return list(live_related_pages(course.prerequisites, CoursePage).only(
        "id", "title", "url_path", "path", "depth").order_by("title"))


def prerequisites_missing(*, officer: Officer | None, course: CoursePage, prerequisites: list | None = None) -> list:
    """The live prerequisite courses an officer has not completed yet, by title — what enrolling in the course and
    opening its lessons wait for. Empty for non-officers and when waived (a leader's assignment, or the course
    completed once). ``prerequisites``: the list already read with ``is_completed`` (course page), if any."""
    if officer is None:
        return []
    if prerequisites is None:
        prerequisites = _with_completion(officer=officer, prerequisites=_live_prerequisites(course))
    missing = [p for p in prerequisites if not p.is_completed]
    if missing and _prerequisites_waived(officer=officer, course=course):
        return []
    return missing


def prerequisites_message(missing: list) -> str:
    """The Vietnamese message naming what to finish first ("" when nothing is missing)."""
    if not missing:
        return ""
    names = ", ".join(f"“{p.title}”" for p in missing)
    return ngettext(
        "Finish the course %(courses)s first: this course requires it.",
        "Finish the courses %(courses)s first: this course requires them.",
        len(missing),
    ) % {"courses": names}


def _active_or_last_enrolment(*, officer: Officer | None, course: CoursePage) -> Enrolment | None:
    if officer is None:
        return None
    rows = list(
        Enrolment.objects.filter(officer=officer, course=course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .order_by("status", "-assigned_on", "-pk")[:1]
    )
    # "active" sorts before "completed": prefer the open enrolment (e.g. a renewal), else the latest completed one.
    return rows[0] if rows else None


def course_tree(*, course: CoursePage, enrolment: Enrolment | None, current_lesson_id=None) -> list[TreeModule]:
    """Modules and their items (lessons, quizzes) in tree order, with done marks: three queries."""
    pages = list(
        Page.objects.live()
        .filter(path__startswith=course.path, depth__in=[course.depth + 1, course.depth + 2])
        .order_by("path")
        .only("id", "title", "path", "depth", "url_path", "content_type_id", "slug", "live", "locale_id")
    )
    lesson_info = {
        pk: (required, minutes)
        for pk, required, minutes in LessonPage.objects.live()
        .filter(path__startswith=course.path)
        .values_list("id", "is_required", "estimated_minutes")
    }
    done_ids: set[int] = set()
    if enrolment is not None:
        done_ids = set(
            LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).values_list(
                "lesson_id", flat=True
            )
        )
    modules: list[TreeModule] = []
    for page in pages:
        if page.depth == course.depth + 1:
            modules.append(TreeModule(page=page))
        elif modules and page.path.startswith(modules[-1].page.path):
            info = lesson_info.get(page.pk)
            modules[-1].items.append(
                TreeItem(
                    page=page,
                    is_lesson=info is not None,
                    is_required=info[0] if info else True,
                    minutes=info[1] if info else 0,
                    done=page.pk in done_ids,
                    is_current=page.pk == current_lesson_id,
                )
            )
    return modules


def live_related_pages(relation, model: type[Page]) -> QuerySet:
    """The live pages of a page's many-to-many relation, as a queryset.

    A page shown in a preview, a draft or a revision view is rebuilt from its revision, not read from the
    database: its ParentalManyToMany relations are in-memory modelcluster FakeQuerySets without Wagtail's page
    queryset methods (`live()`, …). Both resolve here to one database query on the related ids.
    """
    pages = relation.all()
    if isinstance(pages, QuerySet):
        return pages.live()
    return model.objects.live().filter(pk__in=[page.pk for page in pages])


def course_detail_for_user(
    *, course: CoursePage, user, current_lesson_id=None, with_extras: bool = True
) -> CourseDetail:
    """Everything the course page shows: tree with progress, enrolment, continue link, grants, roles, prerequisites.

    Lesson pages pass with_extras=False: they show the tree and progress, not the course's side panels.
    """
    officer = officer_for_user(user=user)
    enrolment = _active_or_last_enrolment(officer=officer, course=course)
    modules = course_tree(course=course, enrolment=enrolment, current_lesson_id=current_lesson_id)
    required_lessons = [i for m in modules for i in m.items if i.is_lesson and i.is_required]
    done, total = sum(1 for i in required_lessons if i.done), len(required_lessons)
    if enrolment is not None:
        extra_done, extra_total = requirement_status(enrolments=[enrolment]).get(enrolment.pk, (0, 0))
        done, total = done + extra_done, total + extra_total
    continue_lesson = None
    lessons = [i for m in modules for i in m.items if i.is_lesson]
    if enrolment is not None and enrolment.last_lesson_id:
        continue_lesson = next((i.page for i in lessons if i.page.pk == enrolment.last_lesson_id), None)
        if continue_lesson is not None and any(i.done for i in lessons if i.page.pk == continue_lesson.pk):
            # The last lesson opened is finished: go on with the next unfinished one after it.
            after = False
            for i in lessons:
                if after and not i.done:
                    continue_lesson = i.page
                    break
                after = after or i.page.pk == enrolment.last_lesson_id
    if continue_lesson is None:
        continue_lesson = next((i.page for i in lessons if not i.done), lessons[0].page if lessons else None)
    prerequisites, missing = [], []
    if with_extras:
        prerequisites = _with_completion(officer=officer, prerequisites=_live_prerequisites(course))
        missing = prerequisites_missing(officer=officer, course=course, prerequisites=prerequisites)
    return CourseDetail(
        course=course,
        officer=officer,
        enrolment=enrolment,
        modules=modules,
        done=done,
        total=total,
        continue_lesson=continue_lesson,
        grants=list(course.granted_competencies.select_related("competency")) if with_extras else [],
        target_roles=list(course.target_roles.all()) if with_extras else [],
        prerequisites=prerequisites,
        missing_prerequisites=missing,
        procedures=related_procedures(page=course) if with_extras else [],
    )


def continue_page_for_enrolment(*, enrolment: Enrolment) -> Page:
    """Where "Tiếp tục" goes: the last lesson opened (or the next unfinished one), else the course itself."""
    detail = course_detail_for_user(course=enrolment.course, user=enrolment.officer.user, with_extras=False)
    return detail.continue_lesson or enrolment.course


@dataclass
class ModuleDetail:
    course: CoursePage
    module: TreeModule | None
    detail: CourseDetail


def module_detail_for_user(*, module: ModulePage, user) -> ModuleDetail:
    course = module.get_parent().specific
    detail = course_detail_for_user(course=course, user=user, with_extras=False)
    current = next((m for m in detail.modules if m.page.pk == module.pk), None)
    return ModuleDetail(course=course, module=current, detail=detail)


@dataclass
class LessonDetail:
    course: CoursePage
    module: Page
    detail: CourseDetail
    previous: Page | None
    next: Page | None
    position: int
    is_done: bool
    procedures: list = field(default_factory=list)
    # The quiz of the lesson's module when this is the module's last lesson ("Đã học xong" leads there).
    module_quiz: Page | None = None


def _module_quiz_after(*, modules: list[TreeModule], lesson_id: int) -> Page | None:
    """The quiz a module's last lesson leads to: the first live quiz after it in the module, else the module's
    first quiz (None when the lesson is not the module's last lesson, or the module has no quiz)."""
    for module in modules:
        position = next((n for n, i in enumerate(module.items) if i.page.pk == lesson_id), None)
        if position is None:
            continue
        later = module.items[position + 1:]
        if any(i.is_lesson for i in later):
            return None
        quizzes = [i.page for i in later if not i.is_lesson] or [i.page for i in module.items if not i.is_lesson]
        return quizzes[0] if quizzes else None
    return None


def lesson_detail_for_user(*, lesson: LessonPage, user) -> LessonDetail:
    """Lesson page context: breadcrumb parents, previous/next lesson across modules, and the officer's progress."""
    course = CoursePage.objects.select_related("area").get(path=course_path_prefix(lesson))
    module = lesson.get_parent()
    detail = course_detail_for_user(course=course, user=user, current_lesson_id=lesson.pk, with_extras=False)
    lessons = detail.lessons
    index = next((n for n, i in enumerate(lessons) if i.page.pk == lesson.pk), None)
    previous = lessons[index - 1].page if index else None
    following = lessons[index + 1].page if index is not None and index + 1 < len(lessons) else None
    return LessonDetail(
        course=course,
        module=module,
        detail=detail,
        previous=previous,
        next=following,
        position=(index or 0) + 1,
        is_done=bool(index is not None and lessons[index].done),
        procedures=related_procedures(page=lesson),
        module_quiz=_module_quiz_after(modules=detail.modules, lesson_id=lesson.pk),
    )


# --- Procedures (procedures/ is to the left: the training about a procedure is read here) -----------------


def related_procedures(*, page) -> list[Procedure]:
    """The procedures a course or lesson is linked to ("Thủ tục liên quan"), by code; one query (none for a
    preview, whose relation is in memory)."""
    procedures = page.procedures.all()
    return sorted(procedures, key=lambda p: p.code)


@dataclass
class ProcedureTraining:
    procedure: Procedure
    courses: list
    lessons: list


def procedure_catalogue(*, query: str = "", field_value: str = "") -> QuerySet[Procedure]:
    """Procedures in force or amended (repealed ones are history), matching every word of the query without
    diacritics and the field; each with its live courses and live lessons prefetched (3 queries a page)."""
    qs = Procedure.objects.exclude(status=Status.REPEALED)
    for word in fold(query).split():
        qs = qs.filter(search_text__contains=word)
    if field_value:
        qs = qs.filter(field=field_value)
    return qs.order_by("field", "name").prefetch_related(
        Prefetch("courses", queryset=CoursePage.objects.live().order_by("title").only(
            "id", "title", "url_path", "path", "depth", "is_legacy"), to_attr="live_courses"),
        Prefetch("lessons", queryset=LessonPage.objects.live().order_by("path").only(
            "id", "title", "url_path", "path", "depth"), to_attr="live_lessons"),
    )


def procedure_training(*, procedure: Procedure) -> ProcedureTraining:
    """The training about one procedure: live courses and live lessons (each with its course), 4 queries."""
    courses = list(procedure.courses.live().order_by("title"))
    lessons = list(procedure.lessons.live().order_by("path"))
    prefixes = {course_path_prefix(lesson) for lesson in lessons}
    lesson_courses = {c.path: c for c in CoursePage.objects.filter(path__in=prefixes).only(
        "id", "title", "url_path", "path", "depth")} if prefixes else {}
    for lesson in lessons:
        lesson.course = lesson_courses.get(course_path_prefix(lesson))
    return ProcedureTraining(procedure=procedure, courses=courses, lessons=lessons)


# --- Catalogue ---------------------------------------------------------------------------------------------


@dataclass
class Catalogue:
    courses: list
    query: str
    area: str
    role: str
    competency: str
    areas: list
    roles: list
    competencies: list
    enrolment_status: dict

    @property
    def is_filtered(self) -> bool:
        return bool(self.query or self.area or self.role or self.competency)


def courses_search(*, query: str = "", area: str = "", role: str = "", competency: str = "") -> QuerySet[CoursePage]:
    """Live courses matching every word of the query (accents and đ ignored) and the filters (by code)."""
    qs = CoursePage.objects.live().select_related("area", "cover_image")
    for word in fold(query).split():
        qs = qs.filter(search_text__contains=word)
    if area:
        qs = qs.filter(area__code=area)
    if role:
        qs = qs.filter(target_roles__code=role)
    if competency:
        qs = qs.filter(granted_competencies__competency__code=competency)
    return qs.distinct().order_by("path")


def catalogue_for_user(*, user, params, index=None) -> Catalogue:
    """The catalogue page: filtered courses with their grants and roles, and the viewer's enrolment status."""
    query = (params.get("q") or "").strip()[:100]
    area, role, competency = ((params.get(k) or "").strip()[:20] for k in ("area", "role", "competency"))
    courses = list(
        courses_search(query=query, area=area, role=role, competency=competency).prefetch_related(
            "target_roles", "granted_competencies__competency"
        )
    )
    officer = officer_for_user(user=user)
    status: dict[int, str] = {}
    if officer is not None and courses:
        for course_id, st in (
            Enrolment.objects.filter(officer=officer, course__in=[c.pk for c in courses])
            .exclude(status=Enrolment.Status.WITHDRAWN)
            .values_list("course_id", "status")
        ):
            if status.get(course_id) != Enrolment.Status.ACTIVE:
                status[course_id] = st
    for course in courses:
        course.my_status = status.get(course.pk, "")
    return Catalogue(
        courses=courses,
        query=query,
        area=area,
        role=role,
        competency=competency,
        areas=list(CompetencyArea.objects.all()),
        roles=list(DeskRole.objects.filter(is_active=True)),
        competencies=list(Competency.objects.filter(is_active=True, granting_courses__page__live=True).distinct()),
        enrolment_status=status,
    )


def live_courses() -> QuerySet[CoursePage]:
    """Published courses a leader can assign."""
    return CoursePage.objects.live().order_by("title")


def officers_assignable_by(*, viewer) -> QuerySet[Officer]:
    """Active officers a leader may assign a course to: those of the units they lead (administrators: all)."""
    return officers_visible_to(viewer=viewer).filter(is_active=True)


def officers_assignable_in_unit(*, viewer, unit) -> QuerySet[Officer]:
    """Assignable officers of a unit and every unit below it (the caller fetched the unit through units_led_by)."""
    return officers_assignable_by(viewer=viewer).filter(unit__path__startswith=unit.path)


def officers_assignable_with_role(*, viewer, role: DeskRole) -> QuerySet[Officer]:
    """Assignable officers who hold a desk role today in one of the viewer's units."""
    return officers_assignable_by(viewer=viewer).filter(
        current_assignment_q("assignments__"),
        assignments__role=role, assignments__unit__in=units_led_by(user=viewer),
    ).distinct()


def courses_editable_by(*, user) -> QuerySet[CoursePage]:
    """The courses a user may edit in the admin (Wagtail page permissions: trainers' "change" below the
    catalogue, or "add" for pages they own; administrators every course), in tree order."""
    from wagtail.permission_policies.pages import PagePermissionPolicy

    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return CoursePage.objects.filter(pk__in=pages.values("pk")).order_by("path")


# --- Whole-course review ----------------------------------------------------------------------------------------

LEAD_TRAINER_GROUP = "Lead trainer"  # created by courses/0002; its members decide course reviews


def is_lead_trainer(user) -> bool:
    """Lead trainers (and superusers) decide whole-course reviews."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or user.groups.filter(name=LEAD_TRAINER_GROUP).exists()


def can_submit_course_review(*, user, course: CoursePage) -> bool:
    """Whoever may edit the course in the admin may send its drafts for review."""
    return bool(getattr(user, "is_authenticated", False)) and course.permissions_for_user(user).can_edit()


def can_decide_course_review(*, user, review) -> bool:
    """A lead trainer decides, never on their own submission (as Wagtail's group-approval task)."""
    return is_lead_trainer(user) and review.submitted_by_id != user.pk


@dataclass
class ReviewDraft:
    """A page of a course with a draft (its latest revision) not yet live."""

    page: Page
    revision: object
    revised: Page  # the page as the revision has it


@dataclass
class PageProblems:
    """What publishing a page's draft would refuse, in words a trainer can act on."""

    page: Page
    messages: list[str]


def course_review_drafts(*, course: CoursePage) -> list[ReviewDraft]:
    """The course page and every page below it whose latest revision is not live (new pages and draft edits),
    in tree order: what "Gửi duyệt cả khóa học" sends."""
    pages = (Page.objects.filter(path__startswith=course.path, depth__gte=course.depth, has_unpublished_changes=True,
                                 latest_revision__isnull=False)
             .select_related("latest_revision").order_by("path").specific())
    return [ReviewDraft(page=p, revision=p.latest_revision, revised=p.latest_revision.as_object()) for p in pages]


def _field_label(model, name: str) -> str:
    if name == "__all__" or not name:
        return ""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a non-field error key is shown as it is
        return name


def _block_messages(error, block, value, prefix: str) -> list[str]:
    """Flatten a StreamField block error into lines a trainer can follow: "Nội dung, khối 2 (Danh sách kiểm tra),
    Tiêu đề: Trường này là bắt buộc." (positions from 1, labels from the block definitions)."""
    from wagtail import blocks

    lines: list[str] = []

    def walk(node, block, value, where: str):
        for message in node.get("messages", []) or []:
            lines.append(f"{where}: {message}")
        errors = node.get("blockErrors") or {}
        pairs = errors.items() if isinstance(errors, dict) else enumerate(errors)
        for key, child in pairs:
            if not child:
                continue
            child_block = child_value = None
            if isinstance(block, blocks.StreamBlock):
                index = int(key)
                child_block = value[index].block if value is not None and index < len(value) else None
                child_value = value[index].value if child_block is not None else None
                label = _("block %(number)s") % {"number": index + 1}
                if child_block is not None:
                    label += f" ({child_block.label})"
            elif isinstance(block, blocks.StructBlock):
                child_block = block.child_blocks.get(key)
                child_value = value.get(key) if value is not None else None
                label = str(child_block.label) if child_block is not None else str(key)
            elif isinstance(block, blocks.ListBlock):
                index = int(key)
                child_block = block.child_block
                items = list(value) if value is not None else []
                child_value = items[index] if index < len(items) else None
                label = _("item %(number)s") % {"number": index + 1}
            else:
                label = str(key)
            walk(child, child_block, child_value, f"{where}, {label}")

    data = error.as_json_data() if hasattr(error, "as_json_data") else {"messages": list(error.messages)}
    walk(data, block, value, prefix)
    return lines or [f"{prefix}: {'; '.join(error.messages)}"]


def page_publish_problems(page: Page) -> list[str]:
    """Everything publishing this page (as a revision has it) would refuse: the model's validation (required
    fields, validators, slugs — what `Page.save()` runs on a live page), each inline row's validation, and the
    StreamField blocks' required fields (which Wagtail defers when a draft is saved)."""
    from django.core.exceptions import ValidationError
    from modelcluster.models import get_all_child_relations
    from wagtail.fields import StreamField

    messages: list[str] = []
    model = type(page)
    was_live = page.live
    page.live = True
    try:
        page.full_clean()
    except ValidationError as error:
        for name, errors in error.message_dict.items():
            label = capfirst(_field_label(model, name))
            messages += [f"{label}: {e}" if label else str(e) for e in errors]
    finally:
        page.live = was_live
    for relation in get_all_child_relations(page):
        child_model = relation.related_model
        for number, child in enumerate(getattr(page, relation.get_accessor_name()).all(), start=1):
            try:
                child.full_clean(exclude=[relation.field.name], validate_unique=False)
            except ValidationError as error:
                where = f"{capfirst(child_model._meta.verbose_name)} {number}"
                for name, errors in error.message_dict.items():
                    label = _field_label(child_model, name)
                    messages += [f"{where}, {label}: {e}" if label else f"{where}: {e}" for e in errors]
    for model_field in model._meta.concrete_fields:
        if isinstance(model_field, StreamField):
            try:
                value = getattr(page, model_field.attname)
                model_field.stream_block.clean(value)
            except ValidationError as error:
                messages += _block_messages(error, model_field.stream_block, value,
                                            capfirst(model_field.verbose_name))
    return messages


def course_review_problems(*, drafts: list[ReviewDraft]) -> list[PageProblems]:
    """Every problem of every draft, by page, so the trainer fixes them all before one submission."""
    problems = []
    for draft in drafts:
        found = page_publish_problems(draft.revised)
        if found:
            problems.append(PageProblems(page=draft.page, messages=found))
    return problems


def course_reviews_visible_to(*, user) -> QuerySet:
    """Lead trainers see every review; other trainers the ones they submitted. Newest first."""
    from .models import CourseReview

    reviews = CourseReview.objects.select_related("course", "submitted_by", "decided_by").annotate(
        page_count=Count("items"))
    if is_lead_trainer(user):
        return reviews
    return reviews.filter(submitted_by=user)


@dataclass
class ReviewPage:
    """One page of a review: the revision submitted, the live version it replaces (None for a new page), and
    whether the page has moved on since (a newer draft, or the page or revision gone)."""

    item: object
    page: Page | None
    live: Page | None
    revised: Page | None
    stale: bool


def course_review_pages(*, review) -> list[ReviewPage]:
    """The pages of a review with what the reviewer compares, in tree order, in a fixed number of queries
    (items with their revisions, then the pages' specific rows, one query per page type)."""
    items = list(review.items.select_related("revision").order_by("path"))
    page_ids = [i.page_id for i in items if i.page_id]
    specific = {p.pk: p for p in Page.objects.filter(pk__in=page_ids).specific()}
    rows = []
    for item in items:
        page = specific.get(item.page_id)
        revised = live = None
        if page is not None and item.revision is not None:
            revised = page.with_content_json(item.revision.content)
            live = page if page.live else None
        stale = page is None or item.revision is None or page.latest_revision_id != item.revision_id
        rows.append(ReviewPage(item=item, page=page, live=live, revised=revised, stale=stale))
    return rows
