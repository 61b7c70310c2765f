"""Monthly partitions of responses and their free text (migration 0007).

A month's rows live in `<table>_yYYYYmMM`; retention drops a month by
dropping its partition, which is instant and leaves nothing to vacuum. The
months are made ahead of time: the current month and the next two, at every
start (after migrations, under the same advisory lock) and by the nightly
`heard retention run`. A row dated in a month that has no partition (demo
data, an imported backlog) lands in the default partition; making that month
moves it out first, because PostgreSQL refuses a partition whose rows already
sit in the default one.
"""

from __future__ import annotations

import datetime as dt
import re

import asyncpg

TABLES = ("responses", "free_text_answers")
MONTHS_AHEAD = 2
_MONTH_NAME = re.compile(r"_y(\d{4})m(\d{2})$")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(table: str, month: dt.date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


async def existing_months(conn: asyncpg.Connection, table: str) -> dict[dt.date, str]:
    """The table's monthly partitions, by first day of the month."""
    names = await conn.fetch(
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = $1::regclass",
        table,
    )
    months = {}
    for (name,) in names:
        if match := _MONTH_NAME.search(name):
            months[dt.date(int(match[1]), int(match[2]), 1)] = name
    return months


async def prepare_months(conn: asyncpg.Connection, *, today: dt.date) -> list[str]:
    """Make the partitions for this month, the next two, and any month waiting
    in a default partition. Call inside a transaction holding the migration
    lock. Returns the partitions it made."""
    made = []
    for table in TABLES:
        wanted = {month_start(today)}
        for _ in range(MONTHS_AHEAD):
            wanted.add(next_month(max(wanted)))
        waiting = await conn.fetch(f"select distinct date_trunc('month', submitted_on)::date from {table}_default")
        wanted.update(month for (month,) in waiting)
        have = await existing_months(conn, table)
        for month in sorted(wanted - have.keys()):
            await _make_month(conn, table, month)
            made.append(partition_name(table, month))
    return made


async def _make_month(conn: asyncpg.Connection, table: str, month: dt.date) -> None:
    name, until = partition_name(table, month), next_month(month)
    # Built apart, filled from the default partition, then attached: attaching
    # checks the default partition no longer holds rows of this month.
    await conn.execute(f"create table {name} (like {table} including defaults including constraints)")
    await conn.execute(
        f"with moved as (delete from {table}_default where submitted_on >= $1 and submitted_on < $2 returning *) "
        f"insert into {name} select * from moved",
        month,
        until,
    )
    await conn.execute(
        f"alter table {table} attach partition {name} for values from ('{month.isoformat()}') "
        f"to ('{until.isoformat()}')"
    )


async def drop_months_before(conn: asyncpg.Connection, table: str, cutoff: dt.date) -> int:
    """Drop every month of the table that ends on or before `cutoff` (a first
    of the month), and delete any older row still in the default partition.
    Returns how many rows went."""
    removed = 0
    for month, name in sorted((await existing_months(conn, table)).items()):
        if next_month(month) <= cutoff:
            removed += await conn.fetchval(f"select count(*) from {name}")
            await conn.execute(f"drop table {name}")
    removed += int((await conn.execute(f"delete from {table}_default where submitted_on < $1", cutoff)).split()[-1])
    return removed
