from __future__ import annotations

import pytest
from django.test import RequestFactory

from dxdesk.lib.network import client_ip


def request_from(remote: str, forwarded: str | None = None) -> object:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_it_believes_only_the_peer_without_a_trusted_proxy(settings: object) -> None:
    settings.TRUSTED_PROXY_COUNT = 0  # type: ignore[attr-defined]
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_it_takes_the_address_our_proxy_saw(settings: object) -> None:
    settings.TRUSTED_PROXY_COUNT = 1  # type: ignore[attr-defined]
    # The client wrote the first entry itself; our proxy appended the second.
    request = request_from("10.0.0.2", "1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_it_counts_two_proxies_from_the_right(settings: object) -> None:
    settings.TRUSTED_PROXY_COUNT = 2  # type: ignore[attr-defined]
    request = request_from("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.1")
    assert client_ip(request) == "198.51.100.7"


def test_it_falls_back_to_the_peer_when_the_header_is_short(settings: object) -> None:
    settings.TRUSTED_PROXY_COUNT = 2  # type: ignore[attr-defined]
    assert client_ip(request_from("10.0.0.2", "198.51.100.7")) == "10.0.0.2"


@pytest.mark.parametrize("bad", ["", "not-an-address", "1.2.3.4; DROP TABLE"])
def test_it_answers_none_for_what_is_not_an_address(bad: str) -> None:
    assert client_ip(request_from(bad)) is None


def test_it_writes_ipv6_in_its_short_form() -> None:
    assert client_ip(request_from("2001:0db8:0000:0000:0000:0000:0000:0001")) == "2001:db8::1"
