"""Mails: composed here and queued in the caller's transaction.

A mail is an `outbox_mails` row added to the session of the change it tells of,
so it exists exactly when that change commits; gudcity/mail/ delivers it later,
outside any request. Every link points at PUBLIC_URL.
"""

import html
from urllib.parse import urlencode

from sqlmodel import Session

from gudcity.models import OutboxMail
from gudcity.settings import get_settings

SIGNATURE = "The GudCity team"


def link(path: str, **query: str) -> str:
    """The absolute address of `path` in the app, at PUBLIC_URL."""
    address = f"{get_settings().public_url}{path}"
    return f"{address}?{urlencode(query)}" if query else address


def compose(paragraphs: list[str], action: tuple[str, str] | None = None) -> tuple[str, str]:
    """The plain text and the simple HTML of a mail: its paragraphs, then a link
    `action` = (words, address) if it has one."""
    text_parts, html_parts = list(paragraphs), [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    if action is not None:
        words, address = action
        text_parts.append(f"{words}:\n{address}")
        html_parts.append(
            f'<p><a href="{html.escape(address)}">{html.escape(words)}</a></p>'
            f"<p>{html.escape(address)}</p>"
        )
    text_parts.append(SIGNATURE)
    html_parts.append(f"<p>{html.escape(SIGNATURE)}</p>")
    body = "".join(html_parts)
    return "\n\n".join(text_parts) + "\n", f"<!doctype html><html><body>{body}</body></html>"


def queue_mail(session: Session, to: str, subject: str, text: str, html_body: str) -> OutboxMail:
    """Add the mail to the outbox in the caller's transaction (committed with it)."""
    mail = OutboxMail(to_address=to, subject=subject, text_body=text, html_body=html_body)
    session.add(mail)
    return mail
