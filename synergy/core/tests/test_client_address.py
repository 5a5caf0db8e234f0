"""The audit trail records the client's address: behind a trusted reverse proxy the one it
forwards, otherwise the connecting one (a client cannot choose what is recorded)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, SimpleTestCase, override_settings

from synergy.core.context import current_ip
from synergy.core.http import client_address
from synergy.core.middleware import RequestContextMiddleware
from synergy.core.tests.test_settings import load_settings


def request(remote: str, forwarded: str | None = None) -> HttpRequest:
    req = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        req.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return req


class ClientAddressTests(SimpleTestCase):
    def test_without_trusted_proxies_the_header_is_ignored(self) -> None:
        self.assertEqual(client_address(request("203.0.113.9", "198.51.100.7")), "203.0.113.9")

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8::1"])
    def test_behind_a_trusted_proxy_it_takes_the_forwarded_client(self) -> None:
        self.assertEqual(client_address(request("10.0.0.5", "203.0.113.9")), "203.0.113.9")
        self.assertEqual(
            client_address(request("2001:db8::1", "2001:db8:ffff::42")), "2001:db8:ffff::42"
        )

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_it_reads_from_the_right_and_never_what_the_client_wrote(self) -> None:
        # The client wrote 198.51.100.7 itself; the outer proxy saw it come from 203.0.113.9
        # and an inner proxy (10.0.0.9) forwarded the request to the one connecting here.
        chain = "198.51.100.7, 203.0.113.9, 10.0.0.9"
        self.assertEqual(client_address(request("10.0.0.5", chain)), "203.0.113.9")

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_an_untrusted_sender_or_a_bad_header_keeps_the_connecting_address(self) -> None:
        self.assertEqual(client_address(request("203.0.113.9", "198.51.100.7")), "203.0.113.9")
        self.assertEqual(client_address(request("10.0.0.5", "not-an-address")), "10.0.0.5")
        self.assertEqual(client_address(request("10.0.0.5")), "10.0.0.5")
        self.assertEqual(client_address(request("10.0.0.5", "10.0.0.7")), "10.0.0.5")

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_the_services_see_the_client_address(self) -> None:
        seen: list[str | None] = []

        def view(req: HttpRequest) -> HttpResponse:
            seen.append(current_ip.get())
            return HttpResponse()

        RequestContextMiddleware(view)(request("10.0.0.5", "203.0.113.9"))
        self.assertEqual(seen, ["203.0.113.9"])
        self.assertIsNone(current_ip.get())


class TrustedProxiesSettingTests(SimpleTestCase):
    def test_it_names_a_bad_entry(self) -> None:
        result = load_settings(DEBUG="1", TRUSTED_PROXIES="10.0.0.0/8, proxy.local")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(
            "TRUSTED_PROXIES: 'proxy.local' is not an IP address or network", result.stderr
        )

    def test_it_reads_addresses_and_networks(self) -> None:
        result = load_settings(
            "print(s.TRUSTED_PROXIES)", DEBUG="1", TRUSTED_PROXIES="10.0.0.0/8, ::1"
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "['10.0.0.0/8', '::1']")
