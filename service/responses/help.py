"""The "Need help now?" page, linked from the same place on every page.

It needs no touchpoint and no database: it must answer even when nothing else
does. The safeguarding work extends what it says.
"""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency

from service.web.templating import page


@get("/help", name="help")
async def help_page(lang: NamedDependency[str]) -> Response[str]:
    return page("responses/help.html", lang=lang)


ROUTES = [help_page]
