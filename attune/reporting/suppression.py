"""Small-number suppression for the figures commissioners see.

Commissioners see only aggregates, and a count from 1 to 4 could point to a
family that someone recognises. So those counts are not shown (**primary
suppression**), and further cells are hidden so that a hidden count cannot be
worked back out from the totals by subtraction (**secondary suppression**).
The rule, its reasons and worked examples are in docs/reporting-suppression.md.

Choices made here, and why:

- **0 is shown as 0 by default.** It is common NHS practice (NHS England and
  NHS Digital statistical disclosure guidance) that a true zero may be
  published: it says nothing about a person. Pass ``suppress_zero=True`` where
  even "none" would be disclosive, for example "families of this ethnicity
  from this one GP practice"; then 0 is hidden like 1 to 4.
- **Every hidden cell reads the same** (``SUPPRESSED_TEXT``, "not shown"),
  whether it was small or hidden to protect a small one. Two different
  wordings would let a reader recover a value: in the row ``1, 5`` with a total
  of 6, "fewer than 5" beside "hidden, not small" leaves only ``1, 5``. The
  page explains the rule once, with ``suppression_note()``.
- **A hidden cell carries no value.** ``Cell.value`` is ``None`` when
  ``suppressed`` is true, so a template or an export cannot leak the number.
- **The guarantee is exact**, not only "never one hidden cell in a line": no
  hidden cell can be worked out from the published cells and totals by any
  sum or difference of lines (see ``_protect``). Values can still be bounded
  (a hidden cell is never more than its line's total); that is accepted.

This module is pure Python: no models, no ORM.
"""

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

SMALL = 5
"""Counts from 1 to ``SMALL - 1`` are not shown to commissioners."""

SUPPRESSED_TEXT = "not shown"
"""What every hidden cell shows, whatever the reason it is hidden."""

_FREE = -1  # the graph node standing for "no published total constrains this"


def suppression_note(threshold: int = SMALL, *, suppress_zero: bool = False) -> str:
    """The sentence printed under a table or chart that may have hidden cells."""
    low = 0 if suppress_zero else 1
    return (
        f"Numbers from {low} to {threshold - 1} are {SUPPRESSED_TEXT}, to protect the privacy "
        "of families. Some other numbers are also not shown, so that the hidden ones "
        "cannot be worked out from the totals."
    )


@dataclass(frozen=True)
class Cell:
    """One figure as a commissioner may see it: its value, or nothing at all."""

    value: int | None
    suppressed: bool

    def __post_init__(self) -> None:
        if self.suppressed != (self.value is None):
            raise ValueError("A hidden cell carries no value; a published cell carries its value.")

    @property
    def display(self) -> str:
        """The text for a page: the number with thousands separators, or "not shown"."""
        if self.value is None:
            return SUPPRESSED_TEXT
        return f"{self.value:,}"

    def __str__(self) -> str:
        return self.display


@dataclass(frozen=True)
class SuppressedTable:
    """The body and totals of a table after suppression, in the input's shape."""

    body: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...] | None
    column_totals: tuple[Cell, ...] | None
    grand_total: Cell | None

    @property
    def any_suppressed(self) -> bool:
        """Whether the page should print ``suppression_note()``."""
        cells = [cell for row in self.body for cell in row]
        cells += self.row_totals or ()
        cells += self.column_totals or ()
        if self.grand_total is not None:
            cells.append(self.grand_total)
        return any(cell.suppressed for cell in cells)


def _check_threshold(threshold: int) -> None:
    if threshold < 1:
        raise ValueError("The threshold must be at least 1.")


def _check_count(value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Counts must be whole numbers, not {type(value).__name__}.")
    if value < 0:
        raise ValueError("Counts cannot be negative.")


def _is_small(value: int, threshold: int, suppress_zero: bool) -> bool:
    return value < threshold and (value > 0 or suppress_zero)


def count_cell(value: int, *, threshold: int = SMALL, suppress_zero: bool = False) -> Cell:
    """A single headline count: hidden when small, with nothing to protect it from."""
    _check_threshold(threshold)
    _check_count(value)
    if _is_small(value, threshold, suppress_zero):
        return Cell(None, True)
    return Cell(value, False)


def suppress_table(
    rows: Sequence[Sequence[int]],
    *,
    row_totals: bool,
    column_totals: bool,
    grand_total: bool | None = None,
    threshold: int = SMALL,
    suppress_zero: bool = False,
) -> SuppressedTable:
    """Hide small counts in a table, and enough others that none can be worked out.

    ``row_totals`` adds a total for each row, ``column_totals`` one for each
    column; ``grand_total`` (by default: when either kind of total is shown)
    adds the overall total. Totals are summed from the true counts, then hidden
    themselves when small or when needed to protect a hidden cell.
    """
    _check_threshold(threshold)
    height = len(rows)
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows):
        raise ValueError("Every row must have the same number of cells.")
    for row in rows:
        for value in row:
            _check_count(value)
    if grand_total is None:
        grand_total = row_totals or column_totals

    values: list[int] = [value for row in rows for value in row]
    is_total: list[bool] = [False] * len(values)

    def add_total(value: int) -> int:
        values.append(value)
        is_total.append(True)
        return len(values) - 1

    def body(i: int, j: int) -> int:
        return i * width + j

    row_total_ids = [add_total(sum(row)) for row in rows] if row_totals else []
    column_total_ids = (
        [add_total(sum(row[j] for row in rows)) for j in range(width)] if column_totals else []
    )
    grand_id = add_total(sum(map(sum, rows))) if grand_total else None

    # A line is a published equation: its cells add up to its last cell.
    lines: list[tuple[int, ...]] = []
    for i, total in enumerate(row_total_ids):
        lines.append((*(body(i, j) for j in range(width)), total))
    for j, total in enumerate(column_total_ids):
        lines.append((*(body(i, j) for i in range(height)), total))
    if grand_id is not None:
        if column_total_ids:
            lines.append((*column_total_ids, grand_id))
        if row_total_ids:
            lines.append((*row_total_ids, grand_id))
        if not column_total_ids and not row_total_ids:
            lines.append((*range(height * width), grand_id))

    hidden = _protect(values, is_total, lines, threshold=threshold, suppress_zero=suppress_zero)

    def cell(index: int) -> Cell:
        return Cell(None, True) if index in hidden else Cell(values[index], False)

    return SuppressedTable(
        body=tuple(tuple(cell(body(i, j)) for j in range(width)) for i in range(height)),
        row_totals=tuple(map(cell, row_total_ids)) if row_totals else None,
        column_totals=tuple(map(cell, column_total_ids)) if column_totals else None,
        grand_total=None if grand_id is None else cell(grand_id),
    )


def suppress_series(
    values: Sequence[int],
    *,
    total: int | None,
    threshold: int = SMALL,
    suppress_zero: bool = False,
) -> list[Cell]:
    """Hide small counts in one line of figures, such as referrals by month.

    ``total`` is the total published beside the series (it must equal the
    sum), or ``None`` when no total is shown. The cells returned are for the
    values only. In a single line the total never needs hiding to protect
    another cell, so show it with ``count_cell(total)``.
    """
    _check_threshold(threshold)
    for value in values:
        _check_count(value)
    if total is None:
        return [
            count_cell(value, threshold=threshold, suppress_zero=suppress_zero) for value in values
        ]
    if total != sum(values):
        raise ValueError("The published total must be the sum of the values.")
    table = suppress_table(
        [list(values)],
        row_totals=True,
        column_totals=False,
        grand_total=False,
        threshold=threshold,
        suppress_zero=suppress_zero,
    )
    assert table.row_totals == (
        count_cell(total, threshold=threshold, suppress_zero=suppress_zero),
    )
    return list(table.body[0]) if table.body else []


def suppress_share(
    numerator: int,
    denominator: int,
    *,
    threshold: int = SMALL,
    suppress_zero: bool = False,
) -> str | None:
    """A whole-number percentage, or ``None`` ("not shown") when it would reveal a small count.

    Both the count and the rest of the denominator must be 0 or at least the
    threshold: "80% of 6" would reveal that 1 family did not.
    """
    _check_threshold(threshold)
    _check_count(numerator)
    _check_count(denominator)
    if numerator > denominator:
        raise ValueError("The numerator cannot be larger than the denominator.")
    if denominator == 0:
        return None
    if any(
        _is_small(part, threshold, suppress_zero) for part in (numerator, denominator - numerator)
    ):
        return None
    if numerator == 0:
        return "0%"
    if numerator == denominator:
        return "100%"
    # Round half up, in whole numbers, as readers expect; never round to 0% or 100%.
    percent = (200 * numerator + denominator) // (2 * denominator)
    if percent == 0:
        return "less than 1%"
    if percent == 100:
        return "more than 99%"
    return f"{percent}%"


def _protect(
    values: Sequence[int],
    is_total: Sequence[bool],
    lines: Sequence[tuple[int, ...]],
    *,
    threshold: int,
    suppress_zero: bool,
) -> set[int]:
    """The cells to hide: every small one, and enough others that none can be derived.

    Think of each line (an equation "these cells add up to that total") as a
    node, and each hidden cell as an edge between the two lines it belongs to
    (or to ``_FREE`` when fewer than two published lines contain it). Once the
    totals' signs are folded in, the lines form a bipartite system: a hidden
    cell's value can be changed without changing anything published exactly
    when its edge lies on a cycle, by moving +1 and -1 alternately round it.
    A hidden cell is derivable exactly when its edge is a bridge. A line with
    only one hidden cell makes the simplest bridge; the first loop below fixes
    those as the classic rule says, the second finds any bridge that remains
    (two protected blocks joined by a single hidden cell) and closes a cycle.
    """
    lines = [line for line in lines if len(line) >= 2]  # a lone total of nothing is 0
    lines_of: list[list[int]] = [[] for _ in values]
    for number, line in enumerate(lines):
        for index in line:
            lines_of[index].append(number)

    def ends(index: int) -> tuple[int, int]:
        owners = [*lines_of[index], _FREE, _FREE]
        return owners[0], owners[1]

    hidden = {i for i, value in enumerate(values) if _is_small(value, threshold, suppress_zero)}

    def alone_in_line(number: int) -> bool:
        return sum(index in hidden for index in lines[number]) == 1

    def rank(index: int, line: tuple[int, ...] | None) -> tuple[bool, bool, bool, int, int, int]:
        # Prefer a non-zero count (hiding a 0 looks odd beside published 0s),
        # then a body cell over a total, then the smallest, then one that also
        # protects another line, then the first, so results are repeatable.
        helps = sum(alone_in_line(number) for number in lines_of[index])
        return (
            values[index] == 0,
            line is not None and index == line[-1],
            is_total[index],
            values[index],
            -helps,
            index,
        )

    while True:
        changed = True
        while changed:
            changed = False
            for line in lines:
                if sum(index in hidden for index in line) != 1:
                    continue
                shown = [index for index in line if index not in hidden]
                hidden.add(min(shown, key=lambda index: rank(index, line)))
                changed = True

        bridge = _find_bridge(hidden, ends)
        if bridge is None:
            return hidden
        near, far = bridge
        joining = [
            index
            for index in range(len(values))
            if index not in hidden
            and (
                (ends(index)[0] in near and ends(index)[1] in far)
                or (ends(index)[0] in far and ends(index)[1] in near)
            )
        ]
        if not joining:
            # Not seen in testing; hiding everything is always safe.
            return set(range(len(values)))
        hidden.add(min(joining, key=lambda index: rank(index, None)))


def _find_bridge(
    hidden: set[int], ends: Callable[[int], tuple[int, int]]
) -> tuple[frozenset[int], frozenset[int]] | None:
    """The two sides of the first hidden cell that is a bridge, or ``None``."""
    edges = sorted(hidden)
    adjacency: dict[int, list[tuple[int, int]]] = {}
    for edge in edges:
        u, v = ends(edge)
        adjacency.setdefault(u, []).append((edge, v))
        adjacency.setdefault(v, []).append((edge, u))

    def reach(start: int, without: int) -> frozenset[int]:
        seen = {start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for edge, other in adjacency.get(node, ()):
                if edge != without and other not in seen:
                    seen.add(other)
                    queue.append(other)
        return frozenset(seen)

    for edge in edges:
        u, v = ends(edge)
        if u == v:
            continue  # in no published line at all: free to be anything
        near = reach(u, edge)
        if v not in near:
            return near, reach(v, edge)
    return None
