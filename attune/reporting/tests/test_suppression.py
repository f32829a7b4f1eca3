from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.reporting.suppression import (
    SMALL,
    SUPPRESSED_TEXT,
    Cell,
    SuppressedTable,
    count_cell,
    suppress_series,
    suppress_share,
    suppress_table,
    suppression_note,
)

# A hidden cell is written "_" in the expected tables below.
_ = None


def shown(cells) -> list[int | None]:
    return [cell.value for cell in cells]


def body(table: SuppressedTable) -> list[list[int | None]]:
    return [shown(row) for row in table.body]


# --- The lines of a table, worked out independently of the module -------------


def lines_of(table: SuppressedTable) -> list[tuple[list[Cell], Cell]]:
    """Every published equation in the table, as (cells, their total)."""
    lines: list[tuple[list[Cell], Cell]] = []
    columns = [list(column) for column in zip(*table.body, strict=True)] if table.body else []
    if table.row_totals is not None:
        lines += [
            (list(row), total) for row, total in zip(table.body, table.row_totals, strict=True)
        ]
    if table.column_totals is not None:
        lines += [
            (column, total) for column, total in zip(columns, table.column_totals, strict=True)
        ]
    if table.grand_total is not None:
        if table.column_totals is not None:
            lines.append((list(table.column_totals), table.grand_total))
        if table.row_totals is not None:
            lines.append((list(table.row_totals), table.grand_total))
        if table.row_totals is None and table.column_totals is None:
            lines.append(([cell for row in table.body for cell in row], table.grand_total))
    return lines


def _rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    rank = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][column] != 0:
                factor = rows[r][column] / rows[rank][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def derivable_cells(table: SuppressedTable) -> list[Cell]:
    """Hidden cells whose value follows from the published figures by linear algebra.

    The unknowns are the hidden cells; each line gives an equation. A hidden
    cell is derivable exactly when its unit vector lies in the span of the
    equations' coefficient rows.
    """
    lines = lines_of(table)
    hidden: list[Cell] = []
    for cells, total in lines:
        for cell in [*cells, total]:
            if cell.suppressed and not any(cell is h for h in hidden):
                hidden.append(cell)
    position = {id(cell): n for n, cell in enumerate(hidden)}
    matrix = []
    for cells, total in lines:
        row = [Fraction(0)] * len(hidden)
        for cell in cells:
            if cell.suppressed:
                row[position[id(cell)]] += 1
        if total.suppressed:
            row[position[id(total)]] -= 1
        matrix.append(row)
    base = _rank(matrix)
    derivable = []
    for n, cell in enumerate(hidden):
        unit = [Fraction(int(k == n)) for k in range(len(hidden))]
        if _rank([*matrix, unit]) == base:
            derivable.append(cell)
    return derivable


# --- Hand-worked examples ------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "row_totals", "column_totals", "expected_body", "expected_row_totals"),
    [
        # Nothing small: nothing hidden.
        ([[5, 10], [7, 0]], True, False, [[5, 10], [7, 0]], [15, 7]),
        # 3 is small; 10 is the next smallest non-zero count in its row.
        ([[3, 10, 20]], True, False, [[_, _, 20]], [33]),
        # The total is 3, so it is small itself; the zeros stay published.
        ([[3, 0, 0]], True, False, [[_, 0, 0]], [_]),
        # Two small counts in one row protect each other.
        ([[2, 4, 20]], True, False, [[_, _, 20]], [26]),
        # No totals published: only the small counts are hidden.
        ([[3, 10], [1, 20]], False, False, [[_, 10], [_, 20]], None),
        # One cell and its total are equal, so they are hidden together.
        ([[4], [9]], True, False, [[_], [9]], [_, 9]),
    ],
)
def test_hand_worked_tables(
    rows, row_totals, column_totals, expected_body, expected_row_totals
) -> None:
    table = suppress_table(
        rows, row_totals=row_totals, column_totals=column_totals, grand_total=False
    )
    assert body(table) == expected_body
    assert (None if table.row_totals is None else shown(table.row_totals)) == expected_row_totals


def test_worked_example_from_the_docs() -> None:
    # docs/reporting-suppression.md works this one through step by step.
    table = suppress_table(
        [[3, 10, 20], [8, 9, 30], [12, 15, 40]], row_totals=True, column_totals=True
    )
    assert body(table) == [[_, _, 20], [_, _, 30], [12, 15, 40]]
    assert shown(table.row_totals) == [33, 47, 67]
    assert shown(table.column_totals) == [23, 34, 90]
    assert table.grand_total == Cell(147, False)
    assert table.any_suppressed


def test_a_small_total_hides_the_line_that_makes_it() -> None:
    # The second column adds up to 4: its total is small, so it is hidden, and
    # the column's one non-zero cell (also 4) is hidden with it. The grand
    # total line then needs a second hidden column total.
    table = suppress_table([[10, 4], [12, 0]], row_totals=True, column_totals=True)
    assert body(table)[0][1] is None
    assert table.column_totals[1].suppressed
    assert not derivable_cells(table)
    assert all(len([c for c in [*cells, t] if c.suppressed]) != 1 for cells, t in lines_of(table))


def test_two_protected_blocks_joined_by_one_cell_are_not_left_derivable() -> None:
    # Found by search: the "never exactly one hidden cell in a line" rule alone
    # leaves a hidden cell here that sums and differences of lines recover.
    rows = [[0, 0, 6], [7, 12, 3], [10, 9, 12], [30, 1, 0]]
    table = suppress_table(rows, row_totals=True, column_totals=True)
    assert not derivable_cells(table)


def test_zero_is_published_unless_asked_otherwise() -> None:
    assert body(suppress_table([[0, 7, 9]], row_totals=True, column_totals=False)) == [[0, 7, 9]]
    hidden_zero = suppress_table(
        [[0, 7, 9]], row_totals=True, column_totals=False, suppress_zero=True
    )
    assert body(hidden_zero) == [[_, _, 9]]
    assert shown(hidden_zero.row_totals) == [16]


def test_another_threshold() -> None:
    table = suppress_table([[9, 10, 12]], row_totals=True, column_totals=False, threshold=10)
    assert body(table) == [[_, _, 12]]


def test_grand_total_alone() -> None:
    table = suppress_table(
        [[3, 8], [9, 7]], row_totals=False, column_totals=False, grand_total=True
    )
    assert body(table) == [[_, 8], [9, _]]
    assert table.grand_total == Cell(27, False)


def test_empty_table() -> None:
    table = suppress_table([], row_totals=True, column_totals=True)
    assert table.body == ()
    assert table.grand_total == Cell(0, False)
    assert not table.any_suppressed


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ([[1, 2], [3]], ValueError),
        ([[-1, 2]], ValueError),
        ([[1.5, 2]], TypeError),
        ([[True, 2]], TypeError),
    ],
)
def test_bad_tables_are_refused(rows, error) -> None:
    with pytest.raises(error):
        suppress_table(rows, row_totals=True, column_totals=True)


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="threshold"):
        suppress_table([[1]], row_totals=False, column_totals=False, threshold=0)


# --- Cells -------------------------------------------------------------------------


def test_cell_display() -> None:
    assert Cell(1234, False).display == "1,234"
    assert str(Cell(0, False)) == "0"
    assert Cell(None, True).display == SUPPRESSED_TEXT == "not shown"


@pytest.mark.parametrize(("value", "suppressed"), [(3, True), (None, False)])
def test_a_hidden_cell_never_carries_its_value(value, suppressed) -> None:
    with pytest.raises(ValueError, match="hidden cell"):
        Cell(value, suppressed)


@pytest.mark.parametrize(
    ("value", "suppress_zero", "expected"),
    [(0, False, Cell(0, False)), (0, True, Cell(None, True)), (4, False, Cell(None, True))],
)
def test_count_cell(value, suppress_zero, expected) -> None:
    assert count_cell(value, suppress_zero=suppress_zero) == expected
    assert count_cell(SMALL) == Cell(SMALL, False)


def test_note() -> None:
    assert suppression_note().startswith("Numbers from 1 to 4 are not shown")
    assert suppression_note(10, suppress_zero=True).startswith("Numbers from 0 to 9")


# --- Series --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "total", "expected"),
    [
        ([12, 3, 7, 0], 22, [12, _, _, 0]),
        ([12, 3, 7, 0], None, [12, _, 7, 0]),
        ([2, 0, 0], 2, [_, 0, 0]),  # the total (2) is hidden too: count_cell(2)
        ([6, 7, 8], 21, [6, 7, 8]),
        ([], 0, []),
    ],
)
def test_series(values, total, expected) -> None:
    assert shown(suppress_series(values, total=total)) == expected


def test_series_total_must_be_the_sum() -> None:
    with pytest.raises(ValueError, match="sum"):
        suppress_series([5, 6], total=12)


# --- Shares ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (5, 10, "50%"),
        (4, 10, None),  # 4 families
        (6, 10, None),  # the other 4
        (0, 12, "0%"),
        (12, 12, "100%"),
        (0, 3, None),  # 3 did not
        (0, 0, None),
        (5, 2000, "less than 1%"),
        (1995, 2000, "more than 99%"),
        (5, 8, None),
        (10, 15, "67%"),
        (5, 40, "13%"),  # 12.5 rounds half up
    ],
)
def test_share(numerator, denominator, expected) -> None:
    assert suppress_share(numerator, denominator) == expected


def test_share_with_hidden_zero() -> None:
    assert suppress_share(0, 12, suppress_zero=True) is None


def test_share_refuses_a_numerator_above_the_denominator() -> None:
    with pytest.raises(ValueError, match="numerator"):
        suppress_share(6, 5)


# --- Properties ----------------------------------------------------------------

counts = st.one_of(st.integers(0, 4), st.integers(5, 40), st.just(0))


@st.composite
def tables(draw):
    height = draw(st.integers(1, 5))
    width = draw(st.integers(1, 5))
    rows = draw(
        st.lists(st.lists(counts, min_size=width, max_size=width), min_size=height, max_size=height)
    )
    return rows


@settings(max_examples=300, deadline=None)
@given(
    rows=tables(),
    row_totals=st.booleans(),
    column_totals=st.booleans(),
    grand_total=st.sampled_from([None, True, False]),
    threshold=st.sampled_from([SMALL, 3, 10]),
    suppress_zero=st.booleans(),
)
def test_properties_of_suppressed_tables(
    rows, row_totals, column_totals, grand_total, threshold, suppress_zero
) -> None:
    table = suppress_table(
        rows,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=grand_total,
        threshold=threshold,
        suppress_zero=suppress_zero,
    )
    lowest = 0 if suppress_zero else 1

    def published_are_safe_and_true(cells, originals) -> None:
        for cell, original in zip(cells, originals, strict=True):
            if not cell.suppressed:
                assert cell.value == original
                assert not lowest <= original < threshold

    for cells, originals in zip(table.body, rows, strict=True):
        published_are_safe_and_true(cells, originals)
    column_sums = [sum(column) for column in zip(*rows, strict=True)]
    if table.row_totals is not None:
        published_are_safe_and_true(table.row_totals, [sum(row) for row in rows])
    if table.column_totals is not None:
        published_are_safe_and_true(table.column_totals, column_sums)
    if table.grand_total is not None:
        published_are_safe_and_true([table.grand_total], [sum(column_sums)])

    # Never exactly one hidden figure in a line (its total counted as one of them).
    for cells, total in lines_of(table):
        assert sum(cell.suppressed for cell in [*cells, total]) != 1
    # And the stronger guarantee: no hidden cell follows from any mix of lines.
    assert not derivable_cells(table)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(counts, min_size=1, max_size=12), suppress_zero=st.booleans())
def test_properties_of_suppressed_series(values, suppress_zero) -> None:
    cells = suppress_series(values, total=sum(values), suppress_zero=suppress_zero)
    total = count_cell(sum(values), suppress_zero=suppress_zero)
    hidden = sum(cell.suppressed for cell in [*cells, total])
    assert hidden != 1
    for cell, value in zip(cells, values, strict=True):
        assert cell.suppressed or (cell.value == value and not 0 < value < SMALL)


@given(st.integers(0, 60), st.integers(0, 60))
def test_properties_of_shares(a, b) -> None:
    numerator, denominator = min(a, b), max(a, b)
    share = suppress_share(numerator, denominator)
    if share is not None:
        assert not 0 < numerator < SMALL
        assert not 0 < denominator - numerator < SMALL
