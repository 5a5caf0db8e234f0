from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from django.conf import settings
from django.http import HttpRequest

from synergy.core.models import User


class AuthedRequest(HttpRequest):
    """A request that passed login_required: ``user`` is a real User."""

    user: User


@functools.cache
def _networks(items: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in items)


def _is_proxy(
    address: IPv4Address | IPv6Address, networks: Iterable[IPv4Network | IPv6Network]
) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The address the audit trail records for ``request``.

    The connecting address, unless it is one of the TRUSTED_PROXIES: then the nearest address
    in X-Forwarded-For that is not a trusted proxy. Each proxy appends the address it received
    the request from, so the entries left of the first untrusted one may be made up by the
    client and are never read."""
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not remote:
        return remote
    try:
        if not _is_proxy(ipaddress.ip_address(remote), networks):
            return remote
    except ValueError:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a malformed header: keep the address we know
        if not _is_proxy(address, networks):
            return str(address)
    return remote
