"""The web layer shared by every capability: templates, headers, errors, static files."""
