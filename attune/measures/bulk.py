"""Spreadsheets in, scored CSV out: the work behind `attune measures score|change`.

Rows are streamed: a file of 100,000 administrations is read, scored and written one row
at a time, with the per-definition lookups built once. A bad row is reported (with its row
number as the spreadsheet shows it, header = row 1) and the rest are still scored.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from attune.measures.change import classify_change
from attune.measures.instruments import Definition
from attune.measures.registry import available_definitions, version_key
from attune.measures.scoring import InvalidAnswers, score

Report = Callable[[str], None]

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class BulkError(ValueError):
    """A problem with the whole file or command (not one row)."""


@dataclass
class Summary:
    rows: int = 0
    scored: int = 0
    bad: int = 0


def find_definition(code: str, version: str | None = None) -> Definition:
    """The definition `code` (latest version unless `version`) among those available."""
    candidates = [d for d in available_definitions() if d.code == code]
    if not candidates:
        codes = ", ".join(sorted({d.code for d in available_definitions()}))
        raise BulkError(f"Unknown measure {code!r}. Known codes: {codes}")
    if version is None:
        return max(candidates, key=lambda d: version_key(d.version))
    for definition in candidates:
        if definition.version == version:
            return definition
    versions = ", ".join(d.version for d in candidates)
    raise BulkError(f"{code} has no version {version!r}. Versions: {versions}")


def list_lines() -> list[str]:
    """One line per available definition for `attune measures list`."""
    definitions = available_definitions()
    lines = [
        f"{'code':<12} {'version':<8} {'short name':<16} {'entry':<13} "
        f"{'wording':<13} sent to parent"
    ]
    for d in definitions:
        wording = "may be shown" if d.licence.wording_may_be_shown else "not shown"
        send = "yes" if d.can_send_to_parent else "no"
        lines.append(
            f"{d.code:<12} {d.version:<8} {d.short_name:<16} {d.entry:<13} {wording:<13} {send}"
        )
    return lines


# ---------------------------------------------------------------------------------------------
# Reading


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and an iterator of (spreadsheet row number, cells) for a CSV or XLSX file."""
    if not path.exists():
        raise BulkError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise BulkError(f"{path}: give a .csv or .xlsx file")


def _read_csv(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    handle = path.open(newline="", encoding="utf-8-sig")
    reader = csv.reader(handle)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        handle.close()
        raise BulkError(f"{path}: the file is empty") from None
    except UnicodeDecodeError:
        handle.close()
        raise BulkError(f"{path}: save the CSV as UTF-8") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        with handle:
            for number, row in enumerate(reader, start=2):
                if any(cell.strip() for cell in row):
                    yield number, row

    return header, rows()


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several types for a file that is not XLSX
        raise BulkError(f"{path}: cannot read as XLSX ({error})") from error
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_cell(h).strip() for h in next(values)]
    except StopIteration:
        workbook.close()
        raise BulkError(f"{path}: the first sheet is empty") from None
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, row in enumerate(values, start=2):
                cells = [_cell(v) for v in row]
                if any(c.strip() for c in cells):
                    yield number, cells
        finally:
            workbook.close()

    return header, rows()


# ---------------------------------------------------------------------------------------------
# Writing


def safe_cell(value: str) -> str:
    """Stop a spreadsheet running a cell as a formula; plain numbers such as -3 are kept."""
    if value and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _result_names(header: list[str], names: list[str]) -> list[str]:
    # An input column may already be called "total" (a hand-added total, or PSI-4-SF's
    # subscale fields): keep it and name the computed column result_<name>.
    taken = {h.lower() for h in header}
    return [f"result_{n}" if n.lower() in taken else n for n in names]


def _column_index(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(name.strip().lower(), i)
    return index


def _progress(rows: Iterable[Any], show: bool) -> Iterable[Any]:
    if not show:
        return rows
    from tqdm import tqdm

    return tqdm(rows, file=sys.stderr, unit=" rows", mininterval=0.5)


def _pad(row: list[str], width: int) -> list[str]:
    if len(row) < width:
        return row + [""] * (width - len(row))
    return row[:width] if len(row) > width else row


def score_table(
    definition: Definition,
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    out: IO[str],
    report: Report,
    *,
    item_scores: bool = False,
    progress: bool = False,
) -> Summary:
    index = _column_index(header)
    keys = definition.answer_keys
    present = [(key, index[key]) for key in keys if key in index]
    if not present:
        raise BulkError(
            f"The file has none of the {definition.short_name} columns "
            f"({', '.join(keys[:3])}{'...' if len(keys) > 3 else ''}); "
            f"its columns are: {', '.join(header)}"
        )
    absent = [key for key in keys if key not in index]
    if absent:
        report(f"No column for {', '.join(absent)}: treated as unanswered in every row.")

    sub_codes = [sub.code for sub in definition.subscales]
    names = ["total", *sub_codes]
    if definition.conversion is not None:
        names.append("metric")
    names += ["band", "flags", "status"]
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header] + _result_names(header, names))
    width = len(header)
    blanks = [""] * (len(names) - 1)
    has_metric = definition.conversion is not None
    summary = Summary()

    for number, raw in _progress(rows, progress):
        summary.rows += 1
        row = _pad(raw, width)
        answers = {key: row[i] for key, i in present}
        passthrough = [safe_cell(v) for v in row]
        try:
            result = score(definition, answers, item_scores=item_scores)
        except InvalidAnswers as error:
            why = "; ".join(error.errors.values())
            report(f"Row {number}: {why}")
            summary.bad += 1
            writer.writerow(passthrough + blanks + [safe_cell(f"error: {why}")])
            continue
        if result.status == "scored":
            status = "prorated" if result.prorated else "scored"
            summary.scored += 1
        else:
            why = " ".join(result.reasons)
            report(f"Row {number}: not scored: {why}")
            summary.bad += 1
            status = f"unscored: {why}"
        cells = [_number(result.total)]
        cells += [_number(result.subscales.get(code)) for code in sub_codes]
        if has_metric:
            cells.append(_number(result.metric))
        cells += [result.band or "", ";".join(f.code for f in result.flags), status]
        writer.writerow(passthrough + [safe_cell(c) for c in cells])
    return summary


def _float(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    return float(text)


def change_table(
    definition: Definition,
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    out: IO[str],
    report: Report,
    *,
    confidence: int | None = None,
    progress: bool = False,
) -> Summary:
    index = _column_index(header)
    missing = [name for name in ("baseline", "end") if name not in index]
    if missing:
        raise BulkError(
            f"The file needs columns baseline and end (primary scores); missing "
            f"{' and '.join(missing)}. Its columns are: {', '.join(header)}"
        )
    at_baseline, at_end = index["baseline"], index["end"]
    names = ["change", "reliable_change_threshold", "rci", "classification", "rule"]
    names.append("crossed_cutoff")
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header] + _result_names(header, names))
    width = len(header)
    summary = Summary()
    for number, raw in _progress(rows, progress):
        summary.rows += 1
        row = _pad(raw, width)
        passthrough = [safe_cell(v) for v in row]
        try:
            baseline = _float(row[at_baseline])
            end = _float(row[at_end])
            if baseline is None or end is None:
                raise ValueError("baseline and end are both needed")
            result = classify_change(definition, baseline, end, confidence=confidence)
        except ValueError as error:
            why = str(error)
            if why.startswith("could not convert"):
                why = "baseline and end must be numbers"
            report(f"Row {number}: {why}")
            summary.bad += 1
            writer.writerow([*passthrough, "", "", "", safe_cell(f"error: {why}"), "", ""])
            continue
        summary.scored += 1
        writer.writerow(
            [
                *passthrough,
                safe_cell(_number(result.change)),
                _number(result.threshold),
                safe_cell(_number(result.rci)),
                result.classification,
                result.rule,
                "yes" if result.crossed_cutoff else "no",
            ]
        )
    return summary
