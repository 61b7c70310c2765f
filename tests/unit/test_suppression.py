"""Suppression: no shown figure reveals a count from 1 to k-1, directly or by
subtraction along any row or column of the table (property-based)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from service.insights.suppression import suppress, suppress_row


def _check_table(cells, k, result):
    rows, columns = len(cells), len(cells[0])
    grid = [row + [sum(row)] for row in cells]
    grid.append([sum(cells[r][c] for r in range(rows)) for c in range(columns)] + [sum(map(sum, cells))])
    hidden = [result.cells[r] + [result.row_totals[r]] for r in range(rows)]
    hidden.append(result.column_totals + [result.grand_total])
    for r in range(rows + 1):
        for c in range(columns + 1):
            if not hidden[r][c]:
                assert not 0 < grid[r][c] < k, f"a small count is shown at {r},{c}"
    lines = [[(r, c) for c in range(columns + 1)] for r in range(rows + 1)]
    lines += [[(r, c) for r in range(rows + 1)] for c in range(columns + 1)]
    for line in lines:
        *parts, (tr, tc) = line
        hidden_parts = [grid[r][c] for r, c in parts if hidden[r][c]]
        if not hidden[tr][tc]:
            # total minus the shown cells = the hidden cells' sum: never a small count
            assert sum(hidden_parts) == 0 or sum(hidden_parts) >= k
        else:
            # a hidden total can't be added up from the cells
            assert hidden_parts or all(grid[r][c] == 0 for r, c in parts)


counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=6), st.sampled_from([5, 10]), st.data())
def test_no_small_count_is_shown_or_recoverable_by_subtraction(rows, columns, k, data):
    cells = data.draw(st.lists(st.lists(counts, min_size=columns, max_size=columns), min_size=rows, max_size=rows))

    result = suppress(cells, k)

    _check_table(cells, k, result)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8), st.sampled_from([5, 10]))
def test_a_single_row_hides_its_small_counts_with_a_partner(row, k):
    hidden, total_hidden = suppress_row(row, k)

    shown_small = [v for v, h in zip(row, hidden) if not h and 0 < v < k]
    hidden_sum = sum(v for v, h in zip(row, hidden) if h)
    assert shown_small == []
    assert total_hidden or hidden_sum == 0 or hidden_sum >= k


def test_one_small_cell_takes_the_next_smallest_with_it():
    hidden, total_hidden = suppress_row([3, 12, 40, 0], 5)

    assert hidden == [True, True, False, False]
    assert not total_hidden


def test_a_total_below_k_hides_everything():
    hidden, total_hidden = suppress_row([1, 2, 0], 5)

    assert total_hidden and hidden[:2] == [True, True]


def test_large_counts_are_all_shown():
    result = suppress([[10, 20], [30, 40]], 5)

    assert result.cells == [[False, False], [False, False]]
    assert not result.grand_total
