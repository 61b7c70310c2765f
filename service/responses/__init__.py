"""Answering: the respondent's path from a touchpoint link to a stored response."""
