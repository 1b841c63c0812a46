import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

import gudcity.models  # noqa: F401
from alembic import command
from gudcity.db import MIGRATION_ONLY_INDEXES, described_by_models, make_engine, migrate
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import TransactionKind
from gudcity.services import awards, programs, promo_codes
from gudcity.services.bonuses import grant_bonus
from gudcity.services.ledger import card_access
from gudcity.settings import PROJECT_ROOT
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.make import Make


def test_the_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": described_by_models}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_the_migrations_create_the_views(engine):
    views = set(inspect(engine).get_view_names())
    assert {"customer_business_view", "customer_loyalty_cards"} <= views


def test_the_migration_only_indexes_exist_on_postgresql(engine):
    if engine.dialect.name != "postgresql":
        return  # trigram indexes are PostgreSQL's; SQLite searches without them
    inspector = inspect(engine)
    names = {
        index["name"]
        for table in ("users", "loyalty_cards")
        for index in inspector.get_indexes(table)
    }
    assert names >= MIGRATION_ONLY_INDEXES


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request, tmp_path):
    """A database of its own: this test moves the schema back and forth."""
    if request.param == "sqlite":
        engine, name = make_engine(f"sqlite:///{tmp_path / 'moves.db'}"), None
    else:
        url, name = create_postgres_database("gudcity_moves")
        engine = make_engine(url)
    yield engine
    engine.dispose()
    if name:
        drop_postgres_database(name)


def test_the_dashboard_migration_downgrades_and_upgrades_again(fresh_engine):
    migrate(fresh_engine)
    config = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    with fresh_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    inspector = inspect(fresh_engine)
    assert "daily_stats" not in inspector.get_table_names()
    assert "time_zone" not in {column["name"] for column in inspector.get_columns("businesses")}

    migrate(fresh_engine)

    assert "visit_days" in inspect(fresh_engine).get_table_names()


def test_the_slots_downgrade_sums_each_keys_slots_into_one_row(fresh_engine):
    migrate(fresh_engine)
    with Session(fresh_engine, expire_on_commit=False) as session:
        make = Make(session)
        owner, business = make.business()
        program = make.program(owner, business)
        for balance in (3, 4):  # two cards in a row: two slots
            make.card(make.customer(), program, balance=balance)
    spread = "SELECT staff_id, points_issued, awards, enrollments FROM daily_stats"
    with fresh_engine.connect() as connection:
        assert len(connection.execute(text(spread)).all()) == 4
    config = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    with fresh_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0014")

    with fresh_engine.connect() as connection:
        rows = sorted(connection.execute(text(spread)).all())
    assert rows == [(0, 0, 0, 2), (owner.id, 7, 2, 0)]
    migrate(fresh_engine)
    assert "slot" in {column["name"] for column in inspect(fresh_engine).get_columns("daily_stats")}


def test_the_tiers_migration_gives_existing_programs_the_ladder_they_had(fresh_engine):
    migrate(fresh_engine)
    with Session(fresh_engine, expire_on_commit=False) as session:
        make = Make(session)
        owner, business = make.business()
        program = make.program(owner, business)
        gold = make.card(make.customer(), program, balance=5)
        plain = make.card(make.customer(), program, balance=5)
    config = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    with fresh_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0016")
        connection.execute(text(f"UPDATE loyalty_cards SET tier = 'GOLD' WHERE id = {gold.id}"))

    migrate(fresh_engine)

    with fresh_engine.connect() as connection:
        ladder = connection.execute(
            text(
                "SELECT name, threshold, multiplier_percent FROM program_tiers "
                f"WHERE program_id = {program.id} ORDER BY position"
            )
        ).all()
        levels = connection.execute(
            text(f"SELECT id, tier_level FROM loyalty_cards WHERE program_id = {program.id}")
        ).all()
        tiers = connection.execute(
            text(
                f"SELECT card_id, tier FROM customer_loyalty_cards WHERE program_id = {program.id}"
            )
        ).all()
    assert [tuple(row) for row in ladder] == [
        ("Bronze", 0, 100),
        ("Silver", 500, 100),
        ("Gold", 2000, 100),
    ]
    assert dict(levels) == {gold.id: 2, plain.id: 0}
    assert dict(tiers) == {gold.id: "Gold", plain.id: "Bronze"}


def test_cards_get_their_earned_points_from_the_ledger(fresh_engine):
    """0021 counts each card's base EARN rows from the ledger (no bonus)."""
    migrate(fresh_engine)
    with Session(fresh_engine, expire_on_commit=False) as session:
        make = Make(session)
        owner, business = make.business()
        program = make.program(owner, business)
        regular = make.card(make.customer(), program, balance=7)
        awards.award_points(session, owner, regular.id, 5, make.key())
        facts = card_access(session, regular.id, None).card
        welcome = Message(N_("Welcome to {business}"), {"business": business.name})
        grant_bonus(
            session, facts, TransactionKind.WELCOME_BONUS, 3, idempotency_key="w", reason=welcome
        )
        session.commit()
        newcomer = make.card(make.customer(), program)
    config = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    with fresh_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0020")

    migrate(fresh_engine)

    with fresh_engine.connect() as connection:
        earned = connection.execute(
            text(f"SELECT id, earned_points FROM loyalty_cards WHERE program_id = {program.id}")
        ).all()
    assert dict(earned) == {regular.id: 12, newcomer.id: 0}


def test_promo_codes_with_their_uses_go_back_before_rewards_and_forward_again(fresh_engine):
    """0023 rebuilds promo_codes on SQLite, which promo_code_uses refer to: the uses stay;
    going back drops the reward codes (and their uses) the old constraint cannot hold."""
    migrate(fresh_engine)
    with Session(fresh_engine, expire_on_commit=False) as session:
        make = Make(session)
        owner, business = make.business()
        program = make.program(owner, business)
        customer = make.customer()
        make.card(customer, program)
        latte = programs.add_reward(session, owner, program.id, name="Free latte", cost=40)
        bonus = promo_codes.create_promo_code(session, owner, program.id, points=5)
        gift = promo_codes.create_promo_code(session, owner, program.id, reward_id=latte.id)
        for code in (bonus, gift):
            promo_codes.apply_promo_code(session, customer, code.code)
    config = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    with fresh_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0022")
    uses = (
        "SELECT c.points, u.customer_id FROM promo_code_uses u "
        "JOIN promo_codes c ON c.id = u.code_id"
    )
    with fresh_engine.connect() as connection:
        assert [tuple(row) for row in connection.execute(text(uses))] == [(5, customer.id)]

    migrate(fresh_engine)

    with fresh_engine.connect() as connection:
        assert [tuple(row) for row in connection.execute(text(uses))] == [(5, customer.id)]
    with pytest.raises(IntegrityError), fresh_engine.begin() as connection:
        connection.execute(text(f"UPDATE promo_codes SET points = 0 WHERE id = {bonus.id}"))
