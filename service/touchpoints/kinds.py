"""Kinds of contact a touchpoint can be about. Keys are stored; labels are
translated where they are shown. Add a kind here (and to the catalogs)."""

from service.i18n import N_

CONTACT_KINDS: dict[str, str] = {
    "home_visit": N_("Home visit"),
    "child_protection_conference": N_("Child protection conference"),
    "child_in_care_review": N_("Review for a child in care"),
    "family_group_meeting": N_("Family group meeting"),
    "direct_work": N_("Time with your worker"),
    "early_help": N_("Early help meeting"),
    "other": N_("Other meeting"),
}

# Kinds of touchpoint answered by staff, not families: never offered on the families' touchpoint form, and only
# with the audience "staff" (service/culture makes them).
STAFF_KINDS: dict[str, str] = {
    "team_meeting": N_("Team meeting: the staff culture pulse"),
}
