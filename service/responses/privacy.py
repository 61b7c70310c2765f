"""The privacy page: "what happens to what you tell us", for a child, a young
person, or an adult (the long version with the lawful basis, retention and
who to contact). Like the help page it needs no database."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency

from service import i18n
from service.web.templating import page

VERSIONS = ("child", "young", "adult")
FOR_AUDIENCE = {"under8": "child", "8to12": "child", "13to17": "young", "parent": "adult"}


@get("/privacy", name="privacy")
async def privacy_page(request: Request, state: State, lang: NamedDependency[str]) -> Response[str]:
    wanted = request.query_params.get("for", "")
    version = wanted if wanted in VERSIONS else FOR_AUDIENCE.get(wanted, "adult")
    settings = state.settings
    # Say so when the review record (locales/REVIEW.toml) does not mark this translation reviewed.
    return page(
        "responses/privacy.html",
        lang=lang,
        version=version,
        settings=settings,
        draft=not i18n.is_reviewed(lang),
        k=settings.k_team,
        text_months=settings.keep_free_text_months,
        answer_months=settings.keep_responses_months,
    )


ROUTES = [privacy_page]
