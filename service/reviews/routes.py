"""Every web page of learning reviews, one module per job: a team's reviews and
the four steps of one (routes_reviews.py), its actions (routes_actions.py),
"you said, we did" (routes_entries.py) and the overview across teams
(routes_overview.py). The app registers ROUTES."""

from __future__ import annotations

from . import routes_actions, routes_entries, routes_overview, routes_reviews

ROUTES = [*routes_reviews.ROUTES, *routes_actions.ROUTES, *routes_entries.ROUTES, *routes_overview.ROUTES]
