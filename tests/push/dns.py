"""A stand-in for the system resolver, so a test can say where a made-up name leads.

`socket.getaddrinfo` is replaced for the test (every name not given an answer still goes to the
real resolver), so the code under test looks names up as it always does.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from ipaddress import ip_address
from typing import Any

import pytest


class FakeDns:
    """Answers for made-up names, in turn, the way a DNS server could; other names go to the
    real resolver. `asked` counts the lookups of each made-up name."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.answers: dict[str, list[str]] = {}
        self.asked: dict[str, int] = {}

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in self.answers:
            return self.real(host, port, *args, **kwargs)
        turn = self.asked.get(name, 0)
        self.asked[name] = turn + 1
        answers = self.answers[name]
        address = answers[turn % len(answers)]
        number = int(port or 0)
        if ip_address(address).version == 6:
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, number, 0, 0))]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, number))]


def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    """Made-up names answered as the test says (`answers["push.example.net"] = [...]`)."""
    fake = FakeDns(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake
