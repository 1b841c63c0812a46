"""What every table shares: UTC times, enums stored as plain strings, named constraints."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Enum
from sqlmodel import Field, SQLModel

# Named constraints keep later migrations (and SQLite's batch mode) predictable.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC one (SQLite hands back naive UTC)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def enum_column(
    enum_class: type[StrEnum], *, default: Any = ..., index: bool = False, server_default=None
) -> Any:
    """A VARCHAR column for an enum: adding a value later needs no type migration.

    `server_default` (a member) fills the rows that exist when a migration adds the column.
    """
    return Field(
        default=default,
        sa_type=Enum(enum_class, native_enum=False, create_constraint=False, length=40),
        index=index,
        sa_column_kwargs={"server_default": server_default} if server_default else {},
    )
