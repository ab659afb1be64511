"""Desk observations: who may record them, validation, evidence and expiry, comments, withdrawal."""

import datetime as dt

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from people import services
from people.models import Attainment, Observation, ObservationComment
from tests.people.factories import (
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleAssignmentFactory,
    RoleRequirementFactory,
    UserFactory,
)

NEW = reverse_lazy("dashboards:observation-new")  # lazy: no URLconf import at collection


@pytest.fixture
def gt02(db):
    return CompetencyFactory(code="GT02", name_vi="Giao tiếp với người dân", level_1="Chào hỏi lịch sự.",
                             level_2="Lắng nghe, giải thích rõ ràng.", level_3="Xử lý tình huống khó.")


@pytest.fixture
def director(unit_tree):
    """Holds the centre director's role (QL) in centre A, without leading any unit."""
    director = OfficerFactory(full_name="Võ Quốc Bảo", unit=unit_tree["centre_a"],
                              user=UserFactory(username="director", groups=["Officer"]))
    RoleAssignmentFactory(officer=director, role=DeskRoleFactory(code="QL", name_vi="Giám đốc Trung tâm"))
    return director


def post(client, officer, competency, **data):
    payload = {"officer": officer.pk, "competency": competency.pk, "level": 2,
               "observed_on": timezone.localdate().isoformat(), "notes": "Giải thích rõ ràng."}
    payload.update(data)
    return client.post(NEW, payload)


@pytest.mark.django_db
class TestWhoMayObserve:
    def test_leader_in_scope_records_and_lands_on_the_observation(self, client, leader, officer, gt02):
        client.force_login(leader.user)
        page = client.get(NEW, {"officer": officer.pk, "competency": gt02.pk})
        assert page.status_code == 200
        html = page.content.decode()
        assert "Lắng nghe, giải thích rõ ràng." in html and 'type="radio"' in html
        response = post(client, officer, gt02)
        observation = Observation.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("dashboards:observation", args=[observation.pk])
        assert (observation.officer, observation.observer, observation.level) == (officer, leader.user, 2)
        evidence = Attainment.objects.get(observation=observation)
        assert evidence.kind == Attainment.Kind.OBSERVATION and evidence.level == 2
        assert evidence.recorded_by == leader.user

    def test_steps_pick_officer_then_competency(self, client, leader, officer, other_unit_officer, gt02):
        client.force_login(leader.user)
        html = client.get(NEW).content.decode()
        assert officer.full_name in html and other_unit_officer.full_name not in html
        assert leader.full_name not in html.split('id="f-officer"')[1].split("</select>")[0]
        html = client.get(NEW, {"officer": officer.pk}).content.decode()
        assert "GT02" in html

    def test_sibling_leader_gets_404(self, client, sibling_leader, officer, gt02):
        client.force_login(sibling_leader.user)
        assert client.get(NEW, {"officer": officer.pk}).status_code == 404
        assert post(client, officer, gt02).status_code == 404
        assert not Observation.objects.exists()

    def test_leader_cannot_observe_themselves(self, client, leader, gt02):
        client.force_login(leader.user)
        assert client.get(NEW, {"officer": leader.pk}).status_code == 403
        assert post(client, leader, gt02).status_code == 403
        assert not services.can_observe(leader.user, leader)
        with pytest.raises(PermissionDenied):
            services.observation_record(observer=leader.user, officer=leader, competency=gt02, level=2,
                                        observed_on=timezone.localdate())

    def test_officer_and_trainer_get_403(self, client, officer, other_unit_officer, trainer, gt02):
        for user in (officer.user, trainer):
            client.force_login(user)
            assert client.get(NEW).status_code == 403
            assert post(client, other_unit_officer, gt02).status_code == 403
        assert not Observation.objects.exists()

    def test_centre_director_observes_officers_of_their_centre(self, client, director, officer,
                                                                other_unit_officer, gt02):
        assert services.can_observe(director.user, officer)  # team A is inside centre A
        assert not services.can_observe(director.user, other_unit_officer)
        assert not services.can_observe(director.user, director)
        client.force_login(director.user)
        assert post(client, officer, gt02).status_code == 302
        assert post(client, other_unit_officer, gt02).status_code == 404

    def test_anonymous_goes_to_login(self, client, officer, gt02):
        response = post(client, officer, gt02)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
class TestValidation:
    def test_future_date_is_refused(self, client, leader, officer, gt02):
        client.force_login(leader.user)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        response = post(client, officer, gt02, observed_on=tomorrow.isoformat())
        assert response.status_code == 400
        assert "Ngày quan sát không được sau ngày hôm nay." in response.content.decode()
        assert not Observation.objects.exists()

    @pytest.mark.parametrize("level", ["0", "4", "abc", ""])
    def test_level_out_of_range_is_refused(self, client, leader, officer, gt02, level):
        client.force_login(leader.user)
        assert post(client, officer, gt02, level=level).status_code == 400
        assert not Observation.objects.exists()
        with pytest.raises(ValidationError):
            services.observation_record(observer=leader.user, officer=officer, competency=gt02, level=level or 9,
                                        observed_on=timezone.localdate())

    def test_huge_notes_are_refused(self, client, leader, officer, gt02):
        client.force_login(leader.user)
        assert post(client, officer, gt02, notes="x" * 5000).status_code == 400
        assert not Observation.objects.exists()

    def test_script_in_notes_is_shown_as_text(self, client, leader, officer, gt02):
        client.force_login(leader.user)
        post(client, officer, gt02, notes='<script>alert("x")</script>\nDòng hai')
        observation = Observation.objects.get()
        for user in (leader.user, officer.user):
            client.force_login(user)
            html = client.get(reverse("dashboards:observation", args=[observation.pk])).content.decode()
            assert '<script>alert("x")</script>' not in html
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html

    def test_unknown_competency_or_garbage_ids_give_404_not_500(self, client, leader, officer):
        client.force_login(leader.user)
        assert client.get(NEW, {"officer": officer.pk, "competency": 999999}).status_code == 404
        assert client.get(NEW, {"officer": 999999}).status_code == 404
        assert client.get(NEW, {"officer": "abc"}).status_code == 200

    def test_double_post_records_one_observation(self, client, leader, officer, gt02):
        client.force_login(leader.user)
        first = post(client, officer, gt02)
        second = post(client, officer, gt02)
        assert Observation.objects.count() == 1 and Attainment.objects.filter(observation__isnull=False).count() == 1
        assert first.url == second.url


@pytest.mark.django_db
class TestExpiry:
    def test_strictest_validity_of_the_roles_requiring_it(self, leader, officer, gt02):
        tn, hd = DeskRoleFactory(code="TN"), DeskRoleFactory(code="HD")
        RoleRequirementFactory(role=tn, competency=gt02, level=1, validity_months=24)
        RoleRequirementFactory(role=hd, competency=gt02, level=2, validity_months=12)
        RoleAssignmentFactory(officer=officer, role=tn)
        RoleAssignmentFactory(officer=officer, role=hd)
        day = timezone.localdate() - dt.timedelta(days=3)
        observation = services.observation_record(observer=leader.user, officer=officer, competency=gt02, level=2,
                                                  observed_on=day)
        assert observation.attainment.expires_on == day + relativedelta(months=12)

    def test_24_months_when_no_role_requires_it(self, leader, officer, gt02):
        day = timezone.localdate()
        observation = services.observation_record(observer=leader.user, officer=officer, competency=gt02, level=1,
                                                  observed_on=day)
        assert observation.attainment.expires_on == day + relativedelta(months=24)


@pytest.fixture
def observation(leader, officer, gt02):
    return services.observation_record(observer=leader.user, officer=officer, competency=gt02, level=2,
                                       observed_on=timezone.localdate(), notes="Tốt.")


def detail(observation):
    return reverse("dashboards:observation", args=[observation.pk])


@pytest.mark.django_db
class TestViewAndComment:
    def test_who_sees_the_observation(self, client, observation, officer, leader, sibling_leader,
                                      other_unit_officer, administrator, trainer):
        for user, status in ((officer.user, 200), (leader.user, 200), (administrator, 200),
                             (sibling_leader.user, 404), (other_unit_officer.user, 404), (trainer, 404)):
            client.force_login(user)
            assert client.get(detail(observation)).status_code == status, user

    def test_officer_sees_it_on_the_profile(self, client, officer, observation):
        client.force_login(officer.user)
        html = client.get(reverse("dashboards:my-competencies")).content.decode()
        assert detail(observation) in html

    def test_officer_acknowledges(self, client, officer, observation):
        client.force_login(officer.user)
        url = reverse("dashboards:observation-comment", args=[observation.pk])
        response = client.post(url, {"kind": "acknowledge", "text": "Em cảm ơn anh."})
        assert response.status_code == 302
        client.post(url, {"kind": "acknowledge", "text": "Em cảm ơn anh."})  # sent twice: stored once
        comment = ObservationComment.objects.get()
        assert (comment.author, comment.kind, comment.text) == (officer.user, "acknowledge", "Em cảm ơn anh.")
        assert "Em cảm ơn anh." in client.get(detail(observation)).content.decode()

    def test_disagree_needs_a_text(self, client, officer, observation):
        client.force_login(officer.user)
        url = reverse("dashboards:observation-comment", args=[observation.pk])
        assert client.post(url, {"kind": "disagree", "text": ""}).status_code == 400
        assert client.post(url, {"kind": "nonsense"}).status_code == 400
        assert not ObservationComment.objects.exists()
        assert client.post(url, {"kind": "disagree", "text": "Hôm đó hệ thống bị lỗi."}).status_code == 302
        assert ObservationComment.objects.get().kind == "disagree"

    def test_only_the_observed_officer_comments(self, client, leader, observation, other_unit_officer):
        url = reverse("dashboards:observation-comment", args=[observation.pk])
        client.force_login(leader.user)
        assert client.post(url, {"kind": "acknowledge"}).status_code == 403
        client.force_login(other_unit_officer.user)
        assert client.post(url, {"kind": "acknowledge"}).status_code == 404
        with pytest.raises(PermissionDenied):
            services.observation_comment(observation=observation, author=leader.user, kind="acknowledge", text="")
        assert not ObservationComment.objects.exists()

    def test_get_on_the_post_urls_is_not_allowed(self, client, officer, observation):
        client.force_login(officer.user)
        assert client.get(reverse("dashboards:observation-comment", args=[observation.pk])).status_code == 405
        assert client.get(reverse("dashboards:observation-withdraw", args=[observation.pk])).status_code == 405


@pytest.mark.django_db
class TestWithdraw:
    def test_observer_withdraws_within_7_days(self, client, leader, officer, observation):
        client.force_login(leader.user)
        url = reverse("dashboards:observation-withdraw", args=[observation.pk])
        assert client.post(url, {"reason": ""}).status_code == 400
        with time_machine.travel(observation.created_at + dt.timedelta(days=6, hours=23)):
            client.force_login(leader.user)  # sessions expire sooner than a week
            response = client.post(url, {"reason": "Nhầm cán bộ."})
        assert response.status_code == 302
        observation.refresh_from_db()
        assert observation.withdrawn_at is not None and observation.withdrawn_reason == "Nhầm cán bộ."
        evidence = Attainment.objects.get(observation=observation)
        assert evidence.revoked_at is not None and evidence.revoked_reason == "Nhầm cán bộ."
        # Withdrawing twice changes nothing.
        assert client.post(url, {"reason": "Lần hai"}).status_code == 302
        observation.refresh_from_db()
        assert observation.withdrawn_reason == "Nhầm cán bộ."
        client.force_login(officer.user)
        rows = client.get(reverse("dashboards:my-competencies")).context["profile"].observations
        assert rows[0].withdrawn_at is not None

    def test_not_after_7_days(self, client, leader, observation):
        client.force_login(leader.user)
        url = reverse("dashboards:observation-withdraw", args=[observation.pk])
        with time_machine.travel(observation.created_at + dt.timedelta(days=7, minutes=1)):
            client.force_login(leader.user)  # sessions expire sooner than a week
            assert not services.can_withdraw_observation(user=leader.user, observation=observation)
            response = client.post(url, {"reason": "Quá hạn."})
            assert response.status_code == 400
            assert "7" in response.content.decode()
        observation.refresh_from_db()
        assert observation.withdrawn_at is None
        assert Attainment.objects.get(observation=observation).revoked_at is None

    def test_only_the_observer(self, client, officer, administrator, observation):
        url = reverse("dashboards:observation-withdraw", args=[observation.pk])
        for user in (officer.user, administrator):
            client.force_login(user)
            assert client.post(url, {"reason": "Không được."}).status_code == 403
        observation.refresh_from_db()
        assert observation.withdrawn_at is None
