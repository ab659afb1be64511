"""Authoring: trainers draft and submit, lead trainers approve and publish; officers never see drafts."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.models import CoursePage
from tests.courses.factories import catalogue
from tests.people.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_trainer(db):
    return UserFactory(username="lead", groups=["Trainer", "Lead trainer"], is_staff=False)


def _draft_course(trainer) -> CoursePage:
    index = catalogue()
    course = CoursePage(title="Bảo vệ dữ liệu cá nhân tại quầy", slug="bao-ve-du-lieu", live=False)
    index.add_child(instance=course)
    course.save_revision(user=trainer)
    return course


def test_trainer_may_add_and_edit_but_not_publish_directly(trainer, lead_trainer):
    index = catalogue()
    trainer_perms = index.permissions_for_user(trainer)
    assert trainer_perms.can_add_subpage() and trainer_perms.can_edit()
    assert not trainer_perms.can_publish()
    assert index.permissions_for_user(lead_trainer).can_publish()


def test_officer_has_no_authoring_rights(officer):
    perms = catalogue().permissions_for_user(officer.user)
    assert not perms.can_add_subpage() and not perms.can_edit() and not perms.can_publish()


def test_trainer_opens_the_page_editor(client, trainer, officer):
    client.force_login(trainer)
    url = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", catalogue().pk])
    assert client.get(url).status_code == 200
    client.force_login(officer.user)
    assert client.get(url).status_code in (302, 403)


def test_submit_approve_publish_and_drafts_stay_hidden(client, trainer, lead_trainer, officer):
    course = _draft_course(trainer)
    workflow = course.get_workflow()
    assert workflow is not None and workflow.name == "Duyệt khóa học"
    state = workflow.start(course, trainer)
    task_state = state.current_task_state
    group = Group.objects.get(name="Lead trainer")
    assert list(task_state.task.specific.groups.all()) == [group]
    # The trainer who submitted cannot approve; the lead trainer can.
    assert "approve" not in [a[0] for a in task_state.task.specific.get_actions(course, trainer)]
    assert "approve" in [a[0] for a in task_state.task.specific.get_actions(course, lead_trainer)]

    client.force_login(officer.user)
    assert client.get("/khoa-hoc/bao-ve-du-lieu/").status_code == 404
    assert "Bảo vệ dữ liệu cá nhân" not in client.get(catalogue().url).content.decode()

    task_state.approve(user=lead_trainer)
    course.refresh_from_db()
    assert course.live
    assert client.get(course.url).status_code == 200

    # A later draft edit is not shown until it is approved again.
    course.title = "Tiêu đề bản nháp mới"
    course.save_revision(user=trainer)
    assert "Tiêu đề bản nháp mới" not in client.get(course.url).content.decode()
