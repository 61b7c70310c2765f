"""Insights: the staff pages that show feedback (a practitioner's own, a
team's dashboard, its CSV), arranged from service.figures, and answers held
back as a burst."""
