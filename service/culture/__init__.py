"""The team culture pulse: a quarterly anonymous staff survey (surveys/culture-pulse.toml) answered from a QR code
shown in a team meeting, read back for the whole team through the figures engine (service/figures/pulse.py)."""
