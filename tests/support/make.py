"""`Make`: each test's own data, built through the real services."""

import itertools
import uuid

from sqlmodel import Session

from gudcity.models import Business, LoyaltyCard, LoyaltyProgram, ProgramKind, User
from gudcity.services import accounts, awards, enrollment, programs
from gudcity.services.permissions import Permission
from tests.support.databases import table_counts

PASSWORD = "correct horse battery"
# What an owner gives a new staff member, to be replaced at their first log-in.
TEMPORARY_PASSWORD = "temporary staff pass"


class Make:
    def __init__(self, session: Session, prefix: str = "") -> None:
        self.session = session
        self._numbers = itertools.count(1)
        # Keeps emails unique where the database outlives one test (browser tests).
        self.prefix = prefix

    def key(self) -> str:
        return uuid.uuid4().hex

    def customer(self, name: str | None = None) -> User:
        n = next(self._numbers)
        return accounts.register_customer(
            self.session,
            name=name or f"Customer {n}",
            email=f"{self.prefix}customer{n}@example.com",
            password=PASSWORD,
        )

    def business(self, name: str | None = None) -> tuple[User, Business]:
        n = next(self._numbers)
        return accounts.register_business(
            self.session,
            name=f"Owner {n}",
            email=f"{self.prefix}owner{n}@example.com",
            password=PASSWORD,
            business_name=name or f"Business {n}",
        )

    def staff(
        self, owner: User, business: Business, *granted: Permission, first_login: bool = False
    ) -> User:
        """A staff member; one who logged in before (and chose PASSWORD) unless `first_login`,
        who still holds the owner's TEMPORARY_PASSWORD."""
        n = next(self._numbers)
        staff = accounts.add_staff_member(
            self.session,
            owner,
            business.id,
            name=f"Staff {n}",
            email=f"{self.prefix}staff{n}@example.com",
            password=TEMPORARY_PASSWORD,
            permissions=set(granted),
        )
        if first_login:
            return staff
        return accounts.choose_first_password(self.session, staff, PASSWORD)

    def program(
        self, owner: User, business: Business, *, points_per_scan: int = 10, **options
    ) -> LoyaltyProgram:
        n = next(self._numbers)
        return programs.create_program(
            self.session,
            owner,
            business.id,
            name=options.pop("name", f"Program {n}"),
            points_per_scan=points_per_scan,
            kind=options.pop("kind", ProgramKind.POINTS),
            **options,
        )

    def card(self, customer: User, program: LoyaltyProgram, balance: int = 0) -> LoyaltyCard:
        """An enrolled customer's card holding `balance` points."""
        card = enrollment.join_program(self.session, customer, program.id).card
        if balance:
            business = self.session.get(Business, program.business_id)
            owner = self.session.get(User, business.owner_id)
            awards.award_points(self.session, owner, card.id, balance, self.key())
        self.session.refresh(card)
        return card

    def counts(self) -> dict[str, int]:
        return table_counts(self.session)
