"""The data of bench/expiry.py, loaded by COPY: one business, its points program with an
expiry rule older than the history, its enrolled customers with a card each, and the
history of their ledger (awards, deductions and redemptions), each balance its sum."""

import random
import uuid
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session

from bench import open_business
from bench.activity import card_number, copy_rows
from gudcity.db import make_engine
from gudcity.domain.analytics import business_day
from gudcity.domain.expiry import Entry, Rules, RuleVersion, due_expiries, upcoming_expiries
from gudcity.models import ExpiryMode, TransactionKind, utc_now
from gudcity.services import expiry_rules, programs
from gudcity.services.expiry import warning_time

DAYS = 365
RULE_DAYS = 180
COST = 50


def _customers(session: Session, count: int, program_id: int) -> int:
    """COPY the customers and their enrollments in; the id of the first."""
    first = session.execute(text("SELECT coalesce(max(id), 0) + 1 FROM users")).scalar_one()
    now = utc_now() - timedelta(days=DAYS + 1)
    ids = range(first, first + count)
    copy_rows(
        session,
        "users",
        (
            *("id", "email", "name", "password_hash", "role", "public_id", "card_number"),
            *("must_change_password", "created_at"),
        ),
        (
            (
                *(i, f"c{i}@bench.example", f"Customer {i}", "-", "CUSTOMER", uuid.uuid4().hex),
                *(card_number(i), False, now),
            )
            for i in ids
        ),
    )
    copy_rows(
        session,
        "program_enrollments",
        ("customer_id", "program_id", "status", "created_at", "updated_at"),
        ((i, program_id, "ACTIVE", now, now) for i in ids),
    )
    session.execute(text("SELECT setval('users_id_seq', (SELECT max(id) FROM users))"))
    return first


def history(customers: int, rows: int, actor: int, reward_id: int):
    """(ledger rows oldest first, each card's [balance, lifetime points]); card n + 1 is
    customer n's."""
    rng = random.Random(16)
    cards = [[0, 0] for _ in range(customers)]
    start = utc_now() - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / rows
    ledger = []
    for n in range(rows):
        # A few come often, most rarely: customer k is drawn about 1/sqrt(k) as often.
        index = int(customers * rng.random() ** 2)
        card, moment = cards[index], start + n * step
        if card[0] >= COST and rng.random() < 0.12:
            kind, amount, reward, code = "REDEEM", -COST, reward_id, f"R{n:09d}"
        elif card[0] >= 5 and rng.random() < 0.06:
            kind, amount, reward, code = "DEDUCT", -rng.randint(1, 5), None, None
        else:
            kind, amount, reward, code = "EARN", rng.randint(5, 20), None, None
        card[0] += amount
        card[1] += max(amount, 0)
        ledger.append(
            (n + 1, index + 1, kind, amount, actor, moment, reward, f"bench:{n}", code, "")
        )
    return ledger, cards


def swept(ledger: list, cards: list, rules: Rules, time_zone: str) -> tuple[list, list]:
    """What the first sweep would write now, reckoned by the domain as it does (one
    EXPIRE row a card, the first day coming due warned of): (EXPIRE rows, notices); the
    balances follow. For a run that times the days after it (`--backlog loaded`)."""
    moment, by_card = utc_now(), defaultdict(list)
    for _id, card, kind, amount, _actor, at, *_rest in ledger:
        by_card[card].append(Entry(TransactionKind(kind), amount, at))
    rows, notices = [], []
    for card, entries in by_card.items():
        expired = sum(e.amount for e in due_expiries(entries, rules, moment))
        if expired:
            entries.append(Entry(TransactionKind.EXPIRE, -expired, moment))
            rows.append((len(ledger) + len(rows) + 1, card, "EXPIRE", -expired, None, moment))
            rows[-1] += (None, f"expire:{card}:1", None, "")
            cards[card - 1][0] -= expired
        soon = upcoming_expiries(entries, rules, moment, warning_time())
        if soon:
            day = business_day(soon[0].deadline, time_zone)
            until = [e.deadline for e in soon if business_day(e.deadline, time_zone) == day]
            notices.append((card, until[-1], moment))
    return rows, notices


def fill(url: str, customers: int, rows: int, *, backlog_loaded: bool) -> tuple[int, int]:
    """Load the shop (the first sweep's rows too, if `backlog_loaded`); (owner id,
    program id)."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        owner, business = open_business(session, "Busy Café", "owner@bench.example")
        program = programs.create_program(session, owner, business.id, name="Coffee Club")
        reward = programs.add_reward(session, owner, program.id, name="Free latte", cost=COST)
        expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", RULE_DAYS)
        rule_start = utc_now() - timedelta(days=DAYS + 1)
        session.execute(text("UPDATE expiry_rules SET starts_at = :at"), {"at": rule_start})
        first = _customers(session, customers, program.id)
        ledger, cards = history(customers, rows, owner.id, reward.id)
        notices = []
        if backlog_loaded:
            rules = Rules([RuleVersion(ExpiryMode.AFTER_EARNED, RULE_DAYS, rule_start)])
            expire_rows, notices = swept(ledger, cards, rules, business.time_zone)
            ledger += expire_rows
        created = utc_now() - timedelta(days=DAYS + 1)
        copy_rows(
            session,
            "loyalty_cards",
            (
                *("id", "customer_id", "program_id", "card_number", "balance", "lifetime_points"),
                *("last_activity_at", "created_at"),
            ),
            (
                (n + 1, first + n, program.id, f"9{n + 1:011d}", *card, created, created)
                for n, card in enumerate(cards)
            ),
        )
        copy_rows(
            session,
            "point_transactions",
            (
                *("id", "card_id", "kind", "amount", "actor_id", "created_at", "reward_id"),
                *("idempotency_key", "redemption_code", "note"),
            ),
            ledger,
        )
        copy_rows(session, "expiry_notices", ("card_id", "covered_until", "created_at"), notices)
        for table in ("loyalty_cards", "point_transactions"):
            session.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
        session.commit()
        owner_id, program_id = owner.id, program.id
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return owner_id, program_id
