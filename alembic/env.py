"""Alembic runs against `Settings.database_url`, or a connection handed to it by a test."""

from sqlmodel import SQLModel

import gudcity.models  # noqa: F401  (registers every table on SQLModel.metadata)
from alembic import context
from gudcity.db import described_by_models, make_engine
from gudcity.settings import get_settings

target_metadata = SQLModel.metadata


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=described_by_models,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = make_engine(get_settings().database_url)
    with engine.connect() as connection:
        run_migrations(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("GudCity migrations run online only: alembic upgrade head")
run_migrations_online()
