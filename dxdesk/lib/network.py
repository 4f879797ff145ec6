"""Where a request came from, believing proxy headers only as far as settings say."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, or None when it is unknown or malformed.

    REMOTE_ADDR is the peer that connected to us. With `TRUSTED_PROXY_COUNT` proxies of
    our own in front, each of them appended the address it saw to X-Forwarded-For, so
    the client is that many entries from the right; anything further left was written
    by the client and proves nothing.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return ipaddress.ip_address(address).compressed
    except ValueError:
        return None
