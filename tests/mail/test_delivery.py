"""The outbox worker against a real SMTP server (aiosmtpd): delivered once, down loses nothing."""

import asyncio
import logging
import smtplib
import threading
from datetime import timedelta

import pytest
from sqlmodel import Session, select, update

from gudcity.domain.stored_messages import as_written
from gudcity.i18n.catalogue import translator
from gudcity.mail import outbox, worker
from gudcity.mail.smtp import sender_for
from gudcity.mail.worker import deliver_due
from gudcity.models import OutboxMail, utc_now
from gudcity.services.mail import compose, link, queue_mail
from gudcity.settings import Settings, get_settings
from tests.support.smtp import SmtpServer, html_of, text_of

ENGLISH = translator("en")


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


def smtp_sender(server: SmtpServer):
    return sender_for(Settings(smtp_url=server.url, mail_from="GudCity <mail@gudcity.example>"))


def queue(session: Session, to: str, n: int = 1) -> None:
    for i in range(n):
        text, html = compose(
            ENGLISH,
            [as_written(f"Mail {i} <b>bold</b>")],
            (as_written("Open it"), link("/cards", token=f"t{i}")),
        )
        queue_mail(session, to, f"Hello {i}", text, html)
    session.commit()


def rows(session: Session) -> list[OutboxMail]:
    session.rollback()
    session.expire_all()  # the workers wrote through sessions of their own
    found = list(session.exec(select(OutboxMail).order_by(OutboxMail.id)))
    session.commit()  # SQLite: let the workers write
    return found


def make_due(session: Session) -> None:
    """As if the backoff (or a dead worker's send timeout) had passed."""
    session.exec(update(OutboxMail).values(next_attempt_at=utc_now() - timedelta(seconds=1)))
    session.commit()


def test_a_queued_mail_is_delivered_as_text_and_html(session, engine, smtp):
    smtp.start()
    queue(session, "ann@example.com")

    assert deliver_due(smtp_sender(smtp), engine) == 1
    [message] = smtp.wait_for("ann@example.com")
    assert message["From"] == "GudCity <mail@gudcity.example>"
    assert message["Subject"] == "Hello 0"
    public = get_settings().public_url
    assert f"{public}/cards?token=t0" in text_of(message)
    assert "&lt;b&gt;bold&lt;/b&gt;" in html_of(message)
    assert f'href="{public}/cards?token=t0"' in html_of(message)
    [row] = rows(session)
    assert row.sent_at is not None and row.claim is None and row.attempts == 1


def test_a_sent_mail_is_not_sent_again(session, engine, smtp):
    smtp.start()
    queue(session, "ann@example.com")
    deliver_due(smtp_sender(smtp), engine)
    make_due(session)

    assert deliver_due(smtp_sender(smtp), engine) == 0
    assert len(smtp.to("ann@example.com")) == 1


def test_a_rolled_back_change_queues_no_mail(session):
    text, html = compose(ENGLISH, [as_written("Never sent")])
    queue_mail(session, "ann@example.com", "Never", text, html)
    session.rollback()

    assert rows(session) == []


def test_a_server_down_then_up_delivers_every_mail_exactly_once(session, engine, smtp):
    queue(session, "ann@example.com", n=3)
    send = smtp_sender(smtp)

    assert deliver_due(send, engine) == 3  # claimed, and each send failed
    failed = rows(session)
    assert all(r.sent_at is None and r.failed_at is None and r.last_error for r in failed)
    assert all(r.next_attempt_at > utc_now() + timedelta(seconds=20) for r in failed)
    assert deliver_due(send, engine) == 0  # backing off
    smtp.start()
    make_due(session)

    assert deliver_due(send, engine) == 3
    assert sorted(m["Subject"] for m in smtp.wait_for("ann@example.com", 3)) == [
        "Hello 0",
        "Hello 1",
        "Hello 2",
    ]
    make_due(session)
    deliver_due(send, engine)
    assert len(smtp.to("ann@example.com")) == 3
    assert [(r.sent_at is not None, r.attempts) for r in rows(session)] == [(True, 2)] * 3


def test_a_worker_that_died_mid_send_leaves_the_mail_to_the_next(session, engine, smtp):
    smtp.start()
    queue(session, "ann@example.com")
    with Session(engine, expire_on_commit=False) as dying:
        [claimed] = outbox.claim_due(dying)  # ...and the worker never reports back

    assert deliver_due(smtp_sender(smtp), engine) == 0  # still within its send timeout
    make_due(session)  # the timeout passed: a restarted worker sends it
    assert deliver_due(smtp_sender(smtp), engine) == 1
    assert len(smtp.wait_for("ann@example.com")) == 1
    with Session(engine) as late:
        outbox.record_failure(late, claimed, "too late", permanent=True)
    [row] = rows(session)
    assert row.sent_at is not None and row.failed_at is None  # the late report changed nothing


def test_the_backoff_doubles_up_to_its_cap(monkeypatch):
    settings = get_settings()
    monkeypatch.setattr(settings, "mail_retry_seconds", 30)
    monkeypatch.setattr(settings, "mail_retry_max_seconds", 3600)

    delays = [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 100)]
    assert delays == [30, 60, 120, 3600, 3600]


def test_a_mail_is_given_up_after_the_last_attempt(session, engine, smtp, monkeypatch):
    monkeypatch.setattr(get_settings(), "mail_max_attempts", 2)
    queue(session, "ann@example.com")
    send = smtp_sender(smtp)
    deliver_due(send, engine)
    make_due(session)
    deliver_due(send, engine)
    smtp.start()
    make_due(session)

    assert deliver_due(send, engine) == 0
    [row] = rows(session)
    assert row.failed_at is not None and row.attempts == 2
    assert smtp.to("ann@example.com") == []


def test_a_refused_recipient_is_given_up_at_once(session, engine, smtp):
    smtp.start()
    queue(session, "ann@example.com")

    def refuse(_mail):
        raise smtplib.SMTPRecipientsRefused({"ann@example.com": (550, b"No such user")})

    deliver_due(refuse, engine)
    [row] = rows(session)
    assert row.failed_at is not None and row.attempts == 1


def test_without_smtp_url_each_mail_goes_to_the_log_with_its_link(session, engine, caplog):
    queue(session, "ann@example.com")
    send = sender_for(Settings(smtp_url=None))

    with caplog.at_level(logging.INFO, logger="gudcity.mail.smtp"):
        assert deliver_due(send, engine) == 1
    assert "ann@example.com" in caplog.text
    assert f"{get_settings().public_url}/cards?token=t0" in caplog.text
    assert rows(session)[0].sent_at is not None


def test_two_workers_at_once_send_each_mail_once(session, engine, smtp):
    if engine.dialect.name != "postgresql":
        pytest.skip("several workers deliver on PostgreSQL; SQLite runs one")
    smtp.start()
    queue(session, "ann@example.com", n=60)
    send = smtp_sender(smtp)
    barrier = threading.Barrier(3)

    def worker():
        barrier.wait()
        while deliver_due(send, engine):
            pass

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    received = smtp.wait_for("ann@example.com", 60)
    assert len(received) == 60
    assert len({m["Message-ID"] for m in received}) == 60
    assert all(r.attempts == 1 and r.sent_at is not None for r in rows(session))


def test_mails_sent_or_given_up_long_ago_are_deleted_and_the_others_kept(session):
    queue(session, "ann@example.com", n=4)
    long_ago = utc_now() - timedelta(days=get_settings().mail_keep_days + 1)
    first, second, third, waiting = rows(session)
    session.exec(update(OutboxMail).where(OutboxMail.id == first.id).values(sent_at=long_ago))
    session.exec(update(OutboxMail).where(OutboxMail.id == second.id).values(failed_at=long_ago))
    session.exec(update(OutboxMail).where(OutboxMail.id == third.id).values(sent_at=utc_now()))
    session.commit()

    outbox.prune(session)
    assert [r.id for r in rows(session)] == [third.id, waiting.id]


def test_the_lifespan_task_delivers_and_survives_a_failure(session, engine, smtp, monkeypatch):
    monkeypatch.setattr("gudcity.db.get_engine", lambda: engine)
    monkeypatch.setattr(get_settings(), "smtp_url", smtp.url)
    monkeypatch.setattr(get_settings(), "mail_poll_seconds", 0.01)
    smtp.start()
    rounds = []
    real = worker.deliver_due

    def deliver(send):
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("the database is restarting")
        return real(send)

    monkeypatch.setattr(worker, "deliver_due", deliver)
    queue(session, "ann@example.com")

    async def scenario():
        task = asyncio.create_task(worker.deliver_mails())
        while not smtp.to("ann@example.com"):
            await asyncio.sleep(0.01)
        task.cancel()
        await task

    asyncio.run(asyncio.wait_for(scenario(), 10))
    assert len(rounds) >= 2 and len(smtp.to("ann@example.com")) == 1
