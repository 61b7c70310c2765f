"""Review summaries against the real database: figures equal independently
computed SQL aggregates; suppression holds in the summary, the Markdown export
and published entries; comments are redacted, balanced and hidden below k;
open actions carry over to the next review."""

import asyncio
import datetime as dt
import random
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.reviews import service as reviews
from service.reviews.export import review_markdown
from service.reviews.queries import Scope
from service.reviews.summary import CommentGroup, review_summary
from service.figures.levels import summary_questions
from service.touchpoints import codes
from service.touchpoints.queries import insert_touchpoint, touchpoint_by_code
from tests import factories

K = 5
TODAY = dt.date.today()
KINDS = ["home_visit", "child_protection_conference", "direct_work"]


@pytest.fixture(autouse=True)
def _started(client):
    """The app has started, so the survey versions responses point at are recorded."""


async def _touchpoint(pool, team_id: int, kind: str):
    code = codes.new_code()
    async with pool.acquire() as conn:
        await insert_touchpoint(conn, code=code, team_id=team_id, contact_kind=kind, practitioner_id=None,
                                survey_id="after-meeting", audience=None, language="en-GB")
        return await touchpoint_by_code(conn, code=code, today=TODAY)


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


async def _store(pool, touchpoint, rows: list[tuple[str, int, dict]], comments: dict[int, str] | None = None):
    """rows: (audience, days ago, answers). comments: row index -> free text."""
    version = await pool.fetchval("select version_hash from survey_versions where survey_id = 'after-meeting' "
                                  "order by first_seen_at desc limit 1")
    async with pool.acquire() as conn:
        for index, (audience, days, answers) in enumerate(rows):
            response_id = await conn.fetchval(
                "insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, "
                "language, submitted_on, answers) values ($1, $2, 'after-meeting', $3, $4, 'en-GB', $5, $6) "
                "returning id", uuid.uuid4(), touchpoint.id, version, audience, TODAY - dt.timedelta(days=days),
                answers)
            if comments and index in comments:
                await conn.execute("insert into free_text_answers (response_id, submitted_on, question_id, body) "
                                   "values ($1, $2, 'anything_else', $3)", response_id,
                                   TODAY - dt.timedelta(days=days), comments[index])


def _scope(team_id: int, **focus) -> Scope:
    start, end = reviews.default_period(TODAY)
    return Scope(team_id, start, end + dt.timedelta(days=1), **focus)


# Independent SQL: the level of each answer written out per audience, not through Heard's code.
LEVELS_SQL = """
select r.audience, t.contact_kind, q.id as question,
       count(*) filter (where case when r.audience = 'under8' then (r.answers->>q.id)::int = 3
                              else (r.answers->>q.id)::int >= 4 end) as positive,
       count(*) filter (where case when r.audience = 'under8' then (r.answers->>q.id)::int = 2
                              else (r.answers->>q.id)::int = 3 end) as neutral,
       count(*) filter (where case when r.audience = 'under8' then (r.answers->>q.id)::int = 1
                              else (r.answers->>q.id)::int <= 2 end) as negative
from responses r join touchpoints t on t.id = r.touchpoint_id
cross join (values ('listened'), ('understood'), ('respect'), ('better')) q(id)
where t.team_id = $1 and r.submitted_on >= $2 and r.submitted_on < $3 and r.answers ? q.id
group by grouping sets ((q.id), (r.audience, q.id), (t.contact_kind, q.id))
"""

WILSON_SQL = """
select (p + z*z/(2*n)) / (1 + z*z/n) - z * sqrt(p*(1-p)/n + z*z/(4*n*n)) / (1 + z*z/n) as low,
       (p + z*z/(2*n)) / (1 + z*z/n) + z * sqrt(p*(1-p)/n + z*z/(4*n*n)) / (1 + z*z/n) as high
from (select $1::float8 / $2::float8 as p, $2::float8 as n, 1.959963984540054::float8 as z) v
"""


async def test_summary_figures_equal_independent_sql_aggregates(pool, app):
    team = await factories.team(pool)
    rng = random.Random(11)
    for kind in KINDS:
        touchpoint = await _touchpoint(pool, team, kind)
        rows = []
        for _ in range(rng.randint(60, 120)):
            audience = rng.choice(["under8", "8to12", "13to17", "parent"])
            rows.append((audience, rng.randint(8, 100), _answers(rng, audience)))
        await _store(pool, touchpoint, rows)
    scope = _scope(team)

    async with pool.acquire() as conn:
        result = await review_summary(conn, app.state.surveys, scope=scope, k=K)
        total = await conn.fetchval("select count(*) from responses r join touchpoints t on t.id = r.touchpoint_id "
                                    "where t.team_id = $1 and r.submitted_on >= $2 and r.submitted_on < $3",
                                    team, scope.start, scope.end)
        by_audience = dict(await conn.fetch(
            "select r.audience, count(*) from responses r join touchpoints t on t.id = r.touchpoint_id "
            "where t.team_id = $1 and r.submitted_on >= $2 and r.submitted_on < $3 group by 1",
            team, scope.start, scope.end))
        by_kind = dict(await conn.fetch(
            "select t.contact_kind, count(*) from responses r join touchpoints t on t.id = r.touchpoint_id "
            "where t.team_id = $1 and r.submitted_on >= $2 and r.submitted_on < $3 group by 1",
            team, scope.start, scope.end))
        levels = await conn.fetch(LEVELS_SQL, team, scope.start, scope.end)
        contact = dict(await conn.fetch(
            "select r.answers->>'contact', count(*) from responses r join touchpoints t on t.id = r.touchpoint_id "
            "where t.team_id = $1 and r.submitted_on >= $2 and r.submitted_on < $3 and r.answers ? 'contact' "
            "group by 1", team, scope.start, scope.end))
        wilson = {row["question"]: await conn.fetchrow(WILSON_SQL, row["positive"],
                                                       row["positive"] + row["neutral"] + row["negative"])
                  for row in levels if row["audience"] is None and row["contact_kind"] is None}

    assert result.responses == total > 200
    shown = {c.key: c.count for c in result.by_audience if c.count is not None}
    assert shown and all(by_audience.get(key, 0) == n for key, n in shown.items())
    shown = {c.key: c.count for c in result.by_kind if c.count is not None}
    assert shown and all(by_kind[key] == n for key, n in shown.items())
    overall = {row["question"]: row for row in levels if row["audience"] is None and row["contact_kind"] is None}
    for question_id, row in overall.items():
        cells = {c.key: c.count for c in result.question(question_id).cells}
        assert (cells["positive"], cells["neutral"], cells["negative"]) == (
            row["positive"], row["neutral"], row["negative"]), question_id
        share = result.question(question_id).share
        assert share.value == pytest.approx(row["positive"] / (row["positive"] + row["neutral"] + row["negative"]))
        assert (share.low, share.high) == pytest.approx((wilson[question_id]["low"], wilson[question_id]["high"]))
    cells = {c.key: c.count for c in result.question("contact").cells}
    assert (cells["positive"], cells["neutral"], cells["negative"]) == (
        contact.get("yes", 0), contact.get("not_sure", 0), contact.get("no", 0))
    listened = {(row["audience"], row["contact_kind"]): row for row in levels if row["question"] == "listened"}
    for group in result.least_heard:
        row = listened[(group.key, None) if group.kind == "audience" else (None, group.key)]
        assert group.share.part == row["positive"]
        assert group.share.whole == row["positive"] + row["neutral"] + row["negative"]


async def test_weekly_counts_follow_deleted_and_added_responses(pool, app):
    team = await factories.team(pool)
    touchpoint = await _touchpoint(pool, team, "home_visit")
    await _store(pool, touchpoint, [("parent", 20, {"listened": 5})] * 12 + [("parent", 30, {"listened": 1})] * 8)
    scope = _scope(team)

    async with pool.acquire() as conn:
        first = await review_summary(conn, app.state.surveys, scope=scope, k=K)
        weeks = await conn.fetchval("select count(*) from review_weeks where touchpoint_id = $1", touchpoint.id)
        await conn.execute("delete from responses where touchpoint_id = $1 and submitted_on = $2",
                           touchpoint.id, TODAY - dt.timedelta(days=30))  # as retention or a deletion would
        after_delete = await review_summary(conn, app.state.surveys, scope=scope, k=K)
    await _store(pool, touchpoint, [("parent", 20, {"listened": 2})] * 6)
    async with pool.acquire() as conn:
        after_insert = await review_summary(conn, app.state.surveys, scope=scope, k=K)

    assert weeks >= 1  # the ended weeks were counted into the rollup
    assert first.responses == 20 and first.question("listened").share.part == 12
    assert after_delete.responses == 12 and after_delete.question("listened").share.value == 1.0
    assert after_insert.responses == 18 and after_insert.question("listened").share.part == 12


async def test_two_people_opening_a_review_at_once_get_the_same_figures(pool, app):
    team = await factories.team(pool)
    touchpoints = [await _touchpoint(pool, team, kind) for kind in KINDS]
    rng = random.Random(5)
    for touchpoint in touchpoints:
        await _store(pool, touchpoint, [("parent", rng.randint(8, 90), _answers(rng, "parent")) for _ in range(40)])

    async def open_review():
        async with pool.acquire() as conn, conn.transaction():
            return await review_summary(conn, app.state.surveys, scope=_scope(team), k=K)

    first, second = await asyncio.gather(open_review(), open_review())

    assert first.responses == second.responses == 120
    assert first.questions == second.questions
    counted = await pool.fetchval(
        "select sum(n) from review_week_counts c join touchpoints t on t.id = c.touchpoint_id "
        "where t.team_id = $1 and c.question_id = ''", team)
    in_counted_weeks = await pool.fetchval(
        "select count(*) from responses r join review_weeks w on w.touchpoint_id = r.touchpoint_id "
        "and r.submitted_on >= w.week and r.submitted_on < w.week + 7 "
        "join touchpoints t on t.id = r.touchpoint_id where t.team_id = $1", team)
    assert counted == in_counted_weeks > 0  # each week counted once, although both counted at the same time


async def test_held_responses_count_only_once_a_manager_includes_them(pool, app):
    team = await factories.team(pool)
    touchpoint = await _touchpoint(pool, team, "home_visit")
    await _store(pool, touchpoint, [("parent", 20, {"listened": 5})] * 10 + [("parent", 22, {"listened": 1})] * 30)
    await pool.execute("update responses set held = true where touchpoint_id = $1 and submitted_on = $2",
                       touchpoint.id, TODAY - dt.timedelta(days=22))
    scope = _scope(team)

    async with pool.acquire() as conn:
        held = await review_summary(conn, app.state.surveys, scope=scope, k=K)
        await conn.execute("update responses set held = false, held_reviewed = true where touchpoint_id = $1",
                            touchpoint.id)
        included = await review_summary(conn, app.state.surveys, scope=scope, k=K)

    assert held.responses == 10 and held.question("listened").share.value == 1.0
    assert included.responses == 40 and included.question("listened").share.part == 10


async def test_the_focus_narrows_every_figure_to_that_kind_and_audience(pool, app):
    team = await factories.team(pool)
    home, conference = await _touchpoint(pool, team, "home_visit"), await _touchpoint(pool, team, "direct_work")
    await _store(pool, home, [("parent", 20, {"listened": 5})] * 12 + [("13to17", 20, {"listened": 1})] * 9)
    await _store(pool, conference, [("parent", 20, {"listened": 1})] * 15)

    async with pool.acquire() as conn:
        focused = await review_summary(conn, app.state.surveys, k=K,
                                       scope=_scope(team, focus_kind="home_visit", focus_audience="parent"))

    assert focused.responses == 12
    assert focused.question("listened").share.value == 1.0


def _check_line(counts: list[int | None], total: int, k: int):
    shown = [c for c in counts if c is not None]
    assert all(c == 0 or c >= k for c in shown), counts
    hidden = total - sum(shown)
    assert hidden == 0 or hidden >= k, (counts, total)


response = st.tuples(st.sampled_from(["under8", "8to12", "13to17", "parent"]), st.integers(0, 2),
                     st.integers(8, 90), st.integers(0, 2 ** 30))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(response, max_size=50), st.lists(response, max_size=30))
async def test_summaries_and_exports_never_reveal_a_small_count(pool, app, now, before):
    team = await factories.team(pool)
    touchpoints = [await _touchpoint(pool, team, kind) for kind in KINDS]
    start, _ = reviews.default_period(TODAY)
    previous_days = (TODAY - start).days + 5
    for rows, shift in ((now, 0), (before, previous_days)):
        for audience, index, days, seed in rows:
            await _store(pool, touchpoints[index],
                         [(audience, days + shift, _answers(random.Random(seed), audience))])
    scope = _scope(team)
    previous = Scope(team, scope.start - dt.timedelta(weeks=13), scope.start)

    async with pool.acquire() as conn:
        result = await review_summary(conn, app.state.surveys, scope=scope, k=K, previous_scope=previous)

    if result.hidden:
        assert result.questions == [] and result.comments == [] and result.by_audience == []
        return
    assert result.responses >= K
    _check_line([c.count for c in result.by_audience], result.responses, K)
    _check_line([c.count for c in result.by_kind], result.responses, K)
    for question in result.questions:
        _check_line([c.count for c in question.cells], result.responses, K)
        if question.share is not None:
            assert all(c.count is not None for c in question.cells[:3])
            assert question.share.whole >= K
        if question.previous is not None:
            assert question.previous.whole >= K
    for group in result.least_heard:
        assert group.share.whole >= K and (group.share.part == 0 or group.share.part >= K)
    review = reviews.ReviewPage(
        review=_fake_review(team, scope), previous=None, summary=result, actions=[], carried=[], entries=[])
    markdown = review_markdown(review, questions=summary_questions(app.state.surveys, "after-meeting"))
    small = [n for n in re.findall(r"\| (\d+) \|", markdown) if 0 < int(n) < K]
    assert small == []


def _fake_review(team: int, scope: Scope):
    from service.reviews.queries import Review

    return Review(0, team, "t", scope.start, scope.end - dt.timedelta(days=1), None, None, {}, "", dt.datetime.now())


async def test_comments_are_redacted_balanced_and_never_shown_below_k(pool, app):
    team = await factories.team(pool)
    touchpoint = await _touchpoint(pool, team, "home_visit")
    happy = {"listened": 5, "respect": 5, "understood": 5}
    unhappy = {"listened": 1, "respect": 2, "understood": 1}
    rows = [("parent", 20, happy)] * 10 + [("parent", 20, unhappy)] * 3
    comments = {i: f"Lovely visit number {i}, my son Kai liked it." for i in range(10)}
    comments.update({10: "Nobody called me back on 07700 900123.", 11: "The plan came too late.",
                     12: "I was not listened to."})
    await _store(pool, touchpoint, rows, comments)
    small_team = await factories.team(pool)
    small = await _touchpoint(pool, small_team, "home_visit")
    await _store(pool, small, [("parent", 20, unhappy)] * (K - 1), {0: "Something only a few could have said."})

    async with pool.acquire() as conn:
        result = await review_summary(conn, app.state.surveys, scope=_scope(team), k=K)
        hidden = await review_summary(conn, app.state.surveys, scope=_scope(small_team), k=K)

    [group] = result.comments
    tones = [c.tone for c in group.comments]
    texts = " ".join(c.text for c in group.comments)
    assert tones.count("positive") == tones.count("critical") == 3  # balanced, although praise outnumbers
    assert "Kai" not in texts and "07700" not in texts and "[name]" in texts and "[phone]" in texts
    assert set(CommentGroup.__struct_fields__) == {"question_id", "question_text", "comments"}  # no dates
    assert hidden.hidden and hidden.comments == []


async def test_answers_in_the_safeguarding_queue_never_reach_the_review(pool, app):
    team = await factories.team(pool)
    touchpoint = await _touchpoint(pool, team, "home_visit")
    await _store(pool, touchpoint, [("13to17", 20, {"listened": 1, "respect": 1})] * 8,
                 {0: "It is not safe at home for me.", 1: "Nobody listened to me at all."})
    queued = await pool.fetchval("select f.response_id from free_text_answers f join responses r on r.id = "
                                 "f.response_id where r.touchpoint_id = $1 and f.body like 'It is not safe%'",
                                 touchpoint.id)
    await pool.execute("insert into safeguarding_items (response_id, touchpoint_id, team_id, kind, question_id, "
                       "body, audience, language) values ($1, $2, $3, 'disclosure', 'anything_else', "
                       "'It is not safe at home for me.', '13to17', 'en-GB')", queued, touchpoint.id, team)

    async with pool.acquire() as conn:
        result = await review_summary(conn, app.state.surveys, scope=_scope(team), k=K)

    texts = [c.text for group in result.comments for c in group.comments]
    assert texts == ["Nobody listened to me at all."]


async def test_open_actions_carry_over_and_finished_ones_do_not(pool, app):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    touchpoint = await _touchpoint(pool, team, "home_visit")
    start, end = reviews.default_period(TODAY)
    before_end = start - dt.timedelta(days=1)
    await _store(pool, touchpoint, [("parent", (TODAY - before_end).days + 3, {"listened": 2})] * 20
                 + [("parent", 20, {"listened": 5})] * 20)

    async with pool.acquire() as conn:
        first_id = await reviews.start_review(conn, team_id=team, by=manager, today=TODAY, form=reviews.ReviewForm(
            (before_end - dt.timedelta(weeks=13)).isoformat(), before_end.isoformat()))
        first = await reviews.review(conn, review_id=first_id)
        kept = await reviews.add_action(conn, app.state.surveys, review=first, by=manager,
                                        form=reviews.ActionForm("Ask the child first", target_questions=["listened"]))
        dropped = await reviews.add_action(conn, app.state.surveys, review=first, by=manager,
                                           form=reviews.ActionForm("Something we stopped"))
        await reviews.set_action_status(conn, action=await reviews.action(conn, action_id=dropped), status="dropped",
                                        by=manager)
        second_id = await reviews.start_review(conn, team_id=team, by=manager, today=TODAY,
                                               form=reviews.ReviewForm(start.isoformat(), end.isoformat()))
        second = await reviews.review(conn, review_id=second_id)
        later = await reviews.review_page(conn, app.state.surveys, review=second, k=K)
        await reviews.add_action(conn, app.state.surveys, review=second, by=manager,
                                 form=reviews.ActionForm("A new idea"))
        earlier = await reviews.review_page(conn, app.state.surveys, review=first, k=K)

    assert [c.action.id for c in later.carried] == [kept]
    [feedback] = later.carried[0].feedback
    assert feedback.before.value == 0 and feedback.after.value == 1 and feedback.change == "higher"
    assert later.previous.id == first_id
    assert later.summary.question("listened").change == "higher"
    assert earlier.carried == []  # a later review's actions never appear in an earlier one


async def test_publishing_refuses_a_figure_the_review_hides(pool, app):
    team = await factories.team(pool)
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    touchpoint = await _touchpoint(pool, team, "home_visit")
    await _store(pool, touchpoint, [("parent", 20, {"listened": 5})] * (K - 1))
    start, end = reviews.default_period(TODAY)

    async with pool.acquire() as conn:
        review_id = await reviews.start_review(conn, team_id=team, by=manager, today=TODAY,
                                               form=reviews.ReviewForm(start.isoformat(), end.isoformat()))
        review = await reviews.review(conn, review_id=review_id)
        prepared = await reviews.review_page(conn, app.state.surveys, review=review, k=K)
        with pytest.raises(reviews.Invalid) as refused:
            await reviews.publish_entry(conn, review=review, summary=prepared.summary, by=manager,
                                        form=reviews.EntryForm([("en-GB", {"you_said": "You said we listened.",
                                                                           "we_did": "We keep listening."})],
                                                               None, "listened"))
        stored = await conn.fetchval("select count(*) from you_said_we_did where team_id = $1", team)

    assert refused.value.problems == {"figure_question": "figure_hidden"}
    assert stored == 0


async def test_respondents_see_the_newest_entries_in_their_language_or_the_first_one(pool, app):
    team = await factories.team(pool)
    touchpoint = await _touchpoint(pool, team, "home_visit")
    async with pool.acquire() as conn:
        for n in range(5):
            await conn.execute(
                "insert into you_said_we_did (team_id, languages, texts, published_at) values ($1, $2, $3, $4)",
                team, ["en-GB", "cy"] if n % 2 else ["en-GB"],
                {"en-GB": {"you_said": f"said {n}", "we_did": f"did {n}"},
                 "cy": {"you_said": f"dywedoch {n}", "we_did": f"gwnaethom {n}"}},
                dt.datetime.now(dt.UTC) - dt.timedelta(days=10 - n))
        shown = await reviews.published_entries(conn, team_id=team, touchpoint_id=touchpoint.id, language="cy")

    assert [e.we_did for e in shown] == ["did 4", "gwnaethom 3", "did 2"]  # newest first, three at most
    assert [e.language for e in shown] == ["en-GB", "cy", "en-GB"]
