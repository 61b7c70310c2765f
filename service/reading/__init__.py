"""The reading list: every written answer and every request to be contacted is
read by a person within set working hours (service.py has the rules)."""
