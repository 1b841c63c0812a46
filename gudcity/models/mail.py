"""The mail outbox: a mail is a row written in the transaction of the change it tells of."""

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from gudcity.models.base import utc_now


class OutboxMail(SQLModel, table=True):
    """One mail to send (services/mail.py queues it; gudcity/mail/ delivers it).

    Due while `sent_at` and `failed_at` are empty and `next_attempt_at` has come. A
    worker claims a mail by moving `next_attempt_at` past its send timeout under
    `claim`, so a worker that dies mid-send leaves it due again, and another one
    never takes it meanwhile.
    """

    __tablename__ = "outbox_mails"
    __table_args__ = (Index("ix_outbox_mails_due", "sent_at", "failed_at", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    text_body: str = Field(sa_type=Text)
    html_body: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utc_now)
    next_attempt_at: datetime = Field(default_factory=utc_now)
    attempts: int = 0
    claim: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=500)
    sent_at: datetime | None = None
    failed_at: datetime | None = None
