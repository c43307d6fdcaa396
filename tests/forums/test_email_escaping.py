"""Audit item 6: subjects and plain text carry & < > " ' as typed; only HTML escapes them.

Checked in the messages an SMTP server received, for every field that reaches an e-mail.
"""

from email.header import decode_header, make_header

import pytest
from django.utils.html import escape

from forums import services
from forums.models import AgendaItem
from kulturportal import services as core_services
from kulturportal.models import Role

pytestmark = pytest.mark.django_db

HOSTILE = "Kultur & hälsa <\"x\"> 'y'"
ENTITIES = ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#39;")


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _part(message, content_type: str) -> str:
    for part in message.walk():
        if part.get_content_type() == content_type:
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no {content_type} part")


def _assert_plain_and_escaped(message, *texts):
    subject, text, html = (
        _subject(message),
        _part(message, "text/plain"),
        _part(message, "text/html"),
    )
    for entity in ENTITIES:
        assert entity not in subject, subject
        assert entity not in text, text
    for raw in texts:
        assert raw in text, f"{raw!r} not in the text part"
    assert escape(texts[0]) in html, "HTML keeps escaping"
    return subject


@pytest.fixture
def hostile_meeting(annual, lund_chief):
    annual.title = HOSTILE
    annual.place = "Malmö & Lund"
    annual.description = "Fika & samtal: <b>inte fetstil</b>"
    annual.save()
    AgendaItem.objects.create(meeting=annual, title="Bild & form", presenter="O'Brien & co")
    lund_chief.first_name = "Lena & Co"
    lund_chief.save()
    return annual


def test_invitation_subject_and_text_are_not_html_escaped(smtp_server, hostile_meeting, send_now):
    send_now(services.schedule_and_invite, meeting=hostile_meeting, actor=None)
    (message,) = smtp_server.collector.to("kulturchef.lund@example.se")
    subject = _assert_plain_and_escaped(
        message,
        HOSTILE,
        "Plats: Malmö & Lund",
        "Fika & samtal: <b>inte fetstil</b>",
        "Bild & form (O'Brien & co)",
    )
    assert HOSTILE in subject


def test_update_and_cancellation_are_not_html_escaped(smtp_server, hostile_meeting, send_now):
    send_now(services.schedule_and_invite, meeting=hostile_meeting, actor=None)
    hostile_meeting.place = "Lund & Malmö"
    send_now(services.update_meeting, meeting=hostile_meeting, changed={"place"})
    send_now(services.cancel_meeting, meeting=hostile_meeting, actor=None)
    messages = smtp_server.collector.to("kulturchef.lund@example.se")
    assert len(messages) == 3
    for message in messages[1:]:
        assert HOSTILE in _assert_plain_and_escaped(message, HOSTILE)


def test_role_invitation_is_not_html_escaped(
    smtp_server, official, lund, django_capture_on_commit_callbacks
):
    official.first_name, official.last_name = "Hanna & Co", "O'Hara"
    official.save()
    with django_capture_on_commit_callbacks(execute=True):
        core_services.invite_to_role(
            actor=official, email="ny@example.se", role=Role.CULTURE_CHIEF, municipality=lund
        )
    (message,) = smtp_server.collector.to("ny@example.se")
    _assert_plain_and_escaped(message, "Hanna & Co O'Hara")
