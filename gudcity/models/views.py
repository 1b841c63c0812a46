"""The read-only views behind a customer's cards and a business's customer list."""

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table
from sqlmodel.sql.sqltypes import UTCDateTime

# Read-only views, created by a migration. They live in their own MetaData so that
# `create_all` and autogenerate never mistake them for tables.
view_metadata = MetaData()

customer_business_view = Table(
    "customer_business_view",
    view_metadata,
    Column("business_id", Integer),
    Column("program_id", Integer),
    Column("program_name", String),
    Column("customer_id", Integer),
    Column("customer_name", String),
    Column("customer_email", String),
    Column("customer_card_number", String),
    Column("card_id", Integer),
    Column("card_number", String),
    Column("balance", Integer),
    Column("lifetime_points", Integer),
    # The card's tier: its rank, and its name (None where the program has no tiers).
    Column("tier_level", Integer),
    Column("tier", String),
    Column("enrolled_at", UTCDateTime()),
    Column("last_visit_at", UTCDateTime()),
)

customer_loyalty_cards = Table(
    "customer_loyalty_cards",
    view_metadata,
    Column("card_id", Integer),
    Column("customer_id", Integer),
    Column("card_number", String),
    Column("program_id", Integer),
    Column("program_name", String),
    Column("program_kind", String),
    Column("points_per_scan", Integer),
    Column("program_active", Boolean),
    Column("business_id", Integer),
    Column("business_name", String),
    Column("balance", Integer),
    Column("lifetime_points", Integer),
    # The card's tier: its rank, and its name (None where the program has no tiers).
    Column("tier_level", Integer),
    Column("tier", String),
    Column("created_at", UTCDateTime()),
    Column("last_activity_at", UTCDateTime()),
)
