"""Request helpers shared by every app: the client's address behind the reverse proxy, and cache-based rate limits.

`client_ip` is the one answer to "who is asking" used by django-axes (`AXES_CLIENT_IP_CALLABLE`), the certificate
verify rate limit and the password-reset throttle. X-Forwarded-For is only believed when the request comes from
an address listed in the `TRUSTED_PROXIES` setting; anyone else could write any address into that header.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def trusted_proxy_networks() -> tuple:
    """The TRUSTED_PROXIES setting (addresses or CIDR networks) as networks; raises ValueError when malformed."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def _parse(value: str) -> IPAddress | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client that sent the request.

    Without trusted proxies (the default) this is REMOTE_ADDR, whatever the headers say. When REMOTE_ADDR is a
    trusted proxy, X-Forwarded-For is read from the right (each proxy appends the address it saw) past every
    trusted proxy; the first address that is not one is the client. Malformed entries end the walk.
    """
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return "unknown"
    networks = trusted_proxy_networks()

    def trusted(address: IPAddress) -> bool:
        return any(address in network for network in networks)

    if not networks or not trusted(remote):
        return str(remote)
    client = remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([e for e in forwarded.split(",") if e.strip()]):
        address = _parse(entry)
        if address is None:
            break
        client = address
        if not trusted(address):
            break
    return str(client)


def axes_client_ip(request) -> str | None:
    """`client_ip` for django-axes, which stores it in a GenericIPAddressField: no address (a request built by
    `Client.force_login`, a broken REMOTE_ADDR) is None there, never the word "unknown" PostgreSQL would refuse."""
    address = client_ip(request)
    return None if address == "unknown" else address


def rate_limit_hit(key: str, *, limit: int, window: int) -> bool:
    """Count one event for `key` in the shared cache; True when it is beyond `limit` events in `window` seconds.

    The window starts at the first event (a fixed window). Every process must share the cache (`CACHE_URL`,
    Redis in production), or each gunicorn worker counts on its own.
    """
    key = f"ratelimit:{key}"
    if cache.add(key, 1, window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window)
        count = 1
    return count > limit
