"""What the figures engine should publish for a set of responses, worked out
from the stored rows (count and record keys) and the engine's published
method (service.figures.protection): tests compare pages and summaries with it
instead of exact counts, which carry a deterministic adjustment of up to ±D."""

from __future__ import annotations

import datetime as dt

from service.figures import grid
from service.figures.protection import perturb

TRUTH_SQL = """
select count(*)::int as n, coalesce(sum(r.record_key), 0)::bigint as keys
from responses r join touchpoints t on t.id = r.touchpoint_id
where t.team_id = $1 and not r.held and r.submitted_on >= $2 and r.submitted_on < $3
"""


def shown(n: int, keys: int, k: int) -> int | None:
    """What the engine publishes for a cell of n responses whose record keys add up to `keys`:
    perturbed, and hidden (None) when the true or the perturbed count is below k, an empty cell included."""
    value = perturb(n, keys)
    return value if n >= k and value >= k else None


async def truth(conn, team_id: int, first: dt.date, last: dt.date, where: str = "") -> tuple[int, int]:
    """(responses, sum of their record keys) of a team's counted responses in months first..last,
    narrowed by `where` (SQL on r, the response, and t, its touchpoint, starting with " and")."""
    row = await conn.fetchrow(TRUTH_SQL + where, team_id, first, grid.add_months(last, 1))
    return row["n"], row["keys"]


async def published(conn, team_id: int, first: dt.date, last: dt.date, k: int, where: str = "") -> int | None:
    return shown(*await truth(conn, team_id, first, last, where), k)
