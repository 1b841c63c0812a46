"""Sending one mail: the standard library's `email` and `smtplib`, blocking (run in a thread).

SMTP_URL names the server: `smtp://user:pass@host:port` (STARTTLS when the server
offers it), `smtps://` for TLS from the first byte. Without it (development) each
mail is written to the log instead, its links with it.
"""

import logging
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from gudcity.settings import Settings

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


@dataclass(frozen=True)
class Mail:
    """What a worker claimed from the outbox: enough to send it and report back."""

    id: int
    claim: str
    attempts: int
    to_address: str
    subject: str
    text_body: str
    html_body: str


Sender = Callable[[Mail], None]


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool
    user: str = ""
    password: str = ""

    @classmethod
    def from_url(cls, url: str) -> "SmtpServer":
        parts = urlsplit(url)
        return cls(
            host=parts.hostname or "",
            port=parts.port or DEFAULT_PORTS[parts.scheme],
            tls=parts.scheme == "smtps",
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
        )


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """The mail as MIME: plain text, with the HTML as its alternative."""
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = mail.to_address
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(idstring=f"outbox{mail.id}", domain=domain)
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    return message


def send_smtp(server: SmtpServer, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    if server.tls:
        client = smtplib.SMTP_SSL(
            server.host, server.port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    with client:
        client.ehlo()
        if not server.tls and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        if server.user:
            client.login(server.user, server.password)
        client.send_message(message)


def is_permanent(error: Exception) -> bool:
    """A refusal that sending again will not change (the address does not exist)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPDataError | smtplib.SMTPSenderRefused) and (
        500 <= error.smtp_code < 600
    )


def log_mail(mail: Mail) -> None:
    """Development's delivery, without SMTP_URL: the mail in the log."""
    logger.warning(
        "Mail (no SMTP_URL, so not sent) to %s: %s\n%s",
        mail.to_address,
        mail.subject,
        mail.text_body,
    )


def sender_for(settings: Settings) -> Sender:
    """How this app delivers: SMTP_URL's server, or the log."""
    if not settings.smtp_url:
        return log_mail
    server = SmtpServer.from_url(settings.smtp_url)
    return lambda mail: send_smtp(server, build_message(mail, settings.mail_from))
