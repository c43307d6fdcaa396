"""Issue 11's round trip through the real machinery: a round sent by a Celery worker to an
SMTP server; an invitee chooses and changes a session on the reply page, and the calendar
parts received follow each choice; an Outlook-built REPLY delivered over SMTP to the
portal's own listener (`manage.py receive_mail`'s handler) marks another as coming; a
plain reply is forwarded to a person.
"""

import smtplib
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from forums import services
from forums.models import Invitation
from kulturportal.inbound import SMTPHandler
from kulturportal.models import InboundEmail, OutgoingEmail
from tests import factories
from tests.forums.itip import plain_message, reply_calendar, reply_message
from tests.integration.machinery import needs_real_services, wait_for
from tests.smtp import free_port

pytestmark = needs_real_services


@pytest.fixture
def sub_regional_round(official):
    return factories.sub_regional_round(organiser=official, starts_at=factories.in_a_month())


@pytest.fixture
def listener(settings):
    port = free_port()
    controller = Controller(SMTPHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


def _events(smtp, address: str) -> list[tuple[str, dict]]:
    found = []
    for message in smtp.collector.to(address):
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        calendar = Calendar.from_ical(part.get_payload(decode=True))
        (event,) = calendar.walk("VEVENT")
        found.append((str(calendar["METHOD"]), event))
    return found


def _deliver(port: int, raw: bytes, to: str, sender: str = "lena@example.se") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as server:
        server.sendmail(sender, [to], raw)


def test_a_round_its_choices_and_an_outlook_reply_over_smtp(
    sub_regional_round,
    smtp,
    start_worker,
    listener,
    settings,
    lund_chief,
    ystad_politician,
    report,
):
    start_worker()
    sent = services.schedule_and_invite(meeting=sub_regional_round, actor=None)
    wait_for(lambda: len(smtp.collector.messages) >= sent, timeout=60, what="the invitations")

    # Lund's chief chooses Helsingborg, then changes to Malmö, on the reply page's service.
    chief = sub_regional_round.invitations.get(email=lund_chief.email)
    helsingborg = sub_regional_round.sessions.get(town="Helsingborg")
    malmo = sub_regional_round.sessions.get(town="Malmö")
    services.record_reply(invitation=chief, response="accepted", session=helsingborg, actor=None)
    services.record_reply(invitation=chief, response="accepted", session=malmo, actor=None)
    wait_for(lambda: len(smtp.collector.to(lund_chief.email)) == 3, timeout=30, what="updates")
    events = _events(smtp, lund_chief.email)
    trail = [
        (method, event.decoded("SEQUENCE"), str(event["STATUS"]), str(event["LOCATION"]))
        for method, event in events
    ]
    assert len({str(event["UID"]) for _, event in events}) == 1
    assert [t[:3] for t in trail] == [
        ("REQUEST", 0, "TENTATIVE"),
        ("REQUEST", 1, "CONFIRMED"),
        ("REQUEST", 2, "CONFIRMED"),
    ]
    assert events[1][1].decoded("DTSTART") == helsingborg.starts_at
    assert events[2][1].decoded("DTSTART") == malmo.starts_at
    report(f"Lund's .ics sequence: {trail}")

    # Ystad's politician presses Accept in Outlook on the provisional entry.
    politician = sub_regional_round.invitations.get(email=ystad_politician.email)
    ((_method, provisional),) = _events(smtp, ystad_politician.email)
    calendar = reply_calendar(
        uid=str(provisional["UID"]), attendee=politician.email, partstat="ACCEPTED"
    )
    _deliver(
        listener,
        reply_message(attendee=politician.email, calendar=calendar),
        settings.CALENDAR_REPLY_ADDRESS,
        sender=politician.email,  # the envelope is the invitee's, as Outlook sends it
    )
    politician.refresh_from_db()
    assert politician.response == Invitation.Response.ACCEPTED
    assert politician.session.town == "Ystad"
    wait_for(
        lambda: len(smtp.collector.to(ystad_politician.email)) == 2,
        timeout=30,
        what="the confirmation of Ystad",
    )
    method, confirmed = _events(smtp, ystad_politician.email)[-1]
    assert (method, str(confirmed["STATUS"])) == ("REQUEST", "CONFIRMED")

    # A plain reply reaches a person, with the original attached.
    _deliver(
        listener,
        plain_message(sender="lena@example.se", subject="Parkering?", body="Finns det?"),
        settings.CALENDAR_REPLY_ADDRESS,
    )
    wait_for(
        lambda: smtp.collector.to(settings.INBOUND_FORWARD_TO),
        timeout=30,
        what="the forwarded reply",
    )
    (forwarded,) = smtp.collector.to(settings.INBOUND_FORWARD_TO)
    assert "Parkering?" in str(make_header(decode_header(forwarded["Subject"])))
    assert any(p.get_content_type() == "message/rfc822" for p in forwarded.walk())
    assert InboundEmail.objects.filter(outcome=InboundEmail.Outcome.FORWARDED).count() == 1

    # Mail for any other address is refused at RCPT: the listener is no open sink.
    with (
        smtplib.SMTP("127.0.0.1", listener, timeout=10) as server,
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        server.sendmail("x@example.se", ["someone@example.se"], b"Subject: x\r\n\r\nx")
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count() == 0
