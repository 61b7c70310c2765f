"""Generate N responses for one team into a database, fast (one INSERT ... SELECT
from generate_series, run inside PostgreSQL), for the review-summary timing.

    .venv/bin/python -m infra.scale.generate --responses 1000000 --database-url postgresql://...

Responses are spread over the last `--days` days (default 730), across 12
touchpoints of several kinds (each with one of six practitioners), with all four audiences answering the
after-meeting survey in its real shape (3-point faces for under 8s, 5-point
faces for 8-12, agree statements for 13-17 and parents, yes/no, choice) and
about one in ten leaving a short comment. Made-up data only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import time

import asyncpg

from service.db import partitions
from service.db.migrate import LOCK_KEY, migrate
from service.db.pool import create_pool
from service.settings import REPO_ROOT
from service.staff import service as staff_service
from service.surveys.loading import load_surveys
from service.surveys.service import record_versions
from service.touchpoints import codes

KINDS = [
    "child_protection_conference",
    "home_visit",
    "child_in_care_review",
    "direct_work",
    "family_group_meeting",
    "early_help",
]

PRACTITIONERS = 6

# One INSERT for all responses. Each row draws an audience, a touchpoint, a
# day and a "mood" that leans every answer the same way, as real answers do.
GENERATE = """
insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language,
                       submitted_on, answers)
select gen_random_uuid(), t.ids[1 + floor(random() * cardinality(t.ids))::int], 'after-meeting', $2, g.audience,
       'en-GB', $3::date - floor(random() * $4)::int, jsonb_strip_nulls(g.answers)
from (
    select i, a.audience,
           case a.audience
             when 'under8' then jsonb_build_object(
               'listened', least(3, greatest(1, round(m * 3 + random() - 0.3)))::int,
               'understood', case when random() < 0.9 then least(3, greatest(1, round(m * 3 + random() - 0.5)))::int end,
               'respect', case when random() < 0.9 then least(3, greatest(1, round(m * 3 + random() - 0.2)))::int end)
             when '8to12' then jsonb_build_object(
               'listened', least(5, greatest(1, round(m * 5 + 2 * random() - 0.5)))::int,
               'understood', case when random() < 0.9 then least(5, greatest(1, round(m * 5 + 2 * random() - 1)))::int end,
               'respect', case when random() < 0.9 then least(5, greatest(1, round(m * 5 + 2 * random() - 0.5)))::int end,
               'better', case when random() < 0.9 then least(5, greatest(1, round(m * 5 + 2 * random() - 1.5)))::int end)
             when '13to17' then jsonb_build_object(
               'listened', least(5, greatest(1, round(m * 5 + 2 * random() - 0.5)))::int,
               'understood', case when random() < 0.9 then least(5, greatest(1, round(m * 5 + 2 * random() - 1)))::int end,
               'respect', case when random() < 0.9 then least(5, greatest(1, round(m * 5 + 2 * random() - 0.5)))::int end,
               'better', case when random() < 0.9 then least(5, greatest(1, round(m * 5 + 2 * random() - 1.5)))::int end,
               'took_part', (array['was_there', 'views_shared', 'wrote_or_recorded', 'did_not', null])
                            [1 + floor(random() * 5)::int])
             else jsonb_build_object(
               'listened', least(5, greatest(1, round(m * 5 + 2 * random() - 0.5)))::int,
               'understood', case when random() < 0.9 then least(5, greatest(1, round(m * 5 + 2 * random() - 1)))::int end,
               'respect', case when random() < 0.9 then least(5, greatest(1, round(m * 5 + 2 * random() - 0.5)))::int end,
               'better', case when random() < 0.9 then least(5, greatest(1, round(m * 5 + 2 * random() - 1.5)))::int end,
               'contact', (array['yes', 'yes', 'not_sure', 'no', null])[1 + floor(random() * 5)::int])
           end as answers
    from generate_series(1, $1::int) as s(i)
    cross join lateral (select sqrt(random()) + 0 * i as m) mood  -- "+ 0 * i": drawn again for every row
    cross join lateral (select (array['under8', '8to12', '13to17', 'parent', 'parent'])[1 + (i % 5)] as audience) a
) g, (select array_agg(id order by id) as ids from touchpoints where team_id = $5) t
order by 7  -- stored in date order, as real responses arrive day by day
"""

COMMENT = """
insert into free_text_answers (response_id, submitted_on, question_id, body)
select r.id, r.submitted_on, 'anything_else',
       (array['Thank you for listening to me.', 'The meeting was too long and I did not understand the words.',
              'She came back when she said she would.', 'Nobody told me the plan before the meeting.',
              'Things are better at home now.', 'I felt they talked about me, not with me.'])[1 + (r.id % 6)]
from responses r join touchpoints t on t.id = r.touchpoint_id
where t.team_id = $1 and r.id % 10 = 0
"""


async def generate(dsn: str, *, responses: int, days: int, today: dt.date) -> int:
    """Create a team (a manager, PRACTITIONERS practitioners, half of them sharing) with 12
    touchpoints and `responses` responses; return the team id."""
    await migrate(dsn)
    surveys = load_surveys(REPO_ROOT / "surveys")
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        async with pool.acquire() as conn:
            conn: asyncpg.Connection
            await record_versions(conn, surveys)
            version = surveys.current("after-meeting").version_hash
            team_id = await conn.fetchval(
                "insert into teams (name) values ($1) returning id", f"Scale team ({responses:,} responses)"
            )
            manager = await staff_service.add_staff(
                conn, email=f"manager-{team_id}@scale.invalid", display_name="Scale manager", password=None
            )
            await staff_service.give_role(conn, team_id=team_id, staff_id=manager, role="team_manager")
            practitioners = []
            for index in range(PRACTITIONERS):  # every other one shares their results with the manager
                person = await staff_service.add_staff(
                    conn, email=f"p{index}-{team_id}@scale.invalid", display_name=f"Practitioner {index}", password=None
                )
                await staff_service.give_role(conn, team_id=team_id, staff_id=person, role="practitioner")
                await staff_service.set_sharing(conn, staff_id=person, shares=index % 2 == 0)
                practitioners.append(person)
            for index in range(12):
                await conn.execute(
                    "insert into touchpoints (code, team_id, contact_kind, practitioner_id, survey_id, language) "
                    "values ($1, $2, $3, $4, 'after-meeting', 'en-GB')",
                    codes.new_code(),
                    team_id,
                    KINDS[index % len(KINDS)],
                    practitioners[index % PRACTITIONERS],
                )
            await conn.execute(GENERATE, responses, version, today - dt.timedelta(days=1), days, team_id, timeout=3600)
            await conn.execute(COMMENT, team_id, timeout=3600)
            async with conn.transaction():  # out of the default partition into their months, as in production
                await conn.execute("select pg_advisory_xact_lock($1)", LOCK_KEY)
                await partitions.prepare_months(conn, today=today)
            # What autovacuum does to a table that only grows: statistics and the visibility map.
            await conn.execute("vacuum analyze responses", timeout=3600)
            await conn.execute("vacuum analyze free_text_answers", timeout=3600)
            await conn.execute("analyze touchpoints", timeout=3600)
        return team_id
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730)
    args = parser.parse_args()
    started = time.perf_counter()
    team_id = asyncio.run(generate(args.database_url, responses=args.responses, days=args.days, today=dt.date.today()))
    print(f"team {team_id}: {args.responses:,} responses in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
