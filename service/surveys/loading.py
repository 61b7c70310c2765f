"""Reading survey files, with errors that name the file, the place and the problem."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import msgspec

from .model import AUDIENCES, STAFF, Choice, Faces, LoadedSurvey, Survey, Text, Variant, YesNo

# The kinds of contact a touchpoint can be about (service/touchpoints/kinds.py
# names them for people); a survey may word a question for one of them.
CONTACT_KIND_KEYS = (
    "home_visit",
    "child_protection_conference",
    "child_in_care_review",
    "family_group_meeting",
    "direct_work",
    "early_help",
    "other",
)
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_SURVEY_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
# Kinds that measure the same thing on an ordered scale can share a question
# id across audiences (faces for children, agree statements for adults).
_FAMILY = {"faces": "scale", "agree": "scale"}


class SurveyError(Exception):
    """A survey file is malformed. The message names the file and the place."""


def version_hash(survey: Survey) -> str:
    return hashlib.sha256(msgspec.json.encode(_without_unset_options(survey))).hexdigest()[:16]


# Optional fields added after surveys were first answered: left out of the
# hash while unset, so adding the field to the model changes no survey's version.
_LATER_OPTIONS: dict[str, object] = {
    "labels": None,
    "unanswered": "",
    "text_for": {},
    "scale": 5,
}  # name -> its value when unset


def _without_unset_options(survey: Survey) -> dict:
    data = msgspec.to_builtins(survey)
    for variant in data["audiences"].values():
        for question in variant["questions"]:
            for name, unset in _LATER_OPTIONS.items():
                if name in question and question[name] == unset:
                    del question[name]
    return data


def decode_survey(raw: bytes | str, source: str) -> LoadedSurvey:
    try:
        data = msgspec.toml.decode(raw)
    except msgspec.DecodeError as error:
        # TOML syntax errors carry "(at line N, column M)".
        raise SurveyError(f"{source}: not valid TOML: {error}") from None
    try:
        survey = msgspec.convert(data, Survey)
    except msgspec.ValidationError as error:
        raise SurveyError(f"{source}: {_precise(error, data)}") from None
    problems = list(_problems(survey))
    if problems:
        raise SurveyError(f"{source}: " + "; ".join(problems))
    return LoadedSurvey(survey, version_hash(survey), source)


def _precise(error: msgspec.ValidationError, data: object) -> str:
    """msgspec writes `$.audiences[...]` for any audience; name the audience."""
    message = str(error)
    audiences = data.get("audiences") if isinstance(data, dict) else None
    if "$.audiences[...]" not in message or not isinstance(audiences, dict):
        return message
    for name, variant in audiences.items():
        try:
            msgspec.convert(variant, Variant)
        except msgspec.ValidationError as inner:
            return str(inner).replace("`$", f"`$.audiences.{name}", 1)
    return message


def _problems(survey: Survey):
    if not _SURVEY_ID.match(survey.id):
        yield f"`$.id` {survey.id!r} must be lowercase letters, digits and hyphens"
    if not survey.audiences:
        yield "`$.audiences` must define at least one audience of " + ", ".join(AUDIENCES)
    if STAFF in survey.audiences and len(survey.audiences) > 1:
        yield f"`$.audiences`: a survey for {STAFF} asks staff alone; families' audiences go in another survey"
    kinds: dict[str, tuple[str, str]] = {}
    for audience, variant in survey.audiences.items():
        where = f"`$.audiences.{audience}.questions"
        if not variant.questions:
            yield f"{where}` has no questions"
        seen: set[str] = set()
        for index, question in enumerate(variant.questions):
            at = f"{where}[{index}]`"
            kind = str(type(question).__struct_config__.tag)  # every kind's tag is its name (model.py)
            if not _ID.match(question.id):
                yield f"{at}: id {question.id!r} must be lowercase letters, digits and underscores"
            if question.id in seen:
                yield f"{at}: id {question.id!r} is used twice in this audience"
            seen.add(question.id)
            if not question.text.strip():
                yield f"{at}: text is empty"
            for contact_kind, words in question.text_for.items():
                if contact_kind not in CONTACT_KIND_KEYS:
                    yield f"{at}: text_for {contact_kind!r} is not a kind of contact ({', '.join(CONTACT_KIND_KEYS)})"
                elif not words.strip():
                    yield f"{at}: text_for {contact_kind!r} is empty"
            if question.unanswered and not question.required:
                yield f"{at}: unanswered is the message for a required question, but this one is not required"
            if isinstance(question, Faces):
                wanted = 3 if audience == "under8" else 5
                if question.points != wanted:
                    yield f"{at}: faces for {audience} have {wanted} points, not {question.points}"
            if isinstance(question, Choice):
                option_ids = [option.id for option in question.options]
                if len(question.options) < 2:
                    yield f"{at}: a choice needs at least two options"
                if len(set(option_ids)) != len(option_ids):
                    yield f"{at}: option ids must be different"
                for option in question.options:
                    if not _ID.match(option.id):
                        yield f"{at}: option id {option.id!r} must be lowercase letters, digits and underscores"
            if (
                isinstance(question, (Faces, YesNo))
                and question.labels
                and not (question.labels.yes and question.labels.no)
            ):
                yield f"{at}: labels need both `yes` and `no`"
            if isinstance(question, Text) and not 1 <= question.max_length <= 5000:
                yield f"{at}: max_length must be between 1 and 5000"
            family = _FAMILY.get(kind, kind)
            earlier = kinds.setdefault(question.id, (family, audience))
            if earlier[0] != family:
                yield (
                    f"{at}: id {question.id!r} is a {kind} question here but a different kind "
                    f"in {earlier[1]}; a shared id must mean the same thing"
                )


class SurveyRegistry:
    """Every survey Heard knows, by id (current version) and by version hash."""

    def __init__(self, loaded: list[LoadedSurvey]) -> None:
        self._current: dict[str, LoadedSurvey] = {}
        self._versions: dict[tuple[str, str], LoadedSurvey] = {}
        for item in loaded:
            if item.survey.id in self._current:
                raise SurveyError(
                    f"{item.source}: survey id {item.survey.id!r} is also used by "
                    f"{self._current[item.survey.id].source}"
                )
            self.add(item, current=True)

    def add(self, item: LoadedSurvey, *, current: bool = False) -> None:
        if current:
            self._current[item.survey.id] = item
        self._versions[(item.survey.id, item.version_hash)] = item

    def current(self, survey_id: str) -> LoadedSurvey | None:
        return self._current.get(survey_id)

    def version(self, survey_id: str, version_hash: str) -> LoadedSurvey | None:
        return self._versions.get((survey_id, version_hash))

    def __iter__(self):
        return iter(self._current.values())

    def family_surveys(self) -> list[LoadedSurvey]:
        """The surveys families answer (current versions), by id: what a touchpoint, a team page, an export and a
        review choose from. Adding a file to surveys/ adds one here; nothing else names a survey."""
        return sorted((s for s in self._current.values() if s.survey.for_families), key=lambda s: s.survey.id)

    def family_survey_ids(self) -> list[str]:
        return [s.survey.id for s in self.family_surveys()]


def load_surveys(directory: Path) -> SurveyRegistry:
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise SurveyError(f"{directory}: no survey files (*.toml) found")
    loaded = [decode_survey(path.read_bytes(), str(path)) for path in files]
    for path, item in zip(files, loaded):
        if path.stem != item.survey.id:
            raise SurveyError(f"{path}: `$.id` is {item.survey.id!r}; the file must be named {item.survey.id}.toml")
    return SurveyRegistry(loaded)
