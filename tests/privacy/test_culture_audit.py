"""The differencing audit over the culture pulse's figures: every request `requests_for` lists for a team member
and a team manager (each quarter of the pulse, with the quarter before) is published, and no combination of the
figures pins down a group of fewer than k_team staff answers. Quarters with 1 to 4 answers, months of 1 or 2
answers, and statements answered by few in a bigger quarter are all here to be found."""

from __future__ import annotations

import random
from collections import defaultdict

from service.figures import grid
from service.figures.door import published, requests_for
from service.figures.levels import level, question_for, summary_questions
from service.figures.model import RESPONSES, AtomKey, Figure
from service.figures.pulse import PULSE_SURVEY, ended_quarter
from service.surveys.loading import load_surveys
from tests import factories
from tests.privacy.differencing import audit


async def test_no_team_member_can_difference_out_a_few_staff_answers_to_the_pulse(pool, settings):
    registry = load_surveys(settings.surveys_dir)
    today = settings.today()
    team = await factories.team(pool)
    member = await factories.staff(pool, team_id=team, role="practitioner")
    manager = await factories.staff(pool, team_id=team, role="team_manager")
    touchpoint = await factories.pulse_touchpoint(pool, team_id=team)
    rng = random.Random(17)
    latest, _ = ended_quarter(grid.last_whole_month(today))
    truth: dict[tuple[AtomKey, str], int] = defaultdict(int)
    questions = summary_questions(registry, PULSE_SURVEY)
    # Five quarters back to the latest: 3 answers (hidden), 12, 4 (hidden), 9, 14, spread unevenly over months.
    for back, people in zip(range(4, -1, -1), (3, 12, 4, 9, 14)):
        first = grid.add_months(latest, -3 * back)
        for index in range(people):
            month = grid.add_months(first, 0 if index < people - 2 else 1 + index % 2)
            answers = {q.id: rng.choice([1, 2, 4, 5, 6, 7, 7]) for q in questions if rng.random() < 0.85}
            await factories.pulse_answers(pool, touchpoint, [answers], on=month.replace(day=3 + index))
            atom = AtomKey(team, month, touchpoint.id, None, "team_meeting", "staff", PULSE_SURVEY)
            truth[(atom, RESPONSES)] += 1
            for question in questions:
                value = answers.get(question.id)
                definition = question_for(registry, PULSE_SURVEY, "staff", question.id)
                key = level(definition, str(value)) if value is not None else "no_answer"
                truth[(atom, f"{question.id}:{key}")] += 1

    for staff_id in (member, manager):
        viewer = await factories.viewer(pool, staff_id)
        figures, labels = [], []
        async with pool.acquire() as conn:
            asked = [r for r in await requests_for(conn, viewer, settings, today) if r.output == "culture"]
            for request in asked:
                result = await published(conn, registry, viewer=viewer, request=request, settings=settings)
                figures += result.figures
                labels += [f"culture {request.first_month:%Y-%m}: {f.measure}" for f in result.figures]

        report = audit(truth, figures, k_team=settings.k_team, k_practitioner=settings.k_practitioner, labels=labels)

        assert len(asked) == 5  # every quarter from the first answer to the latest that has ended
        assert any(f.value is not None and f.measure == RESPONSES for f in figures)  # some quarters are shown
        assert any(f.value is None and f.measure == RESPONSES for f in figures)  # and small ones hidden
        assert report.clean, report.text()
        # The audit's own check: the very same figures published exactly, unprotected, are caught.
        exact = [Figure(f.measure, f.atoms, sum(truth.get((a, f.measure), 0) for a in f.atoms), 0) for f in figures]
        assert not audit(truth, exact, k_team=settings.k_team, k_practitioner=settings.k_practitioner).clean
