"""Small factory functions: real rows in the real database, no mocks."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg

from service.touchpoints import codes
from service.touchpoints.queries import Touchpoint, insert_touchpoint, set_touchpoint_status, touchpoint_by_code

# The families' survey a factory touchpoint asks unless a test names another (surveys/<id>.toml).
SURVEY = "after-meeting"
# The second families' survey: after a child in care's review meeting.
REVIEW_SURVEY = "after-care-review"


async def team(pool: asyncpg.Pool, name: str | None = None) -> int:
    return await pool.fetchval(
        "insert into teams (name) values ($1) returning id", name or f"Team {uuid.uuid4().hex[:6]}"
    )


async def touchpoint(
    pool: asyncpg.Pool,
    *,
    audience: str | None = None,
    status: str = "active",
    expires_on: dt.date | None = None,
    language: str = "en-GB",
    team_id: int | None = None,
    contact_kind: str = "home_visit",
    shared_device: bool = False,
    idle_seconds: int | None = None,
    exit_pin: str | None = None,
    survey_id: str = SURVEY,
) -> Touchpoint:
    team_id = team_id or await team(pool)
    code = codes.new_code()
    async with pool.acquire() as conn:
        await insert_touchpoint(
            conn,
            code=code,
            team_id=team_id,
            contact_kind=contact_kind,
            practitioner_id=None,
            survey_id=survey_id,
            audience=audience,
            language=language,
            expires_on=expires_on,
        )
        if shared_device:
            await conn.execute("update touchpoints set shared_device = true where code = $1", code)
        if idle_seconds is not None:
            await conn.execute("update touchpoints set idle_seconds = $2 where code = $1", code, idle_seconds)
        if exit_pin is not None:
            from service.staff.passwords import hash_password

            await conn.execute(
                "update touchpoints set exit_pin_hash = $2 where code = $1", code, hash_password(exit_pin)
            )
        if status != "active":
            await set_touchpoint_status(conn, code=code, status=status)
        found = await touchpoint_by_code(conn, code=code, today=dt.date.today())
    assert found is not None
    return found


async def stored_responses(pool: asyncpg.Pool, touchpoint_id: int) -> list[dict]:
    rows = await pool.fetch(
        "select r.*, coalesce(jsonb_object_agg(f.question_id, f.body) filter (where f.question_id is not null), '{}') as free_text "
        "from responses r left join free_text_answers f on f.response_id = r.id and f.submitted_on = r.submitted_on "
        "where r.touchpoint_id = $1 group by r.id, r.submitted_on order by r.id",
        touchpoint_id,
    )
    return [dict(row) for row in rows]


PASSWORD = "correct horse battery"


async def staff(
    pool: asyncpg.Pool,
    *,
    team_id: int | None = None,
    role: str | None = "practitioner",
    admin: bool = False,
    shares: bool = False,
    name: str | None = None,
) -> int:
    from service.staff import service as staff_service

    async with pool.acquire() as conn:
        staff_id = await staff_service.add_staff(
            conn,
            email=f"{uuid.uuid4().hex[:10]}@staff.example",
            display_name=name or f"Person {uuid.uuid4().hex[:4]}",
            password=PASSWORD,
            is_admin=admin,
        )
        if team_id and role:
            await staff_service.give_role(conn, team_id=team_id, staff_id=staff_id, role=role)
        if shares:
            await staff_service.set_sharing(conn, staff_id=staff_id, shares=True)
    return staff_id


async def email_of(pool: asyncpg.Pool, staff_id: int) -> str:
    return await pool.fetchval("select email from staff where id = $1", staff_id)


async def session(pool: asyncpg.Pool, staff_id: int) -> tuple[str, str]:
    """A signed-in session: (cookie token, csrf token)."""
    from service.staff import service as staff_service

    async with pool.acquire() as conn:
        signed_in = await staff_service.start_session(conn, staff_id=staff_id)
        viewer = await staff_service.viewer_for_token(conn, token=signed_in.token)
    return signed_in.token, viewer.staff.csrf_token


async def viewer(pool: asyncpg.Pool, staff_id: int):
    """The Viewer a signed-in staff member's pages are computed for (roles and teams as now)."""
    from service.staff import service as staff_service

    token, _ = await session(pool, staff_id)
    async with pool.acquire() as conn:
        return await staff_service.viewer_for_token(conn, token=token)


async def practitioner_touchpoint(
    pool: asyncpg.Pool,
    *,
    team_id: int,
    practitioner_id: int | None,
    audience: str | None = "parent",
    contact_kind: str = "home_visit",
    survey_id: str = SURVEY,
) -> Touchpoint:
    code = codes.new_code()
    async with pool.acquire() as conn:
        await insert_touchpoint(
            conn,
            code=code,
            team_id=team_id,
            contact_kind=contact_kind,
            practitioner_id=practitioner_id,
            survey_id=survey_id,
            audience=audience,
            language="en-GB",
        )
        found = await touchpoint_by_code(conn, code=code, today=dt.date.today())
    assert found is not None
    return found


def last_month_day(day: int = 10) -> dt.date:
    """A day of the last whole calendar month: staff views show only whole months that have ended."""
    first = dt.date.today().replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=day)


async def responses(
    pool: asyncpg.Pool,
    touchpoint: Touchpoint,
    answers: list[dict],
    *,
    days_ago: int | None = None,
    audience: str = "parent",
    on: dt.date | None = None,
) -> None:
    """Store responses directly to the touchpoint's survey, dated `on`, or `days_ago`, or (by default) in the last
    whole month."""
    version = await pool.fetchval(
        "select version_hash from survey_versions where survey_id = $1 order by first_seen_at desc limit 1",
        touchpoint.survey_id,
    )
    day = on or (dt.date.today() - dt.timedelta(days=days_ago) if days_ago is not None else last_month_day())
    async with pool.acquire() as conn:
        await conn.executemany(
            "insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, "
            "language, submitted_on, answers) values ($1, $2, $7, $3, $4, 'en-GB', $5, $6)",
            [(uuid.uuid4(), touchpoint.id, version, audience, day, a, touchpoint.survey_id) for a in answers],
        )


async def you_said_entry(pool: asyncpg.Pool, *, team_id: int, texts: dict[str, dict[str, str]]) -> int:
    """A published "you said, we did" entry for every touchpoint of a team: {language: {you_said, we_did, child}}."""
    from service.reviews.queries import insert_entry

    async with pool.acquire() as conn:
        return await insert_entry(
            conn,
            team_id=team_id,
            review_id=None,
            touchpoint_ids=None,
            languages=list(texts),
            texts=texts,
            figure_question=None,
            figure_percent=None,
            figure_base=None,
            created_by=None,
        )


async def safeguarding_item(pool: asyncpg.Pool, touchpoint: Touchpoint, body: str, *, audience: str = "8to12") -> int:
    """An item in the team's safeguarding queue, as the flagger puts it there (a possible disclosure)."""
    from service.safeguarding.queries import insert_item

    async with pool.acquire() as conn:
        return await insert_item(
            conn,
            response_id=None,
            touchpoint_id=touchpoint.id,
            team_id=touchpoint.team_id,
            kind="disclosure",
            question_id="anything_else",
            body=body,
            contact_name=None,
            contact_how=None,
            categories=["harm"],
            audience=audience,
            language="en-GB",
        )


PULSE = "culture-pulse"


async def pulse_touchpoint(pool: asyncpg.Pool, *, team_id: int) -> Touchpoint:
    """A team's culture pulse touchpoint (staff answer it in a team meeting)."""
    code = codes.new_code()
    async with pool.acquire() as conn:
        await insert_touchpoint(
            conn,
            code=code,
            team_id=team_id,
            contact_kind="team_meeting",
            practitioner_id=None,
            survey_id=PULSE,
            audience="staff",
            language="en-GB",
        )
        found = await touchpoint_by_code(conn, code=code, today=dt.date.today())
    assert found is not None
    return found


async def pulse_answers(pool: asyncpg.Pool, touchpoint: Touchpoint, answers: list[dict], *, on: dt.date) -> None:
    """Culture pulse responses stored directly, dated `on` (the survey's current version is recorded first)."""
    from service.settings import REPO_ROOT
    from service.surveys.loading import load_surveys
    from service.surveys.service import record_versions

    registry = load_surveys(REPO_ROOT / "surveys")
    async with pool.acquire() as conn:
        await record_versions(conn, registry)
        version = registry.current(PULSE).version_hash
        await conn.executemany(
            "insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, "
            "language, submitted_on, answers) values ($1, $2, $3, $4, 'staff', 'en-GB', $5, $6)",
            [(uuid.uuid4(), touchpoint.id, PULSE, version, on, a) for a in answers],
        )
