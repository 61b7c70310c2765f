"""How a published count is protected: cell-key perturbation (as the ONS did
for Census 2021), thresholds, and the practitioner rule with dominance.

- Every response has a secret random record key 0..255, given at insert. A
  cell's key is the sum of its responses' keys mod 256, so the same set of
  responses gets the same key, and so the same adjustment, wherever it
  appears: asking again or slicing differently gains nothing.
- A fixed p-table (PTABLE below, committed) maps (count, cell key) to an
  adjustment in [-D, D] with mean zero for every count; it never makes a
  positive count 0 or negative.
- A count below k, before or after its adjustment, is shown as hidden: k_team for team slices,
  k_practitioner when every response in the cell is about one practitioner. An empty cell is
  below k too, and hidden like any other: if 0 were shown as 0, "hidden" would mean "at least
  one", and that, with the bounded adjustments of neighbouring cells, can pin a hidden count of
  1 (the differencing audit found such a case).
- Practitioner rule: for viewer V, a practitioner P other than V is closed
  unless V manages the team and P chose to share. A cell whose responses are
  all one practitioner's is theirs: shown only when they are open to V. A
  cell that mixes closed practitioners' answers with what V may see on their
  own is shown only when its closed part is spread over at least
  MIN_CLOSED_PRACTITIONERS with none holding more than DOMINANCE of it, so it
  can't be read as one closed practitioner's results by subtraction.

Percentages are computed from perturbed counts, after protection; a share is
shown only when every count it is made of is shown.
"""

from __future__ import annotations

import msgspec

D = 2  # the largest adjustment
KEYS = 256
MIN_CLOSED_PRACTITIONERS = 2
DOMINANCE = 0.75  # no one closed practitioner may hold more than this share of a cell's closed part


def _row(spread: dict[int, int]) -> tuple[int, ...]:
    """One count's adjustments for the 256 cell keys: `spread` says how many keys get each adjustment."""
    assert sum(spread.values()) == KEYS and sum(a * n for a, n in spread.items()) == 0  # mean zero
    row: list[int] = []
    for adjustment in sorted(spread):
        row += [adjustment] * spread[adjustment]
    # Interleave, so neighbouring keys (cells differing by one small-keyed response) get unrelated adjustments.
    return tuple(row[(index * 97) % KEYS] for index in range(KEYS))


# The p-table: count -> adjustment per cell key. 1 cannot move (it may not go below 1 and must average 0);
# 2 moves by at most 1; from 3 on, by up to D. About 60% of cells of 3 or more are moved.
PTABLE = {
    1: _row({0: 256}),
    2: _row({-1: 64, 0: 128, 1: 64}),
    3: _row({-2: 26, -1: 51, 0: 102, 1: 51, 2: 26}),
}


def adjustment(count: int, cell_key: int) -> int:
    if count <= 0:
        return 0
    return PTABLE[min(count, 3)][cell_key % KEYS]


def perturb(count: int, key_sum: int) -> int:
    """The published value of a count whose responses' record keys add up to `key_sum`."""
    return count + adjustment(count, key_sum % KEYS) if count > 0 else 0


class Rules(msgspec.Struct, frozen=True):
    """What one viewer may see of one team's practitioners."""

    viewer_id: int
    open_practitioners: frozenset[int]  # the viewer, and (for a manager) those who share
    k_team: int
    k_practitioner: int

    def is_open(self, practitioner_id: int | None) -> bool:
        return practitioner_id is None or practitioner_id in self.open_practitioners


def decide(rules: Rules, by_practitioner: dict[int | None, int], key_sum: int) -> tuple[int | None, int]:
    """(published value or None for hidden, noise) for a cell with these true
    counts per practitioner at answer time (None: no practitioner)."""
    total = sum(by_practitioner.values())
    if total == 0:
        return None, D  # hidden like any count below k, so that hidden never means "not empty"
    present = [p for p, n in by_practitioner.items() if n > 0]
    if len(present) == 1 and present[0] is not None:
        if not rules.is_open(present[0]):
            return None, D
        k = rules.k_practitioner
    else:
        closed = [n for p, n in by_practitioner.items() if n > 0 and not rules.is_open(p)]
        if closed and (len(closed) < MIN_CLOSED_PRACTITIONERS or max(closed) > DOMINANCE * sum(closed)):
            return None, D
        k = rules.k_team
    value = perturb(total, key_sum)
    # Hidden when the adjusted count is below k, and also when the true one is: a count of 1..k-1 is never
    # published, even moved up to k by its adjustment.
    return (value, D) if value >= k and total >= k else (None, D)


# Why a count is hidden, in the words a page uses ------------------------------------------------------------------

FEW, FEW_OR_ONE = "few", "few_or_one"


def why_hidden(k: int, k_practitioner: int) -> tuple[str, int, int]:
    """(reason, threshold, one-practitioner threshold) a page gives for its hidden figures. It depends
    only on what the page is (k: the page's own threshold), never on the counts or on whose answers a
    cell holds, so a reason tells nothing a hidden figure does not: not whether the cell is empty, nor
    whether it is all one practitioner's. A practitioner's own page says k_practitioner; a team page
    says k_team, and k_practitioner when the answers are all about one practitioner."""
    return (FEW if k >= k_practitioner else FEW_OR_ONE), k, k_practitioner
