"""Mails: composed here and queued in the caller's transaction.

A mail is an `outbox_mails` row added to the session of the change it tells of,
so it exists exactly when that change commits; gudcity/mail/ delivers it later,
outside any request. Every link points at PUBLIC_URL. A mail is written in its
recipient's language (their account's; English when they chose none).
"""

import html
from urllib.parse import urlencode

from sqlmodel import Session

from gudcity.i18n.catalogue import N_, Message, Translator, translator
from gudcity.i18n.languages import DEFAULT_LANGUAGE, direction
from gudcity.models import OutboxMail, User
from gudcity.settings import get_settings

SIGNATURE = N_("The GudCity team")


def link(path: str, **query: str) -> str:
    """The absolute address of `path` in the app, at PUBLIC_URL."""
    address = f"{get_settings().public_url}{path}"
    return f"{address}?{urlencode(query)}" if query else address


def words_for(user: User) -> Translator:
    """The language mails to `user` are written in."""
    return translator(user.language or DEFAULT_LANGUAGE)


def compose(
    words: Translator, paragraphs: list[Message], action: tuple[Message, str] | None = None
) -> tuple[str, str]:
    """The plain text and the simple HTML of a mail in `words`' language: its paragraphs,
    then a link `action` = (its words, address) if it has one."""
    paragraphs = [words.message(p) for p in paragraphs]
    text_parts, html_parts = list(paragraphs), [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    if action is not None:
        words_of_link, address = action
        words_of_link = words.message(words_of_link)
        text_parts.append(words.gettext("{action}:", action=words_of_link) + f"\n{address}")
        html_parts.append(
            f'<p><a href="{html.escape(address)}">{html.escape(words_of_link)}</a></p>'
            f"<p>{html.escape(address)}</p>"
        )
    signature = words.gettext(SIGNATURE)
    text_parts.append(signature)
    html_parts.append(f"<p>{html.escape(signature)}</p>")
    body = "".join(html_parts)
    language = words.language
    page = f'<html lang="{language}" dir="{direction(language)}"><body>{body}</body></html>'
    return "\n\n".join(text_parts) + "\n", f"<!doctype html>{page}"


def queue_mail(session: Session, to: str, subject: str, text: str, html_body: str) -> OutboxMail:
    """Add the mail to the outbox in the caller's transaction (committed with it)."""
    mail = OutboxMail(to_address=to, subject=subject, text_body=text, html_body=html_body)
    session.add(mail)
    return mail
