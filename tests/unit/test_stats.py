import pytest

from service.figures.stats import wilson


def test_wilson_matches_the_textbook_values():
    # 8 of 10: 49.0% to 94.3% (Wilson 1927; Newcombe 1998, table I)
    assert wilson(8, 10) == pytest.approx((49.0, 94.3), abs=0.1)
    assert wilson(0, 10) == pytest.approx((0.0, 27.8), abs=0.1)
    assert wilson(10, 10) == pytest.approx((72.2, 100.0), abs=0.1)


def test_wilson_narrows_as_the_sample_grows():
    small, large = wilson(6, 10), wilson(600, 1000)

    assert small[1] - small[0] > large[1] - large[0]
    assert small[0] < 60 < small[1] and large[0] < 60 < large[1]


def test_wilson_with_no_answers_says_nothing_is_known():
    assert wilson(0, 0) == (0.0, 100.0)
