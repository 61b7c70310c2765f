"""Review statistics: the Wilson interval and the change verdict's interval rule."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.reviews.stats import HIGHER, LOWER, NO_CLEAR_CHANGE, NOT_COMPARABLE, verdict, wilson


def test_wilson_matches_published_values():
    # Newcombe (1998), Statistics in Medicine 17:857-872, table I: 81/263 -> 0.2553 to 0.3662.
    share = wilson(81, 263)

    assert share.value == pytest.approx(81 / 263)
    assert share.low == pytest.approx(0.2553, abs=5e-5)
    assert share.high == pytest.approx(0.3662, abs=5e-5)


def test_wilson_at_the_edges_stays_within_zero_and_one():
    none, every = wilson(0, 10), wilson(10, 10)

    assert none.low == 0 and 0.25 < none.high < 0.35  # 0/10: up to about 31%
    assert every.high == 1 and 0.65 < every.low < 0.75


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_the_share_and_narrows_with_more_answers(case):
    part, whole = case

    share, bigger = wilson(part, whole), wilson(part * 4, whole * 4)

    assert 0 <= share.low <= share.value <= share.high <= 1
    assert bigger.high - bigger.low < share.high - share.low or math.isclose(share.high - share.low, 0, abs_tol=1e-9)


def test_wilson_refuses_impossible_counts():
    with pytest.raises(ValueError):
        wilson(5, 4)
    with pytest.raises(ValueError):
        wilson(0, 0)


def test_verdict_is_no_clear_change_when_the_intervals_overlap():
    before, after = wilson(50, 100), wilson(60, 100)  # 40-60% and 50-69%: they overlap

    assert before.high > after.low
    assert verdict(before, after) == NO_CLEAR_CHANGE


def test_verdict_calls_a_change_only_when_the_intervals_are_apart():
    before, after = wilson(30, 100), wilson(60, 100)

    assert after.low > before.high
    assert verdict(before, after) == HIGHER
    assert verdict(after, before) == LOWER


def test_verdict_cannot_compare_a_hidden_figure():
    assert verdict(None, wilson(5, 10)) == NOT_COMPARABLE
    assert verdict(wilson(5, 10), None) == NOT_COMPARABLE


@given(st.integers(1, 400), st.integers(1, 400), st.data())
def test_verdict_follows_the_interval_rule(n1, n2, data):
    before = wilson(data.draw(st.integers(0, n1)), n1)
    after = wilson(data.draw(st.integers(0, n2)), n2)

    result = verdict(before, after)

    overlap = not (after.low > before.high or after.high < before.low)
    assert (result == NO_CLEAR_CHANGE) == overlap
    if result == HIGHER:
        assert after.value > before.value
    if result == LOWER:
        assert after.value < before.value
