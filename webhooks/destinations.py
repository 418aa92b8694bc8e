"""Where Samen may send a webhook: the guard against server-side request forgery.

A webhook makes Samen's server send a request to an address an organisation chose. Without a guard,
an admin could point it at the server's own network (a database, a cloud metadata service at
169.254.169.254) and use the delivery page's status codes to probe it. So the host is resolved and
every address it resolves to must be public; the check runs when the endpoint is saved and again at
every delivery (DNS can change in between), and the delivery connects to the address that was checked,
so a second lookup cannot swap it (DNS rebinding).

In development (DEBUG) and in tests that set WEBHOOKS_ALLOW_PRIVATE, private and loopback addresses and
plain http are allowed, so a receiver on the same machine can be tried out.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class Refused(Exception):
    """The URL may not be used; the message says why, for people."""


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str
    port: int
    path: str  # with the query string
    address: str  # the checked IP address to connect to


def allow_private() -> bool:
    return bool(settings.DEBUG or getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to; a literal address is returned as it is."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(_("Samen cannot find the host “%(host)s”.") % {"host": host}) from error
    return sorted({str(info[4][0]) for info in infos})


def check(url: str) -> Destination:
    """The destination of `url` if Samen may send to it, or Refused with the reason."""
    parts = urlsplit(url)
    private_ok = allow_private()
    allowed_schemes = {"https", "http"} if private_ok else {"https"}
    if parts.scheme not in allowed_schemes:
        raise Refused(_("The URL must start with https://."))
    if not parts.hostname:
        raise Refused(_("The URL has no host."))
    if parts.username or parts.password:
        raise Refused(_("The URL may not contain a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise Refused(_("The URL has an invalid port.")) from error
    addresses = resolve(parts.hostname, port)
    if not private_ok:
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise Refused(
                _("The host resolves to an address that is not public (%(address)s); Samen does not send there.")
                % {"address": refused[0]}
            )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(scheme=parts.scheme, host=parts.hostname, port=port, path=path, address=addresses[0])
