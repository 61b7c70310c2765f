"""create_app(): the one place that wires routes, state, errors and start-up."""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Request, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException

from service import health, i18n
from service.culture import routes as culture
from service.db import migrate
from service.db.embedded import start_embedded
from service.db.pool import DatabaseUnavailable, create_pool, fair_turns, transaction
from service.db.request import provide_conn, provide_db
from service.debriefs import routes as debriefs
from service.insights import routes as insights
from service.logs import configure_logging
from service.reading import routes as reading
from service.reflection import routes as reflection
from service.responses import help as respondent_help
from service.responses import privacy
from service.responses import routes as respondent
from service.responses.limits import BurstWatch, SubmissionLimiter
from service.responses.service import thanks_key
from service.reviews import routes as reviews
from service.safeguarding import flagging
from service.safeguarding import routes as safeguarding
from service.safeguarding.hours import triage_hours
from service.settings import Settings, load_settings
from service.staff import admin as staff_admin
from service.staff import oidc_routes as staff_oidc
from service.staff import routes as staff
from service.staff import steps as staff_steps
from service.staff.access import SignInRequired, provide_signing_in, provide_viewer
from service.surveys.loading import load_surveys
from service.surveys.service import record_versions
from service.touchpoints import routes as touchpoints
from service.web import errors, flash, templating
from service.web.assets import ROUTES as STATIC_ROUTES
from service.web.assets import Assets
from service.web.compression import compression
from service.web.headers import is_staff_path, security_headers
from service.web.language import provide_lang
from service.web.numbers import check_path_numbers

log = logging.getLogger("heard")


async def before_staff_request(request: Request) -> None:
    """Ids in addresses are plain 0-9 or a 400 (Litestar's int() would read "１" as 1), and a staff page
    shows its banner. Not run for the respondent's pages and static files, which have neither: a hook
    costs every request it runs for."""
    check_path_numbers(request.route_handler.paths, request.url.path)
    # The success banner this page shows after a staff change, if any (service/web/flash.py).
    flash.remember(request.query_params.get("done") if is_staff_path(request.url.path) else None)


# The garbage collector looks at the newest objects once 700 more have been made than freed (CPython's
# default). A worker with a few dozen requests in flight holds more than that at any moment, so under load it
# collected about 30 times per 1,000 submissions, 0.7 ms each, finding nothing: Heard's requests leave no
# reference cycles behind (none in 1,000 submissions, gc.DEBUG_SAVEALL). The bare app, holding less per
# request, collected none. Ten thousand is above what a worker holds even with all 64 of the benchmark's
# connections on it.
YOUNG_COLLECTION_AFTER = 10_000


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load_settings()
    configure_logging(settings.log_level)
    # Survey files are checked before anything else: a malformed one stops
    # start-up with a message naming the file and the place.
    surveys = load_surveys(settings.surveys_dir)
    # The languages this deployment offers (HEARD_LANGUAGES); a tag without a catalog stops start-up.
    i18n.offer_languages(settings.languages)
    # Static files are read and hashed once; templates ask for their addresses.
    assets = Assets.scan(settings.surveys_dir)
    templating.ENV.globals["static_url"] = assets.url
    templating.ENV.globals["audio_url"] = assets.audio_url
    templating.ENV.globals["triage_hours"] = functools.partial(triage_hours, settings)

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncIterator[None]:
        dsn = settings.database_url or start_embedded(settings.data_dir)
        await migrate.migrate(dsn)
        app.state.pool = await create_pool(dsn, min_size=settings.pool_min_size, max_size=settings.pool_max_size)
        app.state.pool_turns = fair_turns(settings.pool_max_size)
        # Staff summaries may read from a replica; everything that writes uses the primary.
        app.state.read_pool = app.state.pool
        if settings.read_database_url:
            app.state.read_pool = await create_pool(
                settings.read_database_url, min_size=1, max_size=settings.pool_max_size
            )
        try:
            async with transaction(app.state.pool) as conn:
                await record_versions(conn, surveys)
                app.state.thanks_key = await thanks_key(conn)
            # Before the worker takes its first request (and so before /readyz answers from it).
            screened = flagging.preload(i18n.available_tags())
            log.info("ready", extra={"surveys": [s.survey.id for s in surveys], "screening": screened})
            # What start-up made (surveys, catalogs, templates) lives as long as the process: kept out of the
            # garbage collector's full collections, which would otherwise walk it again and again.
            gc.freeze()
            gc.set_threshold(YOUNG_COLLECTION_AFTER, *gc.get_threshold()[1:])
            yield
        finally:
            if app.state.read_pool is not app.state.pool:
                await app.state.read_pool.close()
            await app.state.pool.close()

    app = Litestar(
        route_handlers=[
            *respondent.ROUTES,
            *respondent_help.ROUTES,
            *privacy.ROUTES,
            *health.ROUTES,
            *STATIC_ROUTES,
            Router(
                path="/",
                before_request=before_staff_request,
                route_handlers=[
                    *staff.ROUTES,
                    *staff_admin.ROUTES,
                    *staff_steps.ROUTES,
                    *staff_oidc.ROUTES,
                    *touchpoints.ROUTES,
                    *insights.ROUTES,
                    *reviews.ROUTES,
                    *debriefs.ROUTES,
                    *safeguarding.ROUTES,
                    *reading.ROUTES,
                    *reflection.ROUTES,
                    *culture.ROUTES,
                ],
            ),
        ],
        state=State(
            {
                "settings": settings,
                "surveys": surveys,
                "assets": assets,
                "limiter": SubmissionLimiter(settings.submissions_per_source),
                "bursts": BurstWatch(),
                # a shared device's staff exit: 5 PIN guesses per touchpoint in 15 minutes (per process)
                "exit_guesses": SubmissionLimiter(5, window_seconds=900.0),
            }
        ),
        lifespan=[database],
        # One connection per request (service/db/request.py): `conn` for a handler that always needs the
        # database, `db` for one that may not (acquired on first use). Staff handlers declare `viewer`;
        # providing it checks the session and CSRF. The pages of the steps after a password (two-step code, new password, setting up two-step) declare `signing_in` instead.
        dependencies={
            "db": Provide(provide_db),
            "conn": Provide(provide_conn),
            "viewer": Provide(provide_viewer),
            "signing_in": Provide(provide_signing_in),
            # The request's language, for pages without a touchpoint (service/web/language.py).
            "lang": Provide(provide_lang),
        },
        exception_handlers={
            respondent.Closed: respondent.closed_page,
            SignInRequired: staff.sign_in_required,
            DatabaseUnavailable: errors.database_unavailable,
            HTTPException: errors.http_error,
            Exception: errors.unexpected_error,
        },
        request_max_body_size=settings.max_body_bytes,
        openapi_config=None,
        logging_config=None,  # service.logs configures JSON logs
    )
    # Security headers on every response, no staff response kept in a browser's cache (a shared PC's Back button
    # after sign-out), pages gzipped for browsers that take it: around the whole app, so they reach every answer
    # (an address no route matches too) and cost each request one wrapper each. As route middleware
    # (`middleware=`) Litestar also put an exception handler of its own under them on every route.
    app.asgi_handler = security_headers(compression(app.asgi_handler))
    return app
