"""The shapes every staff figure comes in: the finest cells (atoms), a
published figure as a sum over atoms, what a page or export asks for, and
what it gets back.

This is the interface the pages, the exports and the differencing audit
(tests/audit) share. Keep the names stable.

- `AtomKey`: one finest cell of the fixed grid. Every figure is the count of
  one measure summed over a set of atoms.
- `Figure`: one number an output shows (a count, or a count a percentage was
  computed from), with the atoms it covers, the value published (after
  perturbation; None = shown as hidden) and the largest adjustment the method
  may have made to it.
- `FigureRequest`: one output a viewer may ask for (a page with its filters
  and months, an export, a review).
- `Published`: the output's structured result for rendering, and every
  figure it shows.

Beside these, in service.figures.door (above the engine, the pulse and the
reviews, which all import this module):

- `published(conn, registry, viewer=, request=, settings=)`: the one function
  every page and export calls.
- `requests_for(conn, viewer, settings, today)`: every request that viewer
  may make today (every page, filter value, allowed period, export).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

RESPONSES = "responses"  # the measure counting responses; others are "<question_id>:<level>"

# What a FigureRequest.output may be.
OUTPUTS = (
    "my_feedback",  # /staff/me: a practitioner's own answers
    "team",  # /staff/teams/<id>: the team page with its filters
    "team_csv",  # the team page's CSV export
    "review",  # a learning review's page
    "review_print",  # its print view
    "review_markdown",  # its Markdown export
    "admin_overview",  # the administrator's overview of every team
    "you_said",  # "you said, we did" figures on the public page
    "culture",  # a team's culture pulse for one calendar quarter, with the quarter before (figures/pulse.py)
)


class AtomKey(msgspec.Struct, frozen=True, order=True):
    team_id: int
    month: dt.date  # first day of the month
    touchpoint_id: int
    practitioner_id: int | None  # at answer time
    contact_kind: str  # at answer time
    audience: str
    survey_id: str


class Figure(msgspec.Struct, frozen=True):
    measure: str  # "responses" or "<question_id>:<level>"
    atoms: frozenset[AtomKey]  # the figure is the count of `measure` summed over these atoms
    value: int | None  # what was published (perturbed); None = shown as hidden
    noise: int  # largest absolute adjustment the method may have made (0 = exact)


class FigureRequest(msgspec.Struct, frozen=True):
    """One output a viewer asks for. Months are whole calendar months (local
    date, HEARD_TIMEZONE), `first_month`..`last_month` inclusive, each the
    first day of its month. Filters narrow the slice; None = all."""

    output: str  # one of OUTPUTS
    team_id: int | None = None  # None for my_feedback (all the viewer's teams) and admin_overview
    first_month: dt.date | None = None
    last_month: dt.date | None = None
    audience: str | None = None
    contact_kind: str | None = None
    touchpoint_id: int | None = None
    # The survey: a families' survey (registry.family_surveys()) for the team pages, their exports, my feedback and
    # a review not yet saved (None: the first one the team's touchpoints ask); the pulse's for "culture". A saved
    # review, "you said" and the admin overview read each review's own survey.
    survey_id: str | None = None
    review_id: int | None = None  # for review outputs: the saved review (its months and focus)

    @property
    def months(self) -> int:
        if self.first_month is None or self.last_month is None:
            return 0
        return (self.last_month.year - self.first_month.year) * 12 + self.last_month.month - self.first_month.month + 1


class Published(msgspec.Struct, frozen=True):
    request: FigureRequest
    result: Any  # the page's structured result (what the template renders)
    figures: list[Figure] = []  # every number the output shows, and the counts behind each percentage
