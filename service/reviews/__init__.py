"""Learning reviews: a team reads what families, debriefs and its own culture
pulse told it, reflects, agrees actions (each from one of those sources), and
tells people what it did ("you said, we did").

- service.py: the reviews themselves (start one, its page of figures, carried actions, reflections)
- actions.py: the actions agreed in a review, their sources, and lessons from debriefs to act on
- you_said.py: "you said, we did" entries, published to respondents
- overview.py: across teams, which actions were followed by a clear improvement
- sources.py: a review as the meeting reads it, the three sources side by side (pages and exports)
- rules.py: who may read, run and manage reviews
- export.py: the review as Markdown; stats.py: the figures' honest uncertainty
- routes*.py: the web pages, one module per job (pages.py: what they share); queries.sql/queries.py: the SQL
"""
