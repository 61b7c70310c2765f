"""A review as Markdown, for the meeting's records: the same suppressed
figures as the page (families' summary and the culture pulse, both as the
figures engine published them for the screen), what debriefs raised with
the manager's answers, the reflections and the actions by where they came
from. Words follow the staff member's language."""

from __future__ import annotations

from service.debriefs.service import Lesson, ReviewLessons
from service.figures.levels import SummaryQuestion
from service.figures.pulse import PulseResult
from service.figures.results import Cell
from service.i18n import N_, format_date, format_number, format_percent, gettext, survey_text
from service.touchpoints.kinds import CONTACT_KINDS

from .actions import by_source
from .service import PROMPTS, ReviewPage
from .stats import HIGHER, LOWER, NO_CLEAR_CHANGE, Share

AUDIENCE_NAMES = {
    "under8": N_("Children under 8"),
    "8to12": N_("Children aged 8 to 12"),
    "13to17": N_("Young people aged 13 to 17"),
    "parent": N_("Parents and carers"),
}
COLUMN_NAMES = {
    "positive": N_("Positive"),
    "neutral": N_("In between"),
    "negative": N_("Negative"),
    "no_answer": N_("Not asked or not answered"),
}
CHANGES = {HIGHER: N_("clearly higher"), LOWER: N_("clearly lower"), NO_CLEAR_CHANGE: N_("no clear change")}
STATUSES = {"open": N_("open"), "done": N_("done"), "dropped": N_("dropped")}
SOURCE_NAMES = {
    "families": N_("From what families said"),
    "debrief": N_("From debriefs"),
    "culture": N_("From the culture pulse"),
}
RESPONSES = {
    "will_do": N_("Management responded: we will do this."),
    "already_doing": N_("Management responded: we are already doing this."),
    "not_now": N_("Management responded: not now."),
}


_MARKUP = str.maketrans({c: "\\" + c for c in "\\`*_[]<>!#|"})


def _cell(text: str) -> str:
    """What people typed, as plain text on one line: no links, images, HTML or table breaks."""
    return " ".join(text.translate(_MARKUP).split())


def _lines(text: str) -> str:
    return "\n".join(_cell(line) for line in text.splitlines())


def _count(cell: Cell) -> str:
    return gettext("hidden") if cell.count is None else format_number(cell.count)


def share_text(share: Share | None) -> str:
    if share is None:
        return gettext("hidden")
    return gettext("%(share)s (95%% interval %(low)s to %(high)s)") % {
        "share": format_percent(share.value),
        "low": format_percent(share.low),
        "high": format_percent(share.high),
    }


def _column(question: SummaryQuestion | None, key: str) -> str:
    if key in COLUMN_NAMES:
        return gettext(COLUMN_NAMES[key])
    options = dict(question.options) if question else {}
    return survey_text(options.get(key, key))


def _change(change: str) -> str:
    return gettext(CHANGES.get(change, N_("can't be compared (figures hidden)")))


def _lesson(lesson: Lesson) -> list[str]:
    found = [f"- {_cell(lesson.lesson)} ({_cell(lesson.debrief_name)})"]
    if lesson.response:
        found.append("  - " + gettext(RESPONSES[lesson.response]))
    if lesson.response and lesson.because:
        found.append("  - " + gettext("Their reason: %(because)s") % {"because": _cell(lesson.because)})
    return found


def _lessons(lessons: ReviewLessons) -> list[str]:
    """What debriefs raised: lessons waiting for an answer, and those answered in this review with the answer."""
    lines = ["", "## " + gettext("What debriefs raised"), ""]
    if lessons.waiting:
        lines += ["### " + gettext("Waiting for an answer"), ""]
        for item in lessons.waiting:
            lines += _lesson(item.lesson)
        lines.append("")
    else:
        lines += [gettext("No lessons are waiting for an answer."), ""]
    if lessons.answered:
        lines += ["### " + gettext("Answered in this review"), ""]
        for lesson in lessons.answered:
            lines += _lesson(lesson)
    return lines


def _culture(culture: PulseResult) -> list[str]:
    """The culture pulse's quarter as the screen shows it: nothing but the note when it is hidden."""
    lines = [
        "",
        "## " + gettext("How the team sees its own culture"),
        "",
        gettext("Staff answers from %(start)s to %(end)s.")
        % {"start": format_date(culture.start), "end": format_date(culture.last_day)},
        "",
    ]
    if culture.hidden:
        return [
            *lines,
            gettext(
                "Fewer than %(k)s people answered the culture pulse in this quarter, or none did. "
                "Results are hidden so that nobody's answers can be picked out."
            )
            % {"k": culture.k},
        ]
    lines += [
        gettext("%(num)s people answered.") % {"num": format_number(culture.responses or 0)},
        "",
        gettext(
            "Compared with the quarter before (%(start)s to %(end)s). A change is called clear only when "
            "the two 95%% intervals do not overlap."
        )
        % {"start": format_date(culture.previous_start), "end": format_date(culture.previous_last_day)},
        "",
        f"| {gettext('Statement')} | {gettext('Agree (somewhat, agree or strongly)')} | "
        f"{gettext('The quarter before')} | {gettext('Change')} |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {_cell(survey_text(s.text))} | {share_text(s.share)} | {share_text(s.previous)} | {_change(s.change)} |"
        for s in culture.statements
    ]
    return lines


def _actions(prepared: ReviewPage, by_id: dict[str, SummaryQuestion]) -> list[str]:
    """The review's actions, one table per source they came from."""
    lines = ["", "## " + gettext("Actions"), ""]
    if not prepared.actions:
        return [*lines, gettext("No actions yet.")]
    for source, found in by_source(prepared.actions):
        lines += [
            "### " + gettext(SOURCE_NAMES[source]),
            "",
            f"| {gettext('What')} | {gettext('Owner')} | {gettext('Review date')} | {gettext('Status')} | "
            f"{gettext('Aims to move')} |",
            "|---|---|---|---|---|",
        ]
        for action in found:
            targets = ", ".join(_cell(survey_text(by_id[q].text)) if q in by_id else q for q in action.target_questions)
            raised = f" ({_cell(action.lesson_debrief_name)})" if action.lesson_debrief_name else ""
            lines.append(
                f"| {_cell(action.what)}{raised} | {_cell(action.owner) or '–'} | "
                f"{format_date(action.review_on) if action.review_on else '–'} | "
                f"{gettext(STATUSES[action.status])} | {targets or '–'} |"
            )
        lines.append("")
    return lines[:-1]


def review_markdown(
    prepared: ReviewPage,
    *,
    questions: list[SummaryQuestion],
    lessons: ReviewLessons | None = None,
    culture: PulseResult | None = None,
    survey_title: str = "",
) -> str:
    """`lessons` and `culture` are what the review's page shows beside families' figures (sources.py)."""
    review, summary = prepared.review, prepared.summary
    by_id = {q.id: q for q in questions}
    lines = [
        "# " + gettext("Learning review: %(team)s") % {"team": _cell(review.team_name)},
        "",
        gettext("Period: %(start)s to %(end)s")
        % {"start": format_date(review.period_start), "end": format_date(review.period_end)},
    ]
    if survey_title:  # the survey the review is about
        lines.append(gettext("Survey: %(survey)s") % {"survey": _cell(survey_text(survey_title))})
    if review.focus_kind:
        lines.append(
            gettext("Focus: %(focus)s") % {"focus": gettext(CONTACT_KINDS.get(review.focus_kind, review.focus_kind))}
        )
    if review.focus_audience:
        lines.append(gettext("Focus: %(focus)s") % {"focus": gettext(AUDIENCE_NAMES[review.focus_audience])})
    lines += ["", "## " + gettext("Summary"), ""]
    if summary.hidden:
        lines.append(
            gettext(
                "Fewer than %(k)s responses in this period. Results are hidden so that nobody's "
                "answers can be picked out."
            )
            % {"k": summary.k}
        )
    else:
        lines += [
            gettext("%(num)s responses.") % {"num": format_number(summary.responses or 0)},
            gettext(
                '"Hidden" means fewer than %(k)s responses, or a figure hidden so that a small number '
                "can't be worked out from the totals."
            )
            % {"k": summary.k},
            "",
            "### " + gettext("Who answered"),
            "",
            "| | |",
            "|---|---|",
        ]
        lines += [f"| {gettext(AUDIENCE_NAMES[c.key])} | {_count(c)} |" for c in summary.by_audience]
        lines += ["", "### " + gettext("Kind of contact"), "", "| | |", "|---|---|"]
        lines += [f"| {gettext(CONTACT_KINDS.get(c.key, c.key))} | {_count(c)} |" for c in summary.by_kind]
        lines += ["", "### " + gettext("Results by question")]
        for result in summary.questions:
            question = by_id.get(result.id)
            lines += ["", "#### " + _cell(survey_text(result.text)), "", "| | |", "|---|---|"]
            lines += [f"| {_column(question, c.key)} | {_count(c)} |" for c in result.cells]
            if result.is_scale:
                lines += [
                    "",
                    gettext("Positive, of those who answered: %(share)s") % {"share": share_text(result.share)},
                ]
                if summary.previous_start is not None:
                    lines.append(
                        gettext("Previous review's period: %(share)s; change: %(change)s")
                        % {
                            "share": share_text(result.previous),
                            "change": gettext(CHANGES.get(result.change, N_("can't be compared (figures hidden)"))),
                        }
                    )
        if summary.went_well:
            lines += ["", "### " + gettext("What went well"), ""]
            lines += [
                f"- {_cell(survey_text(q.text))}: "
                + gettext("clearly better, %(before)s then, %(after)s now")
                % {"before": share_text(q.previous), "after": share_text(q.share)}
                for q in summary.went_well
            ]
        if summary.least_heard:
            lines += ["", "### " + gettext("Where people felt least heard"), ""]
            for group in summary.least_heard:
                name = (
                    gettext(AUDIENCE_NAMES[group.key])
                    if group.kind == "audience"
                    else gettext(CONTACT_KINDS.get(group.key, group.key))
                )
                lines.append(f"- {name}: {share_text(group.share)}")
        if summary.comments:
            lines += ["", "### " + gettext("In their own words (redacted)")]
            for said in summary.comments:
                lines += ["", "#### " + _cell(survey_text(said.question_text)), ""]
                for comment in said.comments:
                    tone = gettext("positive") if comment.tone == "positive" else gettext("critical")
                    lines.append(f"- ({tone}) {_cell(comment.text)}")
    if lessons is not None:
        lines += _lessons(lessons)
    if culture is not None:
        lines += _culture(culture)
    lines += [
        "",
        "## " + gettext("Reflections"),
        "",
        gettext("About the work and its conditions, not about who is to blame."),
    ]
    for prompt_id, prompt, _ in PROMPTS:
        lines += ["", "### " + gettext(prompt), "", _lines(review.reflections.get(prompt_id, "")) or "–"]
    lines += _actions(prepared, by_id)
    if prepared.carried:
        lines += ["", "## " + gettext("Open actions from earlier reviews"), ""]
        for carried in prepared.carried:
            lines.append(
                f"- {_cell(carried.action.what)} ({_cell(carried.action.owner) or '–'}; "
                f"{gettext(SOURCE_NAMES[carried.action.source])})"
            )
            for row in carried.feedback:
                lines.append(
                    "  - "
                    + gettext("%(question)s: then %(before)s, now %(after)s: %(change)s")
                    % {
                        "question": _cell(survey_text(row.question_text)),
                        "before": share_text(row.before),
                        "after": share_text(row.after),
                        "change": gettext(CHANGES.get(row.change, N_("can't be compared (figures hidden)"))),
                    }
                )
    return "\n".join(lines) + "\n"
