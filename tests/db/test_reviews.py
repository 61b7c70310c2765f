"""Review summaries against the real database: every figure equals an
independently computed SQL aggregate after the engine's published
protection (cell-key perturbation, hidden below k); no published figure
rests on 1..k-1 responses, in the summary or the Markdown export; the
monthly rollup follows deleted, added and held responses; comments are
redacted, balanced and hidden below k; open actions carry over to the next
review."""

import asyncio
import datetime as dt
import random
import re
import uuid

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from service.figures import grid
from service.figures.levels import summary_questions
from service.figures.model import RESPONSES
from service.figures.protection import D
from service.figures.results import CommentGroup
from service.figures.service import ReviewSlice, review_summary
from service.reviews import actions, you_said
from service.reviews import service as reviews
from service.reviews.export import review_markdown
from service.reviews.queries import Review
from service.touchpoints import codes
from service.touchpoints.queries import insert_touchpoint, touchpoint_by_code
from tests import factories
from tests import truth as truth_module

KINDS = ["home_visit", "child_protection_conference", "direct_work"]


@pytest.fixture(autouse=True)
def _started(client):
    """The app has started, so the survey versions responses point at are recorded."""


@pytest.fixture
def k(settings) -> int:
    return settings.k_team


@pytest.fixture
def period(settings) -> tuple[dt.date, dt.date]:
    """The default review months: (first month, last month)."""
    return reviews.default_period(settings.today())


async def _team_and_manager(pool):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    return team, manager, await factories.viewer(pool, manager)


async def _touchpoint(pool, team_id: int, kind: str):
    code = codes.new_code()
    async with pool.acquire() as conn:
        await insert_touchpoint(
            conn,
            code=code,
            team_id=team_id,
            contact_kind=kind,
            practitioner_id=None,
            survey_id="after-meeting",
            audience=None,
            language="en-GB",
        )
        return await touchpoint_by_code(conn, code=code, today=dt.date.today())


def _answers(rng: random.Random, audience: str) -> dict:
    """Answers of the right shape for each audience, some questions skipped."""
    top = 3 if audience == "under8" else 5
    answers = {q: rng.randint(1, top) for q in ("listened", "understood", "respect") if rng.random() < 0.9}
    if audience != "under8" and rng.random() < 0.8:
        answers["better"] = rng.randint(1, 5)
    if audience == "parent" and rng.random() < 0.7:
        answers["contact"] = rng.choice(["yes", "no", "not_sure"])
    if audience == "13to17" and rng.random() < 0.7:
        answers["took_part"] = rng.choice(["was_there", "views_shared", "wrote_or_recorded", "did_not"])
    return answers


def _day_in(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day in the months first..last."""
    days = (grid.last_day(last) - first).days
    return first + dt.timedelta(days=rng.randint(0, days))


async def _store(pool, touchpoint, rows: list[tuple[str, dt.date, dict]], comments: dict[int, str] | None = None):
    """rows: (audience, day, answers). comments: row index -> free text."""
    version = await pool.fetchval(
        "select version_hash from survey_versions where survey_id = 'after-meeting' order by first_seen_at desc limit 1"
    )
    async with pool.acquire() as conn:
        for index, (audience, day, answers) in enumerate(rows):
            response_id = await conn.fetchval(
                "insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, "
                "language, submitted_on, answers) values ($1, $2, 'after-meeting', $3, $4, 'en-GB', $5, $6) "
                "returning id",
                uuid.uuid4(),
                touchpoint.id,
                version,
                audience,
                day,
                answers,
            )
            if comments and index in comments:
                await conn.execute(
                    "insert into free_text_answers (response_id, submitted_on, question_id, body) "
                    "values ($1, $2, 'anything_else', $3)",
                    response_id,
                    day,
                    comments[index],
                )


_shown = truth_module.shown


def _count(summary, question_id: str, level: str) -> int | None:
    return {c.key: c.count for c in summary.question(question_id).cells}[level]


_truth = truth_module.truth
TRUTH_SQL = truth_module.TRUTH_SQL


# Independent SQL: the level of each answer written out per audience, not through Heard's code.
LEVELS_SQL = """
with answered as (
    select r.audience, r.contact_kind, q.id as question, r.record_key,
           case when r.audience = 'under8' then
                    case (r.answers->>q.id)::int when 3 then 'positive' when 2 then 'neutral' else 'negative' end
                else case when (r.answers->>q.id)::int >= 4 then 'positive'
                          when (r.answers->>q.id)::int = 3 then 'neutral' else 'negative' end
           end as level
    from responses r join touchpoints t on t.id = r.touchpoint_id
    cross join (values ('listened'), ('understood'), ('respect'), ('better')) q(id)
    where t.team_id = $1 and not r.held and r.submitted_on >= $2 and r.submitted_on < $3 and r.answers ? q.id
)
select audience, contact_kind, question, level, count(*)::int as n, sum(record_key)::bigint as keys
from answered
group by grouping sets ((question, level), (audience, question, level), (contact_kind, question, level))
"""

WILSON_SQL = """
select (p + z*z/(2*n)) / (1 + z*z/n) - z * sqrt(p*(1-p)/n + z*z/(4*n*n)) / (1 + z*z/n) as low,
       (p + z*z/(2*n)) / (1 + z*z/n) + z * sqrt(p*(1-p)/n + z*z/(4*n*n)) / (1 + z*z/n) as high
from (select $1::float8 / $2::float8 as p, $2::float8 as n, 1.959963984540054::float8 as z) v
"""


async def test_summary_figures_equal_independent_sql_aggregates_after_protection(pool, app, settings, k, period):
    team, _, viewer = await _team_and_manager(pool)
    first, last = period
    rng = random.Random(11)
    for kind in KINDS:
        touchpoint = await _touchpoint(pool, team, kind)
        rows = []
        for _ in range(rng.randint(60, 120)):
            audience = rng.choice(["under8", "8to12", "13to17", "parent"])
            rows.append((audience, _day_in(rng, first, last), _answers(rng, audience)))
        await _store(pool, touchpoint, rows)

    async with pool.acquire() as conn:
        result = await review_summary(
            conn,
            app.state.surveys,
            viewer=viewer,
            settings=settings,
            scope=ReviewSlice(team, first, last, survey_id=factories.SURVEY),
        )
        total = await _truth(conn, team, first, last)
        by_audience = {
            r["audience"]: (r["n"], r["keys"])
            for r in await conn.fetch(
                TRUTH_SQL.replace("select", "select r.audience,", 1) + " group by 1",
                team,
                first,
                grid.add_months(last, 1),
            )
        }
        by_kind = {
            r["contact_kind"]: (r["n"], r["keys"])
            for r in await conn.fetch(
                TRUTH_SQL.replace("select", "select r.contact_kind,", 1) + " group by 1",
                team,
                first,
                grid.add_months(last, 1),
            )
        }
        levels = await conn.fetch(LEVELS_SQL, team, first, grid.add_months(last, 1))
        contact = {
            r["answer"]: (r["n"], r["keys"])
            for r in await conn.fetch(
                TRUTH_SQL.replace("select", "select r.answers->>'contact' as answer,", 1)
                + " and r.answers ? 'contact' group by 1",
                team,
                first,
                grid.add_months(last, 1),
            )
        }

    def cells(audience=None, kind=None, question=None) -> dict[str, int | None]:
        found = {
            row["level"]: _shown(row["n"], row["keys"], k)
            for row in levels
            if (row["audience"], row["contact_kind"], row["question"]) == (audience, kind, question)
        }
        return {level: found.get(level, _shown(0, 0, k)) for level in ("positive", "neutral", "negative")}

    def answered(audience=None, kind=None, question=None) -> int | None:
        """Everyone who gave one of the question's answers: the whole of its share, a protected count itself."""
        rows = [
            row
            for row in levels
            if (row["audience"], row["contact_kind"], row["question"]) == (audience, kind, question)
        ]
        return _shown(sum(row["n"] for row in rows), sum(row["keys"] for row in rows), k)

    def share_of(expected: dict[str, int | None], whole: int | None) -> tuple[int, int] | None:
        return None if expected["positive"] is None or whole is None else (min(expected["positive"], whole), whole)

    assert total[0] > 200
    assert result.responses == _shown(*total, k) and abs(result.responses - total[0]) <= D
    assert {c.key: c.count for c in result.by_audience} == {
        a: _shown(*by_audience.get(a, (0, 0)), k) for a in ("under8", "8to12", "13to17", "parent")
    }
    assert {c.key: c.count for c in result.by_kind} == {kind: _shown(*by_kind[kind], k) for kind in KINDS}
    for question_id in ("listened", "understood", "respect", "better"):
        expected = cells(question=question_id)
        shown = {c.key: c.count for c in result.question(question_id).cells}
        assert {key: shown[key] for key in expected} == expected, question_id
        share = result.question(question_id).share
        part, whole = share_of(expected, answered(question=question_id))
        assert (share.part, share.whole) == (part, whole)  # from the published counts
        wilson = await pool.fetchrow(WILSON_SQL, part, whole)
        assert (share.low, share.high) == pytest.approx((wilson["low"], wilson["high"]))
    shown = {c.key: c.count for c in result.question("contact").cells}
    assert (shown["positive"], shown["neutral"], shown["negative"]) == tuple(
        _shown(*contact.get(answer, (0, 0)), k) for answer in ("yes", "not_sure", "no")
    )
    assert result.least_heard
    for group in result.least_heard:
        where = dict(audience=group.key) if group.kind == "audience" else dict(kind=group.key)
        expected = cells(question="listened", **where)
        assert (group.share.part, group.share.whole) == share_of(expected, answered(question="listened", **where))


async def test_monthly_counts_follow_deleted_and_added_responses(pool, app, settings, k, period):
    team, _, viewer = await _team_and_manager(pool)
    first, last = period
    touchpoint = await _touchpoint(pool, team, "home_visit")
    late, early = last.replace(day=12), grid.add_months(last, -1).replace(day=3)
    await _store(pool, touchpoint, [("parent", late, {"listened": 5})] * 12 + [("parent", early, {"listened": 1})] * 8)
    scope = ReviewSlice(team, first, last, survey_id=factories.SURVEY)
    positive = " and (r.answers->>'listened')::int >= 4"

    async def summary_and_truth():
        async with pool.acquire() as conn:
            found = await review_summary(conn, app.state.surveys, viewer=viewer, settings=settings, scope=scope)
            rolled = dict(
                await conn.fetch("select month, responses from figure_months where touchpoint_id = $1", touchpoint.id)
            )
            return found, await _truth(conn, team, first, last), await _truth(conn, team, first, last, positive), rolled

    first_summary, first_total, first_positive, first_rolled = await summary_and_truth()
    await pool.execute(
        "delete from responses where touchpoint_id = $1 and submitted_on = $2", touchpoint.id, early
    )  # as retention or a deletion would
    after_delete, delete_total, delete_positive, delete_rolled = await summary_and_truth()
    # 8 new answers: even moved down by D = 2 they stay at or above k = 5, so the share is always shown.
    await _store(pool, touchpoint, [("parent", late, {"listened": 2})] * 8)
    after_insert, insert_total, insert_positive, insert_rolled = await summary_and_truth()

    assert first_rolled == {late.replace(day=1): 12, early.replace(day=1): 8}  # ended months counted into the rollup
    assert first_total[0] == 20 and first_summary.responses == _shown(*first_total, k)
    assert _count(first_summary, "listened", "positive") == _shown(*first_positive, k)
    # The share's whole is everyone who answered "listened": here all 20, the same responses as the total.
    assert (first_summary.question("listened").share.part, first_summary.question("listened").share.whole) == (
        _shown(*first_positive, k),
        first_summary.responses,
    )
    assert delete_rolled == {late.replace(day=1): 12}
    assert delete_total[0] == 12 and after_delete.responses == _shown(*delete_total, k)
    # Nobody left answered otherwise: the same 12 answers, so the same cell key and the same published value.
    assert _count(after_delete, "listened", "positive") == after_delete.responses
    assert after_delete.question("listened").share.value == 1.0
    assert insert_rolled == {late.replace(day=1): 20}
    assert insert_total[0] == 20 and after_insert.responses == _shown(*insert_total, k)
    assert _count(after_insert, "listened", "positive") == _shown(*insert_positive, k)
    assert _count(after_insert, "listened", "negative") == _shown(
        insert_total[0] - insert_positive[0], insert_total[1] - insert_positive[1], k
    )


async def test_two_people_opening_a_review_at_once_get_the_same_figures(pool, app, settings, k, period):
    team, _, viewer = await _team_and_manager(pool)
    first, last = period
    touchpoints = [await _touchpoint(pool, team, kind) for kind in KINDS]
    rng = random.Random(5)
    for touchpoint in touchpoints:
        await _store(
            pool, touchpoint, [("parent", _day_in(rng, first, last), _answers(rng, "parent")) for _ in range(40)]
        )

    async def open_review():
        async with pool.acquire() as conn, conn.transaction():
            return await review_summary(
                conn,
                app.state.surveys,
                viewer=viewer,
                settings=settings,
                scope=ReviewSlice(team, first, last, survey_id=factories.SURVEY),
            )

    one, two = await asyncio.gather(open_review(), open_review())
    async with pool.acquire() as conn:
        total = await _truth(conn, team, first, last)

    assert total[0] == 120 and one.responses == two.responses == _shown(*total, k)
    assert one.questions == two.questions
    counted = await pool.fetchval(
        "select sum(n) from figure_month_counts c join touchpoints t on t.id = c.touchpoint_id "
        "where t.team_id = $1 and c.question_id = ''",
        team,
    )
    in_counted_months = await pool.fetchval(
        "select count(*) from responses r join figure_months m on m.touchpoint_id = r.touchpoint_id "
        "and date_trunc('month', r.submitted_on)::date = m.month "
        "join touchpoints t on t.id = r.touchpoint_id where t.team_id = $1",
        team,
    )
    assert counted == in_counted_months == 120  # each month counted once, although both counted at the same time


async def test_held_responses_count_only_once_a_manager_includes_them(pool, app, settings, k, period):
    team, _, viewer = await _team_and_manager(pool)
    first, last = period
    touchpoint = await _touchpoint(pool, team, "home_visit")
    kept, held_day = last.replace(day=20), last.replace(day=22)
    await _store(
        pool, touchpoint, [("parent", kept, {"listened": 5})] * 10 + [("parent", held_day, {"listened": 1})] * 30
    )
    await pool.execute(
        "update responses set held = true where touchpoint_id = $1 and submitted_on = $2", touchpoint.id, held_day
    )
    scope = ReviewSlice(team, first, last, survey_id=factories.SURVEY)

    async with pool.acquire() as conn:
        held = await review_summary(conn, app.state.surveys, viewer=viewer, settings=settings, scope=scope)
        held_truth = await _truth(conn, team, first, last)
        await conn.execute(
            "update responses set held = false, held_reviewed = true where touchpoint_id = $1", touchpoint.id
        )
        included = await review_summary(conn, app.state.surveys, viewer=viewer, settings=settings, scope=scope)
        included_truth = await _truth(conn, team, first, last)
        positive = await _truth(conn, team, first, last, " and (r.answers->>'listened')::int >= 4")

    assert held_truth[0] == 10 and held.responses == _shown(*held_truth, k)
    assert _count(held, "listened", "positive") == held.responses  # the held answers (all negative) left out
    assert _count(held, "listened", "negative") is None
    assert included_truth[0] == 40 and included.responses == _shown(*included_truth, k)
    assert _count(included, "listened", "positive") == _shown(*positive, k)
    assert _count(included, "listened", "negative") == _shown(30, included_truth[1] - positive[1], k)


async def test_the_focus_narrows_every_figure_to_that_kind_and_audience(pool, app, settings, k, period):
    team, _, viewer = await _team_and_manager(pool)
    first, last = period
    day = last.replace(day=20)
    home, direct = await _touchpoint(pool, team, "home_visit"), await _touchpoint(pool, team, "direct_work")
    await _store(pool, home, [("parent", day, {"listened": 5})] * 12 + [("13to17", day, {"listened": 1})] * 9)
    await _store(pool, direct, [("parent", day, {"listened": 1})] * 15)

    async with pool.acquire() as conn:
        focused = await review_summary(
            conn,
            app.state.surveys,
            viewer=viewer,
            settings=settings,
            scope=ReviewSlice(team, first, last, "home_visit", "parent", factories.SURVEY),
        )
        truth = await _truth(conn, team, first, last, " and r.contact_kind = 'home_visit' and r.audience = 'parent'")

    assert truth[0] == 12 and focused.responses == _shown(*truth, k)
    assert _count(focused, "listened", "positive") == focused.responses  # nobody else's answers are in it
    assert [c.key for c in focused.by_kind] == ["home_visit"]


# Every published figure against the truth, over generated data ------------------------------------------------

SCALE = ("listened", "understood", "respect", "better")


def _level(audience: str, question: str, answers: dict) -> str:
    """An answer's level, written out here (not through Heard's code)."""
    if question not in answers:
        return "no_answer"
    value = answers[question]
    if question in SCALE:
        if audience == "under8":
            return {3: "positive", 2: "neutral", 1: "negative"}[value]
        return "positive" if value >= 4 else "neutral" if value == 3 else "negative"
    if question == "contact":
        return {"yes": "positive", "not_sure": "neutral", "no": "negative"}[value]
    return value  # a choice: its option


response = st.tuples(
    st.sampled_from(["under8", "8to12", "13to17", "parent"]),
    st.integers(0, 2),
    st.integers(0, 5),
    st.integers(1, 28),
    st.integers(0, 2**30),
)


@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(response, max_size=60))
async def test_no_published_figure_rests_on_one_to_k_minus_one_responses(pool, app, settings, rows):
    """Months 0-2 are the review's, 3-5 the previous period's. Every figure the
    summary publishes covers 0 or at least k true responses, is off by at most
    D, and no small count reaches the Markdown export."""
    k = settings.k_team
    first, last = reviews.default_period(settings.today())
    team, _, viewer = await _team_and_manager(pool)
    touchpoints = [await _touchpoint(pool, team, kind) for kind in KINDS]
    stored = []
    for audience, index, back, day, seed in rows:
        on = grid.add_months(last, -back).replace(day=day)
        answers = _answers(random.Random(seed), audience)
        await _store(pool, touchpoints[index], [(audience, on, answers)])
        stored.append((touchpoints[index].id, on.replace(day=1), audience, answers))

    async with pool.acquire() as conn:
        result = await review_summary(
            conn,
            app.state.surveys,
            viewer=viewer,
            settings=settings,
            scope=ReviewSlice(team, first, last, survey_id=factories.SURVEY),
        )

    def truth(measure: str, atoms) -> int:
        cells = {(a.touchpoint_id, a.month, a.audience) for a in atoms}
        mine = [(audience, answers) for t, month, audience, answers in stored if (t, month, audience) in cells]
        if measure == RESPONSES:
            return len(mine)
        question, level = measure.split(":")
        if level == "answered":  # everyone who gave one of the question's answers
            return sum(
                1
                for audience, answers in mine
                if _level(audience, question, answers) in ("positive", "neutral", "negative")
            )
        return sum(1 for audience, answers in mine if _level(audience, question, answers) == level)

    assert result.figures
    for figure in result.figures:
        true = truth(figure.measure, figure.atoms)
        if figure.value is not None:
            assert true == 0 or true >= k, figure
            assert figure.value == 0 or figure.value >= k, figure
            assert abs(figure.value - true) <= D, figure
    if result.hidden:
        assert result.questions == [] and result.comments == [] and result.by_audience == []
        return
    assert result.responses >= k
    for question in result.questions:
        if question.share is not None:  # made of two shown counts: who answered positively, and who answered
            assert question.cells[0].count is not None and question.share.part <= question.share.whole
            assert question.share.part >= k and question.share.whole >= k
    review = reviews.ReviewPage(
        review=Review(
            0, team, "t", first, grid.last_day(last), None, None, {}, "", dt.datetime.now(), factories.SURVEY
        ),
        summary=result,
        actions=[],
        carried=[],
        entries=[],
    )
    markdown = review_markdown(review, questions=summary_questions(app.state.surveys, factories.SURVEY))
    small = [n for n in re.findall(r"\| (\d+) \|", markdown) if 0 < int(n) < k]
    assert small == []


async def test_comments_are_redacted_balanced_and_never_shown_below_k(pool, app, settings, k, period):
    team, _, viewer = await _team_and_manager(pool)
    first, last = period
    day = last.replace(day=20)
    touchpoint = await _touchpoint(pool, team, "home_visit")
    happy = {"listened": 5, "respect": 5, "understood": 5}
    unhappy = {"listened": 1, "respect": 2, "understood": 1}
    rows = [("parent", day, happy)] * 10 + [("parent", day, unhappy)] * 3
    comments = {i: f"Lovely visit number {i}, my son Kai liked it." for i in range(10)}
    comments.update(
        {10: "Nobody called me back on 07700 900123.", 11: "The plan came too late.", 12: "I was not listened to."}
    )
    await _store(pool, touchpoint, rows, comments)
    small_team, _, small_viewer = await _team_and_manager(pool)
    small = await _touchpoint(pool, small_team, "home_visit")
    await _store(pool, small, [("parent", day, unhappy)] * (k - 1), {0: "Something only a few could have said."})

    async with pool.acquire() as conn:
        result = await review_summary(
            conn,
            app.state.surveys,
            viewer=viewer,
            settings=settings,
            scope=ReviewSlice(team, first, last, survey_id=factories.SURVEY),
        )
        hidden = await review_summary(
            conn,
            app.state.surveys,
            viewer=small_viewer,
            settings=settings,
            scope=ReviewSlice(small_team, first, last, survey_id=factories.SURVEY),
        )

    [group] = result.comments
    tones = [c.tone for c in group.comments]
    texts = " ".join(c.text for c in group.comments)
    assert tones.count("positive") == tones.count("critical") == 3  # balanced, although praise outnumbers
    assert "Kai" not in texts and "07700" not in texts and "[name]" in texts and "[phone]" in texts
    assert set(CommentGroup.__struct_fields__) == {"question_id", "question_text", "comments"}  # no dates
    assert hidden.hidden and hidden.comments == [] and hidden.questions == []


async def test_answers_in_the_safeguarding_queue_never_reach_the_review(pool, app, settings, period):
    team, _, viewer = await _team_and_manager(pool)
    first, last = period
    touchpoint = await _touchpoint(pool, team, "home_visit")
    await _store(
        pool,
        touchpoint,
        [("13to17", last.replace(day=20), {"listened": 1, "respect": 1})] * 8,
        {0: "It is not safe at home for me.", 1: "Nobody listened to me at all."},
    )
    queued = await pool.fetchval(
        "select f.response_id from free_text_answers f join responses r on r.id = "
        "f.response_id where r.touchpoint_id = $1 and f.body like 'It is not safe%'",
        touchpoint.id,
    )
    await pool.execute(
        "insert into safeguarding_items (response_id, touchpoint_id, team_id, kind, question_id, "
        "body, audience, language) values ($1, $2, $3, 'disclosure', 'anything_else', "
        "'It is not safe at home for me.', '13to17', 'en-GB')",
        queued,
        touchpoint.id,
        team,
    )

    async with pool.acquire() as conn:
        result = await review_summary(
            conn,
            app.state.surveys,
            viewer=viewer,
            settings=settings,
            scope=ReviewSlice(team, first, last, survey_id=factories.SURVEY),
        )

    texts = [c.text for group in result.comments for c in group.comments]
    assert texts == ["Nobody listened to me at all."]


async def test_open_actions_carry_over_and_finished_ones_do_not(pool, app, settings, period):
    team, manager, viewer = await _team_and_manager(pool)
    first, last = period
    before_first, before_last = grid.previous(first, last)
    today = settings.today()
    touchpoint = await _touchpoint(pool, team, "home_visit")
    # Every level well above k in both periods (an empty level is hidden, and with it the share): mostly
    # "not listened to" before, mostly "listened to" after.
    answers = {2: 30, 3: 8, 5: 8}
    await _store(
        pool,
        touchpoint,
        [("parent", before_last.replace(day=10), {"listened": face}) for face, n in answers.items() for _ in range(n)]
        + [
            ("parent", last.replace(day=10), {"listened": face})
            for face, n in {2: 8, 3: 8, 5: 40}.items()
            for _ in range(n)
        ],
    )

    async with pool.acquire() as conn:
        first_id = await reviews.start_review(
            conn,
            app.state.surveys,
            team_id=team,
            by=manager,
            today=today,
            form=reviews.ReviewForm(f"{before_first:%Y-%m}", f"{before_last:%Y-%m}"),
        )
        earlier_review = await reviews.review(conn, review_id=first_id)
        kept = await actions.add_action(
            conn,
            app.state.surveys,
            review=earlier_review,
            by=manager,
            form=actions.ActionForm("Ask the child first", target_questions=["listened"]),
        )
        dropped = await actions.add_action(
            conn, app.state.surveys, review=earlier_review, by=manager, form=actions.ActionForm("Something we stopped")
        )
        await actions.set_action_status(
            conn, action=await actions.action(conn, action_id=dropped), status="dropped", by=manager
        )
        second_id = await reviews.start_review(
            conn,
            app.state.surveys,
            team_id=team,
            by=manager,
            today=today,
            form=reviews.ReviewForm(f"{first:%Y-%m}", f"{last:%Y-%m}"),
        )
        second = await reviews.review(conn, review_id=second_id)
        later = await reviews.review_page(conn, app.state.surveys, review=second, viewer=viewer, settings=settings)
        await actions.add_action(
            conn, app.state.surveys, review=second, by=manager, form=actions.ActionForm("A new idea")
        )
        earlier = await reviews.review_page(
            conn, app.state.surveys, review=earlier_review, viewer=viewer, settings=settings
        )

    assert (earlier_review.period_start, earlier_review.period_end) == (before_first, grid.last_day(before_last))
    assert [c.action.id for c in later.carried] == [kept]
    [feedback] = later.carried[0].feedback
    assert feedback.before.value < 0.35 and feedback.after.value > 0.6 and feedback.change == "higher"
    assert later.summary.question("listened").change == "higher"
    assert earlier.carried == []  # a later review's actions never appear in an earlier one


async def test_publishing_refuses_a_figure_the_review_hides(pool, app, settings, k, period):
    team, manager, viewer = await _team_and_manager(pool)
    first, last = period
    touchpoint = await _touchpoint(pool, team, "home_visit")
    await _store(pool, touchpoint, [("parent", last.replace(day=20), {"listened": 5})] * (k - 1))

    async with pool.acquire() as conn:
        review_id = await reviews.start_review(
            conn,
            app.state.surveys,
            team_id=team,
            by=manager,
            today=settings.today(),
            form=reviews.ReviewForm(f"{first:%Y-%m}", f"{last:%Y-%m}"),
        )
        review = await reviews.review(conn, review_id=review_id)
        prepared = await reviews.review_page(conn, app.state.surveys, review=review, viewer=viewer, settings=settings)
        with pytest.raises(reviews.Invalid) as refused:
            await you_said.publish_entry(
                conn,
                review=review,
                summary=prepared.summary,
                by=manager,
                form=you_said.EntryForm(
                    [("en-GB", {"you_said": "You said we listened.", "we_did": "We keep listening."})], None, "listened"
                ),
            )
        stored = await conn.fetchval("select count(*) from you_said_we_did where team_id = $1", team)

    assert prepared.summary.hidden
    assert refused.value.problems == {"figure_question": "figure_hidden"}
    assert stored == 0


async def test_respondents_see_the_newest_entries_in_their_language_or_the_first_one(pool, app):
    team = await factories.team(pool)
    touchpoint = await _touchpoint(pool, team, "home_visit")
    async with pool.acquire() as conn:
        for n in range(5):
            await conn.execute(
                "insert into you_said_we_did (team_id, languages, texts, published_at) values ($1, $2, $3, $4)",
                team,
                ["en-GB", "cy"] if n % 2 else ["en-GB"],
                {
                    "en-GB": {"you_said": f"said {n}", "we_did": f"did {n}"},
                    "cy": {"you_said": f"dywedoch {n}", "we_did": f"gwnaethom {n}"},
                },
                dt.datetime.now(dt.UTC) - dt.timedelta(days=10 - n),
            )
        shown = await you_said.published_entries(conn, team_id=team, touchpoint_id=touchpoint.id, language="cy")

    assert [e.we_did for e in shown] == ["did 4", "gwnaethom 3", "did 2"]  # newest first, three at most
    assert [e.language for e in shown] == ["en-GB", "cy", "en-GB"]
