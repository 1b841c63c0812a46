"""The Referrals section of /business/promotions in the tab's words: each program's
counts and the latest referrals (services/referral_list.py reads and words them)."""

from dataclasses import dataclass

from sqlmodel import Session

from gudcity.i18n.catalogue import Translator
from gudcity.i18n.formatting import day
from gudcity.models import ReferralStatus, User
from gudcity.services import referral_list

# The colour of a referral's state badge.
TONES = {
    ReferralStatus.PENDING: "amber",
    ReferralStatus.PAID: "green",
    ReferralStatus.REFUSED: "gray",
}


@dataclass
class ReferralCountsLine:
    program_id: int
    program_name: str
    # "Waiting for a first visit: 2 · Paid: 5 · Refused: 1".
    counts: str


@dataclass
class ReferralLine:
    referral_id: int
    # The day the friend joined, in the business's time zone.
    joined_on: str
    referrer: str
    friend: str
    program_name: str
    state: str
    tone: str


@dataclass
class ReferralsSection:
    counts: list[ReferralCountsLine]
    latest: list[ReferralLine]


def read_referrals(
    session: Session, user: User, business_id: int, tr: Translator
) -> ReferralsSection:
    seen = referral_list.list_referrals(session, user, business_id)
    return ReferralsSection(
        counts=[
            ReferralCountsLine(
                c.program_id, c.program_name, " · ".join(tr.message(m) for m in c.words())
            )
            for c in seen.counts
        ],
        latest=[
            ReferralLine(
                referral_id=e.referral_id,
                joined_on=day(e.joined_on, tr.language),
                referrer=tr.message(e.referrer),
                friend=tr.message(e.friend),
                program_name=e.program_name,
                state=tr.message(e.state),
                tone=TONES[e.status],
            )
            for e in seen.latest
        ],
    )
