"""Debriefs: everyone involved in a piece of work says what went well and what did not (issue 17)."""
