import itertools
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from attune.reporting.charts import BAR, GRID, NO_DATA, TEXT, bar_chart, column_chart, histogram

SVG = "{http://www.w3.org/2000/svg}"

MONTHS = ["Apr 2025", "May 2025", "Jun 2025", "Jul 2025"]


def parse(svg: Markup) -> ET.Element:
    # Our own output, not untrusted input: parsing it is the point of the test.
    return ET.fromstring(str(svg))  # noqa: S314


def bars(svg: Markup) -> list[ET.Element]:
    return [rect for rect in parse(svg).iter(f"{SVG}rect") if rect.get("fill") == BAR]


def texts(svg: Markup) -> list[str]:
    return ["".join(element.itertext()) for element in parse(svg).iter(f"{SVG}text")]


def all_charts(labels, values, title="Chart"):
    return [
        bar_chart(labels, values, title=title),
        column_chart(labels, values, title=title),
        histogram(list(zip(labels, values, strict=True)), title=title),
    ]


@pytest.mark.parametrize("chart", all_charts(MONTHS, [3, 5, 8, 12]))
def test_charts_are_hidden_from_assistive_technology_and_titled(chart) -> None:
    assert isinstance(chart, Markup)
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("aria-hidden") == "true"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") is None  # scales through the viewBox
    assert root.find(f"{SVG}title").text == "Chart"


@pytest.mark.parametrize("chart", all_charts(MONTHS, [3, None, 8, 0]))
def test_charts_suit_a_strict_content_security_policy(chart) -> None:
    root = parse(chart)
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
        assert element.tag not in {f"{SVG}script", f"{SVG}style", f"{SVG}foreignObject"}
    assert "javascript:" not in str(chart)


@pytest.mark.parametrize("chart", all_charts(MONTHS, [1, 2, 3, 4]))
def test_nhs_colours(chart) -> None:
    root = parse(chart)
    assert root.get("fill") == TEXT == "#4c6272"
    assert BAR == "#005eb8"
    strokes = {line.get("stroke") for line in root.iter(f"{SVG}line")}
    assert GRID == "#d8dde0"
    assert GRID in strokes


def test_labels_and_titles_are_escaped() -> None:
    label = '<script>alert("x")</script> & "Tom\'s" nursery'
    title = "Referrals </title><script>alert(1)</script>"
    for chart in all_charts([label, "GP"], [4, 6], title=title):
        source = str(chart)
        assert "<script" not in source
        assert "&lt;script&gt;" in source
        root = parse(chart)
        assert root.find(f"{SVG}title").text == title
        # The label comes back intact once the XML is read (wrapped over lines in columns).
        assert " ".join(texts(chart)).replace("  ", " ").count("alert") == 1


def test_unit_is_escaped_too() -> None:
    chart = bar_chart(["a"], [3], title="t", unit="<b>weeks</b>")
    assert "<b>" not in str(chart)
    assert "3 <b>weeks</b>" in texts(chart)


@pytest.mark.parametrize("chart", all_charts(MONTHS, [3, 5, 8, 12]))
def test_one_bar_per_value(chart) -> None:
    assert len(bars(chart)) == 4


def test_bar_lengths_are_proportional() -> None:
    chart = bar_chart(["a", "b", "c"], [5, 10, 20], title="t")
    widths = [float(rect.get("width")) for rect in bars(chart)]
    assert widths[1] == pytest.approx(2 * widths[0])
    assert widths[2] == pytest.approx(4 * widths[0])
    starts = {rect.get("x") for rect in bars(chart)}
    assert len(starts) == 1  # every bar starts on the same axis


@pytest.mark.parametrize(
    "draw",
    [
        column_chart,
        lambda labels, values, title: histogram(
            list(zip(labels, values, strict=True)), title=title
        ),
    ],
)
def test_column_heights_are_proportional_and_share_a_baseline(draw) -> None:
    chart = draw(MONTHS, [2, 4, 6, 8], title="t")
    columns = bars(chart)
    heights = [float(rect.get("height")) for rect in columns]
    assert heights == pytest.approx([heights[0] * k for k in (1, 2, 3, 4)])
    bottoms = {round(float(rect.get("y")) + float(rect.get("height")), 2) for rect in columns}
    assert len(bottoms) == 1
    lefts = [float(rect.get("x")) for rect in columns]
    assert lefts == sorted(lefts)  # in the order given (oldest month first)


def test_histogram_columns_touch() -> None:
    columns = bars(histogram([("0–4 weeks", 3), ("5–8 weeks", 6), ("9+ weeks", 1)], title="t"))
    for left, right in itertools.pairwise(columns):
        assert float(left.get("x")) + float(left.get("width")) == pytest.approx(
            float(right.get("x"))
        )


def test_column_chart_columns_have_gaps() -> None:
    columns = bars(column_chart(MONTHS, [3, 6, 1, 2], title="t"))
    assert float(columns[0].get("x")) + float(columns[0].get("width")) < float(columns[1].get("x"))


@pytest.mark.parametrize("chart", all_charts(MONTHS, [3, None, 8, None]))
def test_a_figure_not_shown_has_no_bar_and_says_so(chart) -> None:
    assert len(bars(chart)) == 2
    assert sum(text == "not shown" for text in texts(chart)) == 2


def test_all_figures_not_shown() -> None:
    chart = bar_chart(["a", "b"], [None, None], title="t")
    assert bars(chart) == []
    assert texts(chart).count("not shown") == 2


def test_zero_draws_an_empty_bar_and_its_value() -> None:
    chart = bar_chart(["a", "b"], [0, 0], title="t")
    assert [rect.get("width") for rect in bars(chart)] == ["0", "0"]
    assert texts(chart).count("0") >= 2


def test_values_and_units_are_labelled() -> None:
    chart = bar_chart(["a", "b", "c"], [40, 12.25, 1234], title="t", unit="%")
    assert {"40%", "12.2%", "1,234%"} <= set(texts(chart))
    weeks = column_chart(["a"], [6], title="t", unit="weeks")
    assert "6 weeks" in texts(weeks)


def test_gridlines_do_not_fall_on_half_counts() -> None:
    chart = column_chart(["a", "b"], [1, 2], title="t")
    assert {"0", "1", "2"} <= set(texts(chart))
    assert "0.5" not in texts(chart)


def test_long_month_labels_wrap() -> None:
    months = [f"{m} 2025" for m in ["Jan", "Feb", "Mar", "Apr", "May", "Jun"] * 2]
    chart = column_chart(months, list(range(12)), title="t")
    spans = list(parse(chart).iter(f"{SVG}tspan"))
    assert {span.text for span in spans} >= {"Jan", "2025"}


@pytest.mark.parametrize(
    "chart",
    [
        bar_chart([], [], title="Referrals"),
        column_chart([], [], title="Referrals"),
        histogram([], title="Referrals"),
    ],
)
def test_no_data_draws_a_small_message(chart) -> None:
    root = parse(chart)
    assert root.get("aria-hidden") == "true"
    assert root.find(f"{SVG}title").text == "Referrals"
    assert texts(chart) == [NO_DATA]
    assert bars(chart) == []
    assert float(root.get("viewBox").split()[3]) < 100


@pytest.mark.parametrize(
    ("labels", "values"),
    [(["a"], [1, 2]), (["a"], [-1]), (["a"], [float("nan")]), (["a"], [float("inf")])],
)
def test_bad_input_is_refused(labels, values) -> None:
    with pytest.raises(ValueError):
        bar_chart(labels, values, title="t")
    with pytest.raises(ValueError):
        column_chart(labels, values, title="t")
