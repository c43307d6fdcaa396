from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from forums import services
from forums.models import Audience, AudienceRule, Invitation, Meeting
from forums.pasted import parse_pasted
from kulturportal.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def _calendar_of(message):
    part = next(p for p in message.message().walk() if p.get_content_type() == "text/calendar")
    return part, Calendar.from_ical(part.get_payload(decode=True))


def test_a_draft_notifies_nobody(annual, send_now, mailoutbox):
    """Everything that notifies a scheduled meeting's invitees, done to a draft with an
    audience: an edit of its time and place, the reminders' run within a day of its start.
    Nobody is invited and no e-mail goes (issue 19: this test once only looked)."""
    assert annual.status == Meeting.Status.DRAFT
    annual.starts_at = timezone.now() + timedelta(hours=20)
    annual.ends_at = annual.starts_at + timedelta(hours=2)
    annual.place = "Dunkers kulturhus"
    assert send_now(services.update_meeting, meeting=annual, changed={"starts_at", "place"}) == 0
    assert send_now(services.send_due_reminders, now=timezone.now()) == 0
    assert annual.audience_rules.exists()
    assert not Invitation.objects.exists() and mailoutbox == []
    assert not OutgoingEmail.objects.exists()


def test_scheduling_invites_every_culture_chief_once(annual, send_now, mailoutbox):
    sent = send_now(services.schedule_and_invite, meeting=annual, actor=None)
    assert sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == [
        "kulturchef.lund@example.se",
        "kulturchef.malmo@example.se",
    ]
    part, calendar = _calendar_of(mailoutbox[0])
    assert part.get_param("method") == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    assert mailoutbox[0].attachments[0][0] == "invite.ics"
    assert "/svar/" in mailoutbox[0].body
    # Sending the same version again sends nothing new.
    send_now(services.invite_more, meeting=annual, actor=None)
    assert len(mailoutbox) == 2


def test_a_change_of_time_sends_sequence_1_with_the_same_uid(annual, send_now, mailoutbox):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    first_uids = {m.to[0]: _calendar_of(m)[1].walk("VEVENT")[0]["UID"] for m in mailoutbox}
    assert len(set(first_uids.values())) == 2  # each invitee's own event
    annual.starts_at += timedelta(hours=1)
    annual.ends_at += timedelta(hours=1)
    send_now(services.update_meeting, meeting=annual, changed={"starts_at", "ends_at"})
    updates = mailoutbox[2:]
    assert len(updates) == 2
    for message in updates:
        event = _calendar_of(message)[1].walk("VEVENT")[0]
        assert event["SEQUENCE"] == 1 and event["UID"] == first_uids[message.to[0]]
        assert message.subject.startswith("Ändrat:")


def test_a_change_of_description_reaches_calendars(annual, send_now, mailoutbox):
    """Defect (issue 11): a description change, shown in the calendar, sent nothing."""
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    annual.description = "Ny text"
    send_now(services.update_meeting, meeting=annual, changed={"description"})
    updates = mailoutbox[2:]
    assert len(updates) == 2
    event = _calendar_of(updates[0])[1].walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1 and "Ny text" in event["DESCRIPTION"]


def test_no_email_for_a_typo_saves_and_sends_nothing(annual, send_now, mailoutbox):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    annual.description = "Rättat stavfel"
    send_now(services.update_meeting, meeting=annual, changed={"description"}, notify=False)
    assert len(mailoutbox) == 2
    annual.refresh_from_db()
    assert annual.description == "Rättat stavfel" and annual.sequence == 0


def test_cancellation_sends_cancel_with_the_same_uid(annual, send_now, mailoutbox):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    send_now(services.cancel_meeting, meeting=annual, actor=None)
    cancels = mailoutbox[2:]
    assert len(cancels) == 2
    part, calendar = _calendar_of(cancels[0])
    event = calendar.walk("VEVENT")[0]
    assert part.get_param("method") == "CANCEL" and calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1


def test_each_invitee_is_linked_to_their_email_and_its_state(annual, send_now):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    for invitation in annual.invitations.select_related("last_email"):
        assert invitation.last_email.status == OutgoingEmail.Status.SENT
        assert invitation.last_email.to == invitation.email


def test_resend_is_a_new_row(annual, send_now, mailoutbox):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    invitation = annual.invitations.first()
    old = invitation.last_email_id
    send_now(services.resend, invitation=invitation, actor=None)
    invitation.refresh_from_db()
    assert invitation.last_email_id != old and len(mailoutbox) == 3


@pytest.mark.parametrize("problem", ["past", "no_sessions", "no_institution", "empty"])
def test_scheduling_refuses_what_cannot_be_sent(annual, sub_regional_round, problem):
    meeting = annual
    if problem == "past":
        Meeting.objects.filter(pk=annual.pk).update(
            starts_at=annual.starts_at - timedelta(days=60),
            ends_at=annual.ends_at - timedelta(days=60),
        )
    elif problem == "no_sessions":
        meeting = sub_regional_round
        meeting.sessions.all().delete()
    elif problem == "no_institution":
        Meeting.objects.filter(pk=annual.pk).update(forum_type="institutioner")
    else:
        annual.audience_rules.all().delete()
    with pytest.raises(ValidationError):
        services.schedule_and_invite(meeting=meeting, actor=None)
    assert not Invitation.objects.filter(meeting=meeting).exists()


def test_audience_rules_resolve_to_the_right_people(
    annual, ystad_politician, folk_high_school_rep, official
):
    from kulturportal.models import SubRegion

    rule = AudienceRule.objects.create(meeting=annual, kind=Audience.MUNICIPAL_POLITICIANS)
    rule.sub_regions.set([SubRegion.objects.get(slug="nordvast")])
    emails = {r.email for r in services.resolve_audience(annual)}
    assert "politiker.ystad@example.se" not in emails  # Ystad is in Sydost
    rule.sub_regions.set([SubRegion.objects.get(slug="sydost")])
    people = AudienceRule.objects.create(meeting=annual, kind=Audience.PEOPLE)
    people.people.set([official])
    AudienceRule.objects.create(
        meeting=annual, kind=Audience.EMAILS, emails="Extern@Example.se\nkulturchef.lund@example.se"
    )
    emails = [r.email for r in services.resolve_audience(annual)]
    assert sorted(emails) == sorted(set(emails))  # one per address
    assert {
        "politiker.ystad@example.se",
        "handlaggare@example.se",
        "extern@example.se",
        "kulturchef.lund@example.se",
    } <= set(emails)


def test_pasted_addresses_are_checked_line_by_line():
    pairs, problems = parse_pasted(
        "a@example.se\ninte-en-adress\nb@example.se, a@example.se\n\n<c@example.se>"
    )
    assert [address for _name, address in pairs] == ["a@example.se", "b@example.se", "c@example.se"]
    assert problems == [
        "Rad 2: ”inte-en-adress” är inte en e-postadress.",
        "Rad 3: a@example.se står redan med.",
    ]


def test_reminders_go_once_and_again_when_the_meeting_moves(annual, send_now, mailoutbox):
    from django.utils import timezone

    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    lund = annual.invitations.get(email="kulturchef.lund@example.se")
    services.record_reply(invitation=lund, response=Invitation.Response.ACCEPTED, actor=None)
    six_days_before = annual.starts_at - timedelta(days=6)
    assert send_now(services.send_due_reminders, now=six_days_before) == 2
    assert send_now(services.send_due_reminders, now=six_days_before) == 0
    subjects = sorted(m.subject for m in mailoutbox[2:])
    assert subjects[0].startswith("Påminnelse") and subjects[1].startswith("Välkommen")
    annual.starts_at += timedelta(days=1)
    annual.ends_at += timedelta(days=1)
    send_now(services.update_meeting, meeting=annual, changed={"starts_at"})
    assert send_now(services.send_due_reminders, now=annual.starts_at - timedelta(days=6)) == 2
    assert services.send_due_reminders(now=timezone.now()) == 0


def test_beat_runs_the_reminders_task(settings, annual, send_now, mailoutbox):
    from django.utils import timezone

    from forums.services.reminders import send_due_reminders
    from kulturportal.celery import app

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    reminders = "forums.services.reminders.send_due_reminders"
    assert {reminders, "kulturportal.emails.dispatch_queued_email"} <= schedule
    assert reminders in app.tasks
    Meeting.objects.filter(pk=annual.pk).update(
        starts_at=timezone.now() + timedelta(hours=20), ends_at=timezone.now() + timedelta(hours=22)
    )
    annual.refresh_from_db()
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    assert send_now(send_due_reminders.apply().get) == 2


def test_a_cancelled_meeting_invites_nobody_more(annual, send_now, mailoutbox):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    send_now(services.cancel_meeting, meeting=annual, actor=None)
    AudienceRule.objects.create(meeting=annual, kind=Audience.EMAILS, emails="sen@example.se")
    with pytest.raises(ValidationError):
        services.invite_more(meeting=annual, actor=None)
    assert not Invitation.objects.filter(email="sen@example.se").exists()


def test_someone_invited_after_a_change_gets_an_invitation_not_a_change(
    annual, send_now, mailoutbox
):
    """Defect (issue 11): after the time had changed, people invited later got "Ändrat: …",
    a change to something they had never been sent."""
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    annual.starts_at += timedelta(hours=1)
    annual.ends_at += timedelta(hours=1)
    send_now(services.update_meeting, meeting=annual, changed={"starts_at", "ends_at"})
    AudienceRule.objects.create(meeting=annual, kind=Audience.EMAILS, emails="ny@example.se")
    send_now(services.invite_more, meeting=Meeting.objects.get(pk=annual.pk), actor=None)
    (late,) = [m for m in mailoutbox if m.to == ["ny@example.se"]]
    assert late.subject.startswith("Inbjudan:")
    event = _calendar_of(late)[1].walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1  # the current version of the same event
    assert all(m.subject.startswith("Ändrat:") for m in mailoutbox[2:4])
