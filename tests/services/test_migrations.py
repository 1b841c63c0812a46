from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import gudcity.models  # noqa: F401
from gudcity.db import MIGRATION_ONLY_INDEXES, described_by_models


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
