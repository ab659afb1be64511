from people.permissions import can_view_officer, can_view_unit
from people.selectors import officers_visible_to, units_led_by


def test_leader_sees_subtree_but_not_sibling(officer, other_unit_officer, leader, unit_tree):
    user = leader.user
    assert can_view_officer(viewer=user, officer=officer)
    assert not can_view_officer(viewer=user, officer=other_unit_officer)
    visible = set(officers_visible_to(viewer=user))
    assert officer in visible and other_unit_officer not in visible
    assert can_view_unit(viewer=user, unit=unit_tree["team_a"])
    assert not can_view_unit(viewer=user, unit=unit_tree["ward_b"])
    assert set(units_led_by(user=user)) == {unit_tree["ward_a"], unit_tree["centre_a"], unit_tree["team_a"]}
