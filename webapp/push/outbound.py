"""Connections to push services: HTTPS to public addresses only, checked where it connects.

A subscription's endpoint is an address a browser (or someone posing as one) handed us, so
without care the server could be made to POST to itself or to its private network. Each new
connection resolves the push service's name once, refuses it unless every address the name
resolves to is public, connects to one of those very addresses and checks the peer it got; a
name that answers differently a moment later (DNS rebinding) can't move a connection already
checked. TLS still sends the name (SNI) and verifies the certificate for it, and Host stays
the name. Redirects are never followed and proxies from the environment are ignored: either
would make the server connect somewhere nobody checked.

`insecure` (the tests' PUSH_INSECURE_ENDPOINTS) also allows plain http and this machine's
loopback addresses, where the tests' mock push service listens; private networks stay refused.
"""

from __future__ import annotations

import socket
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address
from typing import Any, ClassVar

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

#: NAT64 gateways reach the IPv4 address in the last 32 bits.
NAT64 = IPv6Network("64:ff9b::/96")


class RefusedAddress(NewConnectionError):
    """A push service's name led to an address the server must not connect to."""

    def __init__(self, connection: HTTPConnection, words: str) -> None:
        super().__init__(connection, words)
        self.words = words  # "refused: 127.0.0.1 is not a public address"


def public_address(address: IPv4Address | IPv6Address) -> bool:
    """Whether `address` is on the public internet: not this machine, a private, shared or
    link-local network, multicast, or one of those wrapped in an IPv6 address."""
    if isinstance(address, IPv6Address):
        inner = _wrapped_ipv4(address)
        if inner is not None:
            return public_address(inner)
        if address.is_site_local:
            return False
    return address.is_global and not address.is_multicast


def _wrapped_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, IPv4-compatible, 6to4 or NAT64 address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64 or int(address) >> 32 == 0:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def allowed(address: IPv4Address | IPv6Address, insecure: bool) -> bool:
    """Whether pushes may connect to `address` (loopback too when `insecure`, for tests)."""
    if public_address(address):
        return True
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return insecure and address.is_loopback


def _check(address: str, insecure: bool) -> None:
    if not allowed(ip_address(address), insecure):
        raise _NotPublic(f"{address} is not a public address")


class _NotPublic(Exception):
    pass


def _connect(host: str, port: int, timeout: Any, options: Any, insecure: bool) -> socket.socket:
    """A socket connected to an address of `host` that passed the check, looked up once."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for *_, address in found:
        _check(str(address[0]), insecure)
    failure: OSError = OSError(f"{host} has no address")
    for family, kind, protocol, _, address in found:
        sock = socket.socket(family, kind, protocol)
        try:
            for option in options or ():
                sock.setsockopt(*option)
            if isinstance(timeout, int | float):
                sock.settimeout(timeout)
            sock.connect(address)
            _check(str(sock.getpeername()[0]), insecure)  # the address actually connected to
        except BaseException as error:
            sock.close()
            if not isinstance(error, OSError):
                raise
            failure = error
            continue
        return sock
    raise failure


def _new_checked_conn(connection: HTTPConnection, insecure: bool) -> socket.socket:
    """urllib3's `_new_conn`, connecting only where the check allows (same errors)."""
    try:
        return _connect(
            connection.host,
            connection.port,
            connection.timeout,
            connection.socket_options,
            insecure,
        )
    except _NotPublic as refused:
        raise RefusedAddress(connection, f"refused: {refused}") from None
    except socket.gaierror as error:
        raise NameResolutionError(connection.host, connection, error) from error
    except TimeoutError as error:
        message = f"Connection to {connection.host} timed out."
        raise ConnectTimeoutError(connection, message) from error
    except OSError as error:
        message = f"Failed to establish a new connection: {error}"
        raise NewConnectionError(connection, message) from error


class _Plain(HTTPConnection):
    insecure: ClassVar[bool] = False

    def _new_conn(self) -> socket.socket:
        return _new_checked_conn(self, self.insecure)


class _Secure(HTTPSConnection):
    insecure: ClassVar[bool] = False

    def _new_conn(self) -> socket.socket:
        return _new_checked_conn(self, self.insecure)


class _PlainForTests(_Plain):
    insecure = True


class _SecureForTests(_Secure):
    insecure = True


class _PlainPool(HTTPConnectionPool):
    ConnectionCls = _Plain


class _SecurePool(HTTPSConnectionPool):
    ConnectionCls = _Secure


class _PlainPoolForTests(HTTPConnectionPool):
    ConnectionCls = _PlainForTests


class _SecurePoolForTests(HTTPSConnectionPool):
    ConnectionCls = _SecureForTests


class CheckedAdapter(HTTPAdapter):
    """Connections whose every address is checked; never through a proxy."""

    def __init__(self, *, insecure: bool, **options: Any) -> None:
        self.insecure = insecure  # init_poolmanager, called by __init__, reads it
        super().__init__(**options)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        pools: dict[str, type[HTTPConnectionPool]] = {"http": _PlainPool, "https": _SecurePool}
        if self.insecure:
            pools = {"http": _PlainPoolForTests, "https": _SecurePoolForTests}
        self.poolmanager.pool_classes_by_scheme = pools

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        raise requests.exceptions.InvalidProxyURL("pushes never go through a proxy")


class PushSession(requests.Session):
    """A keep-alive session to push services: checked addresses, no redirects, no proxies."""

    def __init__(self, *, insecure: bool, pool_size: int = 4) -> None:
        super().__init__()
        self.trust_env = False  # HTTPS_PROXY and .netrc would change where and what we send
        for prefix in ("https://", "http://"):
            adapter = CheckedAdapter(
                insecure=insecure, pool_connections=pool_size, pool_maxsize=pool_size
            )
            self.mount(prefix, adapter)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Send without following a redirect: a 3xx comes back as the answer it is."""
        kwargs["allow_redirects"] = False
        return super().send(request, **kwargs)


def refusal(error: BaseException) -> RefusedAddress | None:
    """The RefusedAddress behind an error requests raised, if that is why it failed."""
    seen: BaseException | None = error
    for _ in range(8):  # requests wraps urllib3's MaxRetryError, which holds the reason
        if seen is None or isinstance(seen, RefusedAddress):
            return seen
        reason = getattr(seen, "reason", None)
        first = seen.args[0] if seen.args else None
        if isinstance(reason, BaseException):
            seen = reason
        elif isinstance(first, BaseException):
            seen = first
        else:
            seen = seen.__cause__ or seen.__context__
    return None
