"""Who is asking: the client's address, read from X-Forwarded-For only behind a trusted proxy.

``REMOTE_ADDR`` is the address of whoever opened the TCP connection. Behind a reverse proxy that is
the proxy, and the client's address is in ``X-Forwarded-For``, a header any client can also send.
So the header is read only when the connection comes from an address listed in
``settings.TRUSTED_PROXIES`` (addresses or networks, from DJANGO_TRUSTED_PROXIES; empty by default,
when the header is ignored). Each proxy appends the address it saw, so the header is read from the
right: the first address that is not itself a trusted proxy is the client. What a client wrote
on the left of the header is never used.

Throttles (``config.throttles``) and the log-in lock-out (``config.auth``) key on this address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def parse_networks(entries) -> tuple[ipaddress._BaseNetwork, ...]:
    """The networks of a list of addresses and CIDRs; ValueError names a bad entry."""
    return _networks(tuple(entries))


def _address(text: str):
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The client's address as a string (``"unknown"`` when there is none)."""
    if request is None:
        return UNKNOWN
    remote = request.META.get("REMOTE_ADDR") or ""
    networks = parse_networks(getattr(settings, "TRUSTED_PROXIES", ()))
    if not networks or not _trusted(_address(remote), networks):
        return remote or UNKNOWN
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:  # garbage in the chain: stop trusting it here
            break
        if not _trusted(address, networks):
            return str(address)
    # Only proxies in the chain (or no header): the nearest address we can vouch for.
    return remote or UNKNOWN
