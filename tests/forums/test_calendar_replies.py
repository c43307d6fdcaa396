"""Issue 11, part 2: Accept in Outlook or Gmail counts.

Defect: RSVP=TRUE invited the calendar's Accept and Decline, whose REPLY went to an address
nobody read; the portal kept listing "Inte svarat" and sent reminders.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from forums import services
from forums.models import Invitation, Meeting
from kulturportal import inbound
from kulturportal.models import AuditEntry, InboundEmail, OutgoingEmail
from tests.forums.itip import plain_message, reply_calendar, reply_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_annual(annual, send_now):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    annual.refresh_from_db()
    return annual


def _reply(invitation, partstat, *, google=False, comment="", attendee=None, uid=None):
    calendar = reply_calendar(
        uid=uid or invitation.calendar_uid,
        attendee=attendee or invitation.email,
        partstat=partstat,
        comment=comment,
        google=google,
    )
    return reply_message(attendee=attendee or invitation.email, calendar=calendar, google=google)


@pytest.mark.parametrize("google", [False, True], ids=["outlook", "google"])
@pytest.mark.parametrize(
    ("partstat", "response"),
    [("ACCEPTED", "accepted"), ("DECLINED", "declined"), ("TENTATIVE", "tentative")],
)
def test_a_calendar_reply_counts_like_the_reply_page(
    sent_annual, send_now, lund_chief, google, partstat, response
):
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    record = send_now(
        inbound.receive, raw=_reply(invitation, partstat, google=google), sender=invitation.email
    )
    invitation.refresh_from_db()
    assert invitation.response == response and invitation.responded_at is not None
    assert record.outcome == InboundEmail.Outcome.APPLIED
    (entry,) = AuditEntry.objects.about(sent_annual).filter(action="invitation.replied")
    assert entry.details["via_calendar"] is True


def test_a_calendar_reply_keeps_what_the_reply_page_stored(sent_annual, send_now, lund_chief):
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    services.record_reply(
        invitation=invitation, response="accepted", dietary_needs="Vegansk", actor=None
    )
    send_now(inbound.receive, raw=_reply(invitation, "TENTATIVE"), sender=invitation.email)
    invitation.refresh_from_db()
    assert invitation.response == "tentative" and invitation.dietary_needs == "Vegansk"


def test_accepting_a_full_meeting_in_the_calendar_puts_one_on_the_waiting_list(
    sent_annual, send_now, lund_chief, malmo_chief
):
    sent_annual.capacity = 1
    sent_annual.save(update_fields=["capacity"])
    first = sent_annual.invitations.get(email=malmo_chief.email)
    services.record_reply(invitation=first, response="accepted", actor=None)
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    send_now(inbound.receive, raw=_reply(invitation, "ACCEPTED"), sender=invitation.email)
    invitation.refresh_from_db()
    assert invitation.response == "accepted" and invitation.waitlisted


def test_accepting_the_provisional_round_entry_chooses_its_session_and_confirms_it(
    sub_regional_round, send_now, mailoutbox, ystad_politician
):
    send_now(services.schedule_and_invite, meeting=sub_regional_round, actor=None)
    invitation = sub_regional_round.invitations.get(email=ystad_politician.email)
    send_now(inbound.receive, raw=_reply(invitation, "ACCEPTED"), sender=invitation.email)
    invitation.refresh_from_db()
    assert invitation.response == "accepted" and invitation.session.town == "Ystad"
    confirmation = [m for m in mailoutbox if m.to == [ystad_politician.email]][-1]
    calendar_text = next(c for c, kind in confirmation.alternatives if "calendar" in kind)
    (event,) = Calendar.from_ical(calendar_text).walk("VEVENT")
    assert event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 1


def test_a_comment_is_recorded_and_reaches_the_official(sent_annual, send_now, lund_chief):
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    record = send_now(
        inbound.receive,
        raw=_reply(invitation, "ACCEPTED", comment="Jag kommer 10 min sent"),
        sender=invitation.email,
    )
    assert record.outcome == InboundEmail.Outcome.APPLIED
    assert "Jag kommer 10 min sent" in record.note
    forwarded = OutgoingEmail.objects.get(dedupe_key__startswith=f"inbound:{record.pk}:")
    assert forwarded.to == sent_annual.organiser.email


def test_a_reply_for_someone_else_is_not_taken_but_forwarded(sent_annual, send_now, lund_chief):
    """The UID is the invitee's own; another address replying with it proves nothing."""
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    raw = _reply(invitation, "DECLINED", attendee="nagon.annan@example.se")
    record = send_now(inbound.receive, raw=raw)
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.NEEDS_ACTION
    assert record.outcome == InboundEmail.Outcome.FORWARDED
    assert record.forwarded_to == sent_annual.organiser.email


def test_a_guessed_uid_changes_nothing(sent_annual, send_now, lund_chief):
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    raw = _reply(invitation, "DECLINED", uid=f"{sent_annual.uid}-{'0' * 20}@kulturportal.skane.se")
    record = send_now(inbound.receive, raw=raw)
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.NEEDS_ACTION
    assert record.outcome == InboundEmail.Outcome.FORWARDED


@pytest.mark.parametrize(
    "raw",
    [
        plain_message(
            sender="Lena <kulturchef.lund@example.se>",
            subject="Automatiskt svar: Inbjudan",
            body="Jag är på semester till och med måndag.",
        ),
        plain_message(sender="x@example.se", subject="Fråga", body="Finns det parkering?"),
        b"this is not an e-mail at all \x00\xff",
        reply_message(attendee="a@example.se", calendar="BEGIN:VCALENDAR\r\nbroken"),
    ],
    ids=["out-of-office", "plain-reply", "garbage", "broken-calendar"],
)
def test_anything_else_is_kept_and_forwarded_never_lost_never_a_crash(send_now, settings, raw):
    record = send_now(inbound.receive, raw=raw)
    record.refresh_from_db()
    assert bytes(record.raw) == raw
    assert record.outcome == InboundEmail.Outcome.FORWARDED
    forwarded = OutgoingEmail.objects.get(dedupe_key=f"inbound:{record.pk}:{record.forwarded_to}")
    assert forwarded.to == settings.INBOUND_FORWARD_TO
    assert forwarded.attachments.get().content_type == "message/rfc822"


def test_a_reply_after_the_meeting_began_goes_to_the_official(sent_annual, send_now, lund_chief):
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    Meeting.objects.filter(pk=sent_annual.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    record = send_now(inbound.receive, raw=_reply(invitation, "DECLINED"), sender=invitation.email)
    assert record.outcome == InboundEmail.Outcome.FORWARDED
    assert "redan börjat" in record.note


def test_invitations_name_the_portals_inbox_as_organizer_and_the_official_as_reply_to(
    sent_annual, lund_chief, settings
):
    email = OutgoingEmail.objects.get(to=lund_chief.email)
    (event,) = Calendar.from_ical(email.calendar).walk("VEVENT")
    assert str(event["ORGANIZER"]) == f"mailto:{settings.CALENDAR_REPLY_ADDRESS}"
    assert email.headers["Reply-To"] == sent_annual.organiser.email
