"""Accounts: log in and out, password change and reset by e-mail, the login throttle, the layout around them."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from tests.people.factories import UserFactory


def vi(msgid: str) -> str:
    """The Vietnamese text the page shows for an English msgid (our catalogs are merged into locale/vi)."""
    with translation.override("vi"):
        return translation.gettext(msgid)


PASSWORD = "matkhau-Demo-2026"  # the factories' password


def _login(client, username, password=PASSWORD, next_url=None, ip="127.0.0.1"):
    data = {"username": username, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("login"), data, REMOTE_ADDR=ip)


@pytest.mark.django_db
class TestLoginLogout:
    def test_login_page_is_vietnamese(self, client):
        response = client.get(reverse("login"))
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="vi">' in html
        assert vi("Log in") in html
        assert vi("Employee code or username") in html
        assert 'autocomplete="current-password"' in html

    def test_browser_english_preference_does_not_override_vietnamese(self, client):
        response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert '<html lang="vi">' in response.content.decode()

    def test_officer_logs_in_with_employee_code(self, client, officer):
        response = _login(client, "officer")
        assert response.status_code == 302
        assert response.url == reverse("home")
        assert client.session.get("_auth_user_id") == str(officer.user.pk)

    def test_wrong_password_is_refused_with_a_vietnamese_message(self, client, officer):
        response = _login(client, "officer", "sai-mat-khau")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
        assert 'role="alert"' in response.content.decode()

    def test_login_honours_a_safe_next_url_only(self, client, leader):
        response = _login(client, "leader", next_url=reverse("dashboards:units"))
        assert response.url == reverse("dashboards:units")
        client.post(reverse("logout"))
        response = _login(client, "leader", next_url="https://evil.example/")
        assert response.url == reverse("home")

    def test_logout_is_post_only(self, client, officer):
        client.force_login(officer.user)
        assert client.get(reverse("logout")).status_code == 405
        assert "_auth_user_id" in client.session
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        assert response.url == reverse("login")
        assert "_auth_user_id" not in client.session

    def test_layout_logout_button_is_a_csrf_protected_form(self, client, officer):
        client.force_login(officer.user)
        html = client.get(reverse("password_change")).content.decode()
        logout_url = reverse("logout")
        form = re.search(rf'<form method="post" action="{logout_url}">(.*?)</form>', html, re.S)
        assert form is not None
        assert "csrfmiddlewaretoken" in form.group(1)


@pytest.mark.django_db
class TestPasswordChange:
    def test_change_requires_login(self, client):
        response = client.get(reverse("password_change"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_officer_changes_password(self, client, officer):
        client.force_login(officer.user)
        page = client.get(reverse("password_change"))
        assert vi("Change password") in page.content.decode()
        response = client.post(reverse("password_change"), {
            "old_password": PASSWORD, "new_password1": "Mot-cua-2027!", "new_password2": "Mot-cua-2027!",
        })
        assert response.status_code == 302
        assert response.url == reverse("password_change_done")
        officer.user.refresh_from_db()
        assert officer.user.check_password("Mot-cua-2027!")

    def test_wrong_old_password_keeps_the_old_one(self, client, officer):
        client.force_login(officer.user)
        response = client.post(reverse("password_change"), {
            "old_password": "khong-dung", "new_password1": "Mot-cua-2027!", "new_password2": "Mot-cua-2027!",
        })
        assert response.status_code == 200
        assert "field-error" in response.content.decode()
        officer.user.refresh_from_db()
        assert officer.user.check_password(PASSWORD)


@pytest.mark.django_db
class TestPasswordReset:
    def test_reset_mail_is_vietnamese_and_its_link_sets_a_new_password(self, client, officer):
        response = client.post(reverse("password_reset"), {"email": officer.user.email})
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [officer.user.email]
        assert message.subject == vi("One-Stop Academy: reset your password")
        assert vi("Your username: %(username)s") % {"username": "officer"} in message.body
        assert vi("Hello %(name)s,") % {"name": "Nguyễn Thị Lan"} in message.body
        link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)

        response = client.get(link)  # Django swaps the token for a session marker and redirects
        assert response.status_code == 302
        form_url = response.url
        page = client.get(form_url)
        assert vi("Choose a new password") in page.content.decode()
        response = client.post(form_url, {"new_password1": "Hoc-tap-2027!", "new_password2": "Hoc-tap-2027!"})
        assert response.status_code == 302
        assert response.url == reverse("password_reset_complete")
        officer.user.refresh_from_db()
        assert officer.user.check_password("Hoc-tap-2027!")

        # The link works once.
        client.logout()
        used = client.get(link, follow=True)
        assert vi("This link can no longer be used") in used.content.decode()

    def test_unknown_address_sends_nothing_and_reveals_nothing(self, client, officer):
        response = client.post(reverse("password_reset"), {"email": "khong-co@example.vn"})
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
        assert mail.outbox == []


@pytest.mark.django_db
class TestLoginThrottle:
    """django-axes: 5 failures lock that username from that address; the cool-off lifts the lock."""

    def _fail(self, client, times, username="officer", ip="10.0.0.5"):
        for _ in range(times):
            response = client.post(
                reverse("login"), {"username": username, "password": "sai"}, REMOTE_ADDR=ip
            )
        return response

    def test_four_failures_do_not_lock(self, client, officer):
        self._fail(client, 4)
        response = _login(client, "officer", ip="10.0.0.5")
        assert response.status_code == 302
        assert "_auth_user_id" in client.session

    def test_five_failures_lock_even_the_right_password(self, client, officer):
        response = self._fail(client, 5)
        assert response.status_code == 429
        html = response.content.decode()
        assert vi("Account temporarily locked") in html
        assert vi("Please try again in %(minutes)s minutes.") % {"minutes": 15} in html

        response = _login(client, "officer", ip="10.0.0.5")
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_lock_is_per_username_and_address(self, client, officer, other_unit_officer):
        self._fail(client, 5)
        # Another officer from the same office address can still log in…
        assert _login(client, "other", ip="10.0.0.5").status_code == 302
        client.post(reverse("logout"))
        # …and the locked officer can from another address.
        assert _login(client, "officer", ip="10.0.0.99").status_code == 302

    def test_lock_lifts_after_the_cool_off(self, client, officer, settings):
        self._fail(client, 5)
        assert _login(client, "officer", ip="10.0.0.5").status_code == 429
        cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
        AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(seconds=1))
        response = _login(client, "officer", ip="10.0.0.5")
        assert response.status_code == 302
        assert "_auth_user_id" in client.session

    def test_unknown_usernames_are_throttled_too(self, client, db):
        response = self._fail(client, 5, username="khongtontai")
        assert response.status_code == 429


@pytest.mark.django_db
class TestLayout:
    def test_anonymous_layout_has_skip_link_language_switch_and_no_menu(self, client):
        html = client.get(reverse("login")).content.decode()
        assert 'class="skip-link" href="#main"' in html
        assert 'id="main"' in html
        assert f'action="{reverse("set_language")}"' in html
        assert 'data-menu' not in html

    def test_officer_menu_has_no_leader_or_admin_entries(self, client, officer):
        client.force_login(officer.user)
        html = client.get(reverse("password_change")).content.decode()
        assert "Nguyễn Thị Lan" in html
        assert reverse("dashboards:units") not in html
        assert 'href="/admin/"' not in html

    def test_leader_menu_has_my_units(self, client, leader):
        client.force_login(leader.user)
        html = client.get(reverse("password_change")).content.decode()
        assert f'href="{reverse("dashboards:units")}"' in html
        assert vi("My units") in html
        assert 'href="/admin/"' not in html

    @pytest.mark.parametrize("fixture", ["trainer", "administrator"])
    def test_trainer_and_administrator_menus_link_to_the_admin(self, client, request, fixture):
        user = request.getfixturevalue(fixture)
        client.force_login(user)
        html = client.get(reverse("password_change")).content.decode()
        assert 'href="/admin/"' in html
        assert vi("Administration") in html

    def test_user_without_officer_record_is_named_in_vietnamese_order(self, client, trainer):
        trainer.first_name, trainer.last_name = "Ngọc", "Trần Thị Bích"
        trainer.save()
        client.force_login(trainer)
        html = client.get(reverse("password_change")).content.decode()
        assert "Trần Thị Bích Ngọc" in html

    def test_error_pages_use_the_layout(self, client, officer, unit_tree):
        client.force_login(officer.user)
        denied = client.get(reverse("dashboards:units"))
        assert denied.status_code == 403
        assert vi("Access denied") in denied.content.decode()
        assert 'class="skip-link"' in denied.content.decode()
        missing = client.get("/trang-khong-ton-tai/")
        assert missing.status_code == 404
        assert vi("Page not found") in missing.content.decode()

    def test_current_page_is_marked(self, client, leader):
        client.force_login(leader.user)
        html = client.get(reverse("dashboards:units")).content.decode()
        assert f'href="{reverse("dashboards:units")}" aria-current="page"' in html

    def test_language_switch_turns_the_page_english_and_back(self, client, officer):
        client.force_login(officer.user)
        response = client.post(reverse("set_language"), {"language": "en", "next": reverse("password_change")})
        assert response.status_code == 302
        html = client.get(reverse("password_change")).content.decode()
        assert '<html lang="en">' in html
        assert "Change password" in html
        client.post(reverse("set_language"), {"language": "vi", "next": "/"})
        assert '<html lang="vi">' in client.get(reverse("password_change")).content.decode()

    def test_messages_are_shown(self, client, officer):
        client.force_login(officer.user)
        client.post(reverse("password_change"), {
            "old_password": PASSWORD, "new_password1": "Mot-cua-2027!", "new_password2": "Mot-cua-2027!",
        })
        html = client.get(reverse("password_change_done")).content.decode()
        assert "alert-success" in html


@pytest.mark.django_db
class TestHomeRedirects:
    def test_anonymous_goes_to_login(self, client):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_leader_goes_to_my_units(self, client, leader):
        client.force_login(leader.user)
        assert client.get(reverse("home")).url == reverse("dashboards:units")

    @pytest.mark.parametrize("fixture", ["trainer", "administrator"])
    def test_trainer_and_administrator_go_to_the_admin(self, client, request, fixture):
        client.force_login(request.getfixturevalue(fixture))
        assert client.get(reverse("home")).url == "/admin/"

    def test_officer_goes_to_my_learning(self, client, officer):
        client.force_login(officer.user)
        assert client.get(reverse("home")).url == reverse("courses:my-learning")

    def test_user_without_officer_record_or_group_sees_the_welcome(self, client, db):
        user = UserFactory(username="khach")
        client.force_login(user)
        response = client.get(reverse("home"))
        assert response.status_code == 200
        assert vi("Welcome to One-Stop Academy") in response.content.decode()


@pytest.mark.django_db
class TestPasswordResetThrottle:
    """30 requests used to send 30 e-mails: now a few per address and per client address in an hour."""

    def _ask(self, client, email, ip="10.0.0.5"):
        return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)

    def test_one_address_gets_a_few_mails_then_the_same_neutral_page(self, client, officer, settings):
        limit = settings.LMS_PASSWORD_RESET_PER_ADDRESS
        for n in range(limit + 5):
            response = self._ask(client, officer.user.email.upper() if n % 2 else officer.user.email,
                                 ip=f"10.0.1.{n}")
            assert response.status_code == 302 and response.url == reverse("password_reset_done")
        assert len(mail.outbox) == limit

    def test_one_client_is_told_to_wait(self, client, officer, other_unit_officer, settings):
        settings.LMS_PASSWORD_RESET_PER_ADDRESS = 100
        limit = settings.LMS_PASSWORD_RESET_PER_CLIENT
        for n in range(limit):
            assert self._ask(client, f"khong-co-{n}@example.vn").status_code == 302
        response = self._ask(client, officer.user.email)
        assert response.status_code == 429
        assert vi("Too many password reset requests from your connection. Please wait a while and try again.") \
            in response.content.decode()
        assert mail.outbox == []
        # Another client address is not affected.
        assert self._ask(client, other_unit_officer.user.email, ip="10.0.0.6").status_code == 302
        assert len(mail.outbox) == 1
