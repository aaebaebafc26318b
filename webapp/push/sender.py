"""Web Push: the server's VAPID key, and sending encrypted notifications to push services.

The sender wraps pywebpush and closes its sharp edges: every push carries a TTL (pywebpush's
default of 0 drops it for a phone that is offline), a timeout (its default waits for ever),
Urgency, Topic and Content-Type; the VAPID claims are signed fresh for each push service (the
library mutates a claims dict you reuse). 404 and 410 mean the browser is gone; 429 and 5xx are
retried with backoff, honouring Retry-After. Pushes go over HTTPS to public addresses only and
never follow a redirect (webapp/push/outbound.py).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException

from webapp import inputs
from webapp.push.outbound import PushSession, refusal

log = logging.getLogger(__name__)

VAPID_KEY_FILE = "vapid_private.pem"
#: Apple refuses a `sub` on localhost; set HIPDAY_VAPID_SUBJECT to a mailto: or https: address.
DEFAULT_SUBJECT = "mailto:reminders@hipday.app"
#: Real services cap the encrypted body at 4096 bytes; reminders stay far below it.
MAX_PAYLOAD = 2048
CLAIMS_LIFETIME = 12 * 3600
#: One signed VAPID token serves a push service's pushes for this many seconds (RFC 8292 lets a
#: token be reused until it expires): signing one per push cost a quarter of the encryption
#: work of a 10,000-reminder minute. Each token still expires CLAIMS_LIFETIME after signing.
REUSE_CLAIMS = 300
#: A Retry-After beyond a day is read as no usable answer (the sender caps its waits anyway).
LONGEST_RETRY_AFTER = 86_400
TOPIC_LENGTH = 32
NO_ANSWER_IN_TIME = "no answer in time"


BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")


def b64url(raw: bytes) -> str:
    """Encode base64url without padding, as push keys are written."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    """Decode base64url strictly: any other character is an error, not silently skipped."""
    if not BASE64URL.fullmatch(text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))


def load_vapid(instance_path: Path, private_key: str = "") -> Vapid02:
    """The server's VAPID key: `private_key` if given, else a PEM file made once in instance/.

    `private_key` (HIPDAY_VAPID_PRIVATE_KEY) is the raw 32-byte private scalar in base64url, as
    `flask --app webapp vapid new` prints it; the file is created with mode 0600, never committed.
    """
    if private_key.strip():
        return Vapid02.from_string(private_key.strip())
    key_file = instance_path / VAPID_KEY_FILE
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        vapid = Vapid02()
        vapid.generate_keys()
        # Written whole under another name, then linked into place: a process starting at the
        # same moment sees either no key or all of it, and the first key made wins.
        draft = instance_path / f".{VAPID_KEY_FILE}.{os.getpid()}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(vapid.private_pem())
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return Vapid02.from_file(str(key_file))


def new_private_key() -> str:
    """A fresh VAPID private key as the base64url raw scalar HIPDAY_VAPID_PRIVATE_KEY takes."""
    vapid = Vapid02()
    vapid.generate_keys()
    number = vapid.private_key.private_numbers().private_value
    return b64url(number.to_bytes(32, "big"))


def application_server_key(vapid: Vapid02) -> str:
    """The public key browsers subscribe with: the uncompressed P-256 point, base64url."""
    point = vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return b64url(point)


def insecure_endpoints(config: Mapping[str, Any]) -> bool:
    """Whether pushes may go to plain http and loopback addresses: only in tests, when asked.

    PUSH_INSECURE_ENDPOINTS is read from no environment variable; set to anything but False
    without TESTING (or to anything but a bool), the app refuses to start rather than guess.
    """
    value = config.get("PUSH_INSECURE_ENDPOINTS", False)
    if value is False:
        return False
    if value is True and config.get("TESTING") is True:
        return True
    raise RuntimeError(
        "PUSH_INSECURE_ENDPOINTS lets pushes reach this machine: it is for tests only "
        "(True together with TESTING), and False everywhere else."
    )


class Outcome(StrEnum):
    SENT = "sent"
    GONE = "gone"  # the browser unsubscribed or the subscription expired: delete it
    FAILED = "failed"


@dataclass(frozen=True)
class Push:
    """One encrypted message for one subscription."""

    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    topic: str  # a queued message with the same topic is replaced, not stacked
    urgency: str = "normal"
    ttl: int = 4 * 3600


@dataclass(frozen=True)
class Result:
    push: Push
    outcome: Outcome
    status: int | None  # the push service's last answer; None when it never answered
    attempts: int
    detail: str = ""


class _Again(NamedTuple):
    """A try to repeat: the push service's answer (None: none) and how long it asked to wait."""

    status: int | None
    detail: str
    wait: float | None


def payload(message: Mapping[str, Any]) -> bytes:
    """`message` as compact JSON; refuses anything near the push services' size limit."""
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
    if len(body) > MAX_PAYLOAD:
        raise ValueError(f"a push payload of {len(body)} bytes is over {MAX_PAYLOAD}")
    return body


class Sender:
    """Sends pushes, several at once, each with retries; never raises for a push service's fault."""

    def __init__(
        self,
        vapid: Vapid02,
        subject: str = DEFAULT_SUBJECT,
        *,
        timeout: float = 10.0,
        workers: int = 32,
        attempts: int = 3,
        backoff: float = 1.0,
        longest_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        insecure_endpoints: bool = False,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.vapid, self.subject = vapid, subject
        self.timeout, self.workers, self.attempts = timeout, workers, attempts
        self.backoff, self.longest_wait, self.sleep = backoff, longest_wait, sleep
        # Tests only: plain http and loopback addresses, for the mock push service.
        self.insecure_endpoints = insecure_endpoints
        self._local = threading.local()
        self._lock = threading.Lock()
        self._sessions: list[requests.Session] = []
        self._pool: ThreadPoolExecutor | None = None
        self.now = now
        self._signed: dict[str, tuple[int, dict[str, str]]] = {}  # by audience: when, headers

    def send(self, push: Push, deadline: float | None = None) -> Result:
        """Send one push; 429 and 5xx (and no answer) are tried again up to `attempts` times.

        `deadline` (a time.monotonic() moment) ends the tries: none starts after it, and each
        waits for an answer only until then. A 3xx is a failure: redirects are never followed.
        """
        refused = self._refused(push.endpoint)
        if refused:
            log.warning("push not sent (%s): %s", refused, push.endpoint[:60])
            return Result(push, Outcome.FAILED, None, 1, refused)
        again = _Again(None, NO_ANSWER_IN_TIME, None)
        attempt = 0
        for attempt in range(1, self.attempts + 1):
            timeout = self._timeout(deadline)
            if timeout is None:
                break
            answer = self._try(push, timeout, attempt)
            if isinstance(answer, Result):
                return answer
            again = answer
            if attempt < self.attempts:
                pause = again.wait if again.wait is not None else self.backoff * 2 ** (attempt - 1)
                pause = min(pause, self.longest_wait)
                if deadline is not None and time.monotonic() + pause >= deadline:
                    break
                self.sleep(pause)
        log.warning("push failed after %s attempts (%s %s)", attempt, again.status, again.detail)
        return Result(push, Outcome.FAILED, again.status, attempt, again.detail)

    def _try(self, push: Push, timeout: float, attempt: int) -> Result | _Again:
        """One try: its final result, or what to wait before the next (429, 5xx, no answer)."""
        try:
            response = self._post(push, timeout)
        except (requests.RequestException, WebPushException) as error:
            blocked = refusal(error)
            if blocked is not None:
                log.warning("push not sent (%s): %s", blocked.words, push.endpoint[:60])
                return Result(push, Outcome.FAILED, None, attempt, blocked.words)
            return _Again(None, f"no answer: {type(error).__name__}", None)
        status, detail = response.status_code, response.reason or ""
        response.close()
        if status < 300:
            return Result(push, Outcome.SENT, status, attempt)
        if status in (404, 410):
            return Result(push, Outcome.GONE, status, attempt, detail)
        if status != 429 and status < 500:
            if status < 400:
                detail = f"redirected elsewhere ({status}); not followed"
            log.warning("push refused with %s %s: %s", status, detail, push.endpoint[:60])
            return Result(push, Outcome.FAILED, status, attempt, detail)
        return _Again(status, detail, retry_after(response.headers.get("Retry-After")))

    def _refused(self, endpoint: str) -> str:
        """Why `endpoint` can't be sent to at all, or "" (where it leads is checked later)."""
        try:
            scheme = urlsplit(endpoint).scheme
        except ValueError:
            return "refused: not a web address"
        if scheme == "https" or (self.insecure_endpoints and scheme == "http"):
            return ""
        return "refused: push services are reached over https only"

    def _timeout(self, deadline: float | None) -> float | None:
        """How long one try may wait for an answer; None once the deadline has passed."""
        if deadline is None:
            return self.timeout
        left = deadline - time.monotonic()
        return min(self.timeout, left) if left > 0 else None

    def send_all(self, pushes: Iterable[Push], within: float | None = None) -> list[Result]:
        """Send `pushes` concurrently on a bounded pool; results in the same order.

        With `within` seconds, all of them together take about that long at most: a push
        without an answer by then fails as NO_ANSWER_IN_TIME.
        """
        todo = list(pushes)
        deadline = None if within is None else time.monotonic() + within
        pool = self._executor()
        futures = [pool.submit(self.send, push, deadline) for push in todo]
        done, late = wait(futures, timeout=within)
        for future in late:
            future.cancel()  # not started yet; those under way end at the deadline
        return [
            future.result()
            if future in done
            else Result(push, Outcome.FAILED, None, 0, NO_ANSWER_IN_TIME)
            for push, future in zip(todo, futures, strict=True)
        ]

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="hipday-push")
            return self._pool

    def _post(self, push: Push, timeout: float) -> requests.Response:
        keys = {"p256dh": push.p256dh, "auth": push.auth}
        subscription = {"endpoint": push.endpoint, "keys": keys}
        headers = self._vapid_headers(push.endpoint)
        headers.update(
            {
                "Urgency": push.urgency,
                "Topic": push.topic[:TOPIC_LENGTH],
                "Content-Type": "application/octet-stream",
            }
        )
        pusher = WebPusher(subscription, requests_session=self._session())
        response = pusher.send(push.payload, headers, ttl=push.ttl, timeout=timeout)
        assert isinstance(response, requests.Response)
        return response

    def _vapid_headers(self, endpoint: str) -> dict[str, str]:
        """Authorization for this push service: claims made for its origin, signed at most
        `REUSE_CLAIMS` seconds ago."""
        parts = urlsplit(endpoint)
        audience, now = f"{parts.scheme}://{parts.netloc}", int(self.now())
        with self._lock:
            signed = self._signed.get(audience)
        if signed is not None and now - signed[0] < REUSE_CLAIMS:
            return dict(signed[1])
        claims = {"sub": self.subject, "aud": audience, "exp": now + CLAIMS_LIFETIME}
        headers = dict(self.vapid.sign(claims))
        with self._lock:
            self._signed[audience] = (now, headers)
        return dict(headers)

    def _session(self) -> requests.Session:
        """One keep-alive session per sending thread (requests sessions aren't thread-safe)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = PushSession(insecure=self.insecure_endpoints)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        """Stop the sending threads and close every keep-alive connection they opened."""
        with self._lock:
            pool, self._pool = self._pool, None
            sessions, self._sessions = self._sessions, []
        if pool is not None:
            pool.shutdown(wait=True)
        for session in sessions:
            session.close()
        self._local = threading.local()


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return float(inputs.whole(value, 0, LONGEST_RETRY_AFTER))
    except inputs.Refused:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
