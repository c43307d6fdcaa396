"""One layout for every e-mail: the sender's identity in each footer, checked in every e-mail
`manage.py render_emails` renders, in both languages; and no e-mail without a sample."""

import copy
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from kulturportal import email_samples
from kulturportal.adapters import AccountAdapter
from kulturportal.models import OutgoingEmail

pytestmark = pytest.mark.django_db

LANGUAGES = ("sv", "en")
SENDER = "Region Skåne, Kultur & bildning"
CONTACT = "fragor.kultur@example.se"
BASE_DIR = Path(django_settings.BASE_DIR)
ALLAUTH_SENT = {"email_confirmation_signup", "password_reset_key", "login_code"}


def _portal_emails() -> set[str]:
    """Every e-mail on disk, by name: the core's templates/emails/<name> and each app's
    <app>/templates/<app>/emails/<name>."""
    found = set()
    for root in [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]:
        for path in root.glob("**/emails/*_subject.txt"):
            found.add(path.relative_to(root).as_posix().removesuffix("_subject.txt"))
    return found


@pytest.fixture
def sender(settings):
    settings.EMAIL_SENDER_NAME = SENDER
    settings.EMAIL_CONTACT_ADDRESS = CONTACT


@pytest.fixture
def rendered(sender, tmp_path):
    out = StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("render_emails", out=tmp_path, stdout=out)
    return tmp_path, out.getvalue(), queries


def _files(root: Path, language: str, pattern: str) -> list[Path]:
    return sorted((root / language).rglob(pattern))


def test_covers_every_email_in_both_languages(rendered):
    root, output, _queries = rendered
    portal = _portal_emails()
    assert portal, "no emails/*_subject.txt found"
    for language in LANGUAGES:
        subjects = {
            str(path.relative_to(root / language)).removesuffix(".subject.txt")
            for path in _files(root, language, "*.subject.txt")
        }
        assert portal <= subjects
        assert {f"account/{name}" for name in ALLAUTH_SENT} <= subjects
        for name in portal:
            for suffix in (".txt", ".html"):
                assert (root / language / f"{name}{suffix}").read_text().strip()
        for subject in _files(root, language, "*.subject.txt"):
            text = subject.read_text()
            assert text.strip() and "\n" not in text.strip(), subject
    written = [path for path in root.rglob("*") if path.is_file()]
    count = len(email_samples.samples())
    assert f"{count} e-mails × 2 languages = {len(written)} files" in output
    assert output.count("\n") >= len(written)


def test_every_email_names_its_sender_in_text_and_html(rendered):
    root, _output, _queries = rendered
    for language in LANGUAGES:
        texts = [p for p in _files(root, language, "*.txt") if not p.name.endswith(".subject.txt")]
        htmls = _files(root, language, "*.html")
        assert len(texts) == len(email_samples.samples())
        assert len(htmls) == len(_portal_emails())
        for path in texts:
            body = path.read_text()
            assert SENDER in body, path
            assert CONTACT in body, path
            assert "&amp;" not in body, path
        for path in htmls:
            body = path.read_text()
            assert escape(SENDER) in body, path
            assert f'href="mailto:{CONTACT}"' in body, path


def test_footer_is_in_the_recipients_language(rendered):
    root, _output, _queries = rendered
    for name in (
        "forums/emails/meeting_invitation.txt",
        "emails/role_invitation.html",
        "account/login_code.txt",
    ):
        assert "Skickat av" in (root / "sv" / name).read_text()
        english = (root / "en" / name).read_text()
        assert "Sent by" in english and "Skickat av" not in english


def test_html_emails_are_complete_documents_in_their_language(rendered):
    root, _output, _queries = rendered
    for language in LANGUAGES:
        for path in _files(root, language, "*.html"):
            html = path.read_text().strip()
            assert html.startswith("<!DOCTYPE html>"), path
            assert f'<html lang="{language}">' in html, path
            assert re.search(r"<title>[^<\s][^<]*</title>", html), path
            assert html.endswith("</html>"), path
            assert html.count("<body") == 1 and html.count("</body>") == 1, path
            assert "{%" not in html and "{{" not in html, path


def test_rendering_writes_nothing_to_the_database(rendered):
    _root, _output, queries = rendered
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert not OutgoingEmail.objects.exists()


def test_an_email_template_without_a_sample_fails(settings, tmp_path):
    extra = tmp_path / "templates"
    (extra / "emails").mkdir(parents=True)
    (extra / "emails" / "forgotten_subject.txt").write_text("Glömd")
    templates = copy.deepcopy(settings.TEMPLATES)
    for engine in templates:
        engine["DIRS"] = [extra, *engine["DIRS"]]
    settings.TEMPLATES = templates
    with pytest.raises(CommandError, match=r"emails/forgotten_subject\.txt"):
        call_command("render_emails", out=tmp_path / "out", stdout=StringIO())
    assert not (tmp_path / "out").exists()


def test_an_unregistered_sample_fails(monkeypatch, tmp_path):
    registry = dict(email_samples._registry)
    del registry["forums/emails/minutes_review"]
    monkeypatch.setattr(email_samples, "_registry", registry)
    with pytest.raises(CommandError, match=r"forums/emails/minutes_review_subject\.txt"):
        call_command("render_emails", out=tmp_path, stdout=StringIO())


def test_registering_a_name_twice_is_refused():
    with pytest.raises(ValueError, match="role_invitation"):
        email_samples.register("emails/role_invitation", dict)


def test_allauth_emails_sent_through_the_outbox_carry_the_footer(sender):
    AccountAdapter().send_mail("account/email/login_code", "karin@example.se", {"code": "Q7K2ZM"})
    email = OutgoingEmail.objects.get(to="karin@example.se")
    assert "Q7K2ZM" in email.body_text
    assert SENDER in email.body_text and CONTACT in email.body_text
