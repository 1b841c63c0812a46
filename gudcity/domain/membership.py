"""Where a customer stands in a program, as the counter sees it."""

from enum import StrEnum


class Membership(StrEnum):
    ENROLLED = "ENROLLED"
    INVITED = "INVITED"
    NOT_ENROLLED = "NOT_ENROLLED"


MEMBERSHIP_LABELS = {
    Membership.ENROLLED: "Enrolled",
    Membership.INVITED: "Invitation sent",
    Membership.NOT_ENROLLED: "Not enrolled",
}
