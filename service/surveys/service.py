"""Keeping the database's record of survey versions in step with the files."""

from __future__ import annotations

import asyncpg

from . import queries
from .loading import SurveyRegistry, version_hash
from .model import LoadedSurvey


async def record_versions(conn: asyncpg.Connection, registry: SurveyRegistry) -> None:
    for loaded in registry:
        await queries.record_survey_version(conn, loaded=loaded)


async def find_version(
    conn: asyncpg.Connection, registry: SurveyRegistry, survey_id: str, wanted_hash: str
) -> LoadedSurvey | None:
    """The version a form was rendered from: in memory, else as another
    instance (or the deploy before this one) recorded it."""
    if found := registry.version(survey_id, wanted_hash):
        return found
    survey = await queries.survey_version_definition(conn, survey_id=survey_id, version_hash=wanted_hash)
    if survey is None or version_hash(survey) != wanted_hash:
        return None
    loaded = LoadedSurvey(survey, wanted_hash, "database")
    registry.add(loaded)
    return loaded
