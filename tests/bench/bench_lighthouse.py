"""Lighthouse (mobile) on Today, the pre-run warm-up player and Progress, served by gunicorn.

Prints the performance, accessibility and best-practices scores against their targets, and the
audits that cost points where a score falls short. Asserts only that each run worked. Needs the
npm dev dependency (`npm ci` installs node_modules/.bin/lighthouse) and Debian's Chromium.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
RUN_TIMEOUT = 180
ATTEMPTS = 2
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
PAGES = {
    "Today": "/",
    "Pre-run warm-up player": "/play/pre-run-warm-up",
    "Progress": "/progress",
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Hipday under gunicorn (2 workers) on 127.0.0.1, on a fresh database."""
    if not LIGHTHOUSE.exists():
        pytest.skip(
            f"{LIGHTHOUSE.relative_to(ROOT)} is missing: run `npm ci --no-audit --no-fund` "
            "(the lighthouse dev dependency in package.json) to run this benchmark"
        )
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium")
    folder = tmp_path_factory.mktemp("lighthouse-server")
    make_app(folder).extensions["hipday"].store.engine.dispose()  # migrates the database
    log = folder / "gunicorn.log"
    server = _start_gunicorn(folder, log)
    try:
        url = _wait_for_gunicorn(server, log)
        yield url
    finally:
        _stop(server)


def _start_gunicorn(folder: Path, log: Path) -> subprocess.Popen[bytes]:
    """Gunicorn with 2 workers on a free 127.0.0.1 port, serving the database in `folder`."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'hipday.sqlite3'}",
        "HIPDAY_SECRET_KEY": "lighthouse-bench",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            "127.0.0.1:0",
            "--no-control-socket",
            "--error-logfile",
            str(log),
            "webapp:create_app()",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn, killing it if it does not stop in time."""
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def _wait_for_gunicorn(server: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}):\n{_read(log)}")
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", _read(log))
        if found:
            try:
                with urllib.request.urlopen(found.group(1) + "/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        return found.group(1)
            except OSError:
                pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 30 s:\n{_read(log)}")


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def run_lighthouse(url: str, report: Path) -> dict[str, Any]:
    """One Lighthouse run; once more if the trace came out broken (NO_NAVSTART), as it asks."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={report}",
        "--form-factor=mobile",
        "--screenEmulation.mobile",
        "--quiet",
        "--no-enable-error-reporting",
        "--disable-full-page-screenshot",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    for attempt in range(1, ATTEMPTS + 1):
        finished = subprocess.run(
            command,
            cwd=ROOT,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        output = f"{finished.stdout[-2000:]}\n{finished.stderr[-4000:]}"
        if finished.returncode != 0 and "NO_NAVSTART" in output and attempt < ATTEMPTS:
            print(f"\n  (Lighthouse's trace missed the navigation start; run {attempt + 1})")
            continue
        assert finished.returncode == 0, f"lighthouse exited {finished.returncode}:\n{output}"
        break
    result: dict[str, Any] = json.loads(report.read_text())
    return result


def shortfalls(result: dict[str, Any], category: str) -> list[str]:
    """The audits of `category` that cost it points, worst first."""
    audits = result["audits"]
    lines = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        score = audit.get("score")
        mode = audit.get("scoreDisplayMode")
        if score is None or mode in ("notApplicable", "informative", "manual") or score >= 1:
            continue
        shown = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
        lines.append((score, f"{audit['title']}{shown}: score {score:.2f}, weight {ref['weight']}"))
    return [line for _, line in sorted(lines)]


@pytest.mark.timeout(ATTEMPTS * RUN_TIMEOUT + 60)
@pytest.mark.parametrize("name", list(PAGES))
def test_lighthouse_scores(name: str, base_url: str, tmp_path: Path) -> None:
    url = base_url + PAGES[name]
    started = time.monotonic()
    result = run_lighthouse(url, tmp_path / "report.json")
    seconds = time.monotonic() - started

    assert not result.get("runtimeError"), result.get("runtimeError")
    assert result["finalDisplayedUrl"] == url, result["finalDisplayedUrl"]
    scores = {}
    for category in TARGETS:
        score = result["categories"][category]["score"]
        assert isinstance(score, int | float), f"{category} has no score: {score!r}"
        scores[category] = round(score * 100)

    print(f"\n{name} ({PAGES[name]}), Lighthouse {result['lighthouseVersion']}, {seconds:.0f} s")
    for category, target in TARGETS.items():
        verdict = "ok" if scores[category] >= target else "BELOW TARGET"
        print(f"  {category:15} {scores[category]:3d}  (target {target}) {verdict}")
    metrics = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
               "cumulative-layout-shift", "speed-index")  # fmt: skip
    print(
        "  metrics: "
        + ", ".join(
            f"{result['audits'][m]['title']} {result['audits'][m]['displayValue']}" for m in metrics
        )
    )
    for category, target in TARGETS.items():
        if scores[category] < target:
            print(f"  {category} loses points on:")
            for line in shortfalls(result, category) or ["(no single audit below 1)"]:
                print(f"    - {line}")
    for warning in result.get("runWarnings", []):
        print(f"  warning: {warning}")
