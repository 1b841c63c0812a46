"""A mail is written in its recipient's language, its links still at PUBLIC_URL."""

import pytest

from gudcity.mail.smtp import sender_for
from gudcity.mail.worker import deliver_due
from gudcity.services import email_change, password_reset
from gudcity.settings import Settings, get_settings
from tests.support.make import PASSWORD
from tests.support.smtp import SmtpServer, html_of, text_of


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def _delivered(smtp: SmtpServer, engine, address: str):
    sender = sender_for(Settings(smtp_url=smtp.url, mail_from="GudCity <mail@gudcity.example>"))
    assert deliver_due(sender, engine) >= 1
    [message] = smtp.wait_for(address)
    return message


def _speaking(session, user, language: str | None):
    user.language = language
    session.add(user)
    session.commit()
    return user


def test_a_french_customer_gets_the_reset_mail_in_french(session, engine, make, smtp):
    alice = _speaking(session, make.customer("Alice"), "fr")

    password_reset.request_password_reset(session, alice.email)

    message = _delivered(smtp, engine, alice.email)
    assert message["Subject"] == "Réinitialisez votre mot de passe GudCity"
    text, html = text_of(message).replace("\r\n", "\n"), html_of(message)
    assert text.startswith("Bonjour Alice,")
    assert "pendant 60 minutes" in text and "équipe GudCity" in text
    assert f"Choisissez un nouveau mot de passe :\n{get_settings().public_url}/" in text
    assert f'href="{get_settings().public_url}/' in html
    assert '<html lang="fr" dir="ltr">' in html and "Choisissez un nouveau mot de passe" in html


def test_an_arabic_mail_reads_right_to_left_and_no_language_is_english(session, engine, make, smtp):
    amira = _speaking(session, make.customer("Amira"), "ar")
    bob = _speaking(session, make.customer("Bob"), None)

    password_reset.request_password_reset(session, amira.email)
    password_reset.request_password_reset(session, bob.email)

    arabic = _delivered(smtp, engine, amira.email)
    assert arabic["Subject"] == "أعد تعيين كلمة مرورك في GudCity"
    assert '<html lang="ar" dir="rtl">' in html_of(arabic)
    [english] = smtp.wait_for(bob.email)
    assert english["Subject"] == "Reset your GudCity password"
    assert text_of(english).startswith("Hello Bob,")


def test_both_mails_of_an_email_change_are_in_the_account_language(session, engine, make, smtp):
    alice = _speaking(session, make.customer("Alice"), "es")

    email_change.request_email_change(session, alice, "alice.new@example.com", PASSWORD)

    confirmation = _delivered(smtp, engine, "alice.new@example.com")
    assert confirmation["Subject"] == "Confirma tu nuevo correo electrónico de GudCity"
    assert "durante 24 horas" in text_of(confirmation)
    [notice] = smtp.wait_for(alice.email)
    assert notice["Subject"] == "Se está cambiando tu correo electrónico de GudCity"
