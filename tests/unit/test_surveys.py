"""Survey files: the real survey is sound, and a malformed one says exactly what is wrong."""

from pathlib import Path

import pytest

from service.settings import REPO_ROOT
from service.surveys.loading import SurveyError, decode_survey, load_surveys
from service.surveys.model import AUDIENCES, Faces, Text

GOOD = """
id = "tiny"
version = "1"
title = "Tiny"
[audiences.parent]
questions = [
  { kind = "agree", id = "listened", text = "The worker listened to me." },
]
"""


REGISTRY = load_surveys(REPO_ROOT / "surveys")
FAMILY_SURVEYS = REGISTRY.family_survey_ids()


def test_both_families_surveys_are_found_and_staff_and_partner_surveys_are_not_among_them():
    assert FAMILY_SURVEYS == ["after-care-review", "after-meeting"]
    assert {s.survey.id for s in REGISTRY} - set(FAMILY_SURVEYS) == {"culture-pulse", "debrief"}


@pytest.mark.parametrize("survey_id", FAMILY_SURVEYS)
def test_a_families_survey_has_every_audience_with_three_to_six_questions(survey_id):
    survey = REGISTRY.current(survey_id).survey

    assert set(survey.audiences) == set(AUDIENCES)
    for audience, variant in survey.audiences.items():
        assert 3 <= len(variant.questions) <= 6, audience
        assert isinstance(variant.questions[-1], Text), "each audience ends with 'anything else'"
    assert len(survey.audiences["under8"].questions) <= 4


@pytest.mark.parametrize("survey_id", FAMILY_SURVEYS)
def test_a_families_survey_has_three_point_faces_for_under_8s_and_five_for_older_children(survey_id):
    survey = REGISTRY.current(survey_id).survey

    under8 = [q for q in survey.audiences["under8"].questions if isinstance(q, Faces)]
    older = [q for q in survey.audiences["8to12"].questions if isinstance(q, Faces)]

    assert under8 and all(q.points == 3 for q in under8)
    assert older and all(q.points == 5 for q in older)


@pytest.mark.parametrize(
    ("survey_id", "shared"),
    [("after-meeting", {"listened", "understood", "respect"}), ("after-care-review", {"listened"})],
)
def test_a_families_survey_shares_question_ids_across_audiences(survey_id, shared):
    survey = REGISTRY.current(survey_id).survey

    ids = [{q.id for q in variant.questions} for variant in survey.audiences.values()]

    assert shared | {"anything_else"} <= set.intersection(*ids)


@pytest.mark.parametrize("survey_id", FAMILY_SURVEYS)
def test_a_families_survey_starts_every_audience_with_the_required_question_listened(survey_id):
    survey = REGISTRY.current(survey_id).survey

    firsts = [variant.questions[0] for variant in survey.audiences.values()]

    assert all(q.id == "listened" and q.required and q.unanswered for q in firsts)


def test_version_hash_changes_when_wording_changes():
    first = decode_survey(GOOD, "a.toml")
    second = decode_survey(GOOD.replace("listened to me", "heard me"), "a.toml")

    assert first.version_hash != second.version_hash
    assert decode_survey(GOOD, "b.toml").version_hash == first.version_hash


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            GOOD.replace('kind = "agree"', 'kind = "stars"'),
            "Invalid value 'stars' - at `$.audiences.parent.questions[0].kind`",
        ),
        (
            GOOD.replace('id = "listened"', 'id = "listened", colour = "red"'),
            "unknown field `colour` - at `$.audiences.parent.questions[0]`",
        ),
        (GOOD.replace('title = "Tiny"\n', ""), "missing required field `title`"),
        (GOOD.replace("[audiences.parent]", "[audiences.grandparent]"), "`$.audiences`"),
        (GOOD.replace('version = "1"', 'version = "1'), "line 3"),
        (GOOD.replace('kind = "agree"', 'kind = "faces", points = 4'), "`$.audiences.parent.questions[0].points`"),
        (GOOD.replace('kind = "agree"', 'kind = "faces", points = 3'), "faces for parent have 5 points, not 3"),
        (GOOD.replace('id = "listened"', 'id = "Listened!"'), "id 'Listened!' must be lowercase"),
        (
            GOOD.replace("  { kind", '  { kind = "yes_no", id = "listened", text = "x" },\n  { kind'),
            "id 'listened' is used twice",
        ),
        (
            GOOD.replace('kind = "agree"', 'kind = "choice", options = [{ id = "a", text = "A" }]'),
            "a choice needs at least two options",
        ),
        (GOOD.replace('text = "The worker listened to me."', 'text = " "'), "text is empty"),
    ],
)
def test_malformed_survey_error_names_the_file_the_place_and_the_problem(broken, expected):
    with pytest.raises(SurveyError) as caught:
        decode_survey(broken, "surveys/tiny.toml")

    assert str(caught.value).startswith("surveys/tiny.toml: ")
    assert expected in str(caught.value)


def test_shared_id_with_a_different_meaning_is_refused():
    survey = (
        GOOD
        + """
[audiences.8to12]
questions = [
  { kind = "yes_no", id = "listened", text = "Did they listen?" },
]
"""
    )
    with pytest.raises(SurveyError, match="a shared id must mean the same thing"):
        decode_survey(survey, "tiny.toml")


def test_survey_file_must_be_named_after_its_id(tmp_path: Path):
    (tmp_path / "other.toml").write_text(GOOD)

    with pytest.raises(SurveyError, match=r"must be named tiny\.toml"):
        load_surveys(tmp_path)


def test_empty_surveys_folder_is_an_error(tmp_path: Path):
    with pytest.raises(SurveyError, match="no survey files"):
        load_surveys(tmp_path)
