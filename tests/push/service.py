"""A mock Web Push service that runs inside the test process.

It answers `POST /push/<token>` the way a browser vendor's push service does: it checks the
VAPID authorization (RFC 8292), the delivery headers (RFC 8030) and the encrypted body
(RFC 8291, aes128gcm), then keeps each accepted message, decrypted, for tests to read. Tests can
also tell it to fail on purpose: answer an error status, hang, or treat a subscription as gone.
"""

from __future__ import annotations

import base64
import functools
import http
import itertools
import json
import re
import secrets
import socket
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final
from urllib.parse import urlsplit

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

MAX_BODY: Final = 4096  # RFC 8030 section 7.2: the smallest limit a push service may set
MAX_READ: Final = 1 << 20  # bodies larger than this are refused without being read
MAX_EXP_AHEAD: Final = 24 * 60 * 60  # RFC 8292 section 2: exp at most 24 hours ahead
URGENCIES: Final = frozenset({"very-low", "low", "normal", "high"})
TOPIC: Final = re.compile(r"[A-Za-z0-9_-]{1,32}")
DIGITS: Final = re.compile(r"[0-9]+")
HANG: Final = "hang"
PUSH_PREFIX: Final = "/push/"


@dataclass(frozen=True)
class Redirect:
    """A scripted answer that points the push elsewhere: `status` with `Location: location`."""

    location: str
    status: int = 307


Behaviour = int | tuple[int, int] | str | Redirect


def b64url(data: bytes) -> str:
    """Base64url text without padding, the way browsers and VAPID write keys."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    """The bytes in base64url text, padded or not; ValueError when it isn't base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Receiver:
    """The browser side of one push subscription: a P-256 key pair and an auth secret."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = secrets.token_bytes(16)

    @property
    def public_key(self) -> bytes:
        """The public key as an uncompressed point, 65 bytes starting with 0x04."""
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    def subscription(self, endpoint: str) -> dict[str, Any]:
        """The subscription as a browser's `PushSubscription.toJSON()` gives it."""
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(self.public_key), "auth": b64url(self.auth_secret)},
        }

    def decrypt(self, body: bytes) -> bytes:
        """The plaintext of an aes128gcm push body sent to this subscription."""
        plaintext = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return bytes(plaintext)


@dataclass(frozen=True)
class Received:
    """One push the service accepted, with its headers and decrypted payload."""

    path: str
    endpoint: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    plaintext: bytes
    claims: dict[str, Any]
    ttl: int
    urgency: str | None
    topic: str | None
    received_at: float  # time.monotonic()

    def json(self) -> Any:
        """The payload read as JSON."""
        return json.loads(self.plaintext)


@dataclass(frozen=True)
class _Answer:
    """What the service replies to one request: a status, a short reason and extra headers.

    `close` ends the connection after replying, for refusals that leave the body unread.
    """

    status: int
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    close: bool = False


class _Refusal(Exception):
    """A push that fails a check, and the status and reason to answer it with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.answer = _Answer(status, reason)


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


def _scripted_answer(behaviour: Behaviour) -> _Answer | None:
    """The answer a scripted behaviour gives, or None for a hang."""
    if behaviour == HANG:
        return None
    if isinstance(behaviour, Redirect):
        reason = f"scripted {behaviour.status} {http.HTTPStatus(behaviour.status).phrase}"
        return _Answer(behaviour.status, reason, (("Location", behaviour.location),))
    retry_after: int | None
    if isinstance(behaviour, tuple):
        status, retry_after = behaviour
    else:
        status, retry_after = int(behaviour), (1 if behaviour == 429 else None)
    headers = () if retry_after is None else (("Retry-After", str(retry_after)),)
    return _Answer(status, f"scripted {status} {http.HTTPStatus(status).phrase}", headers)


def _vapid_credentials(authorization: str | None) -> tuple[str, str]:
    """The token `t` and key `k` of a `vapid t=<jwt>, k=<key>` Authorization header."""
    if not authorization:
        raise _Refusal(401, "missing Authorization")
    scheme, _, rest = authorization.strip().partition(" ")
    if scheme.lower() != "vapid":
        raise _Refusal(401, f"Authorization scheme {scheme!r} is not vapid")
    params: dict[str, str] = {}
    for part in rest.split(","):
        name, equals, value = part.strip().partition("=")
        if equals:
            params[name.strip().lower()] = value.strip()
    if not params.get("t") or not params.get("k"):
        raise _Refusal(401, "Authorization needs both t= and k=")
    return params["t"], params["k"]


@functools.lru_cache(maxsize=64)
def _public_key(k: str) -> ec.EllipticCurvePublicKey:
    """The P-256 public key written in a VAPID `k` parameter."""
    try:
        raw = unb64url(k)
    except ValueError:
        raise _Refusal(403, "k is not base64url") from None
    if len(raw) != 65 or raw[0] != 4:
        raise _Refusal(403, "k is not an uncompressed P-256 point")
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise _Refusal(403, "k is not a point on P-256") from None


@functools.lru_cache(maxsize=256)
def _signed_claims(token: str, k: str) -> dict[str, Any]:
    """The claims of a VAPID JWT once its ES256 signature checks out against `k`.

    Remembered per token, so a sender that reuses its JWT pays for one check, as it would with a
    real push service.
    """
    key = _public_key(k)
    try:
        return jwt.decode(
            token,
            key,
            algorithms=["ES256"],
            options={
                "verify_exp": False,
                "verify_aud": False,
                "verify_iat": False,
                "verify_nbf": False,
                "verify_iss": False,
                "verify_sub": False,
                "verify_jti": False,
            },
        )
    except jwt.InvalidTokenError as error:
        raise _Refusal(403, f"bad JWT: {error}") from None


def _verified_claims(token: str, k: str, audience: str) -> dict[str, Any]:
    """The claims of a VAPID JWT whose signature, aud, exp and sub all pass."""
    claims = dict(_signed_claims(token, k))
    aud = claims.get("aud")
    if aud != audience:
        raise _Refusal(403, f"aud {aud!r} is not {audience!r}")
    exp = claims.get("exp")
    now = time.time()
    if isinstance(exp, bool) or not isinstance(exp, int | float):
        raise _Refusal(403, f"exp {exp!r} is not a number")
    if exp <= now:
        raise _Refusal(403, f"exp {exp} is in the past")
    if exp > now + MAX_EXP_AHEAD:
        raise _Refusal(403, f"exp {exp} is more than 24 hours ahead")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
        raise _Refusal(403, f"sub {sub!r} is not a mailto: or https: URL")
    return claims


def _ttl(value: str | None) -> int:
    """The TTL header as a number of seconds."""
    if value is None:
        raise _Refusal(400, "missing TTL")
    if not DIGITS.fullmatch(value.strip()):
        raise _Refusal(400, f"TTL {value!r} is not a non-negative integer")
    return int(value)


def _check_delivery_headers(headers: Message[str, str], body: bytes) -> None:
    """Content-Encoding, body size, Urgency and Topic are what a push service accepts."""
    encoding = headers.get("Content-Encoding")
    if (encoding or "").strip().lower() != "aes128gcm":
        raise _Refusal(415, f"Content-Encoding {encoding!r} is not aes128gcm")
    if len(body) > MAX_BODY:
        raise _Refusal(413, f"body of {len(body)} bytes is over {MAX_BODY}")
    urgency = headers.get("Urgency")
    if urgency is not None and urgency not in URGENCIES:
        raise _Refusal(400, f"Urgency {urgency!r} is not one of {sorted(URGENCIES)}")
    topic = headers.get("Topic")
    if topic is not None and not TOPIC.fullmatch(topic):
        raise _Refusal(400, f"Topic {topic!r} is not 1 to 32 base64url characters")


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
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None

    # Running

    def start(self) -> MockPushService:
        """Listen on a free port on 127.0.0.1 and answer requests from a background thread."""
        if self._url is not None:
            raise RuntimeError("a MockPushService can only be started once")
        self._server = _Server(self)
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
            _hang_up(connection)
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
        _hang_up(connection)

    def _closed(self, connection: socket.socket) -> None:
        """Forget a connection its handler has finished with."""
        with self._lock:
            self._connections.pop(connection, None)

    def _count(self, endpoint: str) -> None:
        """Count one POST to `endpoint`."""
        with self._lock:
            self._attempts[endpoint] += 1

    def _reject(self, endpoint: str, answer: _Answer) -> None:
        """Record a non-201 answer."""
        with self._lock:
            self.rejected.append((endpoint, answer.status, answer.reason))

    def _hang(self) -> None:
        """Hold the calling request until `hang_seconds` pass or the service stops."""
        self._stopping.wait(self.hang_seconds)

    def _answer_push(self, path: str, headers: Message[str, str], body: bytes) -> _Answer | None:
        """The answer to one push to `path`, or None when the script says to hang."""
        token = path.removeprefix(PUSH_PREFIX)
        with self._lock:
            subscription = self._subscriptions.get(token)
            if subscription is None:
                return _Answer(404, f"no subscription at {path}")
            if subscription.expired:
                return _Answer(410, "subscription has expired")
            behaviour = subscription.script.popleft() if subscription.script else None
        if behaviour is not None:
            return _scripted_answer(behaviour)
        try:
            return self._accept(path, subscription, headers, body)
        except _Refusal as refusal:
            return refusal.answer

    def _accept(
        self, path: str, subscription: _Subscription, headers: Message[str, str], body: bytes
    ) -> _Answer:
        """Check a push, then keep it and answer 201; _Refusal at the first failed check."""
        token, k = _vapid_credentials(headers.get("Authorization"))
        _public_key(k)  # refuses a k that is not a P-256 public key
        if self._expected_key is not None and unb64url(k) != self._expected_key:
            raise _Refusal(403, "k is not the expected VAPID public key")
        claims = _verified_claims(token, k, self.url)
        ttl = _ttl(headers.get("TTL"))
        _check_delivery_headers(headers, body)
        try:
            plaintext = subscription.receiver.decrypt(body)
        except Exception:
            raise _Refusal(400, "cannot decrypt") from None
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
        return _Answer(201, "", (("Location", f"{self.url}/message/{number}"),))


def _hang_up(connection: socket.socket) -> None:
    """End both directions of a connection so a handler blocked on it returns."""
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Handler(BaseHTTPRequestHandler):
    """Reads each request, lets the service decide the answer and writes it back."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.service._opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.service._closed(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: a benchmark sends thousands of requests."""

    def do_POST(self) -> None:
        """Answer a push to `/push/<token>`, or a plain POST to `/plain`."""
        service = self.server.service
        path = urlsplit(self.path).path
        endpoint = f"{service.url}{path}"
        if path.startswith(PUSH_PREFIX):
            service._count(endpoint)
        body = self._read_body()
        if isinstance(body, _Answer):
            self._reply(endpoint, body)
            return
        if path == "/plain":
            answer: _Answer | None = _Answer(201)
        elif path.startswith(PUSH_PREFIX):
            answer = service._answer_push(path, self.headers, body)
        else:
            answer = _Answer(404, f"nothing at {path}")
        if answer is None:
            service._hang()
            self.close_connection = True
            return
        self._reply(endpoint, answer)

    def _read_body(self) -> bytes | _Answer:
        """The whole request body, or the answer refusing a body that can't be read."""
        if "Transfer-Encoding" in self.headers:
            return _Answer(411, "send a Content-Length, not a chunked body", close=True)
        length = self.headers.get("Content-Length", "0").strip()
        if not DIGITS.fullmatch(length):
            return _Answer(400, f"Content-Length {length!r} is not a number", close=True)
        if int(length) > MAX_READ:
            return _Answer(413, f"body of {length} bytes is over {MAX_BODY}", close=True)
        return self.rfile.read(int(length))

    def _reply(self, endpoint: str, answer: _Answer) -> None:
        """Send the answer with a Content-Length, recording it when it isn't a 201."""
        if answer.status != 201:
            self.server.service._reject(endpoint, answer)
        body = answer.reason.encode()
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        if body:
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if answer.close:
            self.send_header("Connection", "close")
        self.end_headers()
        if body:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    """A threaded HTTP server on a free 127.0.0.1 port that belongs to one MockPushService."""

    daemon_threads = True
    block_on_close = False  # stop() closes connections and joins their threads itself
    request_queue_size = 256

    def __init__(self, service: MockPushService) -> None:
        self.service = service
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """Ignore clients that drop their connection; report anything else."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)
