"""The protection every staff figure gets: the p-table's promises, and the
practitioner rule with dominance."""

import pytest

from service.figures.protection import DOMINANCE, KEYS, PTABLE, D, Rules, adjustment, decide, perturb

RULES = Rules(viewer_id=1, open_practitioners=frozenset({1}), k_team=5, k_practitioner=10)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 10, 250])
def test_adjustments_average_zero_stay_within_d_and_never_empty_a_cell(count):
    moved = [adjustment(count, key) for key in range(KEYS)]

    assert sum(moved) == 0
    assert all(-D <= a <= D for a in moved)
    assert all(count + a >= 1 for a in moved)


def test_zero_stays_zero_and_the_same_records_always_get_the_same_value():
    assert perturb(0, 12345) == 0
    assert {perturb(37, 1000) for _ in range(5)} == {perturb(37, 1000 + KEYS)}


def test_most_counts_of_three_or_more_are_moved():
    assert sum(1 for a in PTABLE[3] if a) / KEYS > 0.5


def test_a_cell_of_one_closed_practitioner_is_hidden_whatever_its_size():
    assert decide(RULES, {2: 400}, 77) == (None, D)


def test_a_viewers_own_cell_is_held_to_the_practitioner_threshold():
    assert decide(RULES, {1: 7}, 3)[0] is None
    value, noise = decide(RULES, {1: 40}, 3)
    assert abs(value - 40) <= D and noise == D


def test_a_team_cell_whose_closed_part_is_one_practitioner_is_hidden():
    assert decide(RULES, {1: 30, None: 30, 2: 10}, 0)[0] is None


def test_a_team_cell_with_a_dominant_closed_practitioner_is_hidden_and_a_balanced_one_shown():
    assert decide(RULES, {None: 30, 2: 80, 3: 20}, 0)[0] is None  # 80% > DOMINANCE
    assert DOMINANCE == 0.75
    value, _ = decide(RULES, {None: 30, 2: 60, 3: 40}, 0)
    assert abs(value - 130) <= D


def test_a_perturbed_count_below_k_is_hidden():
    assert all(decide(RULES, {None: 2}, key)[0] is None for key in range(KEYS))


def test_an_empty_cell_is_hidden_like_any_count_below_k():
    # If 0 were shown as 0, "hidden" would tell a determined colleague "at least one answer here".
    assert decide(RULES, {}, 0)[0] is None
    assert decide(RULES, {None: 0, 1: 0}, 0)[0] is None
    assert decide(RULES, {None: 5}, 0)[0] is not None or decide(RULES, {None: 7}, 0)[0] is not None
