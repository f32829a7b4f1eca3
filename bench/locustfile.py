"""The benchmark's load: signed-in users of several roles and teams (run by bench/runner.py).

Each virtual user signs in once, in ``on_start``, with an account of its own from the
``bench_accounts`` JSON (Attune refuses a second use of a time step's code), then repeats
its role's journey through the pages. Every request is kept as a raw record (page name,
milliseconds, whether it was right, ``X-Attune-Queries``) and written as JSON when locust
stops; the runner computes the percentiles itself.

Users wait until every one of them has signed in, then load the server together for
``--bench-seconds``, so the measured window holds no sign-ins. Bounds, on top of locust's
``--users`` and ``--run-time`` (the hard limit): ``--bench-iterations`` journeys per user and
``--bench-max-requests`` requests in all, after which the run stops. The host must be a
loopback address: the load never leaves this machine.

Run it through bench/run, which sets ``PYTHONPATH`` to the repository (for ``bench.totp``).
Scenarios are chosen by naming user classes on the command line: the mixed run uses
``PractitionerUser ManagerUser CommissionerUser``; the throughput runs ``PingUser`` or
``CaseloadUser``; the report timing ``ReportUser``.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import gevent
import gevent.event
from gevent import GreenletExit
from locust import HttpUser, between, constant, events, task
from locust.exception import StopUser

from bench.totp import seconds_left_in_step, totp

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Directory entries are linked as /directory/<slug>/; these paths are other pages.
ENTRY = re.compile(r'href="/directory/([a-z0-9][a-z0-9-]*)/"')
NOT_ENTRIES = {"compare", "self-assessments", "training"}
SIGN_IN = "/accounts/sign-in/"
# Sign in only with at least this long left in the code's 30-second step, so that a
# queue at the server cannot carry the code into the next step (there is no window).
CODE_MARGIN_SECONDS = 5

RECORDS: list[dict[str, Any]] = []
ACCOUNTS: dict[str, deque[dict[str, Any]]] = {}
STATE: dict[str, Any] = {"requests": 0, "finished": 0, "arrived": 0, "load_started": None}
RUNTIME: dict[str, Any] = {}
ALL_SIGNED_IN = gevent.event.Event()


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument("--bench-accounts", required=True, help="bench_accounts JSON")
    parser.add_argument("--bench-records", required=True, help="where to write raw records")
    parser.add_argument("--bench-seconds", type=float, default=60, help="load after sign-in")
    parser.add_argument("--bench-iterations", type=int, default=1000, help="journeys per user")
    parser.add_argument("--bench-max-requests", type=int, default=20000)
    parser.add_argument("--bench-managers", type=int, default=1, help="manager users (mixed)")


@events.init.add_listener
def _setup(environment: Any, **_: Any) -> None:
    host = urlsplit(environment.host or "").hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"The benchmark only loads this machine; refusing host {host!r}")
    options = environment.parsed_options
    for account in json.loads(Path(options.bench_accounts).read_text()):
        ACCOUNTS.setdefault(account["role"], deque()).append(account)
    ManagerUser.fixed_count = options.bench_managers
    RUNTIME["environment"] = environment


@events.request.add_listener
def _record(
    name: str,
    response_time: float,
    response: Any,
    exception: Any,
    start_time: float | None = None,
    **_: Any,
) -> None:
    queries = response.headers.get("X-Attune-Queries") if response is not None else None
    RECORDS.append(
        {
            "name": name,
            "ms": round(response_time, 3),
            "ok": exception is None,
            "status": getattr(response, "status_code", 0),
            "queries": int(queries) if queries and queries.isdigit() else None,
            "at": start_time if start_time is not None else time.time(),
            "error": None if exception is None else str(exception)[:200],
        }
    )
    STATE["requests"] += 1
    if STATE["requests"] >= RUNTIME["environment"].parsed_options.bench_max_requests:
        stop_the_run()


@events.quitting.add_listener
def _write(environment: Any, **_: Any) -> None:
    Path(environment.parsed_options.bench_records).write_text(json.dumps(RECORDS))


def unanswered(name: str, started: float) -> None:
    """A request still waiting when the run's hard limit stopped it counts as an error."""
    events.request.fire(
        request_type="GET",
        name=name,
        response_time=(time.time() - started) * 1000,
        response_length=0,
        response=None,
        exception=RuntimeError("no answer before the run's time limit"),
        start_time=started,
    )


def stop_the_run() -> None:
    """End the whole run (from its own greenlet: quitting kills every user's)."""
    gevent.spawn(RUNTIME["environment"].runner.quit)


class JourneyOver(Exception):
    """The load's time is up: the user stops after the page it was on, not the journey."""


def take_account(roles: tuple[str, ...]) -> dict[str, Any] | None:
    for role in roles:
        if ACCOUNTS.get(role):
            return ACCOUNTS[role].popleft()
    return None


class BenchUser(HttpUser):
    """Signs in once, then runs ``journey`` until its iterations, the time or the cap end."""

    abstract = True
    roles: tuple[str, ...] = ("practitioner",)
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.iterations = 0
        self.account = take_account(self.roles)
        self.signed_in = self.account is not None and self.sign_in()
        if self.account is None:
            events.request.fire(
                request_type="LOGIN",
                name="login: account",
                response_time=0,
                response_length=0,
                response=None,
                exception=RuntimeError("no account left for this user: give bench_accounts more"),
            )
        self.wait_for_everyone()

    def wait_for_everyone(self) -> None:
        """Start the load together, once the last user has signed in (or failed to)."""
        STATE["arrived"] += 1
        if STATE["arrived"] >= self.environment.runner.target_user_count:
            STATE["load_started"] = time.time()
            ALL_SIGNED_IN.set()
        ALL_SIGNED_IN.wait()  # locust's --run-time still bounds the whole run

    def time_up(self) -> bool:
        seconds = self.environment.parsed_options.bench_seconds
        return bool(time.time() >= STATE["load_started"] + seconds)

    def done(self) -> bool:
        """No further journey: not signed in, out of time, or its journeys all made."""
        iterations = self.environment.parsed_options.bench_iterations
        return not self.signed_in or self.time_up() or self.iterations >= iterations

    @task
    def run_journey(self) -> None:
        if self.done():
            self.finish()
        self.iterations += 1
        try:
            self.journey()
        except JourneyOver:
            self.finish()

    def finish(self) -> None:
        STATE["finished"] += 1
        if STATE["finished"] >= self.environment.runner.target_user_count:
            stop_the_run()
        raise StopUser()

    def pause(self) -> None:
        """Think between pages, unless the load's time is up."""
        if self.time_up():
            raise JourneyOver()
        self.wait()

    def journey(self) -> None:
        raise NotImplementedError

    # Requests -----------------------------------------------------------------------------

    def page(self, path: str, name: str) -> str:
        """GET a page that must answer 200 itself (a redirect, to sign-in or elsewhere, is
        an error); returns the body."""
        started = time.time()
        try:
            with self.client.get(
                path, name=name, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    where = response.headers.get("Location", "")
                    response.failure(f"{response.status_code} {where}".strip())
                    return ""
                return response.text
        except GreenletExit:
            unanswered(name, started)
            raise

    def post(self, path: str, data: dict[str, str], name: str, expect: str) -> bool:
        """POST a form that must redirect to ``expect`` (the next step of signing in)."""
        started = time.time()
        try:
            with self.client.post(
                path, data=data, name=name, allow_redirects=False, catch_response=True
            ) as response:
                location = urlsplit(response.headers.get("Location", "")).path
                if response.status_code != 302 or location != expect:
                    response.failure(f"{response.status_code} to {location!r}, not {expect!r}")
                    return False
                return True
        except GreenletExit:
            unanswered(name, started)
            raise

    def sign_in(self) -> bool:
        """Sign-in page, password, code page, code: each measured on its own."""
        assert self.account is not None
        token = CSRF.search(self.page(SIGN_IN, "login: sign-in page"))
        if token is None:
            return False
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "username": self.account["username"],
            "password": self.account["password"],
        }
        if not self.post(SIGN_IN, form, "login: password", "/accounts/sign-in/verify/"):
            return False
        token = CSRF.search(self.page("/accounts/sign-in/verify/", "login: code page"))
        if token is None:
            return False
        left = seconds_left_in_step(time.time())
        if left < CODE_MARGIN_SECONDS:
            time.sleep(left + 0.05)  # gevent makes this a pause of this user only
        code = totp(self.account["totp_key_hex"], time.time())
        form = {"csrfmiddlewaretoken": token.group(1), "code": code}
        return self.post("/accounts/sign-in/verify/", form, "login: code", "/")

    def pick(self, key: str) -> int | None:
        assert self.account is not None
        ids = self.account.get(key) or []
        return random.choice(ids) if ids else None

    def record_pages(self) -> None:
        family = self.pick("family_ids")
        if family is not None:
            self.pause()
            self.page(f"/families/{family}/", "family page")
        episode = self.pick("episode_ids")
        if episode is not None:
            self.pause()
            self.page(f"/care/episodes/{episode}/chronology/", "episode chronology")

    def directory(self) -> None:
        """Browse the evidence directory, then compare two to four of its entries."""
        html = self.page("/directory/", "directory")
        slugs = sorted({s for s in ENTRY.findall(html) if s not in NOT_ENTRIES})
        chosen = random.sample(slugs, min(len(slugs), random.randint(2, 4)))
        self.pause()
        query = urlencode([("e", slug) for slug in chosen])
        self.page(f"/directory/compare/?{query}", "directory compare")


class PractitionerUser(BenchUser):
    roles = ("practitioner",)
    weight = 10

    def journey(self) -> None:
        self.page("/", "home")
        self.pause()
        self.page("/care/caseload/", "caseload")
        self.record_pages()
        self.pause()
        self.page("/referrals/waiting-list/", "waiting list")
        self.pause()
        self.directory()
        self.pause()


class ManagerUser(BenchUser):
    roles = ("manager",)
    fixed_count = 1

    def journey(self) -> None:
        self.page("/", "home")
        self.pause()
        self.page("/care/caseload/?scope=team", "caseload (team)")
        self.record_pages()
        self.pause()
        self.page("/referrals/waiting-list/", "waiting list")
        self.pause()
        self.page("/reports/?period=year", "team dashboard")
        self.pause()


class CommissionerUser(BenchUser):
    roles = ("commissioner",)
    fixed_count = 1

    def journey(self) -> None:
        self.page("/", "home")
        self.pause()
        # All the teams they commission, for the last full year (the page's default).
        self.page("/reports/", "commissioner report")
        self.pause()
        self.directory()
        self.pause()


class PingUser(BenchUser):
    """Throughput: the trivial signed-in view, with no pause (the framework's ceiling)."""

    roles = ("practitioner", "manager")
    wait_time = constant(0)

    def journey(self) -> None:
        self.page("/accounts/ping/", "trivial view (ping)")


class CaseloadUser(BenchUser):
    """Throughput: a practitioner's own caseload, with no pause."""

    roles = ("practitioner",)
    wait_time = constant(0)

    def journey(self) -> None:
        self.page("/care/caseload/", "caseload")


class ReportUser(BenchUser):
    """The commissioner report alone, one request after another (compared with the floor)."""

    roles = ("commissioner",)
    wait_time = constant(0)

    def journey(self) -> None:
        self.page("/reports/", "commissioner report")
