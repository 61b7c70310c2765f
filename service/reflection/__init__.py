"""A practitioner's private reflection: entries with prompts, shared with one named manager only when the writer
chooses, exported as a printable CPD record."""
