"""A review as Markdown, for the meeting's records: the same suppressed
figures as the page, the reflections and the actions. Words follow the
staff member's language."""

from __future__ import annotations

from service.i18n import N_, format_date, format_number, format_percent, gettext, survey_text
from service.figures.levels import SummaryQuestion
from service.touchpoints.kinds import CONTACT_KINDS

from .service import PROMPTS, ReviewPage
from .stats import HIGHER, LOWER, NO_CLEAR_CHANGE, Share
from service.figures.results import Cell

AUDIENCE_NAMES = {
    "under8": N_("Children under 8"),
    "8to12": N_("Children aged 8 to 12"),
    "13to17": N_("Young people aged 13 to 17"),
    "parent": N_("Parents and carers"),
}
COLUMN_NAMES = {"positive": N_("Positive"), "neutral": N_("In between"), "negative": N_("Negative"),
                "no_answer": N_("Not asked or not answered")}
CHANGES = {HIGHER: N_("clearly higher"), LOWER: N_("clearly lower"), NO_CLEAR_CHANGE: N_("no clear change")}
STATUSES = {"open": N_("open"), "done": N_("done"), "dropped": N_("dropped")}


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
        "share": format_percent(share.value), "low": format_percent(share.low), "high": format_percent(share.high)}


def _column(question: SummaryQuestion | None, key: str) -> str:
    if key in COLUMN_NAMES:
        return gettext(COLUMN_NAMES[key])
    options = dict(question.options) if question else {}
    return survey_text(options.get(key, key))


def review_markdown(prepared: ReviewPage, *, questions: list[SummaryQuestion], survey_title: str = "") -> str:
    review, summary = prepared.review, prepared.summary
    by_id = {q.id: q for q in questions}
    lines = [
        "# " + gettext("Learning review: %(team)s") % {"team": _cell(review.team_name)},
        "",
        gettext("Period: %(start)s to %(end)s") % {"start": format_date(review.period_start),
                                                  "end": format_date(review.period_end)},
    ]
    if survey_title:  # the survey the review is about
        lines.append(gettext("Survey: %(survey)s") % {"survey": _cell(survey_text(survey_title))})
    if review.focus_kind:
        lines.append(gettext("Focus: %(focus)s") % {"focus": gettext(CONTACT_KINDS.get(review.focus_kind,
                                                                                        review.focus_kind))})
    if review.focus_audience:
        lines.append(gettext("Focus: %(focus)s") % {"focus": gettext(AUDIENCE_NAMES[review.focus_audience])})
    lines += ["", "## " + gettext("Summary"), ""]
    if summary.hidden:
        lines.append(gettext("Fewer than %(k)s responses in this period. Results are hidden so that nobody's "
                             "answers can be picked out.") % {"k": summary.k})
    else:
        lines += [gettext("%(num)s responses.") % {"num": format_number(summary.responses)},
                  gettext("\"Hidden\" means fewer than %(k)s responses, or a figure hidden so that a small number "
                          "can't be worked out from the totals.") % {"k": summary.k}, "",
                  "### " + gettext("Who answered"), "", "| | |", "|---|---|"]
        lines += [f"| {gettext(AUDIENCE_NAMES[c.key])} | {_count(c)} |" for c in summary.by_audience]
        lines += ["", "### " + gettext("Kind of contact"), "", "| | |", "|---|---|"]
        lines += [f"| {gettext(CONTACT_KINDS.get(c.key, c.key))} | {_count(c)} |" for c in summary.by_kind]
        lines += ["", "### " + gettext("Results by question")]
        for result in summary.questions:
            question = by_id.get(result.id)
            lines += ["", "#### " + _cell(survey_text(result.text)), "", "| | |", "|---|---|"]
            lines += [f"| {_column(question, c.key)} | {_count(c)} |" for c in result.cells]
            if result.is_scale:
                lines += ["", gettext("Positive, of those who answered: %(share)s") % {"share": share_text(result.share)}]
                if summary.previous_start is not None:
                    lines.append(gettext("Previous review's period: %(share)s; change: %(change)s") % {
                        "share": share_text(result.previous),
                        "change": gettext(CHANGES.get(result.change, N_("can't be compared (figures hidden)")))})
        if summary.went_well:
            lines += ["", "### " + gettext("What went well"), ""]
            lines += [f"- {_cell(survey_text(q.text))}: " + gettext("clearly better, %(before)s then, %(after)s now") % {
                "before": share_text(q.previous), "after": share_text(q.share)} for q in summary.went_well]
        if summary.least_heard:
            lines += ["", "### " + gettext("Where people felt least heard"), ""]
            for group in summary.least_heard:
                name = gettext(AUDIENCE_NAMES[group.key]) if group.kind == "audience" else gettext(
                    CONTACT_KINDS.get(group.key, group.key))
                lines.append(f"- {name}: {share_text(group.share)}")
        if summary.comments:
            lines += ["", "### " + gettext("In their own words (redacted)")]
            for group in summary.comments:
                lines += ["", "#### " + _cell(survey_text(group.question_text)), ""]
                for comment in group.comments:
                    tone = gettext("positive") if comment.tone == "positive" else gettext("critical")
                    lines.append(f"- ({tone}) {_cell(comment.text)}")
    lines += ["", "## " + gettext("Reflections"), "",
              gettext("About the work and its conditions, not about who is to blame.")]
    for prompt_id, prompt, _ in PROMPTS:
        lines += ["", "### " + gettext(prompt), "", _lines(review.reflections.get(prompt_id, "")) or "–"]
    lines += ["", "## " + gettext("Actions"), ""]
    if prepared.actions:
        lines += [f"| {gettext('What')} | {gettext('Owner')} | {gettext('Review date')} | {gettext('Status')} | "
                  f"{gettext('Aims to move')} |", "|---|---|---|---|---|"]
        for action in prepared.actions:
            targets = ", ".join(_cell(survey_text(by_id[q].text)) if q in by_id else q for q in action.target_questions)
            lines.append(f"| {_cell(action.what)} | {_cell(action.owner) or '–'} | "
                         f"{format_date(action.review_on) if action.review_on else '–'} | "
                         f"{gettext(STATUSES[action.status])} | {targets or '–'} |")
    else:
        lines.append(gettext("No actions yet."))
    if prepared.carried:
        lines += ["", "## " + gettext("Open actions from earlier reviews"), ""]
        for carried in prepared.carried:
            lines.append(f"- {_cell(carried.action.what)} ({_cell(carried.action.owner) or '–'})")
            for row in carried.feedback:
                lines.append("  - " + gettext("%(question)s: then %(before)s, now %(after)s: %(change)s") % {
                    "question": _cell(survey_text(row.question_text)), "before": share_text(row.before),
                    "after": share_text(row.after),
                    "change": gettext(CHANGES.get(row.change, N_("can't be compared (figures hidden)")))})
    return "\n".join(lines) + "\n"
