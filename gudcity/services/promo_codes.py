"""Promo codes: a business's code for a fixed bonus or a reward, entered by a customer on
/cards or scanned at the counter.

A code belongs to one program and grants its points (or stamps), or one of its rewards,
once per customer
(a unique `promo_code_uses` row per code and customer), up to its usage limit (one
conditional `UPDATE ... SET uses = uses + 1 WHERE uses < usage_limit`: of customers
racing for the last use, exactly one gets it; the others are told it is used up), and
until it expires or is withdrawn. The bonus is a CODE_BONUS ledger row keyed
`code:<code id>:<customer id>`; a reward is a WAITING reward code behind a REDEEM row
of 0 with that key (services/promo_code_rewards.py), which refunds nothing when it is
cancelled or expires.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from gudcity.domain.errors import ConflictError, ExpiredError, NotFoundError, ValidationError
from gudcity.domain.labels import amount_message
from gudcity.domain.promotions import (
    end_of_local_day,
    is_promo_code,
    local_time,
    new_promo_code,
    normalize_promo_code,
)
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    ProgramKind,
    PromoCode,
    PromoCodeUse,
    TransactionKind,
    User,
    utc_now,
)
from gudcity.services.atomic import atomic
from gudcity.services.bonuses import grant_bonus
from gudcity.services.checks import check_program_running
from gudcity.services.inputs import check_amount, check_text, get_row, is_row_id
from gudcity.services.ledger import CardAccess, CardFacts, card_access, require_active
from gudcity.services.lookups import card_of, get_business, get_program
from gudcity.services.outbox import business_topic, publish
from gudcity.services.permissions import (
    Permission,
    require_business_permission,
    require_customer,
)
from gudcity.services.promo_code_rewards import check_code_reward, code_reward, grant_code_reward

NOT_FOUND = N_("No promo code like this: check the letters and digits.")
EXPIRED = N_("This promo code has expired.")
WITHDRAWN = N_("This promo code is no longer valid.")
USED_UP = N_("This promo code has been used up.")
ALREADY_USED = N_("You have already used this promo code.")
CUSTOMER_ALREADY_USED = N_("This customer has already used this promo code.")
CODE_REASON = N_("Promo code {code}")
APPLIED = N_("Promo code applied: {amount} on your {program} card.")
REWARD_APPLIED = N_(
    "Promo code applied: {reward} is yours. Show code {reward_code} at the counter."
)
APPLIED_AT_COUNTER = N_("Promo code {code}: +{amount} on the customer's card.")
REWARD_AT_COUNTER = N_(
    "Promo code {code}: {reward} for the customer, to hand over with reward code {reward_code}."
)
MAX_USAGE_LIMIT = 1_000_000
# A new code that repeats one that any business has is drawn again.
CODE_DRAWS = 5


@dataclass(frozen=True)
class CodeUse:
    """What a code came to on a card: its bonus, or its reward's waiting code."""

    code: str
    points: int
    program_kind: ProgramKind
    program_name: str
    business_name: str
    customer_id: int
    reward_name: str = ""
    reward_code: str = ""

    def told(self, *, at_counter: bool = False) -> Message:
        """What the customer (or the counter) is told the code came to."""
        args = {"code": self.code, "program": self.program_name}
        if self.reward_code:
            words = REWARD_AT_COUNTER if at_counter else REWARD_APPLIED
            return Message(
                words, {**args, "reward": self.reward_name, "reward_code": self.reward_code}
            )
        words = APPLIED_AT_COUNTER if at_counter else APPLIED
        return Message(words, {**args, "amount": amount_message(self.program_kind, self.points)})


def _grant(
    session: Session, program: LoyaltyProgram, points: int | None, reward_id: int | None
) -> dict:
    """What a new code grants, as its `points` and `reward_id`: a bonus or a reward."""
    if points is not None and reward_id is not None:
        raise ValidationError("A promo code gives a bonus or a reward, not both.")
    if reward_id is not None:
        return {"points": 0, "reward_id": check_code_reward(session, program, reward_id)}
    if points is None:
        raise ValidationError("Choose what the promo code gives: a bonus or a reward.")
    return {"points": check_amount(points, N_("Bonus")), "reward_id": None}


def _check_limit(limit: int | None) -> int | None:
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_USAGE_LIMIT:
        raise ValidationError(
            "The usage limit must be a whole number from 1 to {limit}.", limit=MAX_USAGE_LIMIT
        )
    return limit


def _check_expiry(expires_on: date | str | None, time_zone: str) -> datetime | None:
    """The end of the last day the code works (local), as a UTC moment."""
    if expires_on is None or expires_on == "":
        return None
    day = expires_on
    if isinstance(expires_on, str):
        try:
            day = date.fromisoformat(expires_on)
        except ValueError:
            day = None
    if not isinstance(day, date):
        raise ValidationError("{what} must be a date.", what=Message(N_("Valid until")))
    if day < local_time(utc_now(), time_zone).date():
        raise ValidationError("The last day a code works cannot be in the past.")
    return end_of_local_day(day, time_zone)


_CODES = PromoCode.__table__
_USES = PromoCodeUse.__table__
_INSERT_CODE = {
    name: dialect_insert(_CODES)
    .on_conflict_do_nothing(index_elements=["business_id", "code"])
    .returning(_CODES.c.id)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_INSERT_USE = {
    name: dialect_insert(_USES)
    .on_conflict_do_nothing(index_elements=["code_id", "customer_id"])
    .returning(_USES.c.id)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


@atomic
def create_promo_code(
    session: Session,
    actor: User,
    program_id: int,
    *,
    points: int | None = None,
    reward_id: int | None = None,
    usage_limit: int | None = None,
    expires_on: date | str | None = None,
) -> PromoCode:
    """A new code of the program granting `points` or the reward `reward_id` (one of
    them), drawn from the unambiguous alphabet."""
    program = get_program(session, program_id)
    require_business_permission(session, actor, program.business_id, Permission.MANAGE_PROGRAMS)
    check_program_running(program)
    values = {
        "business_id": program.business_id,
        "program_id": program.id,
        **_grant(session, program, points, reward_id),
        "usage_limit": _check_limit(usage_limit),
        "uses": 0,
        "expires_at": _check_expiry(
            expires_on, get_business(session, program.business_id).time_zone
        ),
        "created_by": actor.id,
        "created_at": utc_now(),
    }
    for _ in range(CODE_DRAWS):
        code = new_promo_code()
        code_id = None if _code_in_use(session, code) else _insert_code(session, values, code)
        if code_id is not None:
            break
    else:
        raise ConflictError("Could not draw a new code: try again.")
    publish(session, [business_topic(program.business_id)], "promo_code.created")
    session.commit()
    return session.get(PromoCode, code_id)


def _code_in_use(session: Session, code: str) -> bool:
    """Whether any business has the code: a customer of two shops types it once."""
    return session.exec(select(PromoCode.id).where(PromoCode.code == code)).first() is not None


def _insert_code(session: Session, values: dict, code: str) -> int | None:
    """The new code's id; None if the business drew it meanwhile."""
    statement = _INSERT_CODE[_dialect(session)]
    return session.execute(statement, {**values, "code": code}).scalar_one_or_none()


@atomic
def withdraw_promo_code(session: Session, actor: User, code_id: int) -> PromoCode:
    """Refuse the code from now on; bonuses it granted stay. Twice changes nothing."""
    code = get_row(session, PromoCode, code_id)
    if code is None:
        raise NotFoundError(NOT_FOUND)
    require_business_permission(session, actor, code.business_id, Permission.MANAGE_PROGRAMS)
    if code.archived_at is None:
        code.archived_at = utc_now()
        session.add(code)
        publish(session, [business_topic(code.business_id)], "promo_code.withdrawn")
        session.commit()
    return code


def list_promo_codes(session: Session, actor: User, business_id: int) -> list[PromoCode]:
    """The business's codes, withdrawn ones too (newest first), of programs not archived."""
    require_business_permission(session, actor, business_id, Permission.MANAGE_PROGRAMS)
    statement = (
        select(PromoCode)
        .join(LoyaltyProgram, LoyaltyProgram.id == PromoCode.program_id)
        .where(PromoCode.business_id == business_id, LoyaltyProgram.archived_at.is_(None))
        .order_by(PromoCode.id.desc())
        .limit(200)
    )
    return list(session.exec(statement))


def _typed_code(typed: str) -> str:
    code = normalize_promo_code(check_text(typed, N_("Promo code")))
    if not code:
        raise ValidationError("Type the promo code.")
    if not is_promo_code(code):
        raise NotFoundError(NOT_FOUND)
    return code


def _customers_code(session: Session, customer: User, code: str) -> tuple[PromoCode, CardAccess]:
    """The code among the programs the customer is enrolled in; any other is not found."""
    statement = (
        select(PromoCode, LoyaltyCard.id)
        .join(
            LoyaltyCard,
            (LoyaltyCard.program_id == PromoCode.program_id)
            & (LoyaltyCard.customer_id == customer.id),
        )
        .where(PromoCode.code == code)
        .order_by(PromoCode.id)
    )
    for found, card_id in session.exec(statement):
        access = card_access(session, card_id, customer)
        if access.enrolled:
            return found, access
    raise NotFoundError(NOT_FOUND)


@atomic
def apply_promo_code(session: Session, actor: User, typed: str) -> CodeUse:
    """The customer's code, typed on /cards: its bonus on their card in its program."""
    customer = require_customer(actor)
    code, access = _customers_code(session, customer, _typed_code(typed))
    return _use(session, code, access, customer.id, actor, ALREADY_USED)


@atomic
def apply_promo_code_at_counter(
    session: Session, actor: User, business_id: int, customer_id: int, typed: str
) -> CodeUse:
    """A code scanned (or typed) at the counter, for the customer shown there."""
    require_business_permission(session, actor, business_id, Permission.AWARD)
    code_text = _typed_code(typed)
    code = session.exec(
        select(PromoCode).where(PromoCode.business_id == business_id, PromoCode.code == code_text)
    ).first()
    if code is None:
        raise NotFoundError(NOT_FOUND)
    card = card_of(session, customer_id, code.program_id) if is_row_id(customer_id) else None
    access = card_access(session, card.id, actor) if card is not None else None
    if access is None or not access.enrolled:
        raise ValidationError(
            "This customer is not enrolled in {program}.",
            program=get_program(session, code.program_id).name,
        )
    return _use(session, code, access, customer_id, actor, CUSTOMER_ALREADY_USED)


def _use(
    session: Session, code: PromoCode, access: CardAccess, customer_id: int, actor: User, used: str
) -> CodeUse:
    """Take one use of the code for the customer, grant its bonus or reward, commit."""
    require_active(access)
    card = access.card
    if _used_by(session, code.id, customer_id):
        raise ConflictError(used)
    reward = code_reward(session, code) if code.reward_id is not None else None
    use_id = _take_use(session, code, card.card_id, customer_id, actor.id, used)
    key = f"code:{code.id}:{customer_id}"
    if reward is None:
        transaction, reward_code = _grant_bonus(session, card, code, key, actor.id), ""
    else:
        transaction, reward_code = grant_code_reward(
            session, card, reward, code, actor_id=actor.id, idempotency_key=key
        )
    session.exec(
        update(PromoCodeUse).where(PromoCodeUse.id == use_id).values(transaction_id=transaction.id)
    )
    session.commit()
    return CodeUse(
        code.code,
        code.points,
        card.program_kind,
        card.program_name,
        card.business_name,
        customer_id,
        reward.name if reward is not None else "",
        reward_code,
    )


def _grant_bonus(
    session: Session, card: CardFacts, code: PromoCode, key: str, actor_id: int
) -> PointTransaction:
    transaction, _ = grant_bonus(
        session,
        card,
        TransactionKind.CODE_BONUS,
        code.points,
        idempotency_key=key,
        reason=Message(CODE_REASON, {"code": code.code}),
        actor_id=actor_id,
    )
    return transaction


def _take_use(
    session: Session, code: PromoCode, card_id: int, customer_id: int, actor_id: int, used: str
) -> int:
    """Count one more use (if the code is still good) and write the customer's use row.

    The conditional UPDATE locks the code's row: a concurrent use waits, then finds the
    limit reached. The use row is unique per customer: a second use of theirs that
    committed meanwhile leaves nothing to insert, and the caller's rollback undoes the count.
    """
    now = utc_now()
    taken = session.exec(
        update(PromoCode)
        .where(
            PromoCode.id == code.id,
            PromoCode.archived_at.is_(None),
            or_(PromoCode.usage_limit.is_(None), PromoCode.uses < PromoCode.usage_limit),
            or_(PromoCode.expires_at.is_(None), PromoCode.expires_at > now),
        )
        .values(uses=PromoCode.uses + 1)
    ).rowcount
    if taken != 1:
        raise _refusal(code, now)
    values = {
        "code_id": code.id,
        "customer_id": customer_id,
        "card_id": card_id,
        "used_by": actor_id,
        "created_at": now,
    }
    use_id = session.execute(_INSERT_USE[_dialect(session)], values).scalar_one_or_none()
    if use_id is None:
        raise ConflictError(used)
    return use_id


def _used_by(session: Session, code_id: int, customer_id: int) -> bool:
    statement = select(PromoCodeUse.id).where(
        PromoCodeUse.code_id == code_id, PromoCodeUse.customer_id == customer_id
    )
    return session.exec(statement).first() is not None


def _refusal(code: PromoCode, now: datetime) -> ConflictError | ExpiredError:
    """Why the code's use was refused (as read before the refused UPDATE)."""
    if code.archived_at is not None:
        return ExpiredError(WITHDRAWN)
    expires_at = code.expires_at
    if expires_at is not None and local_time(expires_at, "UTC") <= now:
        return ExpiredError(EXPIRED)
    return ConflictError(USED_UP)
