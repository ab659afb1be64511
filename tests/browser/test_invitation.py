"""An imported officer follows the invitation e-mail, chooses a password in Chromium and logs in."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from people.services import officer_invite
from tests.browser.conftest import screenshot
from tests.people.factories import OfficerFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_invited_officer_sets_a_password_and_logs_in(page, live_server, settings):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    user = UserFactory(username="cb00777", groups=["Officer"])
    user.set_unusable_password()
    user.save()
    officer = OfficerFactory(user=user, employee_code="CB00777", full_name="Huỳnh Thanh Tâm",
                             email="tam.huynh@example.vn",
                             unit=UnitFactory(code="BQ-TT", name="Trung tâm PVHCC phường Bình Quới"))

    assert officer_invite(officer=officer)
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(live_server.url)

    page.goto(link)
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/set-password/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.fill("input[name=new_password1]", "Tiep-nhan-ho-so-2026")
    page.fill("input[name=new_password2]", "Tiep-nhan-ho-so-2026")
    screenshot(page, "invitation-set-password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.removeprefix(live_server.url) == reverse("password_reset_complete")

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "cb00777")
    page.fill("input[name=password]", "Tiep-nhan-ho-so-2026")
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.removeprefix(live_server.url).split("?")[0] == reverse("courses:my-learning")

    # The link was for one use only.
    page.context.clear_cookies()
    page.goto(link)
    page.wait_for_load_state("networkidle")
    assert page.locator("input[name=new_password1]").count() == 0
