"""Our push sender against web-push-testing, a mock push service that someone else wrote.

Our own mock (tests/push/service.py) could share a misreading of the RFCs with our sender.
web-push-testing (npm, pinned in package.json) is an independent implementation in Node: it
hands out subscriptions with keys it holds, checks the VAPID token's ES256 signature with
jsonwebtoken and decrypts aes128gcm bodies with Node's http_ece. If it can read what our sender
sends, two implementations agree on the wire format.

Its `web-push-testing start` command forks a detached daemon and records its id in a
.node-persist folder, so the tests run the daemon's own script, `src/bin/server.js PORT`, as a
child process instead, and stop it when the module's tests are done, pass or fail.
It reads a push body only when it comes with `Content-Type: application/octet-stream` (our
sender sets it). It doesn't check the token's `aud` or `sub`, nor Urgency or Topic; our own mock
covers those.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from py_vapid import Vapid02

from tests.conftest import TEST_VAPID_KEY
from webapp.push.sender import (
    Outcome,
    Push,
    Sender,
    application_server_key,
    load_vapid,
    new_private_key,
    payload,
)
from webapp.push.subscriptions import check_subscription

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "node_modules" / "web-push-testing"
SERVER_SCRIPT = PACKAGE / "src" / "bin" / "server.js"
SUBJECT = "mailto:tests@hipday.app"
HOST = "127.0.0.1"
STARTUP_SECONDS = 15.0
STOP_SECONDS = 5.0
#: What the sweep sends for a session reminder (see webapp.services.reminders.message), non-ASCII and all.
MESSAGE = {
    "kind": "session",
    "tag": "hipday-session",
    "token": "7d1c.2026-06-03.c2Vzc2lvbg",
    "title": "Strength day · Hip ER strength · 18 min",
    "body": "Foundation phase · week 2",
    "url": "/play/hip-er-strength?day=2026-06-03",
    "actions": [
        {"action": "start", "title": "Start"},
        {"action": "snooze", "title": "Snooze 15 min"},
        {"action": "skip", "title": "Skip today"},
    ],
}


def free_port() -> int:
    """A port nothing on 127.0.0.1 listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


class WebPushTesting:
    """A running web-push-testing server, and the calls a test makes to it besides pushing."""

    def __init__(self, port: int, log_file: Path) -> None:
        self.port = port
        self.base = f"http://{HOST}:{port}"
        self.log_file = log_file
        self.session = requests.Session()

    def _post(self, path: str, **kwargs: Any) -> Any:
        with self.session.post(f"{self.base}{path}", timeout=5, **kwargs) as response:
            assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
            if response.headers.get("Content-Type", "").startswith("application/json"):
                return response.json()
            return None  # a bare 200 "OK"

    def is_up(self) -> bool:
        """Whether the server answers its status check."""
        try:
            with self.session.post(f"{self.base}/status", timeout=1) as response:
                return response.status_code == 200
        except requests.ConnectionError:
            return False

    def subscribe(self, application_server_key: str) -> dict[str, Any]:
        """A new subscription, as `PushSubscription.toJSON()` gives it, plus its clientHash.

        It wants `userVisibleOnly` as the string "true", the way a form posts it.
        """
        options = {"userVisibleOnly": "true", "applicationServerKey": application_server_key}
        data: dict[str, Any] = self._post("/subscribe", data=options)["data"]
        return data

    def expire(self, client_hash: str) -> None:
        """Make the subscription gone: pushes to it are answered 410 from now on."""
        self._post(f"/expire-subscription/{client_hash}")

    def messages(self, client_hash: str) -> list[str]:
        """The plaintexts it decrypted from pushes to this subscription, oldest first."""
        answer = self._post("/get-notifications", json={"clientHash": client_hash})
        messages: list[str] = answer["data"]["messages"]
        return messages

    def log(self) -> str:
        """What the server printed so far (it prints why it refused a token)."""
        return self.log_file.read_text(errors="replace")


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the server: politely first, then for sure."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_SECONDS)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebPushTesting]:
    """web-push-testing on a free local port, for the tests of this module; stopped after."""
    if not SERVER_SCRIPT.is_file():
        pytest.skip("node_modules/web-push-testing is missing: run `npm ci` (make test does)")
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; web-push-testing needs Node.js 20 or newer")
    folder = tmp_path_factory.mktemp("web-push-testing")
    log_file = folder / "server.log"
    with log_file.open("wb") as log:
        # It listens on every interface and names itself "localhost" in endpoints; a port that
        # is free on 127.0.0.1 can still be taken elsewhere, so a clash is tried again.
        for _ in range(3):
            server = WebPushTesting(free_port(), log_file)
            process = subprocess.Popen(
                [node, str(SERVER_SCRIPT), str(server.port)],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                deadline = time.monotonic() + STARTUP_SECONDS
                while process.poll() is None and not server.is_up():
                    if time.monotonic() > deadline:
                        pytest.fail(f"web-push-testing didn't start:\n{server.log()}")
                    time.sleep(0.05)
                if process.poll() is None:
                    yield server
                    return
            finally:
                stop(process)
                server.session.close()
        pytest.fail(f"web-push-testing couldn't listen:\n{log_file.read_text(errors='replace')}")


@pytest.fixture
def vapid(tmp_path: Path) -> Vapid02:
    """The server's VAPID key, loaded the way the app loads it."""
    return load_vapid(tmp_path, TEST_VAPID_KEY)


@pytest.fixture
def sender(vapid: Vapid02) -> Iterator[Sender]:
    """Our sender, signing with the test key; its waits between attempts are not slept."""
    made = Sender(vapid, SUBJECT, timeout=5, sleep=lambda seconds: None, insecure_endpoints=True)
    yield made
    made.close()


def push_to(subscription: dict[str, Any], body: bytes) -> Push:
    """A session reminder for `subscription`, after the same checks the app makes."""
    endpoint, p256dh, auth = check_subscription(subscription, allow_insecure=True)
    return Push(endpoint, p256dh, auth, body, topic="hipday-session")


def test_a_reminder_is_decrypted_by_the_independent_service(
    service: WebPushTesting, sender: Sender, vapid: Vapid02
) -> None:
    """It accepts our signed, encrypted push (201) and reads back exactly our JSON."""
    subscription = service.subscribe(application_server_key(vapid))
    body = payload(MESSAGE)

    result = sender.send(push_to(subscription, body))

    assert (result.outcome, result.status, result.attempts) == (Outcome.SENT, 201, 1), (
        f"{result.detail}\n{service.log()}"
    )
    messages = service.messages(subscription["clientHash"])
    assert messages == [body.decode()]
    assert json.loads(messages[0]) == MESSAGE


def test_an_expired_subscription_is_gone_after_one_attempt(
    service: WebPushTesting, sender: Sender, vapid: Vapid02
) -> None:
    """Once the subscription expires it answers 410, which the sender reports as gone."""
    subscription = service.subscribe(application_server_key(vapid))
    first, second = payload(MESSAGE | {"body": "first"}), payload(MESSAGE | {"body": "second"})
    assert sender.send(push_to(subscription, first)).outcome is Outcome.SENT

    service.expire(subscription["clientHash"])
    result = sender.send(push_to(subscription, second))

    assert (result.outcome, result.status, result.attempts) == (Outcome.GONE, 410, 1)
    assert service.messages(subscription["clientHash"]) == [first.decode()]


def test_a_push_signed_with_another_servers_key_is_refused(
    service: WebPushTesting, sender: Sender, vapid: Vapid02
) -> None:
    """A sender with a different VAPID key gets 400, is not retried, and nothing is delivered.

    web-push-testing compares the header's k= with the subscription's applicationServerKey
    before it checks the signature, and answers 400 "Invalid Crypto-Key header sent".
    """
    subscription = service.subscribe(application_server_key(vapid))
    stranger = Sender(
        Vapid02.from_string(new_private_key()), SUBJECT, timeout=5, insecure_endpoints=True
    )
    try:
        result = stranger.send(push_to(subscription, payload(MESSAGE)))
    finally:
        stranger.close()

    assert (result.outcome, result.status, result.attempts) == (Outcome.FAILED, 400, 1)
    assert service.messages(subscription["clientHash"]) == []


class ForgingSender(Sender):
    """A sender that names the test key after k= but signs the token with its own key."""

    def __init__(self, claimed_key: str) -> None:
        key = Vapid02.from_string(new_private_key())
        super().__init__(key, SUBJECT, timeout=5, insecure_endpoints=True)
        self.claimed_key = claimed_key

    def _vapid_headers(self, endpoint: str) -> dict[str, str]:
        headers = super()._vapid_headers(endpoint)
        token = re.search(r"t=([^,\s]+)", headers["Authorization"])
        assert token is not None
        headers["Authorization"] = f"vapid t={token.group(1)},k={self.claimed_key}"
        return headers


def test_a_token_signed_by_the_wrong_key_is_refused(
    service: WebPushTesting, vapid: Vapid02
) -> None:
    """The right k= with a token another key signed gets 400: the signature really is checked.

    This is what makes the first test's 201 mean our signature verified, not merely that the
    service looked at the public key we named.
    """
    key = application_server_key(vapid)
    subscription = service.subscribe(key)
    log_before = len(service.log())
    forger = ForgingSender(key)
    try:
        result = forger.send(push_to(subscription, payload(MESSAGE)))
    finally:
        forger.close()

    assert (result.outcome, result.status, result.attempts) == (Outcome.FAILED, 400, 1)
    assert "invalid signature" in service.log()[log_before:]
    assert service.messages(subscription["clientHash"]) == []
