"""An open-loop run of Today: requests start on a fixed schedule, whatever the answers do.

Closed-loop clients (locust's 50 phones without pause) slow down when the server does, so a
slow server is asked less and its queue hides. Here request n starts at n / rate seconds into
the run, on a thread of its own from a pool large enough that a slow answer never holds the
next one back, and its time is counted from when it was due: a request that had to wait for a
free thread counts that wait too. Accounts are visited as locust's phones visit them (VISIT
requests for one account, then another at random), so the server's per-account caches serve the
open loop as they serve the closed one. Only 127.0.0.1 is asked.
"""

from __future__ import annotations

import random
import statistics
import time
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

#: Threads that can wait on answers at once; more than a 2-core server ever has in flight.
THREADS = 128
#: Requests for one account before the next, as `locustfile.VISIT`.
VISIT = 12
TIMEOUT = 10.0
BROWSER = {"Accept-Encoding": "gzip, deflate, br", "Accept": "text/html"}


@dataclass
class OpenLoop:
    """What one open-loop run asked and got: each answer's time in ms since it was due."""

    rate: float
    seconds: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    late_starts: int = 0  # requests that started more than 10 ms after they were due

    def percentile(self, share: float) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        cuts = statistics.quantiles(self.latencies_ms, n=100, method="inclusive")
        return cuts[round(share * 100) - 1]

    @property
    def sent(self) -> int:
        return len(self.latencies_ms) + self.errors


def _fetch(url: str, cookie: str, due: float, run: OpenLoop) -> None:
    """GET `url` with the account's cookie; its time from `due`, or an error."""
    if time.perf_counter() - due > 0.01:
        run.late_starts += 1
    request = urllib.request.Request(url, headers={**BROWSER, "Cookie": f"hipday={cookie}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
            ok = response.status == 200
    except (urllib.error.URLError, OSError):
        ok = False
    if ok:
        run.latencies_ms.append((time.perf_counter() - due) * 1000)
    else:
        run.errors += 1


def open_loop(base: str, cookies: list[str], rate: float, seconds: int) -> OpenLoop:
    """Today at `rate` requests a second for `seconds`, a visit of VISIT to each account."""
    assert base.startswith("http://127.0.0.1:"), "the load bench asks this machine only"
    run = OpenLoop(rate, seconds)
    total = max(1, int(rate * seconds))
    pending: list[Future[None]] = []
    visits = random.Random(19)
    cookie = cookies[0]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        started = time.perf_counter()
        for n in range(total):
            due = started + n / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            cookie = visits.choice(cookies) if n % VISIT == 0 else cookie
            pending.append(pool.submit(_fetch, f"{base}/", cookie, due, run))
        for future in pending:
            future.result()
    return run
