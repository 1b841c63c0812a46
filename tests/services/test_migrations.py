from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import gudcity.models  # noqa: F401


def test_the_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_the_migrations_create_the_views(engine):
    views = set(inspect(engine).get_view_names())
    assert {"customer_business_view", "customer_loyalty_cards"} <= views
