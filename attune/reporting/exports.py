"""CSV and XLSX downloads of report tables.

Every string cell passes through ``safe_cell`` so that a spreadsheet never
runs text from the data as a formula (CSV or formula injection: a referrer's
name typed as ``=HYPERLINK(...)`` must stay text). Numbers stay numbers, so a
commissioner can still add up a column.

A ``suppression.Cell`` may be put straight into a table: its value when
published, "not shown" when hidden.

This module is pure Python apart from ``django.http``: no models, no ORM.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from attune.reporting.suppression import Cell

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_cell(value: object) -> object:
    """``value``, with a leading ``'`` if it is a string a spreadsheet would run as a formula.

    Only strings are escaped. Numbers (``int``, ``float``, ``Decimal``) are
    returned unchanged so they stay numbers. A *string* such as ``"-3"`` is
    escaped too (to ``"'-3"``): telling a harmless negative number from
    ``-3+cmd|...`` is exactly the parsing that injection relies on, so pass
    numbers as numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class Table:
    """One table for download: a title, column headings, rows and a note under it.

    The note says what the figures cover, for example the period and the
    suppression rule (``suppression.suppression_note()``).
    """

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[object]]
    note: str = ""


def _plain(value: object) -> object:
    """A value a spreadsheet can hold: cells unwrapped, aware times made local."""
    if isinstance(value, Cell):
        return value.display if value.value is None else value.value
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        # Spreadsheets have no time zones; show the time as the team read it.
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _export_value(value: object) -> object:
    return safe_cell(_plain(value))


def to_csv(table: Table) -> bytes:
    """The table as CSV: headings, rows, then a blank line and the note.

    UTF-8 with a byte order mark, which Excel needs to read accented names
    correctly. The title is not written (a CSV file holds one table, and its
    filename names it), so the data stays easy for other tools to read.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(column) for column in table.columns])
    for row in table.rows:
        writer.writerow([_export_value(value) for value in row])
    if table.note:
        writer.writerow([])
        writer.writerow([safe_cell(table.note)])
    return buffer.getvalue().encode("utf-8-sig")


def sheet_names(titles: Sequence[str], *, prefix: str = "") -> list[str]:
    """Names Excel accepts for these titles: at most 31 characters, no ``[]:*?/\\``, unique.

    Excel compares sheet names without regard to case, so "Referrals" and
    "referrals" collide too; a later one becomes "Referrals (2)".
    """
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = _SHEET_NAME_FORBIDDEN.sub("-", f"{prefix}{title}")
        base = " ".join(base.split()).strip("'") or "Sheet"
        if base.casefold() == "history":  # reserved by Excel
            base = "History table"
        name = base[:_SHEET_NAME_LIMIT].rstrip().rstrip("'")
        number = 1
        while name.casefold() in taken:
            number += 1
            suffix = f" ({number})"
            name = base[: _SHEET_NAME_LIMIT - len(suffix)].rstrip().rstrip("'") + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _xlsx_value(value: object) -> object:
    value = _export_value(value)
    if isinstance(value, str):
        # Control characters other than tab and line breaks are not allowed in XLSX.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None or isinstance(value, int | float | Decimal | dt.date | dt.time | dt.timedelta):
        return value
    return str(value)


def to_xlsx(tables: Sequence[Table], *, sheet_title_prefix: str = "") -> bytes:
    """A workbook with one sheet per table.

    Each sheet has the full title in A1 (bold), the headings in row 2 (bold,
    kept in view when scrolling), the rows below, then a blank row and the
    note. Numbers stay numbers; strings are escaped as ``safe_cell`` says.
    """
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # a sheet per table, added below
    bold = Font(bold=True)
    names = sheet_names([table.title for table in tables], prefix=sheet_title_prefix)
    if not tables:
        workbook.create_sheet("No tables")
    for table, name in zip(tables, names, strict=True):
        sheet = workbook.create_sheet(name)
        sheet.append([_xlsx_value(table.title)])
        sheet["A1"].font = bold
        sheet.append([_xlsx_value(column) for column in table.columns])
        for cell in sheet[2]:
            cell.font = bold
        sheet.freeze_panes = "A3"
        widths = [len(str(column)) for column in table.columns]
        for row in table.rows:
            values = [_xlsx_value(value) for value in row]
            sheet.append(values)
            for index, value in enumerate(values):
                length = len(str(value)) if value is not None else 0
                if index < len(widths):
                    widths[index] = max(widths[index], length)
                else:
                    widths.append(length)
        if table.note:
            sheet.append([])
            sheet.append([_xlsx_value(table.note)])
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8) + 2, 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def safe_filename(name: str, kind: Literal["csv", "xlsx"]) -> str:
    """``name`` with only letters, digits, hyphens, underscores and dots, ending ``.kind``."""
    stem = name.removesuffix(f".{kind}")
    stem = _FILENAME_UNSAFE.sub("-", stem).strip(".-") or "attune-report"
    return f"{stem[:100]}.{kind}"


def download(response_filename: str, content: bytes, kind: Literal["csv", "xlsx"]) -> HttpResponse:
    """A response that downloads ``content`` as a file, never displayed or cached."""
    if kind not in CONTENT_TYPES:
        raise ValueError(f"Unknown download kind: {kind!r}")
    filename = safe_filename(response_filename, kind)
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    # Reports are about the team's families, even in aggregate: keep them out of caches.
    response["Cache-Control"] = "no-store"
    return response
