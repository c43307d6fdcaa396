"""Issue 20, item 12: the inbox relayed anything.

Defect: a message the portal could not match, up to 25 MB, was parsed whole and forwarded
whole to the official: a 5.8 MB message with 60,000 events took 7.5 s to parse and was
relayed. Now what is parsed is bounded (calendar parts, their size, events, seconds) and
so is what is forwarded (size, and forwards per sender an hour); every message is still
stored whole first.
"""

from email import policy
from email.message import EmailMessage

import pytest

from forums import inbound as forums_inbound
from forums import services
from kulturportal import inbound
from kulturportal.models import InboundEmail, OutgoingEmail
from tests.forums.itip import plain_message, reply_calendar, reply_message

pytestmark = pytest.mark.django_db


def _calendar_with_events(count: int) -> str:
    event = (
        "BEGIN:VEVENT\r\nUID:{n}@evil.example\r\nDTSTAMP:20270101T000000Z\r\n"
        "DTSTART:20270101T100000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
    )
    events = "".join(event.format(n=n) for n in range(count))
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n{events}END:VCALENDAR\r\n"


def _message(*calendars: str, sender="massutskick@evil.example") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "svar@kulturportal.example.se"
    message["Subject"] = "Accepted: Möte"
    message.set_content("Accepted")
    for text in calendars:
        message.add_attachment(
            text.encode(), maintype="text", subtype="calendar", filename="invite.ics"
        )
    return message.as_bytes(policy=policy.SMTP)


@pytest.fixture
def parsed(monkeypatch):
    """The calendar texts the forums' handler handed to icalendar."""
    seen: list[str] = []
    original = forums_inbound.Calendar.from_ical

    def spy(text, *args, **kwargs):
        seen.append(text)
        return original(text, *args, **kwargs)

    monkeypatch.setattr(forums_inbound.Calendar, "from_ical", spy)
    return seen


def test_sixty_thousand_events_are_neither_parsed_nor_relayed_whole(send_now, parsed, settings):
    raw = _message(_calendar_with_events(60_000))
    assert len(raw) > 5_000_000
    record = send_now(inbound.receive, raw=raw, sender="massutskick@evil.example")
    record.refresh_from_db()
    assert bytes(record.raw) == raw  # stored whole, first
    assert parsed == []  # too many events: never handed to the parser
    assert record.outcome == InboundEmail.Outcome.FORWARDED
    assert "lästes inte" in record.note
    forwarded = OutgoingEmail.objects.get(dedupe_key__startswith=f"inbound:{record.pk}:")
    assert not forwarded.attachments.exists()  # too big to relay: kept in the portal
    assert f"nr {record.pk}" in forwarded.body_text


def test_a_calendar_part_with_more_events_than_a_reply_has_is_not_parsed(send_now, parsed):
    record = send_now(inbound.receive, raw=_message(_calendar_with_events(50)), sender="x@y.se")
    record.refresh_from_db()
    assert parsed == []
    assert record.outcome == InboundEmail.Outcome.FORWARDED and "50 händelser" in record.note


def test_only_a_few_calendar_parts_are_read(send_now, parsed):
    raw = _message(*[_calendar_with_events(1)] * 20)
    send_now(inbound.receive, raw=raw, sender="massutskick@evil.example")
    assert 0 < len(parsed) <= inbound.MAX_CALENDAR_PARTS


def test_a_calendar_part_too_big_to_be_a_reply_is_not_read(send_now, parsed):
    big = _calendar_with_events(1).replace("SUMMARY:x", "SUMMARY:" + "x" * 70 * 5000)
    record = send_now(inbound.receive, raw=_message(big), sender="x@evil.example")
    record.refresh_from_db()
    assert parsed == []
    assert record.outcome == InboundEmail.Outcome.FORWARDED


def test_parsing_stops_when_its_time_is_up(send_now, parsed, monkeypatch):
    monkeypatch.setattr(forums_inbound, "PARSE_SECONDS", 0)
    raw = _message(_calendar_with_events(1), _calendar_with_events(1))
    record = send_now(inbound.receive, raw=raw, sender="x@evil.example")
    record.refresh_from_db()
    assert len(parsed) <= 1
    assert record.outcome == InboundEmail.Outcome.FORWARDED
    assert "tid" in record.note


def test_a_big_message_is_kept_whole_and_forwarded_without_the_original(send_now):
    raw = plain_message(sender="x@example.se", subject="Stor bilaga", body="x" * 6_000_000)
    record = send_now(inbound.receive, raw=raw, sender="x@example.se")
    assert bytes(record.raw) == raw
    forwarded = OutgoingEmail.objects.get(dedupe_key__startswith=f"inbound:{record.pk}:")
    assert not forwarded.attachments.exists()
    assert "bifogas inte" in forwarded.body_text


def test_a_small_message_is_forwarded_with_the_original(send_now):
    raw = plain_message(sender="x@example.se", subject="Fråga", body="Parkering?")
    record = send_now(inbound.receive, raw=raw, sender="x@example.se")
    forwarded = OutgoingEmail.objects.get(dedupe_key__startswith=f"inbound:{record.pk}:")
    assert forwarded.attachments.get().content_type == "message/rfc822"


def test_forwards_from_one_sender_are_limited_per_hour(send_now):
    limit = inbound.FORWARDS_PER_SENDER_PER_HOUR
    records = [
        send_now(
            inbound.receive,
            raw=plain_message(sender="flood@evil.example", subject=f"Nr {n}", body="x"),
            sender="Flood@Evil.example" if n % 2 else "flood@evil.example",
        )
        for n in range(limit + 3)
    ]
    outcomes = [InboundEmail.objects.get(pk=r.pk).outcome for r in records]
    assert outcomes[:limit] == [InboundEmail.Outcome.FORWARDED] * limit
    assert outcomes[limit:] == [InboundEmail.Outcome.RECEIVED] * 3
    held = InboundEmail.objects.get(pk=records[-1].pk)
    assert "vidarebefordras inte" in held.note
    assert InboundEmail.objects.count() == limit + 3  # every one is kept
    assert OutgoingEmail.objects.count() == limit
    other = send_now(
        inbound.receive,
        raw=plain_message(sender="lena@example.se", subject="Fråga", body="x"),
        sender="lena@example.se",
    )
    other.refresh_from_db()
    assert other.outcome == InboundEmail.Outcome.FORWARDED


def test_a_real_reply_still_counts_within_the_bounds(annual, send_now, lund_chief):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    invitation = annual.invitations.get(email=lund_chief.email)
    text = reply_calendar(
        uid=invitation.calendar_uid, attendee=lund_chief.email, partstat="ACCEPTED"
    )
    raw = reply_message(attendee=lund_chief.email, calendar=text, google=True)
    record = send_now(inbound.receive, raw=raw, sender=lund_chief.email)
    record.refresh_from_db()
    assert record.outcome == InboundEmail.Outcome.APPLIED
