"""Every scope predicate agrees with its queryset twin, allowed and denied, including sibling units."""

import pytest

from people.models import Officer, Unit
from people.permissions import can_manage_people, can_view_officer, can_view_unit
from people.selectors import officers_visible_to, units_led_by, units_visible_to
from tests.people.factories import OfficerFactory, UserFactory


@pytest.fixture
def everyone(officer, other_unit_officer, leader, sibling_leader, trainer, administrator, unit_tree):
    team_member = OfficerFactory(full_name="Bùi Văn Đức", unit=unit_tree["team_a"])
    return {"officer": officer, "other": other_unit_officer, "leader": leader, "sibling_leader": sibling_leader,
            "team_member": team_member}


def viewers(everyone, trainer, administrator):
    return {
        "officer": everyone["officer"].user,
        "leader": everyone["leader"].user,
        "sibling_leader": everyone["sibling_leader"].user,
        "trainer": trainer,
        "administrator": administrator,
    }


def test_predicates_and_querysets_agree_for_every_viewer_and_record(everyone, trainer, administrator):
    officers = list(Officer.objects.all())
    units = list(Unit.objects.all())
    for viewer in viewers(everyone, trainer, administrator).values():
        visible_officers = set(officers_visible_to(viewer=viewer))
        for record in officers:
            assert can_view_officer(viewer=viewer, officer=record) == (record in visible_officers), (viewer, record)
        visible_units = set(units_visible_to(viewer=viewer))
        for unit in units:
            assert can_view_unit(viewer=viewer, unit=unit) == (unit in visible_units), (viewer, unit)


def test_leader_sees_subtree_and_not_sibling(everyone, unit_tree):
    user = everyone["leader"].user
    visible = set(officers_visible_to(viewer=user))
    assert {everyone["officer"], everyone["team_member"], everyone["leader"]} <= visible
    assert everyone["other"] not in visible and everyone["sibling_leader"] not in visible
    assert set(units_led_by(user=user)) == {unit_tree["ward_a"], unit_tree["centre_a"], unit_tree["team_a"]}
    assert not can_view_unit(viewer=user, unit=unit_tree["city"])
    assert not can_view_unit(viewer=user, unit=unit_tree["centre_b"])


def test_sibling_leader_sees_only_ward_b(everyone, unit_tree):
    user = everyone["sibling_leader"].user
    assert set(officers_visible_to(viewer=user)) == {everyone["other"], everyone["sibling_leader"]}
    assert not can_view_officer(viewer=user, officer=everyone["officer"])
    assert set(units_led_by(user=user)) == {unit_tree["ward_b"], unit_tree["centre_b"]}


def test_officer_sees_only_themselves(everyone, unit_tree):
    user = everyone["officer"].user
    assert list(officers_visible_to(viewer=user)) == [everyone["officer"]]
    assert not can_view_officer(viewer=user, officer=everyone["team_member"])
    assert not units_visible_to(viewer=user).exists()
    assert not can_view_unit(viewer=user, unit=unit_tree["team_a"])


def test_led_units_without_leader_group_give_no_scope(unit_tree, officer):
    officer.led_units.add(unit_tree["ward_a"])
    user = officer.user
    assert not can_view_unit(viewer=user, unit=unit_tree["ward_a"])
    assert not units_led_by(user=user).exists()


def test_inactive_led_unit_gives_no_scope(everyone, unit_tree):
    ward_a = unit_tree["ward_a"]
    ward_a.is_active = False
    ward_a.save()
    user = UserFactory(username="fresh_leader", groups=["Leader"])
    leader = OfficerFactory(unit=ward_a, user=user)
    leader.led_units.add(ward_a)
    assert not can_view_unit(viewer=user, unit=unit_tree["team_a"])
    assert everyone["officer"] not in set(officers_visible_to(viewer=user))


def test_administrator_sees_everything_trainer_and_anonymous_nothing(everyone, trainer, administrator, unit_tree):
    from django.contrib.auth.models import AnonymousUser

    assert set(officers_visible_to(viewer=administrator)) == set(Officer.objects.all())
    assert can_manage_people(user=administrator)
    assert not officers_visible_to(viewer=trainer).exists()
    assert not can_view_officer(viewer=trainer, officer=everyone["officer"])
    assert not can_manage_people(user=trainer) and not can_manage_people(user=everyone["leader"].user)
    anonymous = AnonymousUser()
    assert not officers_visible_to(viewer=anonymous).exists()
    assert not can_view_officer(viewer=anonymous, officer=everyone["officer"])
    assert not can_view_unit(viewer=anonymous, unit=unit_tree["city"])


def test_visible_officers_is_one_query(everyone, django_assert_num_queries):
    user = everyone["leader"].user
    user = type(user).objects.get(pk=user.pk)
    officers_visible_to(viewer=user)  # warms the per-request group and led-unit caches
    with django_assert_num_queries(1):
        rows = list(officers_visible_to(viewer=user))
        [o.unit.name for o in rows]


def test_leader_required_lets_leaders_and_administrators_in_and_nobody_else(leader, officer, trainer, administrator):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse
    from django.test import RequestFactory

    from people.permissions import can_view_leader_pages, leader_required

    @leader_required
    def page(request):
        return HttpResponse("ok")

    def call(user):
        request = RequestFactory().get("/quan-ly/x/")
        request.user = user
        return page(request)

    anonymous = call(AnonymousUser())
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    for user in (leader.user, administrator):
        assert can_view_leader_pages(user=user)
        assert call(user).content == b"ok"
    for user in (officer.user, trainer):
        assert not can_view_leader_pages(user=user)
        with pytest.raises(PermissionDenied):
            call(user)
