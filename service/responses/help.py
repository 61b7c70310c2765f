"""The "Need help now?" page, linked from the same place on every page.

It needs no touchpoint and no database: it must answer even when nothing else
does. The safeguarding work extends what it says.
"""

from __future__ import annotations

from litestar import Request, Response, get

from service import i18n
from service.web.templating import page


@get("/help", name="help")
async def help_page(request: Request) -> Response[str]:
    lang = i18n.negotiate(
        chosen=request.query_params.get("lang"),
        accept_language=request.headers.get("accept-language"),
        default=i18n.SOURCE_LANGUAGE,
        follow_browser=True,
    )
    i18n.use_language(lang)
    return page("respondent/help.html", lang=lang)


ROUTES = [help_page]
