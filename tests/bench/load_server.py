"""The load bench's server: a database of imported accounts, served as `make run` does."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, make_url, text

from tests.bench.accounts import export_document, import_account
from tests.bench.load_report import BIN, ROOT, TICKS, USERS, WORKERS
from tests.bench.seed import Seeded
from tests.conftest import TEST_VAPID_KEY
from webapp import create_app
from webapp.store.db import make_engine, migrate


def postgres_url() -> str | None:
    """BENCH_POSTGRES_URL, else what `.ci/postgres` prints; None when neither is there."""
    if os.environ.get("BENCH_POSTGRES_URL"):
        return os.environ["BENCH_POSTGRES_URL"]
    script = ROOT / ".ci" / "postgres"
    if not script.exists():
        return None
    done = subprocess.run(
        [str(script)], capture_output=True, text=True, timeout=600, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f".ci/postgres failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


@dataclass
class Database:
    """The database under test, and on PostgreSQL a connection to the server to watch it."""

    url: str
    admin: Engine | None = None

    @property
    def name(self) -> str:
        return make_url(self.url).database or ""

    def backend_pids(self) -> list[int]:
        """The server processes serving this database (PostgreSQL); none on SQLite."""
        if self.admin is None:
            return []
        with self.admin.connect() as connection:
            query = text("SELECT pid FROM pg_stat_activity WHERE datname = :name")
            return list(connection.execute(query, {"name": self.name}).scalars())


def prepare(url: str) -> tuple[Seeded, float]:
    """Migrate the database and import USERS accounts a year in; their summary and how long
    importing took."""
    engine = make_engine(url)
    try:
        migrate(engine)
        started = time.perf_counter()
        imported = import_accounts(url, USERS)
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:  # what autovacuum does soon after on a server
                connection.execute(text("ANALYZE"))
                connection.commit()
        return imported, time.perf_counter() - started
    finally:
        engine.dispose()


def import_accounts(url: str, users: int) -> Seeded:
    """`users` accounts, each a year into its program today (the server's clock is the real
    one), each from an export file of its own imported as the "Import" button does."""
    app = create_app(
        {"SECRET_KEY": "bench-import", "DATABASE_URL": url, "VAPID_PRIVATE_KEY": TEST_VAPID_KEY}
    )
    catalog, today = app.extensions["hipday"].catalog, datetime.now(UTC).date()
    user_ids, sessions, exercises = [], 0, 0
    try:
        for number in range(users):
            document = export_document(365, today, catalog, seed=number)
            user_ids.append(import_account(app, document).user_id)
            sessions += len(document["sessions"])
            exercises += sum(len(s["exercises"]) for s in document["sessions"])
    finally:
        app.extensions["hipday"].store.engine.dispose()
    return Seeded(tuple(user_ids), sessions, exercises)


def cookies(url: str, secret: str, user_ids: tuple[int, ...], path: Path) -> Path:
    """Each account's signed session cookie, as the server will read it, into a JSON file."""
    app = create_app(
        {"SECRET_KEY": secret, "DATABASE_URL": url, "VAPID_PRIVATE_KEY": TEST_VAPID_KEY}
    )
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    path.write_text(
        json.dumps([serializer.dumps({"user_id": i, "_permanent": True}) for i in user_ids])
    )
    app.extensions["hipday"].store.engine.dispose()
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get(url: str, cookie: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url)
    if cookie:
        request.add_header("Cookie", f"hipday={cookie}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU time of each process still running, in seconds."""
    found = {}
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, from field 3
        found[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return found


class Server:
    """gunicorn serving the app as `make run` does, one sync worker per core."""

    def __init__(self, url: str, secret: str, folder: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "gunicorn.log"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "HIPDAY_SECRET_KEY": secret,
            "HIPDAY_VAPID_PRIVATE_KEY": TEST_VAPID_KEY,
        }
        command = [
            str(BIN / "gunicorn"), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}",
            "--error-logfile", str(self.log), "webapp:create_app()",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def wait_ready(self, cookie: str) -> None:
        """Until every worker is up and an account's Today answers; fails if it never does."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                status, _ = get(f"{self.base}/healthz")
            except OSError:
                status = 0
            if status == 200 and len(self.worker_pids()) == WORKERS:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-3000:]}")
        status, html = get(f"{self.base}/", cookie)
        assert status == 200 and "X-CSRFToken" in html, f"Today answered {status}"

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def rss_mib(self) -> list[float]:
        """Each worker's resident memory (VmRSS), in MiB."""
        return list(self.rss_by_worker().values())

    def rss_by_worker(self) -> dict[int, float]:
        """Each worker's resident memory (VmRSS) in MiB, by its process id."""
        sizes = {}
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = int(line.split()[1]) / 1024
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def errors_logged(self) -> list[str]:
        text = self.log.read_text() if self.log.exists() else ""
        return [line for line in text.splitlines() if "Traceback" in line or "[ERROR]" in line]
