"""Small-number suppression for a table with its totals.

A table is rows x columns of counts, with row totals, column totals and a
grand total, all of which may be shown. The rule, for every row and every
column (each is an equation: the cells add up to the total):

- a count from 1 to k-1 is never shown (primary suppression);
- if the total is shown, the hidden cells of the line must add up to 0 or
  to at least k, so subtracting the shown cells from the total never gives
  a small count (complementary suppression);
- if the total is hidden, at least one cell must be hidden with it, or the
  total could be added up from the cells.

Cells are hidden smallest-first until every line holds, repeating across rows
and columns until nothing changes. Zeros may be shown: they say nothing about
any one person. This follows UK public-statistics practice (primary and
secondary suppression); the property tests in tests/unit check the rule on
random tables.
"""

from __future__ import annotations

import msgspec


class Suppressed(msgspec.Struct):
    """Which figures may be shown: True means hidden."""

    cells: list[list[bool]]
    row_totals: list[bool]
    column_totals: list[bool]
    grand_total: bool


def suppress(
    cells: list[list[int]],
    k: int,
    *,
    row_totals: list[bool | None] | None = None,
    column_totals: list[bool | None] | None = None,
) -> Suppressed:
    """`row_totals` / `column_totals` pin totals that another table on the same
    page already decided (True hidden, False shown, None free), so a figure is
    never hidden in one place and shown in another."""
    rows = len(cells)
    columns = len(cells[0]) if rows else 0
    # One grid with the totals as an extra row and column: (rows+1) x (columns+1).
    grid = [list(row) + [sum(row)] for row in cells]
    grid.append([sum(cells[r][c] for r in range(rows)) for c in range(columns)] + [sum(map(sum, cells))])
    hidden = [[0 < value < k for value in line] for line in grid]
    pinned: set[tuple[int, int]] = set()
    for r, state in enumerate(row_totals or []):
        if state is not None:
            hidden[r][columns] = state
            pinned.add((r, columns))
    for c, state in enumerate(column_totals or []):
        if state is not None:
            hidden[rows][c] = state
            pinned.add((rows, c))

    def lines():
        for r in range(rows + 1):
            yield [(r, c) for c in range(columns + 1)]
        for c in range(columns + 1):
            yield [(r, c) for r in range(rows + 1)]

    changed = True
    while changed:
        changed = False
        for line in lines():
            *parts, total = line
            if _fix_line(grid, hidden, pinned, parts, total, k):
                changed = True
    return Suppressed(
        cells=[hidden[r][:columns] for r in range(rows)],
        row_totals=[hidden[r][columns] for r in range(rows)],
        column_totals=hidden[rows][:columns],
        grand_total=hidden[rows][columns],
    )


def _fix_line(grid, hidden, pinned, parts, total, k) -> bool:
    """Hide one more figure if this line breaks the rule; True if it did."""
    hidden_parts = [p for p in parts if hidden[p[0]][p[1]]]
    total_hidden = hidden[total[0]][total[1]]
    if total_hidden:
        if hidden_parts or all(grid[r][c] == 0 for r, c in parts):
            return False
    else:
        hidden_sum = sum(grid[r][c] for r, c in hidden_parts)
        if hidden_sum == 0 or hidden_sum >= k:
            return False
    shown = [p for p in parts if not hidden[p[0]][p[1]] and grid[p[0]][p[1]] > 0 and p not in pinned]
    if shown:
        r, c = min(shown, key=lambda p: grid[p[0]][p[1]])
    elif total not in pinned and not total_hidden:
        r, c = total
    else:
        return False  # everything that may be hidden already is
    hidden[r][c] = True
    return True


def suppress_row(counts: list[int], k: int) -> tuple[list[bool], bool]:
    """One row of counts with its total: which counts (and whether the total) to hide."""
    result = suppress([counts], k)
    return result.cells[0], result.grand_total or result.row_totals[0]
