import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from attune.reporting.exports import (
    CONTENT_TYPES,
    Table,
    download,
    safe_cell,
    safe_filename,
    sheet_names,
    to_csv,
    to_xlsx,
)
from attune.reporting.suppression import Cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-3", "'-3"),  # a string, so escaped: pass numbers as numbers
        ("+4.5", "'+4.5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ('=HYPERLINK("http://example.org","x")', '\'=HYPERLINK("http://example.org","x")'),
        ("Health visitor", "Health visitor"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_strings_that_would_run_as_formulas_are_escaped(value, expected) -> None:
    assert safe_cell(value) == expected


@pytest.mark.parametrize("value", [-3, 4.5, -0.25, Decimal("-1.5"), 0, None, True])
def test_non_strings_are_untouched(value) -> None:
    assert safe_cell(value) is value


def table() -> Table:
    return Table(
        title="Referrals by source",
        columns=["Source", "Referrals", "=bad heading"],
        rows=[
            ["Health visitor", 12, "=1+1"],
            ["-GP", -3, 4.5],
            ["Zoë's nursery", Cell(None, True), Cell(7, False)],
        ],
        note="1 April 2025 to 31 March 2026. Numbers from 1 to 4 are not shown.",
    )


def test_csv_has_a_byte_order_mark_and_escapes_cells() -> None:
    content = to_csv(table())
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [
        ["Source", "Referrals", "'=bad heading"],
        ["Health visitor", "12", "'=1+1"],
        ["'-GP", "-3", "4.5"],
        ["Zoë's nursery", "not shown", "7"],
        [],
        ["1 April 2025 to 31 March 2026. Numbers from 1 to 4 are not shown."],
    ]


def test_csv_without_a_note_ends_with_the_rows() -> None:
    content = to_csv(Table(title="t", columns=["a"], rows=[[1]]))
    assert content.decode("utf-8-sig") == "a\r\n1\r\n"


def test_csv_quotes_commas_and_line_breaks() -> None:
    content = to_csv(Table(title="t", columns=["a"], rows=[["one, two\nthree"]]))
    assert content.decode("utf-8-sig") == 'a\r\n"one, two\nthree"\r\n'


def test_xlsx_round_trips_values_and_escapes_strings() -> None:
    workbook = load_workbook(io.BytesIO(to_xlsx([table()])))
    [sheet] = workbook.worksheets
    assert sheet.title == "Referrals by source"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Referrals by source"
    assert values[1] == ["Source", "Referrals", "'=bad heading"]
    assert values[2] == ["Health visitor", 12, "'=1+1"]
    assert values[3] == ["'-GP", -3, 4.5]
    assert values[4] == ["Zoë's nursery", "not shown", 7]
    assert values[5] == [None, None, None]
    assert values[6][0].startswith("1 April 2025")
    assert sheet["A1"].font.bold
    assert all(cell.font.bold for cell in sheet[2])
    assert not sheet["A3"].font.bold
    assert sheet.freeze_panes == "A3"
    # Nothing is stored as a formula, and numbers are stored as numbers.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["B3"].data_type == "n"


def test_xlsx_drops_control_characters_it_cannot_hold() -> None:
    content = to_xlsx([Table(title="t", columns=["a"], rows=[["bell\x07 and nul\x00"]])])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A3"].value == "bell and nul"


def test_xlsx_writes_aware_times_in_local_time() -> None:
    moment = dt.datetime(2025, 7, 1, 9, 30, tzinfo=dt.UTC)
    content = to_xlsx([Table(title="t", columns=["when"], rows=[[moment]])])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A3"].value == dt.datetime(2025, 7, 1, 10, 30)  # British Summer Time


def test_xlsx_one_sheet_per_table_with_unique_names() -> None:
    tables = [
        Table(title="Referrals", columns=["a"], rows=[[1]]),
        Table(title="referrals", columns=["a"], rows=[[2]]),
        Table(title="Referrals", columns=["a"], rows=[[3]]),
    ]
    workbook = load_workbook(io.BytesIO(to_xlsx(tables, sheet_title_prefix="Q1 ")))
    assert workbook.sheetnames == ["Q1 Referrals", "Q1 referrals (2)", "Q1 Referrals (3)"]
    assert [sheet["A3"].value for sheet in workbook.worksheets] == [1, 2, 3]


def test_xlsx_with_no_tables_is_still_a_workbook() -> None:
    workbook = load_workbook(io.BytesIO(to_xlsx([])))
    assert workbook.sheetnames == ["No tables"]


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["Waits: weeks [all] / *?\\"], ["Waits- weeks -all- - ---"]),
        (["A" * 40, "A" * 40, "A" * 35], ["A" * 31, "A" * 27 + " (2)", "A" * 27 + " (3)"]),
        (["'quoted'"], ["quoted"]),
        (["", "   "], ["Sheet", "Sheet (2)"]),
        (["History"], ["History table"]),
    ],
)
def test_sheet_names_are_safe_and_unique(titles, expected) -> None:
    names = sheet_names(titles)
    assert names == expected
    assert all(len(name) <= 31 for name in names)
    assert len({name.casefold() for name in names}) == len(names)


def test_long_colliding_names_open_in_openpyxl() -> None:
    tables = [Table(title="Outcomes by measure and quarter " * 2, columns=["a"], rows=[])] * 3
    workbook = load_workbook(io.BytesIO(to_xlsx(tables)))
    assert len(set(workbook.sheetnames)) == 3


@pytest.mark.parametrize(
    ("kind", "name", "filename"),
    [
        ("csv", "referrals-2025.csv", "referrals-2025.csv"),
        ("csv", "referrals 2025", "referrals-2025.csv"),
        ("xlsx", 'commissioner "report"\r\n; evil=1', "commissioner-report-evil-1.xlsx"),
        ("xlsx", "../../etc/passwd", "etc-passwd.xlsx"),
        ("csv", "Zoë_report", "Zo-_report.csv"),
        ("csv", "", "attune-report.csv"),
    ],
)
def test_download_headers(kind, name, filename) -> None:
    response = download(name, b"content", kind)
    assert response.status_code == 200
    assert response.content == b"content"
    assert response["Content-Type"] == CONTENT_TYPES[kind]
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def test_download_content_types() -> None:
    assert download("a", b"", "csv")["Content-Type"] == "text/csv; charset=utf-8"
    assert download("a", b"", "xlsx")["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_download_refuses_other_kinds() -> None:
    with pytest.raises(ValueError, match="kind"):
        download("a", b"", "pdf")  # type: ignore[arg-type]


def test_safe_filename_is_idempotent() -> None:
    once = safe_filename("team dashboard (Q1)", "csv")
    assert once == "team-dashboard-Q1.csv"
    assert safe_filename(once, "csv") == once
