"""The team dashboard and the commissioner report: one page, two audiences.

Team managers and administrators see every figure; commissioners see the same
sections as aggregates only, with counts of 1 to 4 hidden (and any figure that
would give a hidden one away), no staff names and no free text.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from attune.audit.services import record
from attune.reporting import charts, exports, selectors
from attune.reporting.access import Audience, report_audience
from attune.reporting.periods import KINDS, Period, period_from
from attune.reporting.suppression import (
    count_cell,
    suppress_series,
    suppress_table,
    suppression_note,
)


def _visible(section: selectors.Section, commissioner: bool) -> selectors.Section:
    """For commissioners: no staff names, small counts hidden (with what would reveal them)."""
    if not commissioner:
        return section
    figures = [_suppressed(f) for f in section.figures if not f.names_staff]
    summary = [
        (label, count_cell(value).display if isinstance(value, int) else value)
        for label, value in section.summary
    ]
    # No free text for commissioners: only the section's counts and shares.
    return selectors.Section(section.title, figures, summary, free_text=[])


def _suppressed(figure: selectors.Figure) -> selectors.Figure:
    rows = [list(row) for row in figure.rows]
    if figure.row_total is not None:
        return _suppressed_with_row_totals(figure, rows)
    for column in figure.counts:
        values = [int(row[column] or 0) for row in rows]
        for row, cell in zip(rows, suppress_series(values, total=sum(values)), strict=True):
            row[column] = cell.display
    # A share beside a hidden count could reveal it: shares go when counts are hidden.
    keep = [
        i
        for i, name in enumerate(figure.columns)
        if "share" not in name.lower() and "rate" not in name.lower()
    ]
    return selectors.Figure(
        figure.key,
        figure.title,
        [figure.columns[i] for i in keep],
        [[row[i] for i in keep] for row in rows],
        counts=figure.counts,
        chart=figure.chart,
        chart_kind=figure.chart_kind,
        note=suppression_note(),
    )


def _suppressed_with_row_totals(
    figure: selectors.Figure, rows: list[list[Any]]
) -> selectors.Figure:
    """Each row's parts and their total protected together (a hidden part cannot be
    worked out from the total); other columns about the row go when its total is small."""
    total_column = figure.row_total
    assert total_column is not None
    parts = [c for c in figure.counts if c != total_column]
    table = suppress_table(
        [[int(row[c] or 0) for c in parts] for row in rows], row_totals=True, column_totals=False
    )
    counted = set(figure.counts)
    assert table.row_totals is not None  # asked for above
    for row, body, total in zip(rows, table.body, table.row_totals, strict=True):
        for column, cell in zip(parts, body, strict=True):
            row[column] = cell.display
        row[total_column] = total.display
        small = total.suppressed or (isinstance(total.value, int) and total.value < 5)
        for column in range(1, len(row)):
            if column not in counted and small:
                row[column] = "not shown"
    keep = [i for i, name in enumerate(figure.columns) if "share" not in name.lower()]
    return selectors.Figure(
        figure.key,
        figure.title,
        [figure.columns[i] for i in keep],
        [[row[i] for i in keep] for row in rows],
        counts=figure.counts,
        chart=figure.chart,
        note=f"{figure.note} {suppression_note()}",
    )


def _chart(figure: selectors.Figure) -> Any:
    if figure.chart is None:
        return None
    labels = [str(row[0]) for row in figure.rows]
    values = [
        row[figure.chart] if isinstance(row[figure.chart], int | float) else None
        for row in figure.rows
    ]
    if figure.chart_kind == "column":
        return charts.column_chart(labels, values, title=figure.title)
    if figure.chart_kind == "histogram":
        bins = [
            (label, int(v) if v is not None else None)
            for label, v in zip(labels, values, strict=True)
        ]
        return charts.histogram(bins, title=figure.title)
    return charts.bar_chart(labels, values, title=figure.title)


def _download(
    figure: selectors.Figure, audience: Audience, period: Period, kind: str
) -> HttpResponse:
    teams = ", ".join(t.name for t in audience.teams)
    table = exports.Table(
        title=figure.title,
        columns=figure.columns,
        rows=figure.rows,
        note=f"{teams}. {period.label}. {figure.note}".strip(),
    )
    content = exports.to_csv(table) if kind == "csv" else exports.to_xlsx([table])
    return exports.download(f"{figure.key}-{period.start}-{period.end}", content, kind)  # type: ignore[arg-type]


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    audience = report_audience(request, request.GET.getlist("team"))
    period, period_errors = period_from(request.GET, timezone.localdate())
    worked_out = selectors.team_report_kept(audience.teams, period)
    sections = [_visible(s, audience.commissioner) for s in worked_out.sections]
    wanted = request.GET.get("table", "")
    kind = request.GET.get("format", "")
    record(
        "report.viewed",
        actor=request.user,
        details={
            "teams": [t.pk for t in audience.teams],
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "download": wanted if kind in {"csv", "xlsx"} else "",
        },
    )
    if kind in {"csv", "xlsx"}:
        for section in sections:
            for figure in section.figures:
                if figure.key == wanted:
                    return _download(figure, audience, period, kind)
    context = {
        "audience": audience,
        "period": period,
        "period_errors": period_errors,
        "kinds": KINDS,
        "team_names": ", ".join(t.name for t in audience.teams),
        "team_query": "".join(f"&team={t.pk}" for t in audience.teams),
        "sections": [
            {"section": s, "figures": [(f, _chart(f)) for f in s.figures]} for s in sections
        ],
        "printing": request.GET.get("print") == "1",
        "worked_out": worked_out,
    }
    return render(request, "reporting/dashboard.jinja", context)
