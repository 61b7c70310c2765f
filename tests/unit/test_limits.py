from service.responses.limits import BurstWatch, SubmissionLimiter


def test_a_source_may_send_up_to_the_limit_per_touchpoint_in_the_window():
    limiter = SubmissionLimiter(limit=3, window_seconds=600)

    allowed = [limiter.allow("198.51.100.7", 1, now=t) for t in (0, 1, 2, 3)]

    assert allowed == [True, True, True, False]
    assert limiter.allow("198.51.100.7", 2, now=4), "another touchpoint counts apart"
    assert limiter.allow("198.51.100.8", 1, now=4), "another source counts apart"
    assert limiter.allow("198.51.100.7", 1, now=601), "the window slides"


def test_the_limiter_keeps_no_address_even_in_memory():
    limiter = SubmissionLimiter(limit=3)

    limiter.allow("203.0.113.99", 1)

    assert not any(b"203.0.113.99" in key for key in limiter._hits)


def test_a_limit_of_zero_turns_the_check_off():
    limiter = SubmissionLimiter(limit=0)

    assert all(limiter.allow("x", 1, now=0) for _ in range(1000))


def test_a_burst_is_far_above_the_touchpoints_normal_day():
    watch = BurstWatch()
    watch.set_baseline(1, average_per_day=12.0)  # a busy touchpoint: 10 x 12 = 120 a day before a burst
    watch.set_baseline(2, average_per_day=0.5)  # a quiet one: the floor of 30 applies

    assert watch.threshold(1) == 120
    assert watch.threshold(2) == 30
    counts = [watch.count(2, "2026-11-24") for _ in range(31)]
    assert counts[-1] == 31
    assert watch.count(2, "2026-11-25") == 1, "a new day starts again"
