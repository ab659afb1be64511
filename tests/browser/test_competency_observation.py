"""A leader records a desk observation on a phone (390 px): from the officer's competency profile, the rubric
cards, the date, the notes; the officer then sees it on their profile and acknowledges it."""

import pytest
from django.urls import reverse

from people.models import Observation, ObservationComment
from tests.browser.conftest import PHONE, screenshot
from tests.dashboards.conftest import competency_world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "matkhau-Demo-2026"  # tests.people.factories.UserFactory


def log_in(page, username):
    page.goto(page.base_url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_leader_records_an_observation_at_phone_width(page, leader, officer, competency_world):  # noqa: F811
    page.set_viewport_size(PHONE)
    log_in(page, "leader")
    page.goto(page.base_url + reverse("dashboards:officer-competencies", args=[officer.pk]))
    assert page.locator("h1").inner_text().strip() == officer.full_name
    screenshot(page, "competency-profile-leader")
    page.set_viewport_size(PHONE)

    # CN03 is "chưa đạt": observe it from its card.
    card = page.locator("li.competency", has_text="CN03")
    with page.expect_navigation(url=f"**{reverse('dashboards:observation-new')}**", timeout=30_000):
        card.get_by_role("link", name="Quan sát tại quầy").click()
    page.wait_for_load_state("networkidle")
    page.locator("h2").first.wait_for(timeout=30_000)
    assert page.locator("h2").first.inner_text().startswith("CN03")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing overflows sideways
    page.locator("label.rubric__card", has_text="CN03: tự thực hiện đúng quy trình").click()
    page.fill("textarea[name=notes]", "Tra cứu hồ sơ trên Hệ thống thông tin giải quyết TTHC thành thạo.")
    screenshot(page, "observation-form")
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Lưu kết quả quan sát").click()
    page.wait_for_load_state("networkidle")

    assert "Đã ghi nhận kết quả quan sát" in page.locator(".messages").inner_text()
    observation = Observation.objects.get(competency__code="CN03")
    assert (observation.level, observation.observer_id, observation.officer_id) == (2, leader.user.pk, officer.pk)
    assert page.url.endswith(reverse("dashboards:observation", args=[observation.pk]))
    screenshot(page, "observation-detail-leader")

    # The officer sees it on their profile (CN03 now met) and acknowledges it.
    page.context.clear_cookies()
    log_in(page, "officer")
    page.goto(page.base_url + reverse("dashboards:my-competencies"))
    cn03 = page.locator("li.competency", has_text="CN03").first
    assert "Đạt" in cn03.locator(".status").inner_text()
    screenshot(page, "competency-profile-officer")
    page.set_viewport_size(PHONE)
    page.goto(page.base_url + reverse("dashboards:observation", args=[observation.pk]))
    page.locator("label.choice-card", has_text="Tôi xác nhận").click()
    page.fill("textarea[name=text]", "Em cảm ơn anh.")
    page.get_by_role("button", name="Gửi").click()
    page.wait_for_load_state("networkidle")
    assert ObservationComment.objects.get().kind == "acknowledge"
    assert "Em cảm ơn anh." in page.content()
