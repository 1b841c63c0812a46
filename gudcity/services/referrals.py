"""Referrals: each card's link to its program, and a friend joining through one.

A card's link (`/join/<code>`, domain/referral_codes.py) is shown while its program
offers referrals. A friend who registers or logs in through it joins the program,
and the referral is recorded then: PENDING, to be paid on the friend's first visit
(services/referral_payment.py), or REFUSED with its reason: their own link, already a
member of the program (a card kept after leaving counts), or the referrer's limit
of paid referrals reached. One referral per friend and program.
"""

from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gudcity import routes
from gudcity.domain.errors import ConflictError, NotFoundError
from gudcity.domain.labels import amount_message
from gudcity.domain.referral_codes import MAX_CODE_LENGTH, card_of_code, referral_code
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    Business,
    EnrollmentStatus,
    LoyaltyCard,
    LoyaltyProgram,
    ProgramEnrollment,
    ProgramKind,
    Referral,
    ReferralStatus,
    User,
)
from gudcity.services import enrollment
from gudcity.services.atomic import atomic
from gudcity.services.checks import check_program_running
from gudcity.services.inputs import get_row
from gudcity.services.lookups import card_of, is_enrolled
from gudcity.services.outbox import business_topic, publish
from gudcity.services.permissions import require_customer
from gudcity.services.program_bonuses import offers_referrals
from gudcity.services.referral_payment import (
    ALREADY_MEMBER,
    LIMIT_REACHED,
    SELF_REFERRAL,
    limit_reached,
)
from gudcity.settings import get_settings

# What a join through a link came to (a ReferralJoin's `outcome`).
JOINED = "JOINED"


@dataclass(frozen=True)
class ReferralLink:
    """A card's link, as /cards shows it, and what it offers (`offer`)."""

    card_id: int
    url: str
    offer: Message


def offer_message(
    kind: ProgramKind, referrer_bonus: int, friend_bonus: int, used_up: bool
) -> Message:
    """What sharing the link brings, in the program's unit."""
    if used_up:
        return Message(
            N_("You have had every referral reward this program gives: friends can still join.")
        )
    mine, theirs = amount_message(kind, referrer_bonus), amount_message(kind, friend_bonus)
    if not friend_bonus:
        return Message(N_("Invite a friend: you get {mine} on their first visit."), {"mine": mine})
    if not referrer_bonus:
        return Message(
            N_("Invite a friend: they get {theirs} on their first visit."), {"theirs": theirs}
        )
    return Message(
        N_("Invite a friend: on their first visit you get {mine} and they get {theirs}."),
        {"mine": mine, "theirs": theirs},
    )


@dataclass(frozen=True)
class JoinOffer:
    """What /join/<code> shows the visitor: the program a friend invites them to."""

    program_id: int
    program_name: str
    program_kind: ProgramKind
    business_name: str
    friend_bonus: int
    welcome_bonus: int


@dataclass(frozen=True)
class ReferralJoin:
    outcome: str
    program_name: str
    card: LoyaltyCard | None


def _keys() -> list[str]:
    settings = get_settings()
    return [settings.secret_key, *settings.previous_secret_keys]


def referral_url(card_id: int) -> str:
    code = referral_code(card_id, get_settings().secret_key)
    return f"{get_settings().public_url}{routes.join_page(code)}"


def join_page_of(code: str) -> str | None:
    """The page of a link whose code is no longer than any code is (None otherwise),
    to send a visitor to: the code is quoted, so the path stays a path."""
    if not isinstance(code, str) or not 0 < len(code) <= MAX_CODE_LENGTH:
        return None
    return routes.join_page(quote(code, safe=""))


def referral_links(session: Session, actor: User) -> dict[int, ReferralLink]:
    """The links of the customer's cards whose running program offers referrals."""
    customer = require_customer(actor)
    rows = session.exec(
        select(LoyaltyCard.id, LoyaltyProgram)
        .join(LoyaltyProgram, LoyaltyProgram.id == LoyaltyCard.program_id)
        .join(
            ProgramEnrollment,
            (ProgramEnrollment.customer_id == LoyaltyCard.customer_id)
            & (ProgramEnrollment.program_id == LoyaltyCard.program_id),
        )
        .where(
            LoyaltyCard.customer_id == customer.id,
            ProgramEnrollment.status == EnrollmentStatus.ACTIVE,
            LoyaltyProgram.is_active,
            LoyaltyProgram.archived_at.is_(None),
            (LoyaltyProgram.referrer_bonus > 0) | (LoyaltyProgram.friend_bonus > 0),
        )
    ).all()
    paid = dict(
        session.exec(
            select(Referral.referrer_card_id, func.count())
            .where(Referral.referrer_id == customer.id, Referral.status == ReferralStatus.PAID)
            .group_by(Referral.referrer_card_id)
        ).all()
    )
    return {
        card_id: ReferralLink(
            card_id=card_id,
            url=referral_url(card_id),
            offer=offer_message(
                program.kind,
                program.referrer_bonus,
                program.friend_bonus,
                0 < program.referral_limit <= paid.get(card_id, 0),
            ),
        )
        for card_id, program in rows
    }


def _referrer_card(session: Session, code: str) -> tuple[LoyaltyCard, LoyaltyProgram]:
    """The card a link was made for and its program, while the link works."""
    card = get_row(session, LoyaltyCard, card_of_code(code, _keys()))
    program = card and session.get(LoyaltyProgram, card.program_id)
    if (
        program is None
        or not offers_referrals(program)
        or not is_enrolled(session, card.customer_id, program.id)
    ):
        raise NotFoundError("This referral link does not work (any more).")
    check_program_running(program)
    return card, program


def join_offer(session: Session, code: str) -> JoinOffer:
    """What a referral link offers, for anyone who opens it (logged in or not)."""
    _card, program = _referrer_card(session, code)
    return JoinOffer(
        program_id=program.id,
        program_name=program.name,
        program_kind=program.kind,
        business_name=session.get(Business, program.business_id).name,
        friend_bonus=program.friend_bonus,
        welcome_bonus=program.welcome_bonus,
    )


def join_offer_words(offer: JoinOffer) -> list[Message]:
    """What joining through the link brings the friend, in the program's unit."""
    words = []
    if offer.welcome_bonus:
        amount = amount_message(offer.program_kind, offer.welcome_bonus)
        words.append(Message(N_("Joining gives you {amount} at once."), {"amount": amount}))
    if offer.friend_bonus:
        amount = amount_message(offer.program_kind, offer.friend_bonus)
        words.append(Message(N_("Your first visit earns you {amount}."), {"amount": amount}))
    return words


def _refusal(session: Session, customer: User, referrer: LoyaltyCard, program) -> str | None:
    if customer.id == referrer.customer_id:
        return SELF_REFERRAL
    if card_of(session, customer.id, program.id) is not None:
        return ALREADY_MEMBER
    if limit_reached(session, program, referrer.id):
        return LIMIT_REACHED
    return None


def _record(session: Session, customer: User, referrer: LoyaltyCard, reason: str | None) -> None:
    """The friend's referral in the program, unless they have one (the first one stays)."""
    exists = select(Referral.id).where(
        Referral.friend_id == customer.id, Referral.program_id == referrer.program_id
    )
    if session.exec(exists).first() is not None:
        return
    session.add(
        Referral(
            program_id=referrer.program_id,
            referrer_card_id=referrer.id,
            referrer_id=referrer.customer_id,
            friend_id=customer.id,
            status=ReferralStatus.PENDING if reason is None else ReferralStatus.REFUSED,
            refused_reason=reason,
        )
    )
    try:
        session.flush()
    except IntegrityError:  # the same friend joining from another tab at this moment
        session.rollback()
        raise ConflictError("You are already enrolled in this program.") from None


@atomic
def join_through_referral(session: Session, actor: User, code: str) -> ReferralJoin:
    """The customer joins the link's program, the referral recorded with it.

    One transaction: `enrollment.join_program` commits the referral with the new
    card (and rolls both back if it refuses). Someone already enrolled, or following
    their own link, only has the refusal recorded.
    """
    customer = require_customer(actor)
    referrer, program = _referrer_card(session, code)
    reason = _refusal(session, customer, referrer, program)
    _record(session, customer, referrer, reason)
    if reason == SELF_REFERRAL or is_enrolled(session, customer.id, program.id):
        # Nobody joins, but the business's referrals list has a new row to show (a
        # join publishes in join_program; a payment with its award, services/ledger.py).
        publish(session, [business_topic(program.business_id)], "referral.refused")
        session.commit()
        return ReferralJoin(reason or ALREADY_MEMBER, program.name, None)
    answer = enrollment.join_program(session, customer, program.id)
    return ReferralJoin(reason or JOINED, program.name, answer.card)
