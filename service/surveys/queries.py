"""Typed wrappers for surveys/queries.sql."""

from __future__ import annotations

import asyncpg
import msgspec

from service.db.sql import sql_beside

from .model import LoadedSurvey, Survey

SQL = sql_beside(__file__)
_RECORD = SQL["record_survey_version"]
_DEFINITION = SQL["survey_version_definition"]


async def record_survey_version(conn: asyncpg.Connection, *, loaded: LoadedSurvey) -> None:
    survey = loaded.survey
    await conn.execute(_RECORD, survey.id, loaded.version_hash, survey.version, msgspec.to_builtins(survey))


async def survey_version_definition(conn: asyncpg.Connection, *, survey_id: str, version_hash: str) -> Survey | None:
    definition = await conn.fetchval(_DEFINITION, survey_id, version_hash)
    return msgspec.convert(definition, Survey) if definition is not None else None
