"""Staff accounts, roles, sign-in, sessions and CSRF."""
