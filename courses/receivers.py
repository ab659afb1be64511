"""Listeners that keep enrolments and search text in step with people/ and with publishing. Connected in apps.ready()."""

from wagtail.signals import page_published, page_unpublished

from people.signals import evidence_revoked, role_assignments_changed, role_requirements_changed


def on_role_assignments_changed(sender, officer_ids, **kwargs):
    from .services import enrolments_sync_required

    enrolments_sync_required(officer_ids=officer_ids)


def on_role_requirements_changed(sender, role_ids, **kwargs):
    from .services import enrolments_sync_required

    enrolments_sync_required(role_ids=role_ids)


def on_evidence_revoked(sender, officer_ids, **kwargs):
    from .services import enrolments_retrain

    enrolments_retrain(officer_ids=officer_ids)


def on_page_published(sender, instance, **kwargs):
    from .models import CoursePage, LessonPage, ModulePage, course_path_prefix
    from .services import course_search_text_refresh, enrolments_sync_for_course

    if isinstance(instance, CoursePage):
        enrolments_sync_for_course(course=instance)
    elif isinstance(instance, ModulePage | LessonPage):
        course_search_text_refresh(course_path=course_path_prefix(instance))


def on_page_unpublished(sender, instance, **kwargs):
    from .models import LessonPage, ModulePage, course_path_prefix
    from .services import course_search_text_refresh

    if isinstance(instance, ModulePage | LessonPage):
        course_search_text_refresh(course_path=course_path_prefix(instance))


def connect() -> None:
    role_assignments_changed.connect(on_role_assignments_changed, dispatch_uid="courses.role_assignments_changed")
    role_requirements_changed.connect(on_role_requirements_changed, dispatch_uid="courses.role_requirements_changed")
    evidence_revoked.connect(on_evidence_revoked, dispatch_uid="courses.evidence_revoked")
    page_published.connect(on_page_published, dispatch_uid="courses.page_published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="courses.page_unpublished")
