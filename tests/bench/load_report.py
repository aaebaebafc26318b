"""The load bench's settings and what it reports: each phase's figures, and the table printed."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.load_open import OpenLoop

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "40"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "300"))
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "50"))
RATIO_SECONDS = int(os.environ.get("BENCH_LOAD_RATIO_SECONDS", str(min(15, SECONDS))))
#: The open-loop run of Today, at this share of the Today-alone capacity just measured.
OPEN_SECONDS = int(os.environ.get("BENCH_LOAD_OPEN_SECONDS", str(min(15, SECONDS))))
OPEN_SHARE = 0.5
#: The issue's targets: Today alone against /healthz alone, and each worker's memory growth.
RATIO_TARGET = 0.33
RSS_GROWTH_TARGET_MIB = 20.0
WORKERS = os.cpu_count() or 1
ROUTES = ("Today", "player", "Plan", "Progress", "completion")
MINIMAL = "minimal (/healthz)"
#: The locust runs, one after the other on the same server, and their length in seconds.
SCENARIOS = {"mix": SECONDS, "today": RATIO_SECONDS, "minimal": RATIO_SECONDS}
TICKS = os.sysconf("SC_CLK_TCK")
#: Importing, starting the server and stopping it, on top of the three locust runs and the
#: open-loop one.
TIMEOUT = SECONDS + 2 * RATIO_SECONDS + OPEN_SECONDS + 900


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
    rss_end_mib: dict[int, float] = field(default_factory=dict)  # after every run, by worker
    rss_start_mib: dict[int, float] = field(default_factory=dict)  # before any, by worker
    open_loop: OpenLoop | None = None
    load_before: str = ""
    load_after: str = ""

    @property
    def errors(self) -> int:
        opened = self.open_loop.errors if self.open_loop else 0
        return sum(phase.errors for phase in self.phases.values()) + opened

    def rss_growth_mib(self) -> dict[int, float]:
        """Each worker's resident memory growth from before the first run to after the last."""
        return {pid: self.rss_end_mib[pid] - mib for pid, mib in self.rss_start_mib.items()
                if pid in self.rss_end_mib}  # fmt: skip

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
