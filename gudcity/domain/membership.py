"""Where a customer stands in a program, as the counter sees it."""

from enum import StrEnum

from gudcity.i18n.catalogue import N_


class Membership(StrEnum):
    ENROLLED = "ENROLLED"
    INVITED = "INVITED"
    NOT_ENROLLED = "NOT_ENROLLED"


# msgids: shown through the reader's translator.
MEMBERSHIP_LABELS = {
    Membership.ENROLLED: N_("Enrolled"),
    Membership.INVITED: N_("Invitation sent"),
    Membership.NOT_ENROLLED: N_("Not enrolled"),
}
