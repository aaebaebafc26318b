"""Where the push sender may connect: public addresses over HTTPS, never a redirect's target.

A subscription's endpoint is an address a browser (or an attacker posing as one) handed us, so
the sender must not become a way into this machine or its network. These tests give names
their answers through a stand-in for the system resolver (tests/push/dns.py), so a name can
point at this machine, or change its answer between two lookups the way a DNS rebinding attack
does, without any network beyond 127.0.0.1.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from py_vapid import Vapid02

from tests.conftest import TEST_VAPID_KEY, database_url
from tests.push.conftest import TEST_PUBLIC_KEY
from tests.push.dns import FakeDns
from tests.push.push_crypto import Receiver
from tests.push.service import MockPushService, Redirect
from webapp import create_app
from webapp.push.outbound import public_address
from webapp.push.sender import Outcome, Push, Sender, insecure_endpoints, payload

SUBJECT = "mailto:tests@hipday.app"
NAME = "push.example.net"
MESSAGE = {"title": "Time for your hips", "url": "/"}


@pytest.fixture
def vapid() -> Vapid02:
    return Vapid02.from_string(TEST_VAPID_KEY)


@pytest.fixture
def named_service() -> Iterator[MockPushService]:
    """The mock push service, on 127.0.0.1 but addressed as push.example.net."""
    with MockPushService(vapid_public_key=TEST_PUBLIC_KEY, host_name=NAME) as service:
        yield service


@pytest.fixture
def internal() -> Iterator[MockPushService]:
    """Something on this machine that only local programs should reach (an admin page)."""
    with MockPushService() as service:
        yield service


class TlsServer:
    """A TLS server on 127.0.0.1 with a self-signed certificate for `name`; it notes the name
    each client asks for (SNI) and answers nothing else."""

    def __init__(self, folder: Path, name: str) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .sign(key, hashes.SHA256())
        )
        (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        (folder / "key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
        self.context.sni_callback = self._asked
        self.names_asked: list[str | None] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _asked(self, connection: Any, name: str | None, context: Any) -> None:
        self.names_asked.append(name)

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            client.settimeout(2)
            with client:
                try:
                    self.context.wrap_socket(client, server_side=True).close()
                except (ssl.SSLError, OSError):
                    pass  # the client refuses the certificate, as it should

    def __enter__(self) -> TlsServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join()
        self.listener.close()


def sender(vapid: Vapid02, *, insecure_endpoints: bool) -> Sender:
    """A sender that doesn't sleep between attempts."""
    return Sender(
        vapid,
        SUBJECT,
        timeout=2.0,
        sleep=lambda seconds: None,
        insecure_endpoints=insecure_endpoints,
    )


def push_to(subscription: dict[str, Any], endpoint: str | None = None) -> Push:
    keys = subscription["keys"]
    return Push(
        endpoint or subscription["endpoint"],
        keys["p256dh"],
        keys["auth"],
        payload(MESSAGE),
        topic="hipday-test",
        ttl=600,
    )


def send_once(vapid: Vapid02, push: Push, *, insecure_endpoints: bool) -> Any:
    """Send `push` from a new sender (so on a new connection, after a new lookup)."""
    made = sender(vapid, insecure_endpoints=insecure_endpoints)
    try:
        return made.send(push)
    finally:
        made.close()


# Only public addresses


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "0.0.0.0",
        "10.0.0.7",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "192.0.2.10",
        "224.0.0.251",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.7",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::1",
        "2001:db8::1",
    ],
)
def test_addresses_on_this_machine_or_a_private_network_are_not_public(address: str) -> None:
    assert not public_address(ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "142.250.74.106", "17.253.144.10", "2607:f8b0:4004:c07::5f"]
)
def test_push_services_addresses_are_public(address: str) -> None:
    assert public_address(ip_address(address))


@pytest.mark.parametrize("answer", ["127.0.0.1", "::1", "0.0.0.0"])
def test_a_name_that_resolves_to_this_machine_is_refused_before_connecting(
    dns: FakeDns, named_service: MockPushService, vapid: Vapid02, answer: str
) -> None:
    """https://push.example.net looks like a push service; its address says otherwise."""
    dns.answers[NAME] = [answer]
    subscription = named_service.subscribe()
    secure = subscription["endpoint"].replace("http://", "https://", 1)

    result = send_once(vapid, push_to(subscription, secure), insecure_endpoints=False)

    assert (result.outcome, result.status, result.attempts) == (Outcome.FAILED, None, 1)
    assert "not a public address" in result.detail
    assert named_service.connections_opened == 0


def test_plain_http_is_refused_without_the_test_setting(
    named_service: MockPushService, vapid: Vapid02
) -> None:
    subscription = named_service.subscribe()

    result = send_once(vapid, push_to(subscription), insecure_endpoints=False)

    assert (result.outcome, result.attempts) == (Outcome.FAILED, 1)
    assert "https" in result.detail
    assert named_service.connections_opened == 0


def test_the_connection_goes_to_the_address_that_was_checked_even_if_the_name_changes(
    dns: FakeDns, named_service: MockPushService, vapid: Vapid02
) -> None:
    """DNS rebinding: the name answers this machine's test address, then 0.0.0.0 (which
    reaches every service on this machine). Each connection is made to the very address that
    was checked, so the second is refused rather than checked on one answer and made to
    another."""
    dns.answers[NAME] = ["127.0.0.1", "0.0.0.0"]
    subscription = named_service.subscribe()

    first = send_once(vapid, push_to(subscription), insecure_endpoints=True)
    second = send_once(vapid, push_to(subscription), insecure_endpoints=True)

    assert first.outcome is Outcome.SENT
    assert (second.outcome, second.status) == (Outcome.FAILED, None)
    assert "not a public address" in second.detail
    assert named_service.messages(subscription["endpoint"]) == [MESSAGE]
    assert named_service.connections_opened == 1


# Never anywhere else


def test_a_redirect_from_a_push_service_is_not_followed_and_not_counted_as_sent(
    named_service: MockPushService, internal: MockPushService, vapid: Vapid02, dns: FakeDns
) -> None:
    """A 307 keeps the method and body: following it would POST to whatever it names."""
    dns.answers[NAME] = ["127.0.0.1"]
    subscription = named_service.subscribe()
    named_service.script(subscription["endpoint"], Redirect(f"{internal.url}/plain"))

    result = send_once(vapid, push_to(subscription), insecure_endpoints=True)

    assert (result.outcome, result.status, result.attempts) == (Outcome.FAILED, 307, 1)
    assert internal.connections_opened == 0


def test_a_proxy_named_in_the_environment_is_not_used(
    named_service: MockPushService,
    internal: MockPushService,
    vapid: Vapid02,
    dns: FakeDns,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A proxy would be the address actually connected to, unchecked; pushes go direct."""
    dns.answers[NAME] = ["127.0.0.1"]
    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(variable, internal.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    subscription = named_service.subscribe()

    result = send_once(vapid, push_to(subscription), insecure_endpoints=True)

    assert result.outcome is Outcome.SENT
    assert internal.connections_opened == 0
    assert named_service.messages(subscription["endpoint"]) == [MESSAGE]


# The tests' own setting


def test_the_tests_push_setting_is_off_by_default_and_no_environment_turns_it_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("PUSH_INSECURE_ENDPOINTS", "HIPDAY_PUSH_INSECURE_ENDPOINTS"):
        monkeypatch.setenv(variable, "1")
    monkeypatch.setenv("FLASK_PUSH_INSECURE_ENDPOINTS", "true")
    base = {"DATABASE_URL": database_url(tmp_path), "VAPID_PRIVATE_KEY": TEST_VAPID_KEY}

    app = create_app({**base, "SECRET_KEY": "test-secret"})

    assert insecure_endpoints(app.config) is False
    app.extensions["hipday"].store.engine.dispose()


@pytest.mark.parametrize(
    "config",
    [{"PUSH_INSECURE_ENDPOINTS": True}, {"PUSH_INSECURE_ENDPOINTS": "false", "TESTING": True}],
    ids=["without-testing", "not-a-bool"],
)
def test_the_tests_push_setting_outside_tests_stops_the_app_from_starting(
    tmp_path: Path, config: dict[str, Any]
) -> None:
    base = {"DATABASE_URL": database_url(tmp_path), "VAPID_PRIVATE_KEY": TEST_VAPID_KEY}
    with pytest.raises(RuntimeError, match="for tests only"):
        create_app({**base, "SECRET_KEY": "test-secret", **config})


def test_tls_is_still_checked_for_the_name_not_the_address(
    dns: FakeDns, vapid: Vapid02, tmp_path: Path
) -> None:
    """Connecting to the checked address keeps TLS about the name: the server is asked for
    push.example.net (SNI), and a certificate no authority vouches for is refused."""
    dns.answers[NAME] = ["127.0.0.1"]
    with TlsServer(tmp_path, NAME) as server:
        endpoint = f"https://{NAME}:{server.port}/push/a-phone"
        subscription = {"endpoint": endpoint, "keys": Receiver().subscription(endpoint)["keys"]}

        result = send_once(vapid, push_to(subscription), insecure_endpoints=True)

    assert (result.outcome, result.status) == (Outcome.FAILED, None)
    assert "SSLError" in result.detail
    assert server.names_asked == [NAME] * result.attempts
