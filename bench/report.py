"""The benchmark's figures from raw request records, the ratios, the goals and the markdown.

Pure Python on the records locust wrote (bench/locustfile.py), so it is the same however
the load was run. Percentiles are nearest-rank over every request of a page, errors
included; requests per second count a page's requests over the phase's load window (from
the first request after signing in to the end of the last one).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Pages about one team's own work: the goals for latency and scaling are about these.
PER_TEAM_PAGES = (
    "home",
    "caseload",
    "caseload (team)",
    "family page",
    "episode chronology",
    "waiting list",
    "team dashboard",
)
PING = "trivial view (ping)"
REPORT = "commissioner report"
P95_LIMIT_MS = 150
SCALING_LIMIT = 1.5
THROUGHPUT_SHARE = 0.4
FLOOR_LIMIT = 2.0
# The order pages appear in tables: signing in, then the journey, then the rest.
ORDER = (
    "login: sign-in page",
    "login: password",
    "login: code page",
    "login: code",
    *PER_TEAM_PAGES,
    "directory",
    "directory compare",
    REPORT,
    PING,
)


def nearest_rank(values: Sequence[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def load_window(records: Iterable[Mapping[str, Any]]) -> float:
    """Seconds from the first request after signing in to the end of the last request."""
    load = [r for r in records if not r["name"].startswith("login")]
    if not load:
        return 0.0
    return max(r["at"] + r["ms"] / 1000 for r in load) - min(r["at"] for r in load)


def page_figures(rows: Sequence[Mapping[str, Any]], window: float) -> dict[str, Any]:
    times = [r["ms"] for r in rows]
    queries = [r["queries"] for r in rows if r["queries"] is not None]
    errors = [r for r in rows if not r["ok"]]
    signing_in = rows[0]["name"].startswith("login")
    return {
        "requests": len(rows),
        "errors": len(errors),
        "p50_ms": nearest_rank(times, 0.5),
        "p95_ms": nearest_rank(times, 0.95),
        "p99_ms": nearest_rank(times, 0.99),
        "rps": None if signing_in or window <= 0 else round(len(rows) / window, 2),
        "queries_median": statistics.median(queries) if queries else None,
        "queries_min": min(queries, default=None),
        "queries_max": max(queries, default=None),
        "error_samples": sorted({str(r.get("error")) for r in errors})[:3],
    }


def summarise(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per page: requests, errors, p50/p95/p99, requests per second, queries per request."""
    by_page: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for record in records:
        by_page[record["name"]].append(record)
    window = load_window(records)
    return {
        "requests": len(records),
        "errors": sum(not r["ok"] for r in records),
        "window_s": round(window, 2),
        "pages": {name: page_figures(rows, window) for name, rows in sorted(by_page.items())},
    }


def ordered(names: Iterable[str]) -> list[str]:
    rank = {name: i for i, name in enumerate(ORDER)}
    return sorted(names, key=lambda name: (rank.get(name, len(rank)), name))


# Ratios and goals ----------------------------------------------------------------------------


def _page(result: Mapping[str, Any], phase: str, page: str) -> Mapping[str, Any] | None:
    pages = result.get("phases", {}).get(phase, {}).get("pages", {})
    found: Mapping[str, Any] | None = pages.get(page)
    return found


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or not bottom:
        return None
    return round(top / bottom, 2)


def ratios(data: Mapping[str, Any]) -> dict[str, Any]:
    """national/small p95 per page, caseload/trivial throughput, report/SQL floor."""
    small, national = data.get("small"), data.get("national")
    scaling: dict[str, float | None] = {}
    if small and national:
        for name in ordered(national["phases"]["mixed"]["pages"]):
            a, b = _page(national, "mixed", name), _page(small, "mixed", name)
            if a and b:
                scaling[name] = _ratio(a["p95_ms"], b["p95_ms"])
    throughput, floor = {}, {}
    for dataset, result in data.items():
        caseload, ping = _page(result, "caseload", "caseload"), _page(result, "ping", PING)
        throughput[dataset] = _ratio(
            caseload["rps"] if caseload else None, ping["rps"] if ping else None
        )
        alone = _page(result, "report", REPORT)
        floor[dataset] = _ratio(
            alone["p50_ms"] if alone else None, result.get("floor", {}).get("median_ms")
        )
    return {
        "p95_national_over_small": scaling,
        "caseload_over_trivial_throughput": throughput,
        "report_over_sql_floor": floor,
    }


def _goal(goal: str, measured: str, passed: bool | None) -> dict[str, Any]:
    return {"goal": goal, "measured": measured, "passed": passed}


def _worst(values: Mapping[str, float | None], *, highest: bool = True) -> tuple[str, float]:
    known = {k: v for k, v in values.items() if v is not None}
    if not known:
        return "", math.nan
    name = (max if highest else min)(known, key=lambda k: known[k])
    return name, known[name]


def goals(results: Mapping[str, Any], found: Mapping[str, Any]) -> list[dict[str, Any]]:
    data = results["datasets"]
    users = results["plan"]["users"]
    national = data.get("national")
    not_run = "not measured: the national dataset was not run"
    errors = sum(phase["errors"] for result in data.values() for phase in result["phases"].values())
    out = [_goal("0 errors", f"{errors} errors", errors == 0)]
    if national:
        p95 = {
            name: page["p95_ms"]
            for name, page in national["phases"]["mixed"]["pages"].items()
            if name in PER_TEAM_PAGES
        }
        name, worst = _worst(p95)
        out.append(
            _goal(
                f"per-team pages p95 <= {P95_LIMIT_MS} ms on national, {users} users",
                f"worst {worst:.0f} ms ({name})",
                worst <= P95_LIMIT_MS,
            )
        )
        scaling = {k: v for k, v in found["p95_national_over_small"].items() if k in PER_TEAM_PAGES}
        name, worst = _worst(scaling)
        out.append(
            _goal(
                f"national/small p95 <= {SCALING_LIMIT} (per-team pages)",
                f"worst {worst:.2f} ({name})",
                worst <= SCALING_LIMIT,
            )
        )
    else:
        out.append(_goal(f"per-team pages p95 <= {P95_LIMIT_MS} ms on national", not_run, None))
        out.append(_goal(f"national/small p95 <= {SCALING_LIMIT}", not_run, None))
    name, worst = _worst(found["caseload_over_trivial_throughput"], highest=False)
    out.append(
        _goal(
            f"caseload throughput >= {THROUGHPUT_SHARE:.0%} of the trivial view's",
            f"lowest {worst:.0%} ({name})" if name else "not measured",
            worst >= THROUGHPUT_SHARE if name else None,
        )
    )
    ratio = found["report_over_sql_floor"].get("national")
    out.append(
        _goal(
            f"national commissioner report within {FLOOR_LIMIT:g}x of the SQL floor",
            f"{ratio:.2f}x" if ratio is not None else not_run,
            ratio <= FLOOR_LIMIT if ratio is not None else None,
        )
    )
    out.append(query_goal(data))
    return out


def query_goal(data: Mapping[str, Any]) -> dict[str, Any]:
    goal = "query counts per page identical on small and national"
    small, national = data.get("small"), data.get("national")
    if not (small and national):
        return _goal(goal, "not measured: the national dataset was not run", None)
    differ = []
    for name, page in national["phases"]["mixed"]["pages"].items():
        other = _page(small, "mixed", name)
        keys = ("queries_min", "queries_max")
        if other and any(page[k] != other[k] for k in keys):
            differ.append(f"{name} ({_queries(other)} vs {_queries(page)})")
    return _goal(goal, "; ".join(differ) or "identical", not differ)


# Markdown ------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _queries(page: Mapping[str, Any]) -> str:
    low, high = page["queries_min"], page["queries_max"]
    if low is None:
        return "–"
    return str(low) if low == high else f"{low}–{high}"


def _memory(phase: Mapping[str, Any]) -> str:
    values = [v for v in phase.get("worker_memory_mb", {}).values() if v is not None]
    return " / ".join(f"{v:.0f}" for v in values) or "–"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _page_rows(data: Mapping[str, Any], phase: str, *, logins: bool = True) -> list[list[Any]]:
    names = ordered({n for result in data.values() for n in result["phases"][phase]["pages"]})
    names = [n for n in names if logins or not n.startswith("login")]
    rows = []
    for name in names:
        for dataset, result in data.items():
            page = _page(result, phase, name)
            if page is None:
                continue
            rows.append(
                [
                    name,
                    dataset,
                    page["requests"],
                    page["errors"],
                    _ms(page["p50_ms"]),
                    _ms(page["p95_ms"]),
                    _ms(page["p99_ms"]),
                    "–" if page["rps"] is None else page["rps"],
                    _queries(page),
                    _memory(result["phases"][phase]),
                ]
            )
    return rows


PAGE_HEADER = (
    "page",
    "dataset",
    "requests",
    "errors",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "req/s",
    "queries",
    "peak MB per worker",
)


def _describe(name: str, result: Mapping[str, Any]) -> str:
    details = result.get("dataset", {})
    parts = [
        f"{details.get('teams', '?')} teams",
        f"{details.get('families', '?')} families",
        f"{details.get('episodes', '?')} episodes",
        f"{details.get('contacts', '?')} contacts",
        f"data up to {details.get('today', '?')}",
    ]
    return f"- **{name}** (`{result['database']}`, seed {details.get('seed')}): " + ", ".join(parts)


def markdown(results: Mapping[str, Any]) -> str:
    data = results["datasets"]
    plan = results["plan"]
    lines = [
        f"# Attune benchmark ({results['mode']}), {results['started']}",
        "",
        f"gunicorn, 2 sync workers, on {results['machine']['cores']} cores; PostgreSQL on "
        "127.0.0.1; production settings over plain HTTP on loopback.",
        "",
        *[_describe(name, result) for name, result in data.items()],
        "",
        *(
            [f"**Stopped early** ({results['stopped']}): only the datasets above finished.", ""]
            if results.get("stopped")
            else []
        ),
        f"## Pages under a mixed load ({plan['users']} users, up to {plan['mixed_seconds']} s)",
        "",
        *_table(PAGE_HEADER, _page_rows(data, "mixed")),
        f"## Throughput with no pauses ({plan['users']} users, {plan['throughput_seconds']} s)",
        "",
        *_table(
            PAGE_HEADER,
            _page_rows(data, "ping", logins=False) + _page_rows(data, "caseload", logins=False),
        ),
        "## The commissioner report against its SQL floor",
        "",
        *_table(
            ("dataset", "teams", "report alone, median ms", "SQL floor, median ms", "ratio"),
            _floor_rows(data, results["ratios"]),
        ),
        "## Ratios",
        "",
        *_table(("ratio", "value"), _ratio_rows(results["ratios"])),
        "## Goals",
        "",
        *_table(
            ("goal", "measured", "result"),
            [[g["goal"], g["measured"], _verdict(g["passed"])] for g in results["goals"]],
        ),
    ]
    return "\n".join(lines)


def _floor_rows(data: Mapping[str, Any], found: Mapping[str, Any]) -> list[list[Any]]:
    rows = []
    for dataset, result in data.items():
        alone = _page(result, "report", REPORT)
        floor = result.get("floor", {})
        ratio = found["report_over_sql_floor"].get(dataset)
        rows.append(
            [
                dataset,
                floor.get("teams", "–"),
                _ms(alone["p50_ms"]) if alone else "–",
                _ms(floor.get("median_ms")),
                "–" if ratio is None else f"{ratio:.2f}x",
            ]
        )
    return rows


def _ratio_rows(found: Mapping[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [f"national/small p95: {page}", value]
        for page, value in found["p95_national_over_small"].items()
    ]
    rows += [
        [f"caseload/trivial view throughput ({dataset})", value]
        for dataset, value in found["caseload_over_trivial_throughput"].items()
    ]
    rows += [
        [f"commissioner report/SQL floor ({dataset})", value]
        for dataset, value in found["report_over_sql_floor"].items()
    ]
    return [[name, "–" if value is None else value] for name, value in rows]


def _verdict(passed: bool | None) -> str:
    return "not measured" if passed is None else "pass" if passed else "FAIL"


def assess(results: Mapping[str, Any]) -> dict[str, Any]:
    found = ratios(results["datasets"])
    return {"ratios": found, "goals": goals(results, found)}
