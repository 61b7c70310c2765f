"""The figures engine (work in progress)."""

from __future__ import annotations

import datetime as dt

from .model import FigureRequest, Published


async def published(conn, registry, *, viewer, request: FigureRequest, settings) -> Published:
    raise NotImplementedError


async def requests_for(conn, viewer, settings, today: dt.date) -> list[FigureRequest]:
    raise NotImplementedError
