"""`attune measures list|score|change` through call_command, with CSV and XLSX files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from attune.measures.bulk import safe_cell

# The command reads definitions from the database (shipped ones and any added since).
pytestmark = pytest.mark.django_db

PHQ9_HEADER = ["client", *[f"item{i}" for i in range(1, 10)], "note"]


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def run(*args: str) -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    failure = None
    try:
        call_command("measures", *args, stdout=out, stderr=err)
    except CommandError as error:
        failure = error
    return out.getvalue(), err.getvalue(), failure


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_list_prints_one_line_per_definition():
    out, _, failure = run("list")
    assert failure is None
    lines = out.strip().splitlines()
    assert len(lines) == 1 + 17  # a header line, then one per definition
    phq9 = next(line for line in lines if line.startswith("phq9 "))
    assert phq9.split() == ["phq9", "1", "PHQ-9", "items", "may", "be", "shown", "yes"]
    epds = next(line for line in lines if line.startswith("epds "))
    assert epds.split()[-3:] == ["not", "shown", "no"]


def test_score_csv_with_passthrough_and_a_bad_row(tmp_path):
    path = write_csv(
        tmp_path / "phq9.csv",
        [
            PHQ9_HEADER,
            ["A", 1, 1, 1, 1, 1, 1, 1, 1, 0, "first"],
            ["B", 3, 3, 3, 3, 7, 3, 3, 3, 3, "bad"],  # item 5 out of range: row 3
            ["C", 3, 3, 3, 3, 3, 3, 3, 3, 3, "last"],
        ],
    )
    out, err, failure = run("score", "phq9", str(path))
    assert failure is not None and failure.returncode == 1
    assert "Row 3: item 5: 7 is outside 0-3" in err
    rows = parse(out)
    assert list(rows[0]) == [*PHQ9_HEADER, "total", "band", "flags", "status"]
    assert [r["client"] for r in rows] == ["A", "B", "C"]
    assert [r["note"] for r in rows] == ["first", "bad", "last"]
    assert (rows[0]["total"], rows[0]["band"], rows[0]["status"]) == ("8", "Mild", "scored")
    assert rows[1]["status"] == "error: item 5: 7 is outside 0-3"
    assert rows[1]["total"] == ""
    assert (rows[2]["total"], rows[2]["flags"]) == ("27", "risk_item9")


def test_all_good_rows_exit_cleanly_and_write_the_output_file(tmp_path):
    path = write_csv(tmp_path / "in.csv", [PHQ9_HEADER, ["A", *[0] * 9, ""]])
    target = tmp_path / "out.csv"
    out, err, failure = run("score", "phq9", str(path), "-o", str(target))
    assert failure is None and out == "" and err == ""
    assert parse(target.read_text(encoding="utf-8"))[0]["total"] == "0"


def test_missing_items_are_reported_as_unscored_with_the_reason(tmp_path):
    path = write_csv(tmp_path / "in.csv", [PHQ9_HEADER, ["A", 1, "", 1, 1, 1, 1, 1, 1, 2, ""]])
    out, err, failure = run("score", "phq9", str(path))
    assert failure is not None
    row = parse(out)[0]
    assert row["status"].startswith("unscored: Item 2 is missing")
    assert row["flags"] == "risk_item9"  # risk is never missed
    assert "Row 2: not scored" in err


def test_score_xlsx_with_subscales_and_prorating(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["id", *[f"item{i}" for i in range(1, 11)]])
    sheet.append(["p1", 2, 2, 2, 2, None, 2, 2, 2, 2, 2])  # nine items summing to 18
    sheet.append(["p2", *[2] * 10])
    path = tmp_path / "core10.xlsx"
    workbook.save(path)
    out, _, failure = run("score", "core10", str(path), "--item-scores")
    assert failure is None
    rows = parse(out)
    assert (rows[0]["total"], rows[0]["status"]) == ("20", "prorated")
    assert (rows[1]["total"], rows[1]["status"]) == ("20", "scored")
    assert rows[0]["flags"] == "risk_item6"


def test_subscale_and_metric_columns(tmp_path):
    pbq = write_csv(tmp_path / "pbq.csv", [[f"item{i}" for i in range(1, 26)], [0] * 25])
    row = parse(run("score", "pbq", str(pbq))[0])[0]
    assert (row["s1"], row["s2"], row["s3"], row["s4"], row["total"]) == (
        "40",
        "25",
        "10",
        "10",
        "85",
    )
    assert row["flags"].split(";") == [
        "risk_s4",
        "cutoff_s1",
        "cutoff_s2",
        "cutoff_s3",
        "cutoff_s4",
    ]
    swemwbs = write_csv(
        tmp_path / "sw.csv", [[f"item{i}" for i in range(1, 8)], [5, 5, 5, 5, 3, 3, 3]]
    )
    row = parse(run("score", "swemwbs", str(swemwbs))[0])[0]
    assert (row["total"], row["metric"]) == ("29", "26.02")


def test_score_fields_named_like_result_columns_keep_both(tmp_path):
    path = write_csv(tmp_path / "psi.csv", [["pd", "pcdi", "dc"], [30, 25, 40]])
    row = parse(run("score", "psi4sf", str(path))[0])[0]
    assert (row["pd"], row["result_pd"], row["total"]) == ("30", "30", "95")


def test_csv_injection_is_neutralised_but_numbers_are_not(tmp_path):
    path = write_csv(
        tmp_path / "in.csv",
        [
            ['=HYPERLINK("x")', *[f"item{i}" for i in range(1, 10)], "note", "n"],
            ["=1+1", *[0] * 9, "@SUM(A1)", "-3"],
            ["+cmd", *[0] * 9, "-cmd", "+4.5"],
        ],
    )
    out, _, _ = run("score", "phq9", str(path))
    lines = list(csv.reader(io.StringIO(out)))
    assert lines[0][0] == '\'=HYPERLINK("x")'
    assert (lines[1][0], lines[1][10], lines[1][11]) == ("'=1+1", "'@SUM(A1)", "-3")
    assert (lines[2][0], lines[2][10], lines[2][11]) == ("'+cmd", "'-cmd", "+4.5")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=A1", "'=A1"),
        ("-2", "-2"),
        ("-2.5e3", "-2.5e3"),
        ("@x", "'@x"),
        ("ok", "ok"),
        ("", ""),
        ("\tx", "'\tx"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_unknown_code_lists_the_codes(tmp_path):
    path = write_csv(tmp_path / "in.csv", [PHQ9_HEADER])
    _, _, failure = run("score", "phq10", str(path))
    assert failure is not None
    assert "Unknown measure 'phq10'. Known codes: asqse2, core10" in str(failure)


def test_unknown_version_file_and_columns_are_clear(tmp_path):
    path = write_csv(tmp_path / "in.csv", [["a", "b"], [1, 2]])
    (tmp_path / "x.txt").write_text("item1\n1\n", encoding="utf-8")
    assert "phq9 has no version '7'" in str(run("score", "phq9", str(path), "--version", "7")[2])
    assert "no such file" in str(run("score", "phq9", str(tmp_path / "nope.csv"))[2])
    assert "give a .csv or .xlsx file" in str(run("score", "phq9", str(tmp_path / "x.txt"))[2])
    assert "none of the PHQ-9 columns" in str(run("score", "phq9", str(path))[2])


def test_change_command(tmp_path):
    path = write_csv(
        tmp_path / "change.csv",
        [["client", "baseline", "end"], ["A", 18, 8], ["B", 12, 7], ["C", "x", 3], ["D", 8, 15]],
    )
    out, err, failure = run("change", "phq9", str(path))
    assert failure is not None
    assert "Row 4: baseline and end must be numbers" in err
    rows = parse(out)
    assert list(rows[0]) == [
        "client",
        "baseline",
        "end",
        "change",
        "reliable_change_threshold",
        "rci",
        "classification",
        "rule",
        "crossed_cutoff",
    ]
    assert (rows[0]["change"], rows[0]["reliable_change_threshold"], rows[0]["rci"]) == (
        "-10",
        "6",
        "",
    )
    assert (rows[0]["classification"], rows[0]["rule"]) == ("recovered", "published")
    assert (rows[1]["classification"], rows[1]["crossed_cutoff"]) == ("no_reliable_change", "yes")
    assert rows[2]["classification"] == "error: baseline and end must be numbers"
    assert rows[3]["classification"] == "reliably_deteriorated"


def test_change_confidence_option_and_rci(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["baseline", "end"], [22, 12]])
    at_90 = parse(run("change", "core10", str(path), "--confidence", "90")[0])[0]
    assert (at_90["reliable_change_threshold"], at_90["rule"]) == ("6", "published")
    assert at_90["rci"] == "-2.904"
    published = parse(run("change", "core10", str(path))[0])[0]
    assert (published["reliable_change_threshold"], published["rule"]) == ("6", "published")
    at_95 = parse(run("change", "core10", str(path), "--confidence", "95")[0])[0]
    assert (at_95["reliable_change_threshold"], at_95["rule"]) == ("6.749", "jacobson_truax")
    kpcs = parse(
        run("change", "kpcs", str(write_csv(tmp_path / "k.csv", [["baseline", "end"], [35, 41]])))[
            0
        ]
    )[0]
    assert (kpcs["classification"], kpcs["reliable_change_threshold"]) == ("not_computable", "")


def test_change_needs_baseline_and_end_columns(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["start", "end"], [1, 2]])
    assert "missing baseline" in str(run("change", "phq9", str(path))[2])


def test_one_hundred_thousand_rows_are_all_scored(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", *[f"item{i}" for i in range(1, 10)]])
        for n in range(100_000):
            writer.writerow([n, *[(n + i) % 4 for i in range(9)]])
    target = tmp_path / "out.csv"
    _, err, failure = run("score", "phq9", str(path), "-o", str(target))
    assert failure is None and err == ""
    with target.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        statuses = [row["status"] for row in reader]
    assert len(statuses) == 100_000
    assert set(statuses) == {"scored"}
