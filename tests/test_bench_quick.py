"""bench/run --quick, end to end: build a small dataset, serve it, load it, report on it.

It checks that the harness works (every page measured, no errors, query counts kept, the
SQL floor timed), not how fast Attune is: timings on a shared CI machine mean little. It
needs PostgreSQL on 127.0.0.1:5432 and uses throwaway databases of its own, named after
this process, so it never touches a developer's bench databases or another test worker's.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT = "127.0.0.1", 5432

JOURNEY_PAGES = {
    "login: sign-in page",
    "login: password",
    "login: code page",
    "login: code",
    "home",
    "caseload",
    "caseload (team)",
    "family page",
    "episode chronology",
    "waiting list",
    "directory",
    "directory compare",
    "team dashboard",
    "commissioner report",
}


def postgres_answers() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not postgres_answers(), reason=f"needs PostgreSQL on {PG_HOST}:{PG_PORT}"
)


def drop_databases(prefix: str) -> None:
    import psycopg
    from psycopg import sql

    url = f"postgres://postgres@{PG_HOST}:{PG_PORT}/postgres"
    with psycopg.connect(url, autocommit=True) as conn:
        for name in (f"{prefix}_small", f"{prefix}_national"):
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def run_quick_benchmark(tmp_path: Path, prefix: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_") and k != "DATABASE_URL"
    }
    command = [
        str(ROOT / "bench" / "run"),
        "--quick",
        f"--database-prefix={prefix}",
        # Fewer families than the preset's 2,200, so the build takes seconds.
        "--families-per-team=150",
        f"--pg-port={PG_PORT}",
        f"--results-dir={tmp_path / 'results'}",
        f"--work-dir={tmp_path / 'work'}",
        "--drop-databases",
    ]
    # Its own process group, so that a timeout stops the runner, gunicorn and locust alike.
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
        pytest.fail(f"bench/run --quick took over 10 minutes:\n{stdout[-3000:]}{stderr[-3000:]}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def test_the_quick_benchmark_measures_every_page_without_errors(tmp_path: Path) -> None:
    prefix = f"attune_benchtest_{os.getpid()}"
    try:
        result = run_quick_benchmark(tmp_path, prefix)
    finally:
        drop_databases(prefix)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    [written] = (tmp_path / "results").glob("*-quick.json")
    report = json.loads(written.read_text())
    assert list(report["datasets"]) == ["small"]
    small = report["datasets"]["small"]

    mixed = small["phases"]["mixed"]["pages"]
    assert set(mixed) >= JOURNEY_PAGES, sorted(JOURNEY_PAGES - set(mixed))
    assert small["phases"]["ping"]["pages"]["trivial view (ping)"]["requests"] > 0
    assert small["phases"]["caseload"]["pages"]["caseload"]["requests"] > 0
    assert small["phases"]["report"]["pages"]["commissioner report"]["requests"] > 0
    for name, phase in small["phases"].items():
        assert phase["errors"] == 0, (name, phase["pages"])
        for page_name, page in phase["pages"].items():
            # The sign-in page is the one page that reads nothing from the database.
            assert page["queries_min"] is not None, page_name
            assert page["queries_min"] > 0 or page_name == "login: sign-in page", page_name
        assert phase["worker_memory_mb"], name
    assert small["floor"]["median_ms"] > 0
    assert small["floor"]["teams"] == 1

    goals = {goal["goal"]: goal for goal in report["goals"]}
    assert goals["0 errors"]["passed"] is True
    markdown = written.with_suffix(".md").read_text()
    assert "| commissioner report | small |" in markdown
    assert markdown.strip() in result.stdout
