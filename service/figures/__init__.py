"""One figures engine: every number staff can see or download comes from here."""
