"""The client address behind the reverse proxy (lms.http.client_ip) and the shared-cache rate limit, as used by
django-axes, the certificate verify rate limit and the password-reset throttle."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from lms.http import axes_client_ip, client_ip, rate_limit_hit

PROXY = "10.0.0.2"


def request(remote="203.0.113.9", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


class TestClientIp:
    def test_without_trusted_proxies_the_header_is_ignored(self, settings):
        settings.TRUSTED_PROXIES = []
        assert client_ip(request(PROXY, "198.51.100.7")) == PROXY
        assert client_ip(request("203.0.113.9", "1.1.1.1")) == "203.0.113.9"

    def test_behind_a_trusted_proxy_the_forwarded_client_is_used(self, settings):
        settings.TRUSTED_PROXIES = [PROXY]
        assert client_ip(request(PROXY, "198.51.100.7")) == "198.51.100.7"
        assert client_ip(request(PROXY)) == PROXY  # the proxy's own health check

    def test_a_spoofed_left_part_is_not_believed(self, settings):
        """The proxy appends what it saw; whatever the client wrote in front of it is the client's own claim."""
        settings.TRUSTED_PROXIES = [PROXY]
        assert client_ip(request(PROXY, "127.0.0.1, 198.51.100.7")) == "198.51.100.7"

    def test_an_untrusted_sender_cannot_choose_its_address(self, settings):
        settings.TRUSTED_PROXIES = [PROXY]
        assert client_ip(request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"

    def test_chains_of_trusted_proxies_and_networks(self, settings):
        settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
        assert client_ip(request("10.1.2.3", "198.51.100.7, 10.9.9.9")) == "198.51.100.7"
        assert client_ip(request("2001:db8::1", "2001:db8:ffff::5, [2001:db8::2]:443")) == "2001:db8:ffff::5"
        assert client_ip(request("10.1.2.3", "198.51.100.7:5123")) == "198.51.100.7"

    def test_malformed_entries_stop_the_walk(self, settings):
        settings.TRUSTED_PROXIES = [PROXY]
        assert client_ip(request(PROXY, "198.51.100.7, not-an-ip")) == PROXY
        assert client_ip(request(PROXY, " , ")) == PROXY
        assert client_ip(request("")) == "unknown"
        assert axes_client_ip(request("")) is None
        assert axes_client_ip(request("203.0.113.7")) == "203.0.113.7"


def test_rate_limit_counts_in_a_window():
    assert [rate_limit_hit("t:k", limit=3, window=60) for _ in range(5)] == [False, False, False, True, True]
    assert rate_limit_hit("t:other", limit=3, window=60) is False


@pytest.mark.django_db
class TestLoginThrottleBehindTheProxy:
    """django-axes reads the client address through lms.http.client_ip (AXES_CLIENT_IP_CALLABLE)."""

    def _fail(self, client, forwarded, times=5):
        for _ in range(times):
            response = client.post(reverse("login"), {"username": "officer", "password": "sai"},
                                   REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
        return response

    def _login(self, client, forwarded):
        return client.post(reverse("login"), {"username": "officer", "password": "matkhau-Demo-2026"},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    def test_with_trusted_proxies_each_visitor_is_locked_on_their_own(self, client, officer, settings):
        settings.TRUSTED_PROXIES = [PROXY]
        assert self._fail(client, "198.51.100.7").status_code == 429
        assert self._login(client, "198.51.100.7").status_code == 429
        # The same officer at another desk, through the same proxy, is not locked out by the attacker.
        assert self._login(client, "198.51.100.8").status_code == 302

    def test_without_it_everyone_behind_the_proxy_is_one_address(self, client, officer, settings):
        settings.TRUSTED_PROXIES = []
        assert self._fail(client, "198.51.100.7").status_code == 429
        assert self._login(client, "198.51.100.8").status_code == 429


@pytest.mark.django_db
class TestVerifyRateLimitBehindTheProxy:
    def _spend(self, client, forwarded):
        from certificates.views import VERIFY_RATE_LIMIT

        url = reverse("certificates:verify-code", args=["nothing-here"])
        for _ in range(VERIFY_RATE_LIMIT):
            assert client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code == 404
        return client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    def test_with_trusted_proxies_the_limit_is_per_visitor(self, client, settings):
        settings.TRUSTED_PROXIES = [PROXY]
        assert self._spend(client, "198.51.100.7") == 429
        url = reverse("certificates:verify-code", args=["nothing-here"])
        assert client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 404

    def test_without_it_the_proxy_address_is_limited(self, client, settings):
        settings.TRUSTED_PROXIES = []
        assert self._spend(client, "198.51.100.7") == 429
        url = reverse("certificates:verify-code", args=["nothing-here"])
        assert client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 429
