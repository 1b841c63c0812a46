"""What the growth engine's services tests share: a program's bonuses, a card's rows."""

from sqlmodel import Session, select

from gudcity.models import LoyaltyCard, PointTransaction, TransactionKind
from gudcity.services import program_bonuses

NO_BONUSES = {
    "welcome_bonus": 0,
    "birthday_bonus": 0,
    "birthday_window_days": 0,
    "referrer_bonus": 0,
    "friend_bonus": 0,
    "referral_limit": 0,
}


def offer(session: Session, owner, program, **bonuses: int) -> None:
    """Set the program's bonuses: those given, the rest 0."""
    program_bonuses.set_program_bonuses(session, owner, program.id, **(NO_BONUSES | bonuses))


def rows(session: Session, card_id: int, kind: TransactionKind) -> list[PointTransaction]:
    """The card's ledger rows of one kind, oldest first."""
    session.expire_all()
    return list(
        session.exec(
            select(PointTransaction)
            .where(PointTransaction.card_id == card_id, PointTransaction.kind == kind)
            .order_by(PointTransaction.id)
        ).all()
    )


def balance(session: Session, card_id: int) -> int:
    session.expire_all()
    return session.get(LoyaltyCard, card_id).balance
