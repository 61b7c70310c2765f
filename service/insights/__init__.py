"""Insights: aggregates for staff, always over whole weeks that have ended,
always with small numbers suppressed."""
