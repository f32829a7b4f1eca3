"""The SVG chart: points in order, the cut-off as a dashed line, text escaped."""

from __future__ import annotations

from datetime import date

from attune.measures.charts import Point, line_chart


def test_chart_draws_each_point_and_the_cut_off() -> None:
    svg = line_chart(
        [Point(date(2026, 1, 5), 18), Point(date(2026, 6, 1), 8)],
        low=0,
        high=27,
        title="PHQ-9 <over> time",
        cutoff=10,
        cutoff_label="Clinical cut-off 10",
    )
    assert svg.count("<circle") == 2 and "<polyline" in svg
    assert 'stroke-dasharray="6 4"' in svg and "Clinical cut-off 10" in svg
    assert "PHQ-9 &lt;over&gt; time" in svg
    assert 'text-anchor="start"' in svg and 'text-anchor="end"' in svg  # dates stay inside


def test_chart_has_no_cut_off_line_without_one_and_one_point_has_no_line() -> None:
    svg = line_chart([Point(date(2026, 1, 5), 3)], low=0, high=10, title="One")
    assert "stroke-dasharray" not in svg and "<polyline" not in svg
    assert svg.count("<circle") == 1


def test_a_higher_score_is_drawn_higher() -> None:
    svg = line_chart(
        [Point(date(2026, 1, 1), 2), Point(date(2026, 2, 1), 9)], low=0, high=10, title="t"
    )
    ys = [float(part.split('cy="')[1].split('"')[0]) for part in svg.split("<circle")[1:]]
    assert ys[1] < ys[0]  # SVG y grows downwards
