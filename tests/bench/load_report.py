"""The load bench's settings and what it reports: each phase's figures, and the table printed."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

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
