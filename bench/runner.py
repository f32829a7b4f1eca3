"""The benchmark (issue 9): Attune under load on PostgreSQL, against two floors.

``bench/run`` runs this module. For each dataset (small: one team; national: 50 teams) it
makes sure the database exists and holds the dataset, prepares sign-ins, then for each
phase starts gunicorn (2 sync workers on 127.0.0.1, production settings), drives it with
locust, keeps every request's record and the workers' peak memory, and stops the server:

- ``mixed``: practitioners, managers and one commissioner over every page, with pauses;
- ``ping`` and ``caseload``: no pauses, the trivial signed-in view and then the caseload,
  for throughput (the first is the framework's ceiling on this machine);
- ``report``: one commissioner asking for the report for all their teams, one request
  after another, beside the hand-written SQL for the same figures (``bench/sql_floor.py``,
  the database's floor).

It writes ``bench/results/<time>-<mode>.json`` and ``.md`` and prints the markdown. Every
load is bounded in users, requests and seconds, and targets only 127.0.0.1. See
docs/performance.md for what is measured and the goals.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from bench import report

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"

# Synthetic data only, so these are public on purpose. The data is encrypted at rest, so
# generation and serving must use the same key; a fixed one lets a dataset be reused.
BENCH_KEY = base64.b64encode(hashlib.sha256(b"attune benchmark: synthetic data").digest())
BENCH_ENCRYPTION_KEYS = "bench1:" + BENCH_KEY.decode()
BENCH_SECRET_KEY = "bench-only-" + hashlib.sha256(b"attune benchmark: sessions").hexdigest()


@dataclass(frozen=True)
class Plan:
    """How big each phase is. Every load is bounded in users, requests and seconds."""

    mode: str
    users: int
    managers: int
    mixed_seconds: int
    throughput_seconds: int
    iterations: int
    max_requests: int
    report_requests: int
    floor_repeat: int
    teams: int


def plan_for(options: argparse.Namespace) -> Plan:
    if options.quick:
        users = options.users or 3
        return Plan(
            mode="quick",
            users=users,
            managers=1,
            mixed_seconds=options.seconds or 20,
            throughput_seconds=3,
            iterations=1,
            max_requests=300,
            report_requests=3,
            floor_repeat=3,
            teams=1,
        )
    users = options.users or 10
    return Plan(
        mode="full",
        users=users,
        managers=max(1, users // 5),
        mixed_seconds=options.seconds or 60,
        throughput_seconds=20,
        iterations=100_000,
        max_requests=50_000,
        report_requests=10,
        floor_repeat=10,
        teams=5,
    )


@dataclass(frozen=True)
class Dataset:
    name: str
    database: str
    preset: str
    seed: int
    families_per_team: int | None = None

    def marker(self) -> str:
        """What was asked for, kept as the database's comment (see ``dataset_ready``)."""
        asked = {"preset": self.preset, "seed": self.seed, "families": self.families_per_team}
        return json.dumps(asked, sort_keys=True)


@dataclass(frozen=True)
class Postgres:
    port: int
    user: str

    def url(self, database: str) -> str:
        return f"postgres://{self.user}@{HOST}:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[Any]:
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)


def say(message: str) -> None:
    print(f"\033[1m--> {message}\033[0m", flush=True)


# Environment and commands ----------------------------------------------------------------


def bench_env(pg: Postgres, database: str, work: Path) -> dict[str, str]:
    """Production settings, as a deployment runs them, except plain HTTP on loopback."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_") and k != "DATABASE_URL"
    }
    env.update(
        DATABASE_URL=pg.url(database),
        DJANGO_SETTINGS_MODULE="config.settings",
        ATTUNE_ENVIRONMENT="production",
        ATTUNE_SECRET_KEY=BENCH_SECRET_KEY,
        ATTUNE_ALLOWED_HOSTS=HOST,
        ATTUNE_ENCRYPTION_KEYS=BENCH_ENCRYPTION_KEYS,
        ATTUNE_DEMO_MODE="false",
        ATTUNE_DEBUG="false",
        ATTUNE_LOOPBACK_HTTP="true",
        ATTUNE_BENCH_QUERY_HEADER="true",
        # Persistent connections, as a production deployment would keep them.
        ATTUNE_DB_CONN_MAX_AGE="60",
        ATTUNE_VAR_DIR=str(work / "var"),
        ATTUNE_STATIC_ROOT=str(work / "static"),
        ATTUNE_VIDEO_ROOT=str(work / "video"),
        ATTUNE_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        ATTUNE_SEND_EMAIL="false",
        ATTUNE_SEND_TEXTS="false",
        ATTUNE_LOG_LEVEL="WARNING",
        # Work every report out: a kept (cached) report would time the cache, not the page,
        # and the comparison with the SQL floor would mean nothing.
        ATTUNE_REPORT_CACHE_SECONDS="0",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(command: Sequence[str], **options: Any) -> subprocess.CompletedProcess[Any]:
    """Run one of the project's own programs (never a command from outside) in the root."""
    return subprocess.run(list(command), cwd=ROOT, check=False, **options)  # noqa: S603


def attune(env: dict[str, str], *args: str, timeout: float = 3600) -> str:
    """Run an attune command; its output, or a clear failure."""
    result = run(
        [str(BIN / "attune"), *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SystemExit(f"attune {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# Datasets --------------------------------------------------------------------------------


def database_exists(pg: Postgres, name: str) -> bool:
    with pg.connect() as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def recreate_database(pg: Postgres, name: str) -> None:
    with pg.connect() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(pg: Postgres, name: str) -> None:
    with pg.connect() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def database_comment(pg: Postgres, name: str) -> str | None:
    with pg.connect() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    return row[0] if row else None


def set_database_comment(pg: Postgres, name: str, comment: str) -> None:
    with pg.connect() as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(comment)
            )
        )


def recorded_run(pg: Postgres, env: dict[str, str], dataset: Dataset) -> dict[str, Any] | None:
    """The last finished synthetic run in the database, or None.

    ``attune synth --describe`` answers where the generator has it; otherwise the run's
    one audit event (``synthetic.generated``) is read directly."""
    result = run(
        [str(BIN / "attune"), "synth", "--describe"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode == 0:
        return dict(json.loads(result.stdout))
    if "unrecognized arguments" not in result.stderr:
        return None
    with pg.connect(dataset.database) as conn:
        row = conn.execute(
            "SELECT details FROM audit_auditevent WHERE action = 'synthetic.generated' "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return dict(row[0]) if row else None


def dataset_ready(pg: Postgres, env: dict[str, str], dataset: Dataset) -> dict[str, Any] | None:
    """The run's details when the database already holds this dataset, else None.

    The generator records a finished run (seed, counts); the runner records, as the
    database's comment, what it asked for (preset and size), since one seed can be
    built at several sizes. Both must agree with what is wanted now."""
    if not database_exists(pg, dataset.database):
        return None
    if database_comment(pg, dataset.database) != dataset.marker():
        return None
    details = recorded_run(pg, env, dataset)
    if details is None or details.get("seed") != dataset.seed:
        return None
    return details


def ensure_statistics(pg: Postgres, database: str) -> None:
    """Planner statistics for every table, as autovacuum keeps them on a deployment.

    Freshly loaded tables have none until they are analysed, and a server may run with
    autovacuum off (this machine's does): PostgreSQL would then plan every join blind, and
    the national dataset would measure that rather than Attune."""
    with pg.connect(database) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE n_live_tup > 0 "
            "AND last_analyze IS NULL AND last_autoanalyze IS NULL"
        ).fetchone()
        if row and row[0]:
            say(f"analysing {database} (VACUUM ANALYZE: planner statistics)")
            conn.execute("VACUUM (ANALYZE)")


def synth_arguments(dataset: Dataset, today: date, workers: int) -> list[str]:
    """``attune synth`` for the dataset: its preset when the generator has presets, else
    the same sizes spelt out (one team of 2,200 families; 50 such teams)."""
    args = ["synth", "--seed", str(dataset.seed), "--today", today.isoformat(), "--no-progress"]
    help_text = run([str(BIN / "attune"), "synth", "--help"], capture_output=True, text=True).stdout
    if "--preset" in help_text:
        args += ["--preset", dataset.preset, "--workers", str(workers)]
    else:
        organisations, teams = (1, 1) if dataset.preset == "small" else (10, 5)
        args += ["--organisations", str(organisations), "--teams-per-organisation", str(teams)]
        args += ["--families-per-team", "2200"]
    if dataset.families_per_team is not None:
        args += ["--families-per-team", str(dataset.families_per_team)]
    return args


def ensure_dataset(
    pg: Postgres, env: dict[str, str], dataset: Dataset, rebuild: bool
) -> dict[str, Any]:
    if not rebuild:
        details = dataset_ready(pg, env, dataset)
        if details is not None:
            say(f"{dataset.name}: reusing {dataset.database} (seed {dataset.seed})")
            attune(env, "migrate", "--no-input", "-v", "0")
            return details
    say(f"{dataset.name}: building {dataset.database} (this can take a while)")
    recreate_database(pg, dataset.database)
    attune(env, "migrate", "--no-input", "-v", "0")
    started = time.monotonic()
    attune(env, *synth_arguments(dataset, date.today(), workers=os.cpu_count() or 1))
    set_database_comment(pg, dataset.database, dataset.marker())
    details = recorded_run(pg, env, dataset) or {}
    details["build_seconds"] = round(time.monotonic() - started, 1)
    return details


# The server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def peak_memory_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


class Server:
    """gunicorn with 2 sync workers on 127.0.0.1, as Attune is deployed (WSGI)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn and arguments
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers=2",
                "--worker-class=sync",
                f"--bind={HOST}:{self.port}",
                # A national report can take many seconds; the load bounds it, not gunicorn.
                "--timeout=300",
                "--graceful-timeout=10",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_healthy(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/health/", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /health/ within {seconds} s")

    def worker_memory(self) -> dict[str, float | None]:
        return {str(pid): peak_memory_mb(pid) for pid in children(self.process.pid)}

    def reset_peak_memory(self) -> bool:
        """Start each worker's peak (VmHWM) again from its current size, so that each phase
        reports its own peak; False where the kernel does not allow it (then the peak is
        since the server started)."""
        try:
            for pid in children(self.process.pid):
                Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[Server]:
    server = Server(env, log)
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.stop()


# Phases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    name: str
    classes: tuple[str, ...]
    users: int
    seconds: int
    iterations: int
    max_requests: int
    managers: int = 0


MIXED = ("PractitionerUser", "ManagerUser", "CommissionerUser")


def warm_up_phase(plan: Plan) -> Phase:
    """One journey each for a practitioner, a manager and the commissioner: every page is
    rendered at least once before anything is measured (templates compile on first use)."""
    return Phase("warm-up", MIXED, 3, 120, 1, 500, managers=1)


def phases(plan: Plan) -> list[Phase]:
    unbounded = 10**9  # these runs end by time and by the request cap
    return [
        Phase(
            "mixed",
            MIXED,
            plan.users,
            plan.mixed_seconds,
            plan.iterations,
            plan.max_requests,
            managers=plan.managers,
        ),
        Phase(
            "ping", ("PingUser",), plan.users, plan.throughput_seconds, unbounded, plan.max_requests
        ),
        Phase(
            "caseload",
            ("CaseloadUser",),
            plan.users,
            plan.throughput_seconds,
            unbounded,
            plan.max_requests,
        ),
        # One request after another: the report's own time, to set beside the SQL floor.
        Phase("report", ("ReportUser",), 1, 300, plan.report_requests, plan.report_requests + 8),
    ]


def prepare_accounts(env: dict[str, str], dataset: Dataset, plan: Plan, path: Path) -> list[str]:
    """Sign-ins with known authenticators; their usernames.

    Enough practitioners and managers from each team for the whole load to come from one
    team (the small dataset has only one); they are listed one team after another in turn,
    so on the national dataset the users come from several teams."""
    attune(
        env,
        "bench_accounts",
        f"--seed={dataset.seed}",
        f"--output={path}",
        f"--teams={plan.teams}",
        f"--practitioners-per-team={max(plan.users, 3)}",
        f"--managers-per-team={plan.managers}",
        timeout=600,
    )
    return [account["username"] for account in json.loads(path.read_text())]


def allow_sign_in_again(pg: Postgres, database: str, usernames: Sequence[str]) -> None:
    """Let the benchmark's accounts sign in again in the next phase straight away.

    Attune refuses a code from a time step already used (django-otp keeps it as
    ``last_t``), so a phase starting within 30 seconds of the last sign-in would fail.
    Forgetting the step for these synthetic accounts' own benchmark authenticators is what
    giving them new ones (``attune bench_accounts`` again) would do, in a millisecond."""
    with pg.connect(database) as conn:
        conn.execute(
            "UPDATE otp_totp_totpdevice SET last_t = -1, throttling_failure_count = 0, "
            "throttling_failure_timestamp = NULL WHERE name = 'benchmark' AND user_id IN "
            "(SELECT id FROM accounts_user WHERE username = ANY(%s))",
            [list(usernames)],
        )


def run_locust(
    phase: Phase, server: Server, accounts: Path, work: Path, label: str
) -> list[dict[str, Any]]:
    records = work / f"records-{label}.json"
    records.unlink(missing_ok=True)
    # The hard limit: the load's own seconds start once everyone has signed in, and a request
    # begun just before they end may take gunicorn's whole timeout (300 s) to answer.
    run_time = phase.seconds + 360
    options = {
        "--headless": None,
        "--locustfile": str(ROOT / "bench" / "locustfile.py"),
        "--host": server.url,
        "--users": phase.users,
        "--spawn-rate": phase.users,
        "--run-time": f"{run_time}s",
        "--stop-timeout": 10,
        "--only-summary": None,
        "--loglevel": "WARNING",
        "--exit-code-on-error": 0,
        "--bench-accounts": str(accounts),
        "--bench-records": str(records),
        "--bench-seconds": phase.seconds,
        "--bench-iterations": phase.iterations,
        "--bench-max-requests": phase.max_requests,
        "--bench-managers": phase.managers,
    }
    command = [str(BIN / "locust")]
    for flag, value in options.items():
        command += [flag] if value is None else [flag, str(value)]
    log = work / f"locust-{label}.log"
    with log.open("w") as output:
        run(
            [*command, *phase.classes],
            env={**os.environ, "PYTHONPATH": str(ROOT)},  # for bench.totp
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=run_time + 60,
        )
    if not records.exists():
        raise SystemExit(f"locust wrote no records for {phase.name}; see {log}")
    return list(json.loads(records.read_text()))


def run_phase(
    phase: Phase, server: Server, dataset: Dataset, accounts: Path, work: Path
) -> dict[str, Any]:
    say(f"{dataset.name}: {phase.name} ({phase.users} users, up to {phase.seconds} s)")
    own_peak = server.reset_peak_memory()
    records = run_locust(phase, server, accounts, work, f"{dataset.name}-{phase.name}")
    result = report.summarise(records)
    result.update(
        phase=phase.name,
        users=phase.users,
        seconds_limit=phase.seconds,
        worker_memory_mb=server.worker_memory(),
        memory_peak="this phase" if own_peak else "since the server started",
    )
    return result


def run_floor(env: dict[str, str], dataset: Dataset, plan: Plan, work: Path) -> dict[str, Any]:
    say(f"{dataset.name}: SQL floor for the commissioner report ({plan.floor_repeat} runs)")
    output = work / f"floor-{dataset.name}.json"
    done = run(
        [
            sys.executable,
            "-m",
            "bench.sql_floor",
            f"--commissioner=s{dataset.seed}.bench.commissioner",
            f"--repeat={plan.floor_repeat}",
            f"--output={output}",
        ],
        env=env,
        timeout=3600,
    )
    if done.returncode != 0:
        raise SystemExit(f"the SQL floor failed for {dataset.name}")
    return dict(json.loads(output.read_text()))


def bench_dataset(
    pg: Postgres, dataset: Dataset, plan: Plan, work: Path, rebuild: bool
) -> dict[str, Any]:
    """One server for the whole dataset, warmed up once; each phase signs in afresh."""
    env = bench_env(pg, dataset.database, work)
    details = ensure_dataset(pg, env, dataset, rebuild)
    ensure_statistics(pg, dataset.database)
    result: dict[str, Any] = {"database": dataset.database, "dataset": details, "phases": {}}
    accounts = work / f"accounts-{dataset.name}.json"
    usernames = prepare_accounts(env, dataset, plan, accounts)
    with serving(env, work / f"gunicorn-{dataset.name}.log") as server:
        warm = run_phase(warm_up_phase(plan), server, dataset, accounts, work)
        result["warm_up"] = {"requests": warm["requests"], "errors": warm["errors"]}
        for phase in phases(plan):
            allow_sign_in_again(pg, dataset.database, usernames)
            result["phases"][phase.name] = run_phase(phase, server, dataset, accounts, work)
    result["floor"] = run_floor(env, dataset, plan, work)
    return result


# Command line ----------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small dataset only, seconds long")
    parser.add_argument("--users", type=int, help="concurrent users (default 10; quick 3)")
    parser.add_argument("--seconds", type=int, help="length of the mixed run (default 60)")
    parser.add_argument("--seed", type=int, default=9, help="the datasets' seed")
    parser.add_argument("--rebuild", action="store_true", help="build the datasets again")
    parser.add_argument("--skip-national", action="store_true", help="the small dataset only")
    parser.add_argument("--database-prefix", default="attune_bench", help="databases' names")
    parser.add_argument(
        "--families-per-team", type=int, help="a smaller dataset than the preset (tests)"
    )
    parser.add_argument("--drop-databases", action="store_true", help="drop them at the end")
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("PGPORT", "5432")))
    parser.add_argument("--pg-user", default=os.environ.get("PGUSER", "postgres"))
    parser.add_argument("--results-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "var" / "bench")
    options = parser.parse_args(argv)
    if options.users is not None and not 1 <= options.users <= 50:
        parser.error("--users must be from 1 to 50: this is a 2-core machine")
    if options.seconds is not None and not 1 <= options.seconds <= 600:
        parser.error("--seconds must be from 1 to 600")
    return options


def datasets(options: argparse.Namespace) -> list[Dataset]:
    names = ["small"] if options.quick or options.skip_national else ["small", "national"]
    return [
        Dataset(
            name,
            f"{options.database_prefix}_{name}",
            name,
            options.seed,
            options.families_per_team,
        )
        for name in names
    ]


def collect_static(pg: Postgres, work: Path) -> None:
    say("collecting static files (production serves them hashed and compressed)")
    attune(bench_env(pg, "postgres", work), "collectstatic", "--no-input", "-v", "0")


def stop_on_terminate(signum: int, frame: Any) -> None:
    """SIGTERM (a timeout, a CI job cancelled) unwinds like Ctrl-C: servers stop, and
    throwaway databases are dropped, in the ``finally`` blocks."""
    raise SystemExit(f"stopped by signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    signal.signal(signal.SIGTERM, stop_on_terminate)
    plan = plan_for(options)
    pg = Postgres(options.pg_port, options.pg_user)
    work = options.work_dir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    results: dict[str, Any] = {
        "mode": plan.mode,
        "started": started.isoformat(timespec="seconds"),
        "plan": asdict(plan),
        "machine": {"cores": os.cpu_count(), "workers": 2, "worker_class": "sync"},
        "datasets": {},
    }
    chosen = datasets(options)
    try:
        collect_static(pg, work)
        for dataset in chosen:
            results["datasets"][dataset.name] = bench_dataset(
                pg, dataset, plan, work, options.rebuild
            )
    except BaseException as stop:
        # Keep what the datasets already finished measured: a national run is long.
        results["stopped"] = f"{type(stop).__name__}: {stop}"
        raise
    finally:
        if options.drop_databases:
            for dataset in chosen:
                drop_database(pg, dataset.database)
        write_results(results, options.results_dir, f"{started:%Y%m%d-%H%M%S}-{plan.mode}")
    return 0


def write_results(results: dict[str, Any], folder: Path, stem: str) -> None:
    """The JSON and the markdown, printed too; only the JSON when nothing was measured."""
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    folder.mkdir(parents=True, exist_ok=True)
    if results["datasets"]:
        results.update(report.assess(results))
        markdown = report.markdown(results)
        (folder / f"{stem}.md").write_text(markdown)
        print()
        print(markdown)
    (folder / f"{stem}.json").write_text(json.dumps(results, indent=1))
    print(f"Results: {folder / stem}.json" + (" and .md" if results["datasets"] else ""))


if __name__ == "__main__":
    sys.exit(main())
