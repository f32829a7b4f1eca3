"""Reach and equity pages: the report, and the local figures a team compares itself with."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods
from markupsafe import Markup

from attune.accounts.access import current_team, request_can, requires
from attune.accounts.roles import Capability
from attune.audit.services import record
from attune.families.codes import EthnicCategory
from attune.reporting import reach as figures
from attune.reporting.access import report_audience
from attune.reporting.charts import bar_chart
from attune.reporting.exports import Table, download, to_csv, to_xlsx
from attune.reporting.periods import Period, period_from
from attune.reporting.reach_forms import (
    BASELINE_MAX_BYTES,
    DEPRIVATION_MAX_BYTES,
    BaselineForm,
    BaselineUploadForm,
    DeprivationUploadForm,
    count_field_name,
    megabytes,
    text_of,
)
from attune.reporting.reach_services import (
    UploadRefused,
    read_deprivation_csv,
    replace_deprivation_deciles,
    replace_ethnicity_baseline,
)
from attune.reporting.suppression import (
    SMALL,
    SUPPRESSED_TEXT,
    Cell,
    count_cell,
    suppress_series,
    suppress_share,
    suppress_table,
    suppression_note,
)

NO_FIGURE = "–"

# Presenting figures ------------------------------------------------------------------------


def _percent(part: int, whole: int) -> str | None:
    """A whole-number percentage with the suppression module's rounding, nothing hidden."""
    return suppress_share(part, whole, threshold=1)


def _chart_percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Shown:
    """One table as the page, the chart and the downloads show it."""

    key: str
    title: str
    columns: Sequence[str]
    # Cells are ints, strings, suppression Cells, or None (nothing to show).
    rows: Sequence[Sequence[object]]
    note: str
    chart: Markup
    numeric: Sequence[bool] = field(default_factory=list)

    @property
    def display_rows(self) -> list[list[str]]:
        return [[_display(value) for value in row] for row in self.rows]

    def table(self) -> Table:
        return Table(
            title=self.title,
            columns=self.columns,
            rows=[[NO_FIGURE if value is None else value for value in row] for row in self.rows],
            note=self.note,
        )


def _display(value: object) -> str:
    if value is None:
        return NO_FIGURE
    if isinstance(value, Cell):
        return value.display
    if isinstance(value, bool):
        return "Yes" if value else ""
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _chart_value(value: object) -> float | None:
    if isinstance(value, Cell):
        return None if value.value is None else float(value.value)
    return float(value) if isinstance(value, int) else None


class _Counts:
    """Counts for one audience: as they are for the team, suppressed for commissioners."""

    def __init__(self, commissioner: bool) -> None:
        self.commissioner = commissioner

    def series(self, values: Sequence[int]) -> tuple[list[object], object]:
        """The values and their total, as cells to publish."""
        total = sum(values)
        if not self.commissioner:
            return list(values), total
        return list(suppress_series(values, total=total)), count_cell(total)

    def share(self, part: object, whole: object, n: int, of: int) -> str | None:
        """The share n/of, shown only when both its count and its denominator are shown."""
        if not self.commissioner:
            return _percent(n, of)
        if isinstance(part, Cell) and part.suppressed:
            return SUPPRESSED_TEXT
        if isinstance(whole, Cell) and whole.suppressed:
            return SUPPRESSED_TEXT
        if not of:
            return None
        return suppress_share(n, of) or SUPPRESSED_TEXT


def _note(base: str, commissioner: bool) -> str:
    return f"{base} {suppression_note()}" if commissioner else base


def _breakdown_table(
    key: str,
    title: str,
    heading: str,
    breakdown: figures.Breakdown,
    counts: _Counts,
    *,
    total_label: str,
    note: str,
) -> Shown:
    values, total = counts.series([line.count for line in breakdown.lines])
    labels = [line.label for line in breakdown.lines]
    rows: list[list[object]] = [
        [label, value, counts.share(value, total, line.count, breakdown.total)]
        for label, value, line in zip(labels, values, breakdown.lines, strict=True)
    ]
    rows.append([total_label, total, None])
    return Shown(
        key=key,
        title=title,
        columns=[heading, "People", "Share"],
        rows=rows,
        note=_note(note, counts.commissioner),
        chart=bar_chart(labels, [_chart_value(v) for v in values], title=title),
        numeric=[False, True, True],
    )


def _ethnicity_table(ethnicity: figures.Ethnicity, counts: _Counts) -> Shown:
    rows_in = ethnicity.rows
    known = [row for row in rows_in if row.known]
    unknown = [row for row in rows_in if not row.known]

    def column(attribute: str) -> tuple[list[object], object, object]:
        """(cells in row order, known total cell, total cell) for referred or seen."""
        known_values = [getattr(row, attribute) for row in known]
        unknown_values = [getattr(row, attribute) for row in unknown]
        if not counts.commissioner:
            total_known = sum(known_values)
            return (
                [*known_values, *unknown_values],
                total_known,
                total_known + sum(unknown_values),
            )
        # Two published lines (known groups, then the rest) under one published total:
        # hide enough that no count can be worked out from the known total either.
        padding = [0] * (len(known_values) - len(unknown_values))
        table = suppress_table(
            [known_values, [*unknown_values, *padding]],
            row_totals=True,
            column_totals=False,
            grand_total=True,
        )
        cells: list[object] = [*table.body[0], *table.body[1][: len(unknown_values)]]
        assert table.row_totals is not None and table.grand_total is not None
        return cells, table.row_totals[0], table.grand_total

    referred, referred_known, referred_total = column("referred")
    seen, seen_known, seen_total = column("seen")
    # The local figures are not about the team's families, but a small group in them can
    # still point to one: commissioners see them suppressed too.
    local, local_known, local_total = column("baseline")
    rows: list[list[object]] = []
    for index, row in enumerate([*known, *unknown]):
        rows.append(
            [
                row.label,
                referred[index],
                counts.share(
                    referred[index], referred_known, row.referred, ethnicity.referred_known
                )
                if row.known
                else None,
                seen[index],
                counts.share(seen[index], seen_known, row.seen, ethnicity.seen_known)
                if row.known
                else None,
                local[index],
                counts.share(local[index], local_known, row.baseline, ethnicity.baseline_known)
                if row.known
                else None,
                "Yes" if row.under_represented else "",
            ]
        )
    rows.append(
        [
            "People with a recorded ethnic group",
            referred_known,
            None,
            seen_known,
            None,
            local_known,
            None,
            "",
        ]
    )
    rows.append(["All people", referred_total, None, seen_total, None, local_total, None, ""])
    labels = [f"{row.label} (local: {rows[i][6] or NO_FIGURE})" for i, row in enumerate(known)]
    chart_values = [
        None if rows[i][4] == SUPPRESSED_TEXT else _chart_percent(row.seen, ethnicity.seen_known)
        for i, row in enumerate(known)
    ]
    title = "Ethnic group of the people referred and seen, beside the local figures"
    note = (
        "People: babies and carers. Referred: in scope of a referral received in the period. "
        "Seen: present at an attended session in the period. Shares are of the people whose "
        "ethnic group is recorded. Seen less often: the share seen is below "
        f"{_ratio_words()} of the local share (a local rule, not a national standard)."
    )
    return Shown(
        key="ethnicity",
        title=title,
        columns=[
            "Ethnic group",
            "Referred",
            "Share referred",
            "Seen",
            "Share seen",
            "Local figures",
            "Local share",
            "Seen less often",
        ],
        rows=rows,
        note=_note(note, counts.commissioner),
        chart=bar_chart(
            labels, chart_values, title="Share of the people seen, by ethnic group", unit="%"
        ),
        numeric=[False, True, True, True, True, True, True, False],
    )


def _ratio_words() -> str:
    ratio = figures.UNDER_REPRESENTED_RATIO
    return f"{ratio.numerator}/{ratio.denominator} ({float(ratio):.0%})"


def _fathers_table(fathers: figures.FatherInvolvement, counts: _Counts) -> Shown:
    took_part = fathers.with_father_or_partner
    named_only = fathers.father_or_partner_named - took_part
    none_named = fathers.episodes - fathers.father_or_partner_named
    labels = [
        "A father or partner took part",
        "A father or partner is named but did not come in the period",
        "No father or partner on the family record",
    ]
    raw = [took_part, named_only, none_named]
    values, total = counts.series(raw)
    rows: list[list[object]] = [
        [label, value, counts.share(value, total, n, fathers.episodes)]
        for label, value, n in zip(labels, values, raw, strict=True)
    ]
    rows.append(["All episodes active in the period", total, None])
    title = "Episodes where a father or partner took part"
    return Shown(
        key="fathers",
        title=title,
        columns=["Episodes", "Number", "Share"],
        rows=rows,
        note=_note(
            "Episodes open at any time in the period. Took part: a birth father or partner of "
            "the baby was present at an attended session of the episode in the period.",
            counts.commissioner,
        ),
        chart=bar_chart(labels, [_chart_value(v) for v in values], title=title),
        numeric=[False, True, True],
    )


def _interpreters_table(interpreters: figures.Interpreters, counts: _Counts) -> Shown:
    needing = interpreters.carers_needing_interpreter
    interpreted = interpreters.contacts_with_interpreter
    (needing_cell, _), carers = counts.series([needing, interpreters.carers_seen - needing])
    (interpreted_cell, _), contacts = counts.series(
        [interpreted, interpreters.contacts - interpreted]
    )
    rows: list[list[object]] = [
        ["Carers seen", carers, None],
        [
            "Carers seen who need an interpreter",
            needing_cell,
            counts.share(needing_cell, carers, needing, interpreters.carers_seen),
        ],
        ["Attended sessions", contacts, None],
        [
            "Attended sessions with an interpreter",
            interpreted_cell,
            counts.share(interpreted_cell, contacts, interpreted, interpreters.contacts),
        ],
    ]
    labels = ["Carers who need an interpreter", "Sessions with an interpreter"]
    shares = [
        _chart_percent(needing, interpreters.carers_seen),
        _chart_percent(interpreted, interpreters.contacts),
    ]
    if counts.commissioner:
        shares = [
            share if rows[i][2] not in (SUPPRESSED_TEXT, None) else None
            for share, i in zip(shares, (1, 3), strict=True)
        ]
    title = "Interpreters"
    return Shown(
        key="interpreters",
        title=title,
        columns=["", "Number", "Share"],
        rows=rows,
        note=_note(
            "Carers seen: present at an attended session in the period. Need an interpreter: "
            "as recorded on the person's record.",
            counts.commissioner,
        ),
        chart=bar_chart(labels, shares, title=title, unit="%"),
        numeric=[False, True, True],
    )


def build_tables(report: figures.Reach, *, commissioner: bool) -> list[Shown]:
    counts = _Counts(commissioner)
    languages = report.languages.breakdown(name_at_least=SMALL if commissioner else 1)
    return [
        _ethnicity_table(report.ethnicity, counts),
        _breakdown_table(
            "gender",
            "Gender of the carers seen",
            "Stated gender",
            report.carer_gender,
            counts,
            total_label="All carers seen",
            note="Carers present at an attended session in the period, by stated gender.",
        ),
        _fathers_table(report.fathers, counts),
        _breakdown_table(
            "languages",
            "First language of the carers seen",
            "First language",
            languages,
            counts,
            total_label="All carers seen",
            note=f"The {figures.TOP_LANGUAGES} most common first languages; the rest together."
            + (
                f" A language is named only when at least {SMALL} carers speak it."
                if commissioner
                else ""
            ),
        ),
        _interpreters_table(report.interpreters, counts),
        _breakdown_table(
            "deprivation",
            "Deprivation decile of the carers seen",
            "Decile",
            report.deprivation.breakdown,
            counts,
            total_label="All carers seen",
            note="From the carer's postcode and the team's postcode table: decile 1 is the most "
            "deprived tenth of areas. Not known: no postcode, or not in the table.",
        ),
    ]


def _highlights(ethnicity: figures.Ethnicity, tables: list[Shown]) -> list[str]:
    """A sentence for each group seen less often, with the shares the table shows."""
    shown = {row[0]: (row[4], row[6]) for row in tables[0].rows}
    sentences = []
    for row in ethnicity.under_represented:
        seen, local = shown[row.label]
        if seen and local and SUPPRESSED_TEXT not in (seen, local):
            detail = f": {seen} of the people seen, against {local} of the local population"
        elif local and local != SUPPRESSED_TEXT:
            detail = f" ({local} of the local population)"
        else:
            detail = ""
        sentences.append(
            f"Families of {row.background} background are seen less often than the local "
            f"figures would suggest{detail}."
        )
    return sentences


def _father_share(tables: list[Shown]) -> str | None:
    share = next(t for t in tables if t.key == "fathers").rows[0][2]
    return share if isinstance(share, str) and share != SUPPRESSED_TEXT else None


# The report page ---------------------------------------------------------------------------


def _query(period: Period, team_ids: Sequence[int], **extra: str) -> str:
    pairs = [("team", str(pk)) for pk in team_ids] + list(extra.items())
    return period.query() + ("&" + urlencode(pairs) if pairs else "")


@require_GET
def reach(request: HttpRequest) -> HttpResponse:
    """Who the teams reach, compared with the local figures; suppressed for commissioners."""
    allowed = report_audience(request)  # 403 for roles without a report capability
    asked = request.GET.getlist("team")
    audience = report_audience(request, asked) if asked else allowed
    period, period_errors = period_from(request.GET, timezone.localdate())
    report = figures.reach(audience.teams, period)
    tables = build_tables(report, commissioner=audience.commissioner)
    team_ids = [team.pk for team in audience.teams]

    kind = request.GET.get("format")
    if kind in ("csv", "xlsx"):
        return _download(request, kind, tables, period, team_ids)  # type: ignore[arg-type]

    context = {
        "period": period,
        "period_errors": period_errors,
        "teams": audience.teams,
        "team_names": ", ".join(team.name for team in audience.teams),
        "team_choices": [(t.pk, t.name, t.pk in team_ids) for t in allowed.teams],
        "commissioner": audience.commissioner,
        "tables": tables,
        "report": report,
        "highlights": _highlights(report.ethnicity, tables),
        "father_share": _father_share(tables),
        "ratio_words": _ratio_words(),
        "baseline_min": figures.BASELINE_MIN_COUNT,
        "suppression_note": suppression_note() if audience.commissioner else "",
        "download_query": _query(period, team_ids),
        "can_manage": request_can(request, Capability.MANAGE_TEAM),
    }
    return render(request, "reporting/reach.jinja", context)


def _download(
    request: HttpRequest,
    kind: Literal["csv", "xlsx"],
    tables: list[Shown],
    period: Period,
    team_ids: list[int],
) -> HttpResponse:
    key = request.GET.get("table", "all")
    chosen = [shown for shown in tables if key in (shown.key, "all")]
    if not chosen or (kind == "csv" and len(chosen) != 1):
        raise Http404("No such table")
    # The file leaves Attune: leave a trace of what went, never the figures themselves.
    record(
        "report.downloaded",
        actor=request.user,
        details={
            "report": "reach",
            "table": key,
            "format": kind,
            "team_ids": team_ids,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
    )
    name = f"reach-{key}-{period.start.isoformat()}-to-{period.end.isoformat()}"
    if kind == "csv":
        return download(name, to_csv(chosen[0].table()), "csv")
    return download(name, to_xlsx([shown.table() for shown in chosen]), "xlsx")


# Uploads -----------------------------------------------------------------------------------


class SizeLimitHandler(FileUploadHandler):
    """Stops an upload once it passes the limit, before more of it is written anywhere."""

    def __init__(self, request: HttpRequest | None, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.exceeded = False

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, *args: Any) -> None:
        # Too big as declared: refuse the file at its first chunk (the fields before it,
        # such as the CSRF token, are still read so the person gets a proper answer).
        self.exceeded = content_length > self.max_bytes + 64 * 1024

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.exceeded or start + len(raw_data) > self.max_bytes:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _limited(max_bytes: int) -> Callable[..., Any]:
    """Put the size limit in place before anything (the CSRF check included) reads the body."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @csrf_exempt  # the check runs in ``protected``, after the limit is in place
        def wrapped(request: HttpRequest) -> HttpResponse:
            limit = SizeLimitHandler(request, max_bytes)
            request.upload_handlers.insert(0, limit)
            return protected(request, limit)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorator


def _too_large(form: Any, max_bytes: int) -> None:
    form.errors.pop("file", None)
    form.add_error(
        "file",
        f"The file is larger than {megabytes(max_bytes)}. Choose a smaller file.",
    )


def _baseline_initial(rows: list[Any]) -> dict[str, Any]:
    if not rows:
        return {}
    initial: dict[str, Any] = {"source": rows[0].source, "year": rows[0].year}
    initial.update({count_field_name(row.ethnic_category): row.count for row in rows})
    return initial


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_TEAM)
@_limited(BASELINE_MAX_BYTES)
def baseline(request: HttpRequest, limit: SizeLimitHandler) -> HttpResponse:
    """Managers and administrators enter or upload the team's local ethnicity figures."""
    team = current_team(request)
    rows = figures.team_baseline(team)
    typed = BaselineForm(initial=_baseline_initial(rows))
    upload = BaselineUploadForm(prefix="upload")
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST":
        form: BaselineForm | BaselineUploadForm
        if action == "upload":
            form = upload = BaselineUploadForm(request.POST, request.FILES, prefix="upload")
        else:
            form = typed = BaselineForm(request.POST)
        valid = form.is_valid()
        if action == "upload" and limit.exceeded:
            _too_large(form, BASELINE_MAX_BYTES)
            valid = False
        if valid:
            try:
                saved = replace_ethnicity_baseline(
                    actor=request.user,  # type: ignore[arg-type]
                    team=team,
                    entries=form.entries(),
                    source=form.cleaned_data["source"],
                    year=form.cleaned_data["year"],
                    via="upload" if action == "upload" else "form",
                )
            except UploadRefused as refused:
                form.add_error(None, refused.messages)
            else:
                messages.success(
                    request,
                    f"The local figures were saved: {len(saved)} group"
                    f"{'' if len(saved) == 1 else 's'}, replacing the earlier figures.",
                )
                return redirect("reporting_reach:baseline")
    context = {
        "team": team,
        "rows": [(row, _category_name(row.ethnic_category)) for row in rows],
        "total": sum(row.count for row in rows),
        "typed": typed,
        "upload": upload,
        "max_size": megabytes(BASELINE_MAX_BYTES),
    }
    failed = bool(typed.is_bound and typed.errors) or bool(upload.is_bound and upload.errors)
    return render(request, "reporting/reach_baseline.jinja", context, status=400 if failed else 200)


def _category_name(code: str) -> str:
    rows = dict(EthnicCategory.choices)
    return str(rows.get(code, "Not stated in the local figures"))


@require_http_methods(["GET", "POST"])
@requires(Capability.MANAGE_TEAM)
@_limited(DEPRIVATION_MAX_BYTES)
def deprivation(request: HttpRequest, limit: SizeLimitHandler) -> HttpResponse:
    """Managers and administrators load the team's postcode-to-deprivation table."""
    team = current_team(request)
    form = DeprivationUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        valid = form.is_valid()
        if limit.exceeded:
            _too_large(form, DEPRIVATION_MAX_BYTES)
            valid = False
        if valid:
            try:
                saved = replace_deprivation_deciles(
                    actor=request.user,  # type: ignore[arg-type]
                    team=team,
                    rows=read_deprivation_csv(text_of(form.cleaned_data["file"])),
                    via="upload",
                )
            except UploadRefused as refused:
                form.add_error("file", refused.messages)
            else:
                messages.success(
                    request,
                    f"The postcode table was saved: {saved:,} postcodes, replacing the "
                    "earlier table.",
                )
                return redirect("reporting_reach:deprivation")
    context = {
        "team": team,
        "table": figures.team_deprivation_table(team),
        "form": form,
        "max_size": megabytes(DEPRIVATION_MAX_BYTES),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "reporting/reach_deprivation.jinja", context, status=status)
