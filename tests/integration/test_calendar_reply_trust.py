"""Issue 20, items 7 and 8, through the real machinery: iMIP replies delivered over SMTP to
the portal's listener (`manage.py receive_mail`'s handler), the forward sent by a Celery
worker to an SMTP server.

- A REPLY from attacker@evil.example carrying Lund's UID and ATTENDEE is forwarded to the
  official, saying why; Lund's answer stays hers.
- A stale Accept (SEQUENCE 0) after Lund chose a session is forwarded; the choice stands,
  and no "Bekräftat" goes out.
"""

import smtplib
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from forums import services
from forums.models import Invitation
from kulturportal.inbound import SMTPHandler
from kulturportal.models import InboundEmail
from tests import factories
from tests.forums.itip import reply_calendar, reply_message
from tests.integration.machinery import needs_real_services, wait_for
from tests.smtp import free_port

pytestmark = needs_real_services


@pytest.fixture
def listener(settings):
    port = free_port()
    controller = Controller(SMTPHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


def _deliver(port: int, raw: bytes, *, envelope: str, to: str) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as server:
        server.sendmail(envelope, [to], raw)


def _subjects(messages) -> list[str]:
    return [str(make_header(decode_header(m["Subject"]))) for m in messages]


def test_a_spoofed_and_a_stale_reply_over_smtp_are_forwarded_not_applied(
    official, smtp, start_worker, listener, settings, lund_chief, report
):
    start_worker()
    meeting = factories.sub_regional_round(organiser=official, starts_at=factories.in_a_month())
    sent = services.schedule_and_invite(meeting=meeting, actor=None)
    wait_for(lambda: len(smtp.collector.messages) >= sent, timeout=60, what="the invitations")
    chief = meeting.invitations.get(email=lund_chief.email)
    inbox = settings.CALENDAR_REPLY_ADDRESS

    # 7. Someone else sends Lund's Accept.
    spoofed = reply_calendar(uid=chief.calendar_uid, attendee=chief.email, partstat="ACCEPTED")
    _deliver(
        listener,
        reply_message(attendee=chief.email, calendar=spoofed, sender="attacker@evil.example"),
        envelope="attacker@evil.example",
        to=inbox,
    )
    chief.refresh_from_db()
    assert chief.response == Invitation.Response.NEEDS_ACTION
    record = InboundEmail.objects.latest("created_at")
    assert record.outcome == InboundEmail.Outcome.FORWARDED
    wait_for(
        lambda: smtp.collector.to(official.email), timeout=30, what="the spoofed reply forwarded"
    )
    report(f"spoofed: {record.outcome}, {record.note}")

    # 8. Lund chooses Malmö on the reply page; then her calendar's Accept of the
    # provisional entry (SEQUENCE 0) arrives late.
    malmo = meeting.sessions.get(town="Malmö")
    services.record_reply(invitation=chief, response="accepted", session=malmo, actor=None)
    wait_for(lambda: len(smtp.collector.to(chief.email)) == 2, timeout=30, what="Bekräftat")
    stale = reply_calendar(
        uid=chief.calendar_uid, attendee=chief.email, partstat="DECLINED", sequence=0
    )
    _deliver(
        listener,
        reply_message(attendee=chief.email, calendar=stale, verb="Declined"),
        envelope=chief.email,
        to=inbox,
    )
    chief.refresh_from_db()
    assert chief.response == Invitation.Response.ACCEPTED and chief.session == malmo
    record = InboundEmail.objects.latest("created_at")
    assert record.outcome == InboundEmail.Outcome.FORWARDED and "äldre version" in record.note
    wait_for(
        lambda: len(smtp.collector.to(official.email)) == 2,
        timeout=30,
        what="the stale reply forwarded",
    )
    assert len(smtp.collector.to(chief.email)) == 2  # nothing more went to Lund
    forwarded = _subjects(smtp.collector.to(official.email))
    assert all(s.startswith("Vidarebefordrat från Kulturportalen") for s in forwarded)
    report(f"stale: {record.outcome}, {record.note}")
