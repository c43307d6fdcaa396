"""Issue 20, items 7–10: a calendar REPLY (RFC 5546) changes an answer only when it can be
trusted, is not older than the answer it would replace, and keeps what the person wrote.

7. Defect: a message from attacker@evil.example carrying Lund's UID and her ATTENDEE set
   her answer; only the ATTENDEE was compared.
8. Defect: a REPLY's SEQUENCE was never compared: an Accept at SEQUENCE 0 arriving after
   the person's own decline re-accepted them and sent "Bekräftat".
9. Defect: Google's note (X-RESPONSE-COMMENT on the ATTENDEE) was lost.
10. Defect: the ATTENDEE carried the Unicode address while the mail went to punycode, so
   a reply from the punycode address was forwarded instead of recorded.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from forums import services
from forums.models import Audience, AudienceRule, Invitation
from kulturportal import inbound
from kulturportal.models import InboundEmail, OutgoingEmail
from tests.forums.itip import reply_calendar, reply_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_annual(annual, send_now):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    annual.refresh_from_db()
    return annual


@pytest.fixture
def sent_round(sub_regional_round, send_now):
    send_now(services.schedule_and_invite, meeting=sub_regional_round, actor=None)
    sub_regional_round.refresh_from_db()
    return sub_regional_round


def _raw(invitation, partstat, *, sender=None, headers=None, google=False, **calendar):
    text = reply_calendar(
        uid=invitation.calendar_uid,
        attendee=calendar.pop("attendee", invitation.email),
        partstat=partstat,
        google=google,
        **calendar,
    )
    return reply_message(
        attendee=invitation.email, calendar=text, sender=sender, headers=headers, google=google
    )


def _receive(send_now, raw, envelope):
    record = send_now(inbound.receive, raw=raw, sender=envelope)
    record.refresh_from_db()
    return record


# --- 7. Who sent it ---------------------------------------------------------------------------


def test_a_spoofed_reply_from_another_sender_is_forwarded_saying_why(
    sent_annual, send_now, lund_chief
):
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    raw = _raw(invitation, "ACCEPTED", sender="attacker@evil.example")
    record = _receive(send_now, raw, "attacker@evil.example")
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.NEEDS_ACTION
    assert record.outcome == InboundEmail.Outcome.FORWARDED
    assert record.forwarded_to == sent_annual.organiser.email
    assert "attacker@evil.example" in record.note and lund_chief.email in record.note


def test_a_reply_whose_envelope_is_another_address_is_forwarded(sent_annual, send_now, lund_chief):
    """The From: header is whatever the sender typed; the envelope must agree with it."""
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    record = _receive(send_now, _raw(invitation, "DECLINED"), "attacker@evil.example")
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.NEEDS_ACTION
    assert record.outcome == InboundEmail.Outcome.FORWARDED
    assert "attacker@evil.example" in record.note


def test_a_reply_without_an_envelope_sender_is_forwarded(sent_annual, send_now, lund_chief):
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    record = _receive(send_now, _raw(invitation, "DECLINED"), "")
    assert record.outcome == InboundEmail.Outcome.FORWARDED


def test_the_sender_is_compared_without_regard_to_case(sent_annual, send_now, lund_chief):
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    shouting = lund_chief.email.upper()
    raw = _raw(invitation, "ACCEPTED", sender=shouting, attendee=shouting)
    record = _receive(send_now, raw, shouting)
    invitation.refresh_from_db()
    assert record.outcome == InboundEmail.Outcome.APPLIED
    assert invitation.response == Invitation.Response.ACCEPTED


SKANE_MX = "mx.skane.se"


@pytest.mark.parametrize(
    ("results", "applied"),
    [
        (f"{SKANE_MX}; spf=pass smtp.mailfrom=example.se; dmarc=none", True),
        (
            f"{SKANE_MX}; spf=softfail smtp.mailfrom=example.se; dmarc=pass header.from=example.se",
            True,
        ),
        (
            f"{SKANE_MX}; spf=fail smtp.mailfrom=example.se; dmarc=fail header.from=example.se",
            False,
        ),
        (f"{SKANE_MX}; spf=pass smtp.mailfrom=evil.example; dmarc=none", False),
        (f"{SKANE_MX}; dmarc=pass (p=reject) header.from=evil.example", False),
        ("evil.example; spf=pass smtp.mailfrom=example.se; dmarc=pass", False),  # not ours
        (None, False),  # the receiving server said nothing
    ],
    ids=[
        "spf-pass",
        "dmarc-pass",
        "both-fail",
        "spf-other-domain",
        "dmarc-other",
        "foreign",
        "none",
    ],
)
def test_where_the_receiving_server_authenticates_a_pass_is_required(
    sent_annual, send_now, lund_chief, settings, results, applied
):
    settings.INBOUND_AUTHSERV_ID = SKANE_MX
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    headers = {"Authentication-Results": results} if results else {}
    record = _receive(send_now, _raw(invitation, "ACCEPTED", headers=headers), lund_chief.email)
    invitation.refresh_from_db()
    assert (invitation.response == Invitation.Response.ACCEPTED) is applied
    if applied:
        assert record.outcome == InboundEmail.Outcome.APPLIED
    else:
        assert record.outcome == InboundEmail.Outcome.FORWARDED
        assert "SPF" in record.note and "DMARC" in record.note


def test_the_receiving_servers_results_count_not_a_copy_further_down(
    sent_annual, send_now, lund_chief, settings
):
    """A sender can write any header; the receiving server adds its own on top (RFC 8601):
    only the topmost one with its name counts."""
    settings.INBOUND_AUTHSERV_ID = SKANE_MX
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    text = reply_calendar(
        uid=invitation.calendar_uid, attendee=lund_chief.email, partstat="ACCEPTED"
    )
    forged = reply_message(
        attendee=lund_chief.email,
        calendar=text,
        headers={"Authentication-Results": f"{SKANE_MX}; dmarc=pass header.from=example.se"},
    )
    raw = f"Authentication-Results: {SKANE_MX}; spf=fail; dmarc=fail\r\n".encode() + forged
    record = _receive(send_now, raw, lund_chief.email)
    assert record.outcome == InboundEmail.Outcome.FORWARDED


# --- 8. Stale replies -------------------------------------------------------------------------


def test_an_accept_to_an_older_version_after_the_persons_decline_is_forwarded(
    sent_round, send_now, lund_chief, mailoutbox
):
    invitation = sent_round.invitations.get(email=lund_chief.email)
    services.record_reply(invitation=invitation, response="declined", actor=None)
    invitation.refresh_from_db()
    assert invitation.calendar_sequence == 1
    before = len(mailoutbox)
    record = _receive(send_now, _raw(invitation, "ACCEPTED", sequence=0), lund_chief.email)
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.DECLINED and invitation.session is None
    assert record.outcome == InboundEmail.Outcome.FORWARDED
    assert "äldre version" in record.note
    assert not [m for m in mailoutbox[before:] if m.to == [lund_chief.email]]  # no "Bekräftat"


def test_a_stale_decline_does_not_override_a_later_session_choice(sent_round, send_now, lund_chief):
    invitation = sent_round.invitations.get(email=lund_chief.email)
    malmo = sent_round.sessions.get(town="Malmö")
    services.record_reply(invitation=invitation, response="accepted", session=malmo, actor=None)
    record = _receive(send_now, _raw(invitation, "DECLINED", sequence=0), lund_chief.email)
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.ACCEPTED and invitation.session == malmo
    assert record.outcome == InboundEmail.Outcome.FORWARDED


def test_a_reply_to_the_current_version_made_before_the_last_answer_is_forwarded(
    sent_annual, send_now, lund_chief
):
    """Same SEQUENCE: the DTSTAMP says which is newer (RFC 5546, 2.1.5)."""
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    services.record_reply(invitation=invitation, response="declined", actor=None)
    made = datetime.now(UTC) - timedelta(minutes=5)
    record = _receive(send_now, _raw(invitation, "ACCEPTED", dtstamp=made), lund_chief.email)
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.DECLINED
    assert record.outcome == InboundEmail.Outcome.FORWARDED


def test_a_reply_to_the_current_version_made_after_the_last_answer_is_applied(
    sent_round, send_now, lund_chief
):
    invitation = sent_round.invitations.get(email=lund_chief.email)
    services.record_reply(invitation=invitation, response="declined", actor=None)
    invitation.refresh_from_db()
    raw = _raw(invitation, "TENTATIVE", sequence=invitation.calendar_sequence)
    record = _receive(send_now, raw, lund_chief.email)
    invitation.refresh_from_db()
    assert record.outcome == InboundEmail.Outcome.APPLIED
    assert invitation.response == Invitation.Response.TENTATIVE


# --- 9. Google's note --------------------------------------------------------------------------


@pytest.mark.parametrize("google", [False, True], ids=["outlook-comment", "google-x-response"])
def test_the_persons_note_is_kept_like_one_typed_on_the_reply_page(
    sent_annual, send_now, lund_chief, client, official, google
):
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    raw = _raw(invitation, "ACCEPTED", google=google, comment="Jag kommer 10 min sent")
    record = _receive(send_now, raw, lund_chief.email)
    invitation.refresh_from_db()
    assert record.outcome == InboundEmail.Outcome.APPLIED
    assert invitation.comment == "Jag kommer 10 min sent"
    assert "Jag kommer 10 min sent" in record.note
    assert OutgoingEmail.objects.filter(
        dedupe_key__startswith=f"inbound:{record.pk}:", to=sent_annual.organiser.email
    ).exists()
    client.force_login(official)
    replies = client.get(f"/overlaggningar/{sent_annual.pk}/svar/").content.decode()
    assert "Jag kommer 10 min sent" in replies


def test_a_later_reply_without_a_note_keeps_the_note(sent_annual, send_now, lund_chief):
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    services.record_reply(
        invitation=invitation, response="accepted", comment="Rullstol", actor=None
    )
    later = timezone.now() + timedelta(seconds=5)
    _receive(send_now, _raw(invitation, "TENTATIVE", dtstamp=later), lund_chief.email)
    invitation.refresh_from_db()
    assert invitation.response == "tentative" and invitation.comment == "Rullstol"


# --- 10. International domain names -----------------------------------------------------------


@pytest.fixture
def idn_meeting(annual, send_now):
    annual.audience_rules.all().delete()
    AudienceRule.objects.create(
        meeting=annual, kind=Audience.EMAILS, emails="Åsa Öberg <Asa@Malmö.se>"
    )
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    return annual


PUNYCODE = "asa@xn--malm-8qa.se"


def test_an_idn_address_has_one_form_in_the_invitation_the_attendee_and_the_email(idn_meeting):
    invitation = idn_meeting.invitations.get()
    assert invitation.email == PUNYCODE
    email = invitation.last_email
    assert email.to == PUNYCODE
    (event,) = Calendar.from_ical(email.calendar).walk("VEVENT")
    assert str(event["ATTENDEE"]) == f"mailto:{PUNYCODE}"


@pytest.mark.parametrize(
    ("attendee", "sender"),
    [(PUNYCODE, PUNYCODE), ("asa@malmö.se", PUNYCODE), ("Asa@MALMÖ.se", "asa@malmö.se")],
    ids=["punycode", "unicode-attendee", "unicode-sender"],
)
def test_a_reply_from_either_form_of_an_idn_address_is_recorded(
    idn_meeting, send_now, attendee, sender
):
    invitation = idn_meeting.invitations.get()
    raw = _raw(invitation, "ACCEPTED", attendee=attendee, sender=sender)
    record = _receive(send_now, raw, sender)
    invitation.refresh_from_db()
    assert record.outcome == InboundEmail.Outcome.APPLIED, record.note
    assert invitation.response == Invitation.Response.ACCEPTED
