"""The whole server under load: gunicorn, one worker per core, and 50 phones at once.

1,000 accounts with a year of history each (`seed.py`) are served by gunicorn as `make run`
starts it, on SQLite and on PostgreSQL. Locust (`locustfile.py`) plays 50 phones without pause
for 60 s over Today, Progress, the plan, the player and finished sessions, each phone one
account at a time. The figures: requests per second, the 50th, 95th and 99th percentile of the
response time per page and overall, errors (there must be none), each worker's memory before
and after, and how many Today pages the server serves per second compared with a route that
does almost nothing (/healthz: no account, no database), both measured alone on the same
server afterwards.

Other work on the machine slows every figure above, so each run also counts the CPU time the
workers (and, on PostgreSQL, the database's own processes for this database) spent per request:
a figure that hardly depends on what else the machine is doing.

The environment can make it smaller: BENCH_LOAD_SECONDS (60), BENCH_LOAD_USERS (1000),
BENCH_LOAD_CLIENTS (50), BENCH_LOAD_RATIO_SECONDS (20, each of the Today-only and
/healthz-only runs). PostgreSQL comes from BENCH_POSTGRES_URL, else from `.ci/postgres`; the
bench makes a database of its own on that server and drops it afterwards.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from routines.catalog.load import load_catalog
from tests.bench.seed import Seeded, seed
from tests.conftest import TEST_VAPID_KEY
from webapp import create_app
from webapp.store.db import make_engine, migrate

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "1000"))
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "50"))
RATIO_SECONDS = int(os.environ.get("BENCH_LOAD_RATIO_SECONDS", str(min(20, SECONDS))))
WORKERS = os.cpu_count() or 1
ROUTES = ("Today", "player", "Plan", "Progress", "completion")
MINIMAL = "minimal (/healthz)"
#: The locust runs, one after the other on the same server, and their length in seconds.
SCENARIOS = {"mix": SECONDS, "today": RATIO_SECONDS, "minimal": RATIO_SECONDS}
TICKS = os.sysconf("SC_CLK_TCK")
#: Seeding, starting the server and stopping it, on top of the three locust runs.
TIMEOUT = SECONDS + 2 * RATIO_SECONDS + 900


@dataclass(frozen=True)
class Figures:
    """One row of locust's figures: a page, or all of them (`name` "overall")."""

    name: str
    requests: int
    errors: int
    rps: float
    p50: float
    p95: float
    p99: float


@dataclass
class Phase:
    """One locust run: its figures by name, and the CPU the server spent on it."""

    scenario: str
    rows: list[Figures]
    worker_cpu_s: float
    database_cpu_s: float
    warnings: list[str]

    def row(self, name: str) -> Figures:
        found = [row for row in self.rows if row.name == name]
        assert found, f"locust reported no {name!r} requests: {[r.name for r in self.rows]}"
        return found[0]

    @property
    def errors(self) -> int:
        return sum(row.errors for row in self.rows if row.name != "overall")

    @property
    def cpu_ms_per_request(self) -> tuple[float, float]:
        """Worker and database CPU milliseconds per request served."""
        served = self.row("overall").requests or 1
        return 1000 * self.worker_cpu_s / served, 1000 * self.database_cpu_s / served


@dataclass
class Report:
    """Everything one database's run measured."""

    database: str
    users: int
    sessions: int
    exercises: int
    clients: int
    workers: int
    seconds: int
    seed_seconds: float
    phases: dict[str, Phase] = field(default_factory=dict)
    rss_before_mib: list[float] = field(default_factory=list)
    rss_after_mib: list[float] = field(default_factory=list)
    load_before: str = ""
    load_after: str = ""

    @property
    def errors(self) -> int:
        return sum(phase.errors for phase in self.phases.values())

    @property
    def ratio(self) -> float:
        """Today's requests per second alone over /healthz's alone."""
        minimal = self.phases["minimal"].row(MINIMAL).rps
        return self.phases["today"].row("Today").rps / minimal if minimal else 0.0

    @property
    def cpu_ratio(self) -> float:
        """The CPU of a /healthz over that of a Today: the throughput ratio when CPU-bound."""
        today = sum(self.phases["today"].cpu_ms_per_request)
        return sum(self.phases["minimal"].cpu_ms_per_request) / today if today else 0.0


# The databases


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


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A new, empty database: a file in the bench's folder, or one made on the PostgreSQL server."""
    if request.param == "sqlite":
        yield Database(f"sqlite:///{tmp_path / 'hipday.sqlite3'}")
        return
    server = postgres_url()
    if server is None:
        pytest.skip("no PostgreSQL: set BENCH_POSTGRES_URL or add .ci/postgres")
    url = make_url(server)
    name = f"hipday_bench_{int(time.time())}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield Database(url.set(database=name).render_as_string(hide_password=False), admin)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str) -> tuple[Seeded, float]:
    """Migrate and seed the database; the seed's summary and how long seeding took."""
    engine = make_engine(url)
    try:
        migrate(engine)
        started = time.perf_counter()
        seeded = seed(engine, load_catalog(), USERS, datetime.now(UTC).date())
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:  # what autovacuum does soon after on a server
                connection.execute(text("ANALYZE"))
                connection.commit()
        return seeded, time.perf_counter() - started
    finally:
        engine.dispose()


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


# The server


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
        sizes = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
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


# Locust


def run_locust(base: str, scenario: str, seconds: int, cookie_file: Path, folder: Path) -> Phase:
    """Run locust headless for `seconds`; its figures per request name, and its warnings."""
    prefix = folder / f"locust-{scenario}"
    command = [
        str(BIN / "locust"), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
        "-u", str(CLIENTS), "-r", str(CLIENTS), "-t", f"{seconds}s", "--host", base,
        "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_LOAD_COOKIES": str(cookie_file), "BENCH_LOAD_SCENARIO": scenario}
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 120
    )
    (folder / f"locust-{scenario}.log").write_text(done.stdout + done.stderr)
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line or "CPU" in line]
    with open(f"{prefix}_failures.csv", newline="") as handle:
        warnings += [
            f"{row['Method']} {row['Name']}: {row['Error']} ×{row['Occurrences']}"
            for row in csv.DictReader(handle)
        ]
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = [figures(row) for row in csv.DictReader(handle)]
    return Phase(scenario, rows, 0.0, 0.0, warnings)


def figures(row: dict[str, str]) -> Figures:
    def ms(column: str) -> float:
        return float(row[column]) if row[column] != "N/A" else 0.0

    return Figures(
        name="overall" if row["Name"] == "Aggregated" else row["Name"],
        requests=int(row["Request Count"]),
        errors=int(row["Failure Count"]),
        rps=float(row["Requests/s"]),
        p50=ms("50%"),
        p95=ms("95%"),
        p99=ms("99%"),
    )


def measured(
    server: Server, database: Database, scenario: str, seconds: int, cookie_file: Path, folder: Path
) -> Phase:
    """A locust run, with the CPU time the workers and the database's processes spent on it."""
    workers, backends = cpu_seconds(server.worker_pids()), cpu_seconds(database.backend_pids())
    phase = run_locust(server.base, scenario, seconds, cookie_file, folder)
    workers_after = cpu_seconds(server.worker_pids())
    backends_after = cpu_seconds(database.backend_pids())
    phase.worker_cpu_s = sum(t - workers.get(pid, 0.0) for pid, t in workers_after.items())
    phase.database_cpu_s = sum(t - backends.get(pid, 0.0) for pid, t in backends_after.items())
    return phase


# The report


def table(report: Report) -> str:
    """The figures as a table for the terminal."""
    mix, today, minimal = (report.phases[p] for p in ("mix", "today", "minimal"))
    lines = [
        f"\nLoad on {report.database}: {report.users:,} accounts with a year of history "
        f"({report.sessions:,} sessions, {report.exercises:,} exercises logged; seeded in "
        f"{report.seed_seconds:.1f} s), gunicorn with {report.workers} sync worker(s), "
        f"{report.clients} phones without pause for {report.seconds} s",
        f"  {'':<26}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}   CPU ms/request (workers + database)",
    ]
    shown = [(r, r, None) for r in ROUTES] + [("overall", "all pages", mix)]
    shown += [("Today", "Today alone", today), (MINIMAL, "/healthz alone", minimal)]
    for (name, label, phase), source in zip(shown, [mix] * 6 + [today, minimal], strict=True):
        row = source.row(name)
        cpu = ""
        if phase is not None:
            worker, database = phase.cpu_ms_per_request
            cpu = f"   {worker:6.2f} + {database:5.2f}"
        lines.append(
            f"  {label:<26}{row.requests:>9,}{row.errors:>7}{row.rps:>8.1f}{row.p50:>8.0f}"
            f"{row.p95:>8.0f}{row.p99:>8.0f}{cpu}"
        )
    before = ", ".join(f"{m:.1f}" for m in report.rss_before_mib)
    after = ", ".join(f"{m:.1f}" for m in report.rss_after_mib)
    lines += [
        f"  Today alone: {report.ratio:.3f}× the requests per second of /healthz alone; by CPU "
        f"per request, {report.cpu_ratio:.3f}× (a Today costs {1 / report.cpu_ratio:.0f} /healthz)"
        if report.ratio and report.cpu_ratio
        else "  no ratio",
        f"  worker memory (VmRSS, MiB): before {before}; after the {report.seconds} s run {after}",
        f"  load average before {report.load_before}; after {report.load_after}",
        f"  errors: {report.errors} (target 0)",
    ]
    warnings = sorted({w for phase in report.phases.values() for w in phase.warnings})
    return "\n".join(lines + [f"  locust: {warning}" for warning in warnings])


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@pytest.mark.timeout(TIMEOUT)
def test_load(database: Database, tmp_path: Path) -> None:
    started = time.perf_counter()
    seeded, seed_seconds = prepare(database.url)
    secret = secrets.token_urlsafe(32)
    cookie_file = cookies(database.url, secret, seeded.user_ids, tmp_path / "cookies.json")
    report = Report(
        make_url(database.url).get_backend_name(), len(seeded.user_ids), seeded.sessions,
        seeded.exercises, CLIENTS, WORKERS, SECONDS, seed_seconds,
    )  # fmt: skip
    server = Server(database.url, secret, tmp_path)
    try:
        server.wait_ready(json.loads(cookie_file.read_text())[0])
        report.rss_before_mib, report.load_before = server.rss_mib(), load_average()
        for scenario, seconds in SCENARIOS.items():
            report.phases[scenario] = measured(
                server, database, scenario, seconds, cookie_file, tmp_path
            )
            if scenario == "mix":
                report.rss_after_mib, report.load_after = server.rss_mib(), load_average()
        logged = server.errors_logged()
    finally:
        server.stop()
    print(table(report))
    out = tmp_path / f"bench_load_{report.database}.json"
    summary = {"errors": report.errors, "ratio": report.ratio, "cpu_ratio": report.cpu_ratio}
    out.write_text(json.dumps({**asdict(report), **summary}, indent=2))
    print(f"  figures: {out}; the run took {time.perf_counter() - started:.0f} s")
    warnings = [w for phase in report.phases.values() for w in phase.warnings]
    assert report.errors == 0, f"{report.errors} requests failed: {warnings}"
    assert not logged, f"the server logged errors: {logged[:5]}"
    assert {row.name for row in report.phases["mix"].rows} >= set(ROUTES)
