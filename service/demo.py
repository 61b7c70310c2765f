"""`heard demo`: a made-up team with touchpoints and a few hundred plausible
responses, so a newcomer sees a living system. Safe to run twice."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import asyncpg
import msgspec

from service.responses.service import Submission, submit_response
from service.staff import service as staff
from service.surveys.answers import check_answers, field_name, scale_values
from service.surveys.loading import SurveyRegistry
from service.surveys.model import Text
from service.touchpoints import codes
from service.touchpoints import service as touchpoints_service

DEMO_TEAM = "Riverside Family Help (demo)"
# Every demo account signs in with this password (README). Never use demo data for real.
DEMO_PASSWORD = "heard-demo-password"
# (email, name, role in the team, shares own results with managers)
PEOPLE = [
    ("amira.khan@demo.heard.invalid", "Amira Khan", "practitioner", True),
    ("tom.evans@demo.heard.invalid", "Tom Evans", "practitioner", False),
    ("joy.mensah@demo.heard.invalid", "Joy Mensah", "practitioner", False),
    ("sam.okafor@demo.heard.invalid", "Sam Okafor", "team_manager", False),
    ("priya.shah@demo.heard.invalid", "Priya Shah", "safeguarding_lead", False),
]
ADMIN = ("admin@demo.heard.invalid", "Demo Administrator")
# The families' surveys the demo team asks (surveys/<id>.toml): after a meeting with us, and, at one more
# touchpoint, after a child in care's review meeting, so its pages show the survey chooser.
MEETING_SURVEY = "after-meeting"
REVIEW_SURVEY = "after-care-review"
REVIEW_TOUCHPOINT = ("child_in_care_review", 2, None)  # Joy's, asking the review survey; everyone but under 8s
REVIEW_RESPONSES = 240
# (contact kind, practitioner index or None, audience or None for "ask", share of the responses).
# Shaped so that every account sees the product: Tom and Joy don't share, so the
# manager sees a team slice only when its part from them is spread over both
# (the practitioner rule); Tom and Joy both ask everyone who answers, so each
# audience but one mixes them. Children under 8 answer only Tom's touchpoint:
# that slice stays hidden from everyone but Tom, as it should.
TOUCHPOINTS = [
    ("child_protection_conference", 0, "parent", 0.25),
    ("home_visit", 1, None, 0.25),
    ("child_in_care_review", 2, None, 0.2),
    ("direct_work", 0, "8to12", 0.15),
    ("direct_work", 1, "under8", 0.14),
    ("family_group_meeting", 2, "parent", 0.01),  # a quiet touchpoint: its figures stay hidden
]
COMMENTS = [
    "Thank you for listening to me.",
    "The meeting was too long and I didn't understand all the words.",
    "I liked that she came back when she said she would.",
    "I wish I could see my brother more.",
    "Nobody told me what the plan was before the meeting.",
    "She explained everything in a way I understood.",
    "It would help to have the report before the meeting, not on the day.",
    "I felt they talked about me, not with me.",
    "Tom was kind and patient with my son.",
    "Things are better at home now.",
]


async def load_demo(
    conn: asyncpg.Connection,
    surveys: SurveyRegistry,
    *,
    base_url: str,
    today: dt.date,
    responses: int = 1500,
    seed: int = 7,
) -> list[tuple[str, str]]:
    """Create the demo team once; return (description, link) for each demo touchpoint."""
    team_id = await staff.team_id_by_name(conn, name=DEMO_TEAM)
    if team_id is None:
        team_id = await _create(conn, surveys, today=today, responses=responses, rng=random.Random(seed))
    touchpoints = sorted(await touchpoints_service.team_touchpoints(conn, team_id=team_id), key=lambda t: t.id)
    return [
        (f"{t.contact_kind} ({t.audience or 'ask'}, {t.survey_id})", codes.public_url(base_url, t.code))
        for t in touchpoints
    ]


async def _create(
    conn: asyncpg.Connection, surveys: SurveyRegistry, *, today: dt.date, responses: int, rng: random.Random
) -> int:
    survey = surveys.current(MEETING_SURVEY)
    assert survey is not None, f"the demo needs surveys/{MEETING_SURVEY}.toml"
    team_id = await staff.create_team(conn, name=DEMO_TEAM, by=None)
    staff_ids = []
    for email, name, role, shares in PEOPLE:
        staff_id = await staff.add_staff(conn, email=email, display_name=name, password=DEMO_PASSWORD)
        await staff.give_role(conn, team_id=team_id, staff_id=staff_id, role=role)
        if shares:
            await staff.set_sharing(conn, staff_id=staff_id, shares=True)
        staff_ids.append(staff_id)
    await staff.add_staff(conn, email=ADMIN[0], display_name=ADMIN[1], password=DEMO_PASSWORD, is_admin=True)
    touchpoints, weights = [], []
    for kind, practitioner, audience, weight in TOUCHPOINTS:
        touchpoints.append(
            await touchpoints_service.add_touchpoint(
                conn,
                team_id=team_id,
                contact_kind=kind,
                practitioner_id=staff_ids[practitioner],
                survey_id=survey.survey.id,
                audience=audience,
                language="en-GB",
            )
        )
        weights.append(weight)
    await _answers(conn, survey, touchpoints, weights, responses, rng=rng, today=today)
    # One answer that may disclose harm, so the safeguarding lead's queue has something in it.
    worrying = touchpoints[2]  # Joy's reviews for children in care
    variant = survey.survey.audiences["13to17"]
    checked = check_answers(
        variant, {"q_listened": ["2"], "q_anything_else": ["I don't feel safe at home when my dad is drunk"]}
    )
    await submit_response(
        conn, Submission(uuid.uuid4(), worrying, survey, "13to17", "en-GB", checked), today=today - dt.timedelta(days=1)
    )
    review_survey = surveys.current(REVIEW_SURVEY)
    if review_survey is not None:  # its own random numbers, so the first survey's answers stay as they were
        kind, practitioner, audience = REVIEW_TOUCHPOINT
        asked = await touchpoints_service.add_touchpoint(
            conn,
            team_id=team_id,
            contact_kind=kind,
            practitioner_id=staff_ids[practitioner],
            survey_id=REVIEW_SURVEY,
            audience=audience,
            language="en-GB",
        )
        await _answers(
            conn, review_survey, [asked], [1.0], REVIEW_RESPONSES, rng=random.Random(REVIEW_SURVEY), today=today
        )
    await _earlier_review(conn, surveys, team_id=team_id, manager_id=staff_ids[3], today=today)
    await _reflections(conn, writer_id=staff_ids[0], manager_id=staff_ids[3], today=today)
    await _culture_pulse(conn, surveys, team_id=team_id, today=today, rng=rng)
    await _closed_debrief(conn, surveys, team_id=team_id, opener_id=staff_ids[0], today=today)
    return team_id


async def _answers(
    conn: asyncpg.Connection,
    survey,
    touchpoints: list,
    weights: list[float],
    responses: int,
    *,
    rng: random.Random,
    today: dt.date,
) -> None:
    """`responses` plausible answers to one survey, spread over these touchpoints by weight and the last 120 days."""
    for _ in range(responses):
        [touchpoint] = rng.choices(touchpoints, weights)
        audience = touchpoint.audience or rng.choice(["8to12", "13to17", "parent"])
        variant = survey.survey.audiences[audience]
        mood = rng.random()  # most people are fairly positive; some are not
        form: dict[str, list[str]] = {}
        for question in variant.questions:
            if isinstance(question, Text):
                if rng.random() < 0.25:
                    form[field_name(question)] = [rng.choice(COMMENTS)]
                continue
            values = scale_values(question)
            if question.required or rng.random() < 0.9:
                lean = min(len(values) - 1, max(0, round(mood * len(values) + rng.gauss(0, 0.8))))
                form[field_name(question)] = [values[lean] if values[0].isdigit() else rng.choice(values)]
        checked = check_answers(variant, form)
        day = today - dt.timedelta(days=rng.randrange(1, 120))
        await submit_response(conn, Submission(uuid.uuid4(), touchpoint, survey, audience, "en-GB", checked), today=day)


# A practitioner's private reflections (Amira's): (title, what happened, noticed, think now, do differently,
# about last month's feedback, shared with the manager).
REFLECTIONS = [
    (
        "Conference where dad walked out",
        "Dad left the child protection conference halfway through, after the police report was read out.",
        "I had not gone through the report with him beforehand. I was more worried about the chair than about him.",
        "He heard the worst of it for the first time in a room full of professionals. Anyone would walk out.",
        "Go through every report with parents before the conference, in their language, and say what will be read.",
        True,
        True,
    ),
    (
        "Direct work with a 10-year-old",
        "We used the three houses tool at school. She drew her brother in the house of worries.",
        "She talked more when we were drawing side by side than face to face.",
        "The setting mattered more than the questions.",
        "Offer drawing or a walk first, and let the child choose where we sit.",
        False,
        False,
    ),
    (
        "Feedback said the plan was unclear",
        "Two parents said after meetings that they did not understand what happens next.",
        "I end meetings in a rush and write the plan afterwards.",
        "The plan is written for the file, not for the family.",
        "Agree the next three steps in plain words before anyone leaves the room.",
        True,
        False,
    ),
]


async def _reflections(conn: asyncpg.Connection, *, writer_id: int, manager_id: int, today: dt.date) -> None:
    """A few private reflections for one practitioner; one shared with her manager for supervision."""
    from service.figures import grid
    from service.reflection import service as reflection

    month = grid.last_whole_month(today).strftime("%Y-%m")
    for title, happened, noticed, think_now, differently, about_feedback, shared in REFLECTIONS:
        form = reflection.EntryForm(
            title,
            happened,
            noticed,
            think_now,
            differently,
            month if about_feedback else "",
            month if about_feedback else "",
        )
        entry_id = await reflection.write_entry(conn, writer_id=writer_id, checked=reflection.check(form, today))
        if shared:
            await reflection.share_entry(conn, writer_id=writer_id, entry_id=entry_id, manager_id=manager_id)


PULSE_WORDS = [
    "Time after hard visits to talk it through with someone.",
    "Case discussions that are not only about risk.",
    "Hearing back from other agencies about what happened next.",
]


async def _culture_pulse(
    conn: asyncpg.Connection, surveys: SurveyRegistry, *, team_id: int, today: dt.date, rng: random.Random
) -> None:
    """Two quarters of the team culture pulse: a QR code shown in a team meeting, answered by the team's staff
    (more people than the demo's accounts: a real team's whole staff), more agreeing the second time. Answers
    lean clearly one way or the other, so each statement's counts are large enough to be shown."""
    from service.culture import service as culture
    from service.figures import grid
    from service.figures.pulse import PULSE_SURVEY, ended_quarter

    survey = surveys.current(PULSE_SURVEY)
    assert survey is not None, "the demo needs surveys/culture-pulse.toml"
    touchpoint_id = await culture.start_pulse(conn, surveys, team_id=team_id, language="en-GB", today=today)
    touchpoint = next(
        t for t in await touchpoints_service.team_touchpoints(conn, team_id=team_id) if t.id == touchpoint_id
    )
    found = await touchpoints_service.find_by_code(conn, code=touchpoint.code, today=today)
    assert found is not None, "the pulse's touchpoint, just started, opens"
    first, _ = ended_quarter(grid.last_whole_month(today))
    variant = survey.survey.audiences["staff"]
    # (first month of the quarter, people answering, how many agree with statement i: base + i)
    for quarter_start, people, agreeing in ((grid.add_months(first, -3), 24, 10), (first, 28, 16)):
        meeting = quarter_start + dt.timedelta(days=20)  # the quarter's team meeting
        for person in range(people):
            form: dict[str, list[str]] = {}
            statements = [q for q in variant.questions if not isinstance(q, Text)]
            for index, question in enumerate(statements):
                agrees = person < agreeing + index
                form[field_name(question)] = [str(rng.choice((5, 6, 7) if agrees else (1, 2, 3)))]
            for written in variant.questions:
                if isinstance(written, Text) and rng.random() < 0.3:
                    form[field_name(written)] = [rng.choice(PULSE_WORDS)]
            checked = check_answers(variant, form)
            await submit_response(
                conn, Submission(uuid.uuid4(), found, survey, "staff", "en-GB", checked), today=meeting
            )


# One closed debrief: four people answered (so each person's answers show where they work), one raised a lesson
# with management that waits for the manager's response in the next learning review and on the team page.
DEBRIEF_ANSWERS = [
    {
        "q_role": ["social_care"],
        "q_went_well": ["We agreed the plan with the family before the conference."],
        "q_did_not": ["The report reached the family on the morning of the conference."],
        "q_change": ["Share the report three working days before."],
    },
    {
        "q_role": ["school"],
        "q_went_well": ["The school was asked for its view early."],
        "q_did_not": ["We were not told the time had changed."],
        "q_change": ["One contact list for every agency."],
        "q_raise": ["Partner agencies need the conference report three working days before, every time."],
    },
    {
        "q_role": ["health"],
        "q_went_well": ["The health visitor's concerns were heard."],
        "q_change": ["Invite the GP in writing, not by phone."],
    },
    {
        "q_role": ["police"],
        "q_did_not": ["The checks were asked for late."],
        "q_change": ["Ask for police checks when the conference is booked."],
    },
]


async def _closed_debrief(
    conn: asyncpg.Connection, surveys: SurveyRegistry, *, team_id: int, opener_id: int, today: dt.date
) -> None:
    from service.debriefs import service as debriefs

    survey = surveys.current(debriefs.SURVEY_ID)
    if survey is None:
        return
    session = await staff.start_session(conn, staff_id=opener_id)
    opener = await staff.viewer_for_token(conn, token=session.token)
    await staff.sign_out(conn, token=session.token)
    assert opener is not None, "the demo's staff account can sign in"
    opened = today - dt.timedelta(days=12)
    debrief_id = await debriefs.open_debrief(
        conn,
        viewer=opener,
        today=opened,
        form=debriefs.OpenForm(
            str(team_id), "Child protection conference for the B. family", (opened + dt.timedelta(days=7)).isoformat()
        ),
    )
    found = await debriefs.debrief(conn, debrief_id=debrief_id, today=opened)
    assert found is not None, "the debrief just opened is there"
    variant = survey.survey.audiences[debriefs.AUDIENCE]
    for form in DEBRIEF_ANSWERS:
        await debriefs.answer(
            conn,
            debrief=found,
            checked=check_answers(variant, form),
            submission_id=uuid.uuid4(),
            language="en-GB",
            today=opened + dt.timedelta(days=2),
        )
    # Not closed by hand: it closed by itself after its deadline day, so the raised lesson has waited a few days.


async def _earlier_review(
    conn: asyncpg.Connection, surveys: SurveyRegistry, *, team_id: int, manager_id: int, today: dt.date
) -> None:
    """A learning review of the month before the default review period, with
    one open action (carried to the next review) and one published "you said, we did"."""
    from service.figures import grid
    from service.reviews import actions, you_said
    from service.reviews import service as reviews
    from service.settings import load_settings

    first, _ = reviews.default_period(today)
    earlier = grid.add_months(first, -1)  # the month before the default review period
    period = reviews.ReviewForm(earlier.strftime("%Y-%m"), earlier.strftime("%Y-%m"), survey_id=MEETING_SURVEY)
    review_id = await reviews.start_review(conn, surveys, team_id=team_id, form=period, by=manager_id, today=today)
    review = await reviews.review(conn, review_id=review_id)
    assert review is not None, "the review just started is there"
    session = await staff.start_session(conn, staff_id=manager_id)
    manager = await staff.viewer_for_token(conn, token=session.token)
    await staff.sign_out(conn, token=session.token)
    settings = msgspec.structs.replace(load_settings({}), k_team=5, k_practitioner=10)
    await reviews.save_reflections(
        conn,
        review=review,
        by=manager_id,
        fields={
            "reflection_happened": "Parents said they did not always understand what happens next.",
            "reflection_in_the_way": "Plans are written after the meeting; interpreters are booked late.",
        },
    )
    await actions.add_action(
        conn,
        surveys,
        review=review,
        by=manager_id,
        form=actions.ActionForm(
            "Send a one-page plan in the family's language before every meeting",
            "Team manager",
            (today + dt.timedelta(weeks=8)).isoformat(),
            ["understood"],
        ),
    )
    prepared = await reviews.review_page(conn, surveys, review=review, viewer=manager, settings=settings)
    await you_said.publish_entry(
        conn,
        review=review,
        summary=prepared.summary,
        by=manager_id,
        form=you_said.EntryForm(
            [
                (
                    "en-GB",
                    {
                        "you_said": "You told us meetings were hard to understand.",
                        "we_did": "We now send a one-page plan in your language before every meeting.",
                        "child": "You said meetings were hard. Now we draw you a picture of the plan.",
                    },
                ),
                (
                    "cy",
                    {
                        "you_said": "Dywedoch wrthym fod cyfarfodydd yn anodd eu deall.",
                        "we_did": "Rydym bellach yn anfon cynllun un dudalen yn eich iaith cyn pob cyfarfod.",
                        "child": "Fe ddywedoch fod cyfarfodydd yn anodd. Nawr rydym yn tynnu llun o'r cynllun i chi.",
                    },
                ),
            ],
            None,
        ),
    )
