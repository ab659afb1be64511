"""The leaders' "My units" pages: scope (allowed and denied), content, filters, search and query bounds."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.people.factories import DeskRoleFactory, OfficerFactory, RoleAssignmentFactory, UserFactory


@pytest.fixture
def roles(db):
    return {
        "TN": DeskRoleFactory(code="TN", name_vi="Công chức tiếp nhận và trả kết quả", sort_order=1),
        "HD": DeskRoleFactory(code="HD", name_vi="Người hướng dẫn / hỗ trợ", sort_order=2),
        "QL": DeskRoleFactory(code="QL", name_vi="Giám đốc / Phó Giám đốc Trung tâm", sort_order=4),
    }


@pytest.fixture
def staffed(unit_tree, roles, officer, other_unit_officer, leader):
    """Ward A: the officer (TN) in team A, a guide (HD, formerly TN) in centre A, a director (QL) in centre A."""
    RoleAssignmentFactory(officer=officer, role=roles["TN"])
    guide = OfficerFactory(full_name="Đặng Thị Ngọc Ánh", unit=unit_tree["centre_a"])
    RoleAssignmentFactory(officer=guide, role=roles["HD"], start_date=dt.date(2026, 1, 1))
    RoleAssignmentFactory(officer=guide, role=roles["TN"], start_date=dt.date(2025, 7, 1), end_date=dt.date(2025, 12, 31))
    director = OfficerFactory(full_name="Võ Quốc Bảo", unit=unit_tree["centre_a"])
    RoleAssignmentFactory(officer=director, role=roles["QL"])
    RoleAssignmentFactory(officer=other_unit_officer, role=roles["TN"])
    return {"guide": guide, "director": director}


def _units_url():
    return reverse("dashboards:units")


def _unit_url(unit):
    return reverse("dashboards:unit", args=[unit.pk])


@pytest.mark.django_db
class TestAccess:
    def test_anonymous_is_sent_to_login(self, client, unit_tree):
        for url in (_units_url(), _unit_url(unit_tree["ward_a"])):
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))

    def test_officer_gets_403(self, client, officer, unit_tree):
        client.force_login(officer.user)
        assert client.get(_units_url()).status_code == 403
        assert client.get(_unit_url(unit_tree["team_a"])).status_code == 403

    def test_trainer_gets_403(self, client, trainer, unit_tree):
        client.force_login(trainer)
        assert client.get(_units_url()).status_code == 403
        assert client.get(_unit_url(unit_tree["ward_a"])).status_code == 403

    def test_leader_opens_units_in_their_subtree(self, client, leader, unit_tree):
        client.force_login(leader.user)
        assert client.get(_units_url()).status_code == 200
        for key in ("ward_a", "centre_a", "team_a"):
            assert client.get(_unit_url(unit_tree[key])).status_code == 200

    def test_leader_gets_404_outside_their_subtree(self, client, leader, sibling_leader, unit_tree):
        client.force_login(leader.user)
        for key in ("ward_b", "centre_b", "city"):
            assert client.get(_unit_url(unit_tree[key])).status_code == 404
        assert client.get(reverse("dashboards:unit", args=[999999])).status_code == 404

    def test_sibling_leader_cannot_see_ward_a(self, client, sibling_leader, unit_tree):
        client.force_login(sibling_leader.user)
        assert client.get(_unit_url(unit_tree["ward_a"])).status_code == 404
        assert client.get(_unit_url(unit_tree["centre_b"])).status_code == 200
        html = client.get(_units_url()).content.decode()
        assert "UBND phường Bình Quới" in html
        assert "UBND phường Gia Định" not in html

    def test_leader_cannot_widen_scope_with_the_unit_filter(self, client, leader, staffed, unit_tree):
        client.force_login(leader.user)
        response = client.get(_unit_url(unit_tree["ward_a"]), {"unit": unit_tree["centre_b"].pk})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Trần Văn Hùng" not in html  # the other unit's officer
        assert "Nguyễn Thị Lan" in html  # the out-of-scope filter is ignored, not obeyed

    def test_administrator_sees_every_unit(self, client, administrator, unit_tree, sibling_leader):
        client.force_login(administrator)
        html = client.get(_units_url()).content.decode()
        assert "Thành phố Hồ Chí Minh" in html
        assert client.get(_unit_url(unit_tree["centre_b"])).status_code == 200

    def test_pages_are_read_only(self, client, leader, unit_tree):
        client.force_login(leader.user)
        assert client.post(_units_url()).status_code == 405
        assert client.post(_unit_url(unit_tree["ward_a"])).status_code == 405


@pytest.mark.django_db
class TestUnitsPage:
    def test_counts_per_unit_and_role_roll_up_the_tree(self, client, leader, staffed, unit_tree):
        client.force_login(leader.user)
        response = client.get(_units_url())
        trees = response.context["trees"]
        assert [t.root for t in trees] == [unit_tree["ward_a"]]
        rows = {row.unit.code: row for row in trees[0].rows}
        assert list(rows) == ["WARDA", "WARDA-TT", "WARDA-TT-1"]
        # ward A: the leader himself + officer + guide + director
        assert rows["WARDA"].officers_subtree == 4
        assert rows["WARDA-TT"].officers_subtree == 3
        assert rows["WARDA-TT-1"].officers_subtree == 1
        roles = response.context["roles"]
        codes = [r.code for r in roles]
        tn, hd, ql = codes.index("TN"), codes.index("HD"), codes.index("QL")
        # The guide's ended TN assignment does not count; the other ward's TN does not either.
        assert rows["WARDA"].role_cells[tn] == 1
        assert rows["WARDA"].role_cells[hd] == 1
        assert rows["WARDA"].role_cells[ql] == 1
        assert rows["WARDA-TT-1"].role_cells == [1 if c == "TN" else 0 for c in codes]

    def test_page_links_each_unit(self, client, leader, staffed, unit_tree):
        client.force_login(leader.user)
        html = client.get(_units_url()).content.decode()
        for key in ("ward_a", "centre_a", "team_a"):
            assert f'href="{_unit_url(unit_tree[key])}"' in html

    def test_leader_without_units_sees_an_empty_state(self, client, unit_tree):
        lone = OfficerFactory(unit=unit_tree["ward_a"], user=UserFactory(username="lone", groups=["Leader"]))
        client.force_login(lone.user)
        response = client.get(_units_url())
        assert response.status_code == 200
        assert response.context["trees"] == []
        assert "empty-state" in response.content.decode()

    def test_query_count_does_not_grow_with_officers(self, client, leader, staffed, unit_tree, roles,
                                                      django_assert_max_num_queries):
        client.force_login(leader.user)
        client.get(_units_url())  # warm the session
        with django_assert_max_num_queries(13):
            client.get(_units_url())
        for _ in range(30):
            extra = OfficerFactory(unit=unit_tree["team_a"])
            RoleAssignmentFactory(officer=extra, role=roles["TN"])
        with django_assert_max_num_queries(13):
            response = client.get(_units_url())
        rows = {row.unit.code: row for row in response.context["trees"][0].rows}
        assert rows["WARDA"].officers_subtree == 34


@pytest.mark.django_db
class TestUnitPage:
    def test_lists_officers_of_the_subtree_with_current_roles(self, client, leader, staffed, unit_tree):
        client.force_login(leader.user)
        response = client.get(_unit_url(unit_tree["ward_a"]))
        names = [o.full_name for o in response.context["officers"]]
        # Sorted by given name (tên): Ánh, Bảo, Đức, Lan
        assert names == ["Đặng Thị Ngọc Ánh", "Võ Quốc Bảo", "Lê Minh Đức", "Nguyễn Thị Lan"]
        guide = next(o for o in response.context["officers"] if o.full_name == "Đặng Thị Ngọc Ánh")
        assert [a.role.code for a in guide.current_assignments] == ["HD"]
        html = response.content.decode()
        assert "Trần Văn Hùng" not in html
        assert "Người hướng dẫn / hỗ trợ" in html

    def test_sub_unit_shows_only_its_own_subtree(self, client, leader, staffed, unit_tree):
        client.force_login(leader.user)
        response = client.get(_unit_url(unit_tree["team_a"]))
        assert [o.full_name for o in response.context["officers"]] == ["Nguyễn Thị Lan"]

    def test_filter_by_unit(self, client, leader, staffed, unit_tree):
        client.force_login(leader.user)
        response = client.get(_unit_url(unit_tree["ward_a"]), {"unit": unit_tree["centre_a"].pk})
        assert {o.full_name for o in response.context["officers"]} == {
            "Đặng Thị Ngọc Ánh", "Võ Quốc Bảo", "Nguyễn Thị Lan"
        }

    def test_filter_by_current_role(self, client, leader, staffed, unit_tree):
        client.force_login(leader.user)
        response = client.get(_unit_url(unit_tree["ward_a"]), {"role": "TN"})
        # The guide held TN only until 31/12/2025: not a current holder.
        assert [o.full_name for o in response.context["officers"]] == ["Nguyễn Thị Lan"]
        response = client.get(_unit_url(unit_tree["ward_a"]), {"role": "QL"})
        assert [o.full_name for o in response.context["officers"]] == ["Võ Quốc Bảo"]

    @pytest.mark.parametrize("query", ["ngoc anh", "NGỌC ÁNH", "dang thi", "Đặng"])
    def test_search_ignores_diacritics_and_case(self, client, leader, staffed, unit_tree, query):
        client.force_login(leader.user)
        response = client.get(_unit_url(unit_tree["ward_a"]), {"q": query})
        assert [o.full_name for o in response.context["officers"]] == ["Đặng Thị Ngọc Ánh"]

    def test_search_by_employee_code(self, client, leader, staffed, unit_tree):
        client.force_login(leader.user)
        code = staffed["director"].employee_code
        response = client.get(_unit_url(unit_tree["ward_a"]), {"q": code.lower()})
        assert [o.employee_code for o in response.context["officers"]] == [code]

    def test_no_match_shows_an_empty_state_with_a_way_back(self, client, leader, staffed, unit_tree):
        client.force_login(leader.user)
        response = client.get(_unit_url(unit_tree["ward_a"]), {"q": "khong ai ten nay"})
        html = response.content.decode()
        assert "empty-state" in html
        assert f'href="{_unit_url(unit_tree["ward_a"])}"' in html

    def test_unknown_filter_values_are_ignored(self, client, leader, staffed, unit_tree):
        client.force_login(leader.user)
        response = client.get(_unit_url(unit_tree["ward_a"]), {"unit": "abc", "role": "ZZ", "page": "x"})
        assert response.status_code == 200
        assert len(response.context["officers"]) == 4

    def test_paginated_and_bounded_in_queries(self, client, leader, staffed, unit_tree, roles,
                                               django_assert_max_num_queries):
        for _ in range(60):
            extra = OfficerFactory(unit=unit_tree["team_a"])
            RoleAssignmentFactory(officer=extra, role=roles["TN"])
            RoleAssignmentFactory(officer=extra, role=roles["HD"])
        client.force_login(leader.user)
        client.get(_unit_url(unit_tree["ward_a"]))
        with django_assert_max_num_queries(15):
            response = client.get(_unit_url(unit_tree["ward_a"]))
        page = response.context["page_obj"]
        assert page.paginator.count == 64
        assert len(page.object_list) == 25
        assert page.paginator.num_pages == 3
        with django_assert_max_num_queries(15):
            last = client.get(_unit_url(unit_tree["ward_a"]), {"page": 3, "role": "TN"})
        assert last.context["page_obj"].number == 3
        assert "role=TN" in last.content.decode()  # pagination links keep the filters
