"""The `heard` command: serve, migrate, demo, surveys check, qr, i18n."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TypedDict

from service.db.embedded import EmbeddedUnavailable
from service.settings import Settings, SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="heard", description="Heard: feedback that teams learn from.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web service")
    serve.add_argument("--host", help="address to listen on (HEARD_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (HEARD_PORT, default 8000)")
    serve.add_argument("--workers", type=int, help="worker processes (HEARD_WORKERS, default 2)")

    commands.add_parser("migrate", help="apply pending database migrations")

    demo = commands.add_parser("demo", help="load a demo team, touchpoints and responses")
    demo.add_argument("--responses", type=int, default=1500, help="how many demo responses (default 1500)")

    surveys = commands.add_parser("surveys", help="survey files")
    surveys.add_argument("action", choices=["check"], help="check: validate every survey file")

    i18n = commands.add_parser("i18n", help="translation catalogs: extract, update, init, compile, report")
    i18n.add_argument(
        "action",
        choices=["extract", "update", "init", "compile", "report"],
        help="extract: refresh the .pot templates; update: merge them into every .po; init TAG: start a "
        "new language; compile: build the .mo files; report: completeness and review status",
    )
    i18n.add_argument("tag", nargs="?", help="for init: the new language's tag, e.g. sq or vi")

    users = commands.add_parser("users", help="staff accounts: add, reset-password, disable")
    users.add_argument("action", choices=["add", "reset-password", "disable"])
    users.add_argument("email")
    users.add_argument("--name", help="display name (add)")
    users.add_argument("--admin", action="store_true", help="make an administrator (add)")
    users.add_argument("--team", help="team name to join, created if missing (add)")
    users.add_argument("--role", default="practitioner", help="practitioner, team_manager, safeguarding_lead or reader")
    users.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input instead of making one up"
    )

    guard = commands.add_parser("safeguarding", help="safeguarding queue jobs")
    guard.add_argument(
        "action",
        choices=["escalate"],
        help="escalate queue items nobody closed, and reading-list items nobody read, in time",
    )

    reviews = commands.add_parser("reviews", help="learning review jobs")
    reviews.add_argument("action", choices=["warm"], help="warm: bring every team's weekly rollup up to date")

    retention = commands.add_parser("retention", help="delete data past its retention period")
    retention.add_argument("action", choices=["run"])

    qr = commands.add_parser("qr", help="write a touchpoint's QR code")
    qr.add_argument("code", help="the touchpoint's short code")
    qr.add_argument("--out", required=True, type=Path, help="FILE.png or FILE.svg")

    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        return COMMANDS[args.command](settings, args)
    except SettingsError as error:
        print(f"heard: configuration error: {error}", file=sys.stderr)
        return 2
    except (CliError, EmbeddedUnavailable) as error:
        print(f"heard: {error}", file=sys.stderr)
        return 2


class CliError(Exception):
    pass


def _database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    from service.db.embedded import start_embedded

    return start_embedded(settings.data_dir)


def _surveys(settings: Settings):
    from service.surveys.loading import SurveyError, load_surveys

    try:
        return load_surveys(settings.surveys_dir)
    except SurveyError as error:
        raise CliError(f"survey file problem: {error}") from None


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from service.db.migrate import MigrationError, migrate
    from service.logs import configure_logging

    configure_logging(settings.log_level)  # every line from here on is JSON, uvicorn's too
    _surveys(settings)  # a malformed survey stops here, before any worker starts
    dsn = _database_url(settings)
    try:
        asyncio.run(migrate(dsn))
    except MigrationError as error:
        raise CliError(f"migration problem: {error}") from None
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    # Workers read their settings from the environment, like any instance.
    os.environ["DATABASE_URL"] = dsn
    print(f"Heard is running at http://{host}:{port}/ (press Ctrl+C to stop)", flush=True)
    options = server_options(host, port, workers)
    # uvicorn's own lines (start, stop, a worker that died) go through Heard's JSON formatter too: no
    # log_config of its own, its loggers propagate to the root handler configure_logging set (above, and in
    # every worker, where create_app sets it).
    options["log_config"] = None
    options["log_level"] = settings.log_level.lower()
    if settings.trusted_proxies:
        # Behind nginx: take the client address from X-Forwarded-For, only from these proxies,
        # so flood control counts people, not the proxy. It is never logged or stored.
        options["proxy_headers"] = True
        options["forwarded_allow_ips"] = settings.trusted_proxies
    uvicorn.run("service.app:create_app", factory=True, **options)
    return 0


class ServerOptions(TypedDict, total=False):
    """The keyword arguments of uvicorn.run that Heard sets."""

    host: str
    port: int
    workers: int
    loop: str
    http: str
    access_log: bool
    log_level: str
    timeout_keep_alive: int
    proxy_headers: bool
    forwarded_allow_ips: str
    log_config: None


def server_options(host: str, port: int, workers: int) -> ServerOptions:
    """How `heard serve` runs uvicorn (infra/bench runs its bare app with the same)."""
    return ServerOptions(
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        access_log=False,  # it would log client addresses
        log_level="warning",
        timeout_keep_alive=5,
        proxy_headers=False,
    )


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from service.db.migrate import MigrationError, migrate

    try:
        applied = asyncio.run(migrate(_database_url(settings)))
    except MigrationError as error:
        raise CliError(f"migration problem: {error}") from None
    for migration in applied:
        print(f"applied {migration.version:04d}_{migration.name}")
    print("database is up to date")
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from service.db.migrate import migrate
    from service.db.pool import create_pool, transaction
    from service.demo import load_demo
    from service.surveys.service import record_versions

    surveys = _surveys(settings)
    dsn = _database_url(settings)

    async def run() -> list[tuple[str, str]]:
        await migrate(dsn)
        pool = await create_pool(dsn, min_size=1, max_size=2)
        try:
            async with transaction(pool) as conn:
                await record_versions(conn, surveys)
                return await load_demo(
                    conn, surveys, base_url=settings.base_url, today=settings.today(), responses=args.responses
                )
        finally:
            await pool.close()

    links = asyncio.run(run())
    print("Demo data is loaded. Touchpoint links to try:")
    for description, link in links:
        print(f"  {link}   {description}")
    from service.demo import ADMIN, DEMO_PASSWORD, PEOPLE

    print(f"Staff pages: {settings.base_url.rstrip('/')}/staff  (password for every demo account: {DEMO_PASSWORD})")
    for email, name, role, _ in PEOPLE:
        print(f"  {email}   {name}, {role.replace('_', ' ')}")
    print(f"  {ADMIN[0]}   administrator")
    return 0


def cmd_surveys(settings: Settings, args: argparse.Namespace) -> int:
    registry = _surveys(settings)
    for loaded in registry:
        audiences = ", ".join(f"{a} ({len(v.questions)} questions)" for a, v in loaded.survey.audiences.items())
        print(f"ok  {loaded.source}  {loaded.survey.id} v{loaded.survey.version} #{loaded.version_hash}: {audiences}")
    return 0


def cmd_qr(settings: Settings, args: argparse.Namespace) -> int:
    from service.touchpoints import codes
    from service.touchpoints.qr import qr_png, qr_svg

    code = codes.normalise(args.code)
    if code is None:
        raise CliError(f"{args.code!r} is not a touchpoint code")
    suffix = args.out.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise CliError("--out must end in .png or .svg")
    if not asyncio.run(_touchpoint_exists(_database_url(settings), code)):
        raise CliError(f"no touchpoint has the code {code!r}")
    url = codes.public_url(settings.base_url, code)
    args.out.write_bytes(qr_png(url) if suffix == ".png" else qr_svg(url))
    print(f"wrote {args.out} for {url}")
    return 0


def cmd_i18n(settings: Settings, args: argparse.Namespace) -> int:
    from service.i18n import SOURCE_LANGUAGE, catalogs
    from service.i18n.completeness import print_report, report

    if (args.action == "init") != bool(args.tag):
        raise CliError("give a language tag with init (heard i18n init TAG), and only with init")
    if args.action == "extract":
        changed = catalogs.extract()
        print("templates changed: " + ", ".join(p.name for p in changed) if changed else "templates are up to date")
    elif args.action == "update":
        print(f"updated {len(catalogs.update())} catalogs from the templates")
    elif args.action == "init":
        if args.tag == SOURCE_LANGUAGE:
            raise CliError(f"{SOURCE_LANGUAGE} is the source language: it needs no catalog")
        written = catalogs.init(args.tag)
        print("\n".join(f"wrote {p}" for p in written) or "those catalogs exist already")
    elif args.action == "compile":
        print(f"compiled {len(catalogs.compile_all())} catalogs")
    else:
        print_report(report())
    return 0


async def _touchpoint_exists(dsn: str, code: str) -> bool:
    from service.db.pool import create_pool, transaction
    from service.touchpoints.service import find_by_code

    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        async with transaction(pool) as conn:
            return await find_by_code(conn, code=code, today=dt.date.today()) is not None
    finally:
        await pool.close()


def cmd_users(settings: Settings, args: argparse.Namespace) -> int:
    import secrets

    from service.staff import service as staff

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else secrets.token_urlsafe(12)

    async def work(conn) -> None:
        if args.action == "add":
            # A password made up here is seen by whoever runs this: it works once, to choose their own.
            staff_id = await staff.add_staff(
                conn,
                email=args.email,
                display_name=args.name or args.email,
                password=password,
                is_admin=args.admin,
                first_password=not args.password_stdin,
            )
            if args.team:
                team_id = await staff.find_or_create_team(conn, name=args.team, by=staff_id)
                await staff.give_role(conn, team_id=team_id, staff_id=staff_id, role=args.role)
        elif args.action == "reset-password":
            await staff.reset_password(
                conn, email=args.email, password=password, first_password=not args.password_stdin
            )
        else:
            await staff.set_disabled(conn, email=args.email)

    try:
        _in_transaction(settings, work)
    except staff.StaffError as error:
        raise CliError(f"users {args.action}: {USER_PROBLEMS.get(error.code, error.code)}") from None
    if args.action == "disable":
        print(f"disabled {args.email}; their sessions have ended")
    elif not args.password_stdin:
        print(
            f"{args.email}: first password {password}  (shown once; pass it on privately: it works once, "
            f"within 72 hours, to choose their own)"
        )
    else:
        print(f"{args.email}: password set")
    return 0


def _in_transaction(settings: Settings, work):
    """Run `work(conn)` in one transaction on a short-lived pool, on a database
    with every migration applied."""
    from service.db.migrate import migrate
    from service.db.pool import create_pool, transaction

    async def run():
        dsn = _database_url(settings)
        await migrate(dsn)
        pool = await create_pool(dsn, min_size=1, max_size=1)
        try:
            async with transaction(pool) as conn:
                return await work(conn)
        finally:
            await pool.close()

    return asyncio.run(run())


def cmd_safeguarding(settings: Settings, args: argparse.Namespace) -> int:
    from service.reading.escalation import escalate as escalate_reading
    from service.safeguarding.escalation import escalate

    result = _in_transaction(settings, lambda conn: escalate(conn, settings))
    print(f"escalated {len(result.items)} overdue safeguarding item(s)")
    unread = _in_transaction(settings, lambda conn: escalate_reading(conn, settings))
    print(f"escalated {len(unread.items)} unread reading-list item(s)")
    return 0


def cmd_reviews(settings: Settings, args: argparse.Namespace) -> int:
    from service.figures.service import warm_rollups

    teams = _in_transaction(settings, lambda conn: warm_rollups(conn, today=settings.today()))
    print(f"weekly rollups are up to date for {teams} team(s)")
    return 0


def cmd_retention(settings: Settings, args: argparse.Namespace) -> int:
    from service.safeguarding.retention import run_retention

    removed = _in_transaction(
        settings,
        lambda conn: run_retention(
            conn,
            today=settings.today(),
            free_text_months=settings.keep_free_text_months,
            response_months=settings.keep_responses_months,
            audit_months=settings.keep_audit_months,
        ),
    )
    print(
        f"removed {removed.free_texts} free-text answers, {removed.safeguarding_items} closed safeguarding items, "
        f"{removed.reading_items} closed reading-list items (counted by month first), "
        f"{removed.responses} responses (counted by month first), {removed.audit_entries} audit entries, "
        f"{removed.sign_in_records} expired sessions and sign-in records"
    )
    return 0


USER_PROBLEMS = {
    "email_taken": "an account with that email already exists",
    "no_such_account": "there is no account with that email",
    "password_too_short": "the password must be at least 10 characters",
    "email_or_name_missing": "give a valid email address",
    "no_such_role": "the role must be practitioner, team_manager, safeguarding_lead or reader",
    "last_administrator": "this is the last enabled administrator; make someone else an administrator first",
}


COMMANDS = {
    "serve": cmd_serve,
    "migrate": cmd_migrate,
    "demo": cmd_demo,
    "surveys": cmd_surveys,
    "qr": cmd_qr,
    "users": cmd_users,
    "safeguarding": cmd_safeguarding,
    "retention": cmd_retention,
    "reviews": cmd_reviews,
    "i18n": cmd_i18n,
}

if __name__ == "__main__":
    sys.exit(main())
