"""A mock Web Push service that runs inside the test process.

It answers `POST /push/<token>` the way a browser vendor's push service does: it checks the
VAPID authorization (RFC 8292), the delivery headers (RFC 8030) and the encrypted body
(RFC 8291, aes128gcm), then keeps each accepted message, decrypted, for tests to read. Tests can
also tell it to fail on purpose: answer an error status, hang, or treat a subscription as gone.

This module keeps the service's state and script; the checks live in `push_checks`, the
decryption in `push_crypto` and the HTTP server in `push_server`.
"""

from __future__ import annotations

import http
import itertools
import secrets
import socket
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from email.message import Message
from types import TracebackType
from typing import Any, Final

from tests.push.push_checks import (
    PUSH_PREFIX,
    Answer,
    Refusal,
    check_delivery_headers,
    p256_key,
    ttl_of,
    vapid_credentials,
    verified_claims,
)
from tests.push.push_crypto import Received, Receiver, unb64url
from tests.push.push_server import PushServer, hang_up

HANG: Final = "hang"


@dataclass(frozen=True)
class Redirect:
    """A scripted answer that points the push elsewhere: `status` with `Location: location`."""

    location: str
    status: int = 307


Behaviour = int | tuple[int, int] | str | Redirect


@dataclass
class _Subscription:
    """What the service knows about one endpoint it handed out."""

    receiver: Receiver
    endpoint: str
    script: deque[Behaviour] = field(default_factory=deque)
    expired: bool = False


def _checked_behaviour(behaviour: Behaviour) -> Behaviour:
    """The behaviour itself if the service knows how to act it out; ValueError otherwise."""
    if behaviour == HANG:
        return behaviour
    if isinstance(behaviour, Redirect):
        if not 300 <= behaviour.status <= 399:
            raise ValueError(f"a redirect needs a 3xx status, got {behaviour.status}")
        return behaviour
    if isinstance(behaviour, tuple):
        if len(behaviour) != 2 or not isinstance(behaviour[1], int) or behaviour[1] < 0:
            raise ValueError(f"expected (status, retry_after_seconds), got {behaviour!r}")
        status: object = behaviour[0]
    else:
        status = behaviour
    if not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(
            f"expected an error status, (status, seconds) or 'hang', got {behaviour!r}"
        )
    return behaviour


def _scripted_answer(behaviour: Behaviour) -> Answer | None:
    """The answer a scripted behaviour gives, or None for a hang."""
    if behaviour == HANG:
        return None
    if isinstance(behaviour, Redirect):
        reason = f"scripted {behaviour.status} {http.HTTPStatus(behaviour.status).phrase}"
        return Answer(behaviour.status, reason, (("Location", behaviour.location),))
    retry_after: int | None
    if isinstance(behaviour, tuple):
        status, retry_after = behaviour
    else:
        status, retry_after = int(behaviour), (1 if behaviour == 429 else None)
    headers = () if retry_after is None else (("Retry-After", str(retry_after)),)
    return Answer(status, f"scripted {status} {http.HTTPStatus(status).phrase}", headers)


class MockPushService:
    """A push service on 127.0.0.1 that checks, decrypts and records the pushes sent to it.

    Run it as a context manager. `subscribe()` hands out subscriptions to push to; `received`,
    `rejected`, `messages()` and `wait_for()` show what arrived. `POST /plain` answers 201
    without any checks, as a baseline for benchmarks.
    """

    def __init__(
        self,
        *,
        hang_seconds: float = 30.0,
        vapid_public_key: str | None = None,
        host_name: str | None = None,
    ) -> None:
        self.hang_seconds = hang_seconds
        # A name for the endpoints and the expected `aud` instead of 127.0.0.1 (a test's own
        # resolver answers it); the service still listens on 127.0.0.1.
        self.host_name = host_name
        self.vapid_public_key = vapid_public_key
        self._expected_key = None if vapid_public_key is None else unb64url(vapid_public_key)
        self.received: list[Received] = []  # accepted pushes, oldest first
        # (endpoint, status, reason) of every non-201 answer; hung requests get no answer
        self.rejected: list[tuple[str, int, str]] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._subscriptions: dict[str, _Subscription] = {}
        self._attempts: Counter[str] = Counter()
        self._message_numbers = itertools.count(1)
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_opened = 0
        self._stopping = threading.Event()
        self._server: PushServer | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None

    # Running

    def start(self) -> MockPushService:
        """Listen on a free port on 127.0.0.1 and answer requests from a background thread."""
        if self._url is not None:
            raise RuntimeError("a MockPushService can only be started once")
        self._server = PushServer(self)
        host, port = self._server.server_address[:2]
        self._url = f"http://{self.host_name or host!s}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="mock-push-service",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening, end hung requests and close every connection; safe to call twice."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = self._thread = None
        self._stopping.set()
        server.shutdown()
        thread.join()
        with self._lock:
            connections = dict(self._connections)
        for connection in connections:
            hang_up(connection)
        deadline = time.monotonic() + 2.0
        for handler in connections.values():
            handler.join(max(0.0, deadline - time.monotonic()))
        server.server_close()

    def __enter__(self) -> MockPushService:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The service's origin, `http://127.0.0.1:<port>`; also the VAPID `aud` it expects."""
        if self._url is None:
            raise RuntimeError("start the MockPushService first")
        return self._url

    # Subscriptions and scripting

    def subscribe(self) -> dict[str, Any]:
        """A new subscription on this service, shaped like `PushSubscription.toJSON()`."""
        receiver = Receiver()
        token = secrets.token_urlsafe(16)
        endpoint = f"{self.url}{PUSH_PREFIX}{token}"
        with self._lock:
            self._subscriptions[token] = _Subscription(receiver, endpoint)
        return receiver.subscription(endpoint)

    def receiver(self, endpoint: str) -> Receiver:
        """The browser side of a subscription this service handed out."""
        with self._lock:
            return self._find(endpoint).receiver

    def script(self, endpoint: str, *behaviours: Behaviour) -> None:
        """Queue how the next pushes to `endpoint` are answered, in order, before normal 201s.

        A behaviour is an error status (429 comes with `Retry-After: 1`), a
        `(status, retry_after_seconds)` pair, a `Redirect`, or "hang": hold the request open for
        `hang_seconds` (or until stop()) and then close the connection without answering.
        """
        checked = [_checked_behaviour(behaviour) for behaviour in behaviours]
        with self._lock:
            self._find(endpoint).script.extend(checked)

    def expire(self, endpoint: str) -> None:
        """Answer every later push to `endpoint` with 410 Gone, as for an unsubscribed browser."""
        with self._lock:
            self._find(endpoint).expired = True

    # Reading what happened

    def attempts(self, endpoint: str) -> int:
        """How many POSTs reached `endpoint`, whether accepted, rejected or hung."""
        with self._lock:
            return self._attempts[endpoint]

    @property
    def connections_opened(self) -> int:
        """How many TCP connections clients have opened so far; low when they keep them alive."""
        with self._lock:
            return self._connections_opened

    def messages(self, endpoint: str) -> list[Any]:
        """The JSON payloads accepted for `endpoint`, oldest first."""
        with self._lock:
            accepted = [push for push in self.received if push.endpoint == endpoint]
        return [push.json() for push in accepted]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """The accepted pushes once there are at least `count`; AssertionError after `timeout`."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(
                    f"expected {count} accepted pushes within {timeout} s, "
                    f"got {len(self.received)}; latest rejections: {self.rejected[-5:]}"
                )
            return list(self.received)

    # Used by the request handler

    def _find(self, endpoint: str) -> _Subscription:
        """The subscription behind `endpoint`; the caller holds the lock."""
        token = endpoint.removeprefix(f"{self.url}{PUSH_PREFIX}")
        subscription = self._subscriptions.get(token)
        if subscription is None or subscription.endpoint != endpoint:
            raise KeyError(f"not an endpoint of this service: {endpoint}")
        return subscription

    def _opened(self, connection: socket.socket) -> None:
        """Track a new connection so stop() can close it; close it at once while stopping."""
        with self._lock:
            if not self._stopping.is_set():
                self._connections[connection] = threading.current_thread()
                self._connections_opened += 1
                return
        hang_up(connection)

    def _closed(self, connection: socket.socket) -> None:
        """Forget a connection its handler has finished with."""
        with self._lock:
            self._connections.pop(connection, None)

    def _count(self, endpoint: str) -> None:
        """Count one POST to `endpoint`."""
        with self._lock:
            self._attempts[endpoint] += 1

    def _reject(self, endpoint: str, answer: Answer) -> None:
        """Record a non-201 answer."""
        with self._lock:
            self.rejected.append((endpoint, answer.status, answer.reason))

    def _hang(self) -> None:
        """Hold the calling request until `hang_seconds` pass or the service stops."""
        self._stopping.wait(self.hang_seconds)

    def _answer_push(self, path: str, headers: Message[str, str], body: bytes) -> Answer | None:
        """The answer to one push to `path`, or None when the script says to hang."""
        token = path.removeprefix(PUSH_PREFIX)
        with self._lock:
            subscription = self._subscriptions.get(token)
            if subscription is None:
                return Answer(404, f"no subscription at {path}")
            if subscription.expired:
                return Answer(410, "subscription has expired")
            behaviour = subscription.script.popleft() if subscription.script else None
        if behaviour is not None:
            return _scripted_answer(behaviour)
        try:
            return self._accept(path, subscription, headers, body)
        except Refusal as refusal:
            return refusal.answer

    def _accept(
        self, path: str, subscription: _Subscription, headers: Message[str, str], body: bytes
    ) -> Answer:
        """Check a push, then keep it and answer 201; Refusal at the first failed check."""
        token, k = vapid_credentials(headers.get("Authorization"))
        p256_key(k)  # refuses a k that is not a P-256 public key
        if self._expected_key is not None and unb64url(k) != self._expected_key:
            raise Refusal(403, "k is not the expected VAPID public key")
        claims = verified_claims(token, k, self.url)
        ttl = ttl_of(headers.get("TTL"))
        check_delivery_headers(headers, body)
        try:
            plaintext = subscription.receiver.decrypt(body)
        except Exception:
            raise Refusal(400, "cannot decrypt") from None
        push = Received(
            path=path,
            endpoint=subscription.endpoint,
            headers={name.lower(): value for name, value in headers.items()},
            body=body,
            plaintext=plaintext,
            claims=claims,
            ttl=ttl,
            urgency=headers.get("Urgency"),
            topic=headers.get("Topic"),
            received_at=time.monotonic(),
        )
        with self._arrived:
            number = next(self._message_numbers)
            self.received.append(push)
            self._arrived.notify_all()
        return Answer(201, "", (("Location", f"{self.url}/message/{number}"),))
