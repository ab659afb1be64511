import datetime as dt

import pytest
from django.urls import reverse

from people import signals
from people.models import Officer, RoleAssignment, RoleRequirement, Unit
from tests.people.factories import (
    AttainmentFactory,
    CompetencyFactory,
    DeskRoleFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
    UserFactory,
)

LISTINGS = ["unit", "officer", "deskrole", "roleassignment", "competencyarea", "competency", "rolerequirement",
            "attainment"]


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def people_data(officer, other_unit_officer):
    role = DeskRoleFactory(code="TN", name_vi="Công chức tiếp nhận và trả kết quả")
    RoleAssignmentFactory(officer=officer, role=role)
    requirement = RoleRequirementFactory(role=role, competency=CompetencyFactory(code="NV01"))
    AttainmentFactory(officer=officer, competency=requirement.competency)
    return {"role": role, "requirement": requirement}


@pytest.mark.parametrize("model", LISTINGS)
def test_listings_render_for_an_administrator(admin_client, people_data, model, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = admin_client.get(reverse(f"wagtailsnippets_people_{model}:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", LISTINGS)
def test_add_forms_render_for_an_administrator(admin_client, people_data, model):
    assert admin_client.get(reverse(f"wagtailsnippets_people_{model}:add")).status_code == 200


def test_unit_listing_is_indented_by_depth(admin_client, unit_tree):
    content = admin_client.get(reverse("wagtailsnippets_people_unit:list")).content.decode()
    assert "└ Tổ tiếp nhận số 1" in content
    positions = [content.index(f'id="snippet_{unit_tree[key].pk}_title"') for key in
                 ("city", "ward_a", "centre_a", "team_a", "ward_b", "centre_b")]
    assert positions == sorted(positions)


def test_unit_listing_filters_by_parent(admin_client, unit_tree):
    response = admin_client.get(reverse("wagtailsnippets_people_unit:list"),
                                {"parent": unit_tree["ward_b"].pk})
    content = response.content.decode()
    assert "Trung tâm PVHCC phường Bình Quới" in content and "Tổ tiếp nhận số 1" not in content


def test_officer_search_ignores_diacritics(admin_client, officer, other_unit_officer):
    response = admin_client.get(reverse("wagtailsnippets_people_officer:list"), {"q": "nguyen thi"})
    content = response.content.decode()
    assert "Nguyễn Thị Lan" in content and "Trần Văn Hùng" not in content
    response = admin_client.get(reverse("wagtailsnippets_people_officer:list"), {"q": "Hùng"})
    assert "Trần Văn Hùng" in response.content.decode()


def test_officer_filter_by_unit_includes_subtree(admin_client, officer, other_unit_officer, unit_tree):
    response = admin_client.get(reverse("wagtailsnippets_people_officer:list"), {"unit": unit_tree["ward_a"].pk})
    content = response.content.decode()
    assert "Nguyễn Thị Lan" in content and "Trần Văn Hùng" not in content


def test_officer_edit_shows_assignments(admin_client, people_data, officer):
    response = admin_client.get(reverse("wagtailsnippets_people_officer:edit", args=[officer.pk]))
    assert "Công chức tiếp nhận và trả kết quả" in response.content.decode()


def test_nothing_can_be_deleted(admin_client, people_data, officer, unit_tree, superuser_client=None):
    for model, pk in [("officer", officer.pk), ("unit", unit_tree["team_a"].pk),
                      ("rolerequirement", people_data["requirement"].pk)]:
        url = reverse(f"wagtailsnippets_people_{model}:delete", args=[pk])
        assert admin_client.get(url).status_code in (302, 403)
        assert admin_client.post(url).status_code in (302, 403)
    assert Officer.objects.filter(pk=officer.pk).exists()
    assert Unit.objects.filter(pk=unit_tree["team_a"].pk).exists()
    assert RoleRequirement.objects.filter(pk=people_data["requirement"].pk).exists()


def test_superuser_cannot_delete_either(client, officer):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    url = reverse("wagtailsnippets_people_officer:delete", args=[officer.pk])
    client.post(url)
    assert Officer.objects.filter(pk=officer.pk).exists()


def test_officer_cannot_open_the_people_admin(client, officer):
    client.force_login(officer.user)
    response = client.get(reverse("wagtailsnippets_people_officer:list"))
    assert response.status_code in (302, 403)


def test_trainer_views_competencies_but_cannot_edit_or_see_officers(client, trainer, people_data):
    client.force_login(trainer)
    assert client.get(reverse("wagtailsnippets_people_competency:list")).status_code == 200
    assert client.get(reverse("wagtailsnippets_people_deskrole:list")).status_code == 200
    competency = people_data["requirement"].competency
    assert client.get(reverse("wagtailsnippets_people_competency:inspect", args=[competency.pk])).status_code == 200
    response = client.get(reverse("wagtailsnippets_people_competency:edit", args=[competency.pk]))
    assert response.status_code in (302, 403)
    assert client.get(reverse("wagtailsnippets_people_officer:list")).status_code in (302, 403)


def test_moving_a_unit_in_the_admin_updates_the_subtree(admin_client, unit_tree):
    centre_a = unit_tree["centre_a"]
    url = reverse("wagtailsnippets_people_unit:edit", args=[centre_a.pk])
    data = {
        "code": centre_a.code, "kind": centre_a.kind, "name": centre_a.name, "parent": unit_tree["ward_b"].pk,
        "valid_from": "", "is_active": "on", "note": "",
        "former_names-TOTAL_FORMS": "1", "former_names-INITIAL_FORMS": "0", "former_names-MIN_NUM_FORMS": "0",
        "former_names-MAX_NUM_FORMS": "1000",
        "former_names-0-name": "Bộ phận một cửa phường 1", "former_names-0-valid_from": "",
        "former_names-0-valid_until": "30/06/2025", "former_names-0-id": "", "former_names-0-ORDER": "1",
        "former_names-0-DELETE": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    unit_tree["team_a"].refresh_from_db()
    assert unit_tree["team_a"].path == "/HCM/WARDB/WARDA-TT/WARDA-TT-1/"
    assert centre_a.former_names.get().valid_until == dt.date(2025, 6, 30)


def test_creating_an_officer_in_the_admin_creates_the_login(admin_client, unit_tree):
    response = admin_client.post(reverse("wagtailsnippets_people_officer:add"), {
        "full_name": "Võ  Quốc Bảo", "employee_code": "cb777", "unit": unit_tree["centre_a"].pk,
        "email": "BAO@example.vn", "phone": "", "is_active": "on", "led_units": [unit_tree["centre_a"].pk],
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    officer = Officer.objects.get(employee_code="CB777")
    assert officer.full_name == "Võ Quốc Bảo" and officer.user.username == "cb777"
    assert officer.email == "bao@example.vn"
    assert set(officer.user.groups.values_list("name", flat=True)) == {"Officer", "Leader"}
    assert list(officer.led_units.all()) == [unit_tree["centre_a"]]


def _capture(signal):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signal.connect(receiver, weak=False)
    return received, lambda: signal.disconnect(receiver)


def test_saving_an_assignment_in_the_admin_notifies_courses(
    admin_client, officer, unit_tree, django_capture_on_commit_callbacks
):
    role = DeskRoleFactory(code="HD")
    received, stop = _capture(signals.role_assignments_changed)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse("wagtailsnippets_people_roleassignment:add"), {
                "officer": officer.pk, "role": role.pk, "unit": unit_tree["team_a"].pk,
                "start_date": "01/07/2025", "end_date": "",
            })
    finally:
        stop()
    assert response.status_code == 302, response.content.decode()[:3000]
    assert RoleAssignment.objects.filter(officer=officer, role=role).exists()
    assert received == [{"signal": signals.role_assignments_changed, "officer_ids": [officer.pk]}]


def test_assignment_end_before_start_is_refused(admin_client, officer, unit_tree):
    role = DeskRoleFactory(code="HD")
    response = admin_client.post(reverse("wagtailsnippets_people_roleassignment:add"), {
        "officer": officer.pk, "role": role.pk, "unit": unit_tree["team_a"].pk,
        "start_date": "01/07/2025", "end_date": "01/06/2025",
    })
    assert response.status_code == 200 and not RoleAssignment.objects.exists()


def test_saving_a_requirement_in_the_admin_notifies_courses(admin_client, db, django_capture_on_commit_callbacks):
    role, competency = DeskRoleFactory(code="TL"), CompetencyFactory(code="GT01")
    received, stop = _capture(signals.role_requirements_changed)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse("wagtailsnippets_people_rolerequirement:add"), {
                "role": role.pk, "competency": competency.pk, "level": "2", "validity_months": "24",
                "confirm_impact": "on",
            })
    finally:
        stop()
    assert response.status_code == 302, response.content.decode()[:3000]
    assert received == [{"signal": signals.role_requirements_changed, "role_ids": [role.pk]}]


def test_a_new_requirement_shows_its_impact_before_it_is_saved(admin_client, officer, other_unit_officer,
                                                               django_capture_on_commit_callbacks):
    """Issue 12 item 5: "adding GT04 level 2 to TN affects N officers, M lack it", then save on confirmation."""
    import datetime as dt

    from django.utils import translation

    from tests.people.factories import AttainmentFactory, RoleAssignmentFactory

    role, competency = DeskRoleFactory(code="TN"), CompetencyFactory(code="GT04")
    for person in (officer, other_unit_officer):
        RoleAssignmentFactory(officer=person, role=role, unit=person.unit, start_date=dt.date(2025, 7, 1))
    AttainmentFactory(officer=officer, competency=competency, level=2, achieved_on=dt.date(2025, 9, 1))
    data = {"role": role.pk, "competency": competency.pk, "level": "2", "validity_months": "24"}
    url = reverse("wagtailsnippets_people_rolerequirement:add")
    with translation.override("vi"), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200 and not RoleRequirement.objects.exists() and not callbacks
    assert "GT04 mức 2 cho TN ảnh hưởng 2 công chức" in response.content.decode()
    assert "1 người chưa đạt" in response.content.decode()
    response = admin_client.post(url, {**data, "level": "3"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert "2 người chưa đạt" in response.content.decode()  # level 3: nobody holds it
    response = admin_client.post(url, {**data, "confirm_impact": "on"})
    assert response.status_code == 302 and RoleRequirement.objects.get().level == 2


def test_bulk_delete_is_refused_even_for_a_superuser(client, officer, unit_tree):
    client.force_login(UserFactory(username="root2", is_superuser=True, is_staff=True))
    url = reverse("wagtail_bulk_action", args=("people", "officer", "delete")) + f"?id={officer.pk}"
    client.post(url)
    empty = Unit.objects.create(code="EMPTY", name="Tổ trống", kind=Unit.Kind.TEAM, parent=unit_tree["centre_b"])
    url = reverse("wagtail_bulk_action", args=("people", "unit", "delete")) + f"?id={empty.pk}"
    client.post(url)
    assert Officer.objects.filter(pk=officer.pk).exists()
    assert Unit.objects.filter(pk=empty.pk).exists()


def test_officer_chooser_searches_without_diacritics(admin_client, officer, other_unit_officer):
    response = admin_client.get(reverse("wagtailsnippetchoosers_people_officer:choose_results"), {"q": "nguyen"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Thị Lan" in content and "Trần Văn Hùng" not in content


def test_unit_chooser_searches_by_name_and_code(admin_client, unit_tree):
    response = admin_client.get(reverse("wagtailsnippetchoosers_people_unit:choose_results"), {"q": "WARDB"})
    content = response.content.decode()
    assert "UBND phường Bình Quới" in content and "UBND phường Gia Định" not in content


def test_assignment_dates_are_shown_as_day_month_year(admin_client, people_data):
    content = admin_client.get(reverse("wagtailsnippets_people_roleassignment:list")).content.decode()
    assert "01/07/2025" in content


def test_editing_a_unit_saves_it_once_with_its_former_names(admin_client, unit_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    team = unit_tree["team_a"]
    data = {
        "code": team.code, "kind": team.kind, "name": "Tổ tiếp nhận số 1 (mới)", "parent": team.parent_id,
        "valid_from": "", "is_active": "on", "note": "",
        "former_names-TOTAL_FORMS": "1", "former_names-INITIAL_FORMS": "0", "former_names-MIN_NUM_FORMS": "0",
        "former_names-MAX_NUM_FORMS": "1000", "former_names-0-name": "Tổ một cửa", "former_names-0-valid_from": "",
        "former_names-0-valid_until": "", "former_names-0-id": "", "former_names-0-ORDER": "1",
        "former_names-0-DELETE": "",
    }
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(reverse("wagtailsnippets_people_unit:edit", args=[team.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    unit_updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "people_unit"')]
    assert len(unit_updates) == 1
    team.refresh_from_db()
    assert team.name == "Tổ tiếp nhận số 1 (mới)" and [n.name for n in team.former_names.all()] == ["Tổ một cửa"]


def test_creating_an_inactive_officer_and_editing_what_they_lead(admin_client, unit_tree):
    admin_client.post(reverse("wagtailsnippets_people_officer:add"), {
        "full_name": "Đặng Thu Hà", "employee_code": "cb778", "unit": unit_tree["team_a"].pk,
        "email": "", "phone": "", "led_units": [],
    })
    officer = Officer.objects.get(employee_code="CB778")
    assert officer.is_active is False and not officer.led_units.exists()
    response = admin_client.post(reverse("wagtailsnippets_people_officer:edit", args=[officer.pk]), {
        "full_name": "Đặng Thu Hằng", "employee_code": "CB778", "unit": unit_tree["team_a"].pk,
        "email": "hang@example.vn", "phone": "", "is_active": "on", "led_units": [unit_tree["team_a"].pk],
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    officer = Officer.objects.select_related("user").get(pk=officer.pk)
    assert officer.is_active and officer.user.first_name == "Hằng" and officer.user.email == "hang@example.vn"
    assert list(officer.led_units.all()) == [unit_tree["team_a"]]
    assert "Leader" in set(officer.user.groups.values_list("name", flat=True))


def test_evidence_is_never_edited_in_place_only_revoked_with_a_reason(admin_client, officer, administrator):
    from people.models import Attainment

    attainment = AttainmentFactory(officer=officer, level=2)
    url = reverse("wagtailsnippets_people_attainment:edit", args=[attainment.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="revoked_reason"' in html and 'name="level"' not in html and 'name="achieved_on"' not in html

    # A forged post of the other fields changes nothing; without a reason nothing is revoked.
    assert admin_client.post(url, {"level": "3", "achieved_on": "01/01/2020", "revoked_reason": " "}).status_code == 200
    attainment.refresh_from_db()
    assert (attainment.level, attainment.achieved_on, attainment.revoked_at) == (2, dt.date(2026, 1, 15), None)

    response = admin_client.post(url, {"level": "3", "revoked_reason": "Nhập nhầm mức"})
    assert response.status_code == 302
    attainment.refresh_from_db()
    assert attainment.level == 2 and attainment.revoked_at is not None
    assert attainment.revoked_reason == "Nhập nhầm mức" and attainment.revoked_by == administrator
    assert Attainment.objects.filter(officer=officer).count() == 1

    # Revoked evidence stays as history: its edit screen sends to the read-only view.
    again = admin_client.get(url)
    assert again.status_code == 302
    assert again.url == reverse("wagtailsnippets_people_attainment:inspect", args=[attainment.pk])
