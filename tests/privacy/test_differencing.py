"""The differencing audit itself, on tiny hand-made cases whose answer is known."""

from __future__ import annotations

import datetime as dt

from tests.privacy.differencing import (
    CLOSED_ALL,
    CLOSED_MONTH,
    CLOSED_PART,
    ISOLATED,
    SMALL_CELL,
    SMALL_GROUP,
    AtomKey,
    Figure,
    audit,
)


def atom(
    month: int = 1,
    touchpoint: int = 1,
    practitioner: int | None = None,
    audience: str = "parent",
    kind: str = "home_visit",
) -> AtomKey:
    return AtomKey(
        team_id=1,
        month=dt.date(2026, month, 1),
        touchpoint_id=touchpoint,
        practitioner_id=practitioner,
        contact_kind=kind,
        audience=audience,
        survey_id="after-meeting",
    )


def figure(
    truth: dict, atoms: list[AtomKey], *, noise: int = 0, value: int | None = -1, measure: str = "responses"
) -> Figure:
    """A figure over `atoms`, published as its true value unless `value` says otherwise."""
    true = sum(truth[(a, measure)] for a in atoms)
    return Figure(measure, frozenset(atoms), true if value == -1 else value, noise)


def run(truth, figures, **kwargs):
    return audit(truth, figures, k_team=5, k_practitioner=10, labels=[f"F{i}" for i in range(len(figures))], **kwargs)


def disclosed(report, kind):
    return [f for f in report.disclosed if f.target.kind.startswith(kind)]


def test_a_total_and_all_but_one_part_disclose_the_last_part():
    a, b, c = atom(touchpoint=1), atom(touchpoint=2), atom(touchpoint=3)
    truth = {(a, "responses"): 10, (b, "responses"): 7, (c, "responses"): 2}

    report = run(truth, [figure(truth, [a, b, c]), figure(truth, [a]), figure(truth, [b])])

    [finding] = disclosed(report, SMALL_CELL)
    assert finding.target.atoms == {c} and finding.how == "exact" and finding.low == finding.high == 2
    assert finding.figures == ["+F0 (=19)", "-F1 (=10)", "-F2 (=7)"]
    assert "DISCLOSED small cell (k=5): responses = 2" in report.text()


def test_a_noisy_total_and_noisy_parts_do_not_disclose_the_last_part():
    a, b, c = atom(touchpoint=1), atom(touchpoint=2), atom(touchpoint=3)
    truth = {(a, "responses"): 10, (b, "responses"): 7, (c, "responses"): 2}
    figures = [
        figure(truth, [a, b, c], noise=2, value=20),
        figure(truth, [a], noise=2, value=9),
        figure(truth, [b], noise=2, value=8),
    ]

    report = run(truth, figures)

    assert report.clean and report.targets == 1
    assert not report.narrowed  # c lies anywhere in [0, 9]: wider than k


def test_two_overlapping_windows_disclose_the_month_they_differ_by():
    months = [atom(month=m) for m in (1, 2, 3)]
    truth = {(months[0], "responses"): 12, (months[1], "responses"): 9, (months[2], "responses"): 3}

    report = run(truth, [figure(truth, months[:2]), figure(truth, months)])

    [finding] = disclosed(report, SMALL_CELL)
    assert finding.target.atoms == {months[2]} and finding.low == 3


def test_two_windows_disclose_a_small_group_no_figure_tells_apart():
    months = [atom(month=m) for m in (1, 2, 3, 4)]
    truth = {
        (months[0], "responses"): 1,
        (months[1], "responses"): 1,
        (months[2], "responses"): 10,
        (months[3], "responses"): 10,
    }

    report = run(truth, [figure(truth, months), figure(truth, months[2:])])

    [finding] = disclosed(report, SMALL_GROUP)
    assert finding.target.atoms == set(months[:2]) and finding.low == 2
    assert not disclosed(report, SMALL_CELL)  # either month alone could hold both


def test_a_hidden_figure_gives_no_equation():
    a, b, c = atom(touchpoint=1), atom(touchpoint=2), atom(touchpoint=3)
    truth = {(a, "responses"): 2, (b, "responses"): 10, (c, "responses"): 10}

    report = run(truth, [figure(truth, [a, b, c]), figure(truth, [a], value=None), figure(truth, [b])])

    assert report.clean


def test_an_attacker_who_knows_the_rules_reads_a_shown_figure_as_at_least_k():
    a, b = atom(touchpoint=1, practitioner=7), atom(touchpoint=2)
    truth = {(a, "responses"): 4, (b, "responses"): 8}
    # a + b = 12; b is published as 6 +-2, so 4..8, but shown means at least k = 5: a is 4..7, not 4..8.
    figures = [figure(truth, [a, b]), figure(truth, [a], value=None), figure(truth, [b], noise=2, value=6)]

    [weak] = run(truth, figures).narrowed
    [strong] = run(truth, figures, knows_rules=2).narrowed

    assert (weak.low, weak.high) == (4, 8) and (strong.low, strong.high) == (4, 7)


def test_an_attacker_who_knows_the_rules_reads_a_figure_hidden_for_its_size_as_at_most_k_minus_1_plus_d():
    a, b = atom(touchpoint=1), atom(touchpoint=2)
    truth = {(a, "responses"): 4, (b, "responses"): 8}
    # As above, but a is a team cell (k = 5): hidden for its size, it is at most 5 - 1 + 2 = 6.
    figures = [figure(truth, [a, b]), figure(truth, [a], value=None), figure(truth, [b], noise=2, value=6)]

    [strong] = run(truth, figures, knows_rules=2).narrowed

    assert (strong.low, strong.high) == (4, 6) and "F1 (hidden: at most 6)" in strong.figures

    c = atom(touchpoint=3, practitioner=7)
    truth[(c, "responses")] = 0
    mixed = [figure(truth, [a, b, c]), figure(truth, [a, c], value=None), figure(truth, [b], noise=2, value=6)]
    for closed, high in (([], 6), ([7], 7)):  # (k = 5 for practitioners too, so only `closed` differs)
        [finding] = audit(truth, mixed, k_team=5, k_practitioner=5, closed=closed, knows_rules=2).narrowed
        assert finding.high == high  # hidden perhaps by the practitioner rule (7 closed): no ceiling from it


def test_noisy_figures_at_the_edges_of_their_ranges_disclose_by_bounds():
    x1, x2, x3 = atom(touchpoint=1), atom(touchpoint=2), atom(touchpoint=3)
    truth = {(x1, "responses"): 4, (x2, "responses"): 0, (x3, "responses"): 0}
    # x1 + x2 + x3 is in [0, 4] and x1 is in [4, 8]: only x1 = 4 fits both.
    figures = [figure(truth, [x1, x2, x3], noise=2, value=2), figure(truth, [x1], noise=2, value=6)]

    report = run(truth, figures)

    [finding] = disclosed(report, SMALL_CELL)
    assert finding.how == "bounds" and finding.low == finding.high == 4
    assert sorted(finding.figures) == ["F0 (=2+-2)", "F1 (=6+-2)"]


def test_a_published_zero_is_exact_and_removes_its_cells_from_every_sum():
    x1, x2, x3 = atom(touchpoint=1), atom(touchpoint=2), atom(touchpoint=3)
    truth = {(x1, "responses"): 3, (x2, "responses"): 0, (x3, "responses"): 9}
    figures = [figure(truth, [x1, x2, x3]), figure(truth, [x2], noise=2), figure(truth, [x3])]

    report = run(truth, figures)

    [finding] = disclosed(report, SMALL_CELL)
    assert finding.target.atoms == {x1} and finding.how == "exact"


def test_each_measure_is_audited_on_its_own():
    a, b = atom(touchpoint=1), atom(touchpoint=2)
    truth = {(a, "responses"): 10, (b, "responses"): 10, (a, "q:negative"): 2, (b, "q:negative"): 8}
    figures = [
        figure(truth, [a, b]),
        figure(truth, [a, b], measure="q:negative"),
        figure(truth, [b], measure="q:negative"),
    ]

    report = run(truth, figures)

    [finding] = report.disclosed
    assert finding.target.measure == "q:negative" and finding.target.atoms == {a} and finding.low == 2


def test_a_closed_practitioners_month_is_disclosed_by_subtracting_a_sharing_colleague():
    sharing = [atom(month=m, touchpoint=1, practitioner=7) for m in (1, 2)]
    closed = [atom(month=m, touchpoint=2, practitioner=8) for m in (1, 2)]
    truth = {
        (sharing[0], "responses"): 40,
        (sharing[1], "responses"): 40,
        (closed[0], "responses"): 30,
        (closed[1], "responses"): 35,
    }
    figures = [figure(truth, [sharing[0], closed[0]]), figure(truth, [sharing[1], closed[1]]), figure(truth, sharing)]

    report = run(truth, figures, closed={8})

    assert [f.target.kind for f in disclosed(report, CLOSED_ALL)] == [CLOSED_ALL]
    assert disclosed(report, CLOSED_ALL)[0].low == 65
    assert not disclosed(report, CLOSED_MONTH)  # each month alone stays unknown
    assert not run(truth, figures).disclosed  # nobody's results are closed to this role


def test_a_figure_only_one_closed_practitioner_serves_isolates_them_even_with_noise():
    theirs = atom(touchpoint=2, practitioner=8, audience="under8")
    others = atom(touchpoint=1, practitioner=7, audience="8to12")
    truth = {(theirs, "responses"): 139, (others, "responses"): 50}

    report = run(
        truth, [figure(truth, [theirs], noise=2, value=140), figure(truth, [theirs, others], noise=2)], closed={8}
    )

    [finding] = disclosed(report, ISOLATED)
    assert finding.target.true == 139 and (finding.low, finding.high) == (138, 142)


def test_an_audience_minus_a_touchpoint_leaves_a_closed_practitioners_part():
    # 8to12 = Amira's direct work (8to12) + Tom's home visits answered by 8-12s.
    amira = atom(touchpoint=1, practitioner=7, audience="8to12", kind="direct_work")
    tom = atom(touchpoint=2, practitioner=8, audience="8to12")
    tom_parents = atom(touchpoint=2, practitioner=8, audience="parent")
    truth = {(amira, "responses"): 40, (tom, "responses"): 22, (tom_parents, "responses"): 30}
    figures = [figure(truth, [amira, tom]), figure(truth, [amira]), figure(truth, [amira, tom, tom_parents])]

    report = run(truth, figures, closed={8})

    parts = disclosed(report, CLOSED_PART)
    assert {(f.target.atoms, f.low) for f in parts} == {(frozenset([tom]), 22), (frozenset([tom_parents]), 30)}


def test_a_figure_that_cannot_come_from_the_true_counts_is_reported():
    a, b = atom(touchpoint=1), atom(touchpoint=2)
    truth = {(a, "responses"): 10, (b, "responses"): 10}

    report = run(truth, [figure(truth, [a, b], value=25), figure(truth, [a], noise=2, value=0)])

    assert len(report.inconsistent) == 2 and not report.clean


def test_a_question_s_answers_are_audited_together_with_its_count_of_everyone_who_answered():
    a, b = atom(touchpoint=1), atom(touchpoint=2)
    truth = {
        (a, "listened:positive"): 9,
        (a, "listened:negative"): 1,
        (b, "listened:positive"): 7,
        (b, "listened:negative"): 6,
    }
    # No figure of "listened:negative" is published, but answered minus positive is one person in a.
    figures = [
        figure(truth, [a], measure="listened:positive"),
        Figure("listened:answered", frozenset([a]), 10, 0),
        figure(truth, [b], measure="listened:negative"),
    ]

    report = run(truth, figures)

    [finding] = [f for f in report.disclosed if f.target.measure == "listened:*"]
    assert finding.target.kind == SMALL_CELL and finding.low == finding.high == 1
    assert {a.survey_id for a in finding.target.atoms} == {"after-meeting#negative"}
    assert run(truth, figures[:1] + figures[2:]).clean  # without the count of everyone who answered
