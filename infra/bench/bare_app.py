"""The yardstick: a bare Litestar app that does the minimum Heard does.

GET  /t/{code}/form/{audience}  renders a Jinja2 template the size of Heard's form
                                (Heard's own rendered page, with the submission id
                                filled in per request), no database
POST /t/{code}/form/{audience}  reads the form, inserts the same row into the same
                                `responses` table with asyncpg, 303 to thank-you; a
                                written answer (BARE_TEXT_FIELDS) is stored apart and
                                put on the team's reading list in the same statement,
                                as Heard must (DESIGN: every written answer is read);
                                no screening, which is Heard's own work to measure
GET  /t/{code}/thanks           renders Heard's thank-you page the same way

Run with the uvicorn options `heard serve` uses (service.cli.server_options):

    python infra/bench/bare_app.py --port 8100 --workers 2

Environment: DATABASE_URL, BARE_TEMPLATES (a folder with form.html and
thanks.html), BARE_TOUCHPOINT_ID, BARE_TEAM_ID, BARE_TEXT_FIELDS (comma-separated
form fields that are written answers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import uuid
from pathlib import Path

import asyncpg
import jinja2
from litestar import Litestar, Request, Response, get, post
from litestar.response import Redirect

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

# The same row Heard stores, once per submission id (Heard's schema: the id is claimed in its own table).
INSERT = """with claimed as (
    insert into submission_ids (submission_id, submitted_on) values ($1, $7)
    on conflict (submission_id) do nothing
    returning submission_id
)
insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language,
                       submitted_on, answers)
select submission_id, $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::date, $8::jsonb from claimed"""

# With written answers: the same row, the words beside it and on the team's reading list ($9/$10 question ids
# and words, $11 team), one statement.
INSERT_WITH_TEXT = """with claimed as (
    insert into submission_ids (submission_id, submitted_on) values ($1, $7)
    on conflict (submission_id) do nothing
    returning submission_id
), response as (
    insert into responses (submission_id, touchpoint_id, survey_id, survey_version_hash, audience, language,
                           submitted_on, answers)
    select submission_id, $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::date, $8::jsonb from claimed
    returning id, submitted_on
), free_text as (
    insert into free_text_answers (response_id, submitted_on, question_id, body)
    select r.id, r.submitted_on, t.question_id, t.body
    from response r, unnest($9::text[], $10::text[]) as t (question_id, body)
)
insert into reading_items (team_id, touchpoint_id, kind, response_id, submission_id, question_id, body, audience,
                           language, arrived_on)
select $11, $2, 'answer', r.id, $1, t.question_id, t.body, $5, $6, $7
from response r, unnest($9::text[], $10::text[]) as t (question_id, body)"""


def create_app() -> Litestar:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.environ["BARE_TEMPLATES"]), autoescape=True)
    form_template, thanks_template = env.get_template("form.html"), env.get_template("thanks.html")
    touchpoint_id = int(os.environ["BARE_TOUCHPOINT_ID"])
    team_id = int(os.environ.get("BARE_TEAM_ID") or 0)
    text_fields = {field for field in os.environ.get("BARE_TEXT_FIELDS", "").split(",") if field}
    pool: dict[str, asyncpg.Pool] = {}

    async def connect(app: Litestar) -> None:
        pool["db"] = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=2, max_size=10)

    async def disconnect(app: Litestar) -> None:
        await pool["db"].close()

    @get("/t/{code:str}/form/{audience:str}")
    async def form(code: str, audience: str) -> Response[str]:
        return Response(form_template.render(submission_id=uuid.uuid4()), media_type="text/html")

    @post("/t/{code:str}/form/{audience:str}")
    async def submit(code: str, audience: str, request: Request) -> Redirect:
        fields = await request.form()
        answers = {
            k[2:]: (int(v) if v.isdigit() else v)
            for k, v in fields.items()
            if k.startswith("q_") and v and k not in text_fields
        }
        written = {k[2:]: v for k, v in fields.items() if k in text_fields and v}
        row = (
            uuid.UUID(fields["submission_id"]),
            touchpoint_id,
            fields["survey"],
            fields["version"],
            audience,
            fields["lang"],
            dt.date.today(),
            json.dumps(answers),
        )
        if written:
            await pool["db"].execute(INSERT_WITH_TEXT, *row, list(written), list(written.values()), team_id)
        else:
            await pool["db"].execute(INSERT, *row)
        return Redirect(f"/t/{code}/thanks?lang={fields['lang']}", status_code=303)

    @get("/t/{code:str}/thanks")
    async def thanks(code: str) -> Response[str]:
        return Response(thanks_template.render(), media_type="text/html")

    @get("/readyz")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar(
        [form, submit, thanks, ready],
        on_startup=[connect],
        on_shutdown=[disconnect],
        openapi_config=None,
        logging_config=None,
    )


def main() -> None:
    import uvicorn

    from service.cli import server_options

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    uvicorn.run(
        "bare_app:create_app", factory=True, app_dir=str(HERE), **server_options("127.0.0.1", args.port, args.workers)
    )


if __name__ == "__main__":
    main()
