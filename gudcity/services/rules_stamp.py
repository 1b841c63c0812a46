"""The program's rules stamp, renewed with every change to the rules an award applies."""

import uuid

from sqlalchemy import update
from sqlmodel import Session

from gudcity.models import LoyaltyProgram


def renew_rules_stamp(session: Session, program_id: int) -> None:
    """In the change's own transaction: each worker's copy of the program's rules is
    stale from the moment the change commits (services/program_rules.py)."""
    session.exec(
        update(LoyaltyProgram)
        .where(LoyaltyProgram.id == program_id)
        .values(rules_stamp=uuid.uuid4().hex)
    )
