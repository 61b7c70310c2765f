"""Health checks for load balancers and orchestrators."""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency

from service.db import migrate
from service.db.pool import UNAVAILABLE, DatabaseUnavailable
from service.db.request import RequestDb


@get("/healthz", name="healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@get("/readyz", name="readyz", include_in_schema=False)
async def readyz(db: NamedDependency[RequestDb]) -> Response[dict[str, object]]:
    """The database answers and has every migration this code expects."""
    try:
        behind = await migrate.pending(await db.connection())
    except (DatabaseUnavailable, migrate.MigrationError, *UNAVAILABLE) as error:
        return Response({"status": "unavailable", "reason": str(error)}, status_code=503)
    if behind:
        names = [f"{m.version:04d}_{m.name}" for m in behind]
        return Response({"status": "unavailable", "pending_migrations": names}, status_code=503)
    return Response({"status": "ok"}, status_code=200)


ROUTES = [healthz, readyz]
