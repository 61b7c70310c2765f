"""Surveys as data: the model of a survey file, loading, validating answers."""
