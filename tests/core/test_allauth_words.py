"""Issue 20, item 18: allauth's Swedish e-mails and pages in plain Swedish, naming the site
Kulturportalen: no "Verifierings-mail", "Vänligen" or "mail", one word for two-step login."""

import re

import pytest
from django.utils import translation

from kulturportal.adapters import AccountAdapter

pytestmark = pytest.mark.django_db

ALLAUTH_EMAILS = [
    "account/email/email_confirmation_signup",
    "account/email/email_confirmation",
    "account/email/password_reset_key",
    "account/email/login_code",
    "account/email/unknown_account",
    "account/email/account_already_exists",
]
NOT_PLAIN_SWEDISH = re.compile(
    r"(?<![-\w])[Mm]ail(?:et|en)?\b|Vänligen|[Vv]erifierings-mail|\b[Ee]post|[Tt]våfaktor"
)


@pytest.mark.parametrize("template", ALLAUTH_EMAILS)
def test_allauth_emails_in_plain_swedish_from_kulturportalen(template, rf):
    context = {
        "user": None,
        "activate_url": "https://kultur.example.se/konto/bekrafta/x/",
        "password_reset_url": "https://kultur.example.se/konto/losenord/x/",
        "code": "ABC123",
        "key": "x",
        "user_display": "Sara",
        "signup_url": "https://kultur.example.se/konto/registrera/",
    }
    with translation.override("sv"):
        subject, text, html = AccountAdapter().render_message(template, "sara@example.se", context)
    whole = f"{subject}\n{text}\n{html}"
    assert not NOT_PLAIN_SWEDISH.search(whole), NOT_PLAIN_SWEDISH.findall(whole)
    assert "127.0.0.1" not in text.splitlines()[0]
    assert "Hej från Kulturportalen!" in text


def test_two_step_login_is_one_word(client):
    from allauth.mfa.models import Authenticator  # noqa: F401 - allauth's MFA is installed

    with translation.override("sv"):
        from django.utils.translation import gettext

        assert gettext("Two-Factor Authentication") == "Tvåstegsverifiering"
