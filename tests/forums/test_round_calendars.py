"""Issue 11, part 1: each invitee's calendar holds exactly what they will attend.

A sub-regional round has four sessions. Before a choice the invitation is provisional;
choosing, changing or declining sends that person a new revision of their own entry (same
UID, higher SEQUENCE); moving one session reaches only the people it concerns.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from forums import ical, services
from forums.models import Invitation, Meeting
from tests.factories import meeting_edit_post

pytestmark = pytest.mark.django_db


def _event(message):
    (calendar_part,) = [c for c, kind in message.alternatives if kind.startswith("text/calendar")]
    calendar = Calendar.from_ical(calendar_part)
    return calendar, calendar.walk("VEVENT")[0]


@pytest.fixture
def sent_round(sub_regional_round, send_now, mailoutbox):
    send_now(services.schedule_and_invite, meeting=sub_regional_round, actor=None)
    sub_regional_round.refresh_from_db()
    return sub_regional_round


def _invitation(meeting, email):
    return meeting.invitations.get(email=email)


def _to(mailoutbox, email):
    return [m for m in mailoutbox if m.to == [email]]


def test_choosing_a_session_sends_the_person_an_update_with_its_time_and_place(
    sent_round, send_now, mailoutbox, lund_chief
):
    """Defect (issue 11): someone who picked Helsingborg kept the corner's default session
    in their calendar; choosing sent nothing."""
    invitation = _invitation(sent_round, lund_chief.email)
    (first,) = _to(mailoutbox, lund_chief.email)
    _, provisional = _event(first)
    assert provisional["STATUS"] == "TENTATIVE"
    helsingborg = sent_round.sessions.get(town="Helsingborg")

    send_now(
        services.record_reply,
        invitation=invitation,
        response="accepted",
        session=helsingborg,
        actor=None,
    )

    _, update = _event(_to(mailoutbox, lund_chief.email)[-1])
    assert update["UID"] == provisional["UID"]
    assert update["SEQUENCE"] > provisional["SEQUENCE"]
    assert update["STATUS"] == "CONFIRMED" and "välj delmöte" not in update["SUMMARY"]
    assert update.decoded("DTSTART") == helsingborg.starts_at
    assert update["LOCATION"].startswith(helsingborg.place or "Helsingborg")


def test_changing_the_session_sends_another_revision_and_declining_cancels_it(
    sent_round, send_now, mailoutbox, lund_chief
):
    invitation = _invitation(sent_round, lund_chief.email)
    helsingborg, kristianstad = sent_round.sessions.all()[:2]
    send_now(
        services.record_reply,
        invitation=invitation,
        response="accepted",
        session=helsingborg,
        actor=None,
    )
    send_now(
        services.record_reply,
        invitation=invitation,
        response="accepted",
        session=kristianstad,
        actor=None,
    )
    send_now(services.record_reply, invitation=invitation, response="declined", actor=None)
    messages = _to(mailoutbox, lund_chief.email)
    events = [_event(m) for m in messages]
    sequences = [event["SEQUENCE"] for _, event in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == 4
    assert events[2][1].decoded("DTSTART") == kristianstad.starts_at
    calendar, cancelled = events[3]
    assert calendar["METHOD"] == "CANCEL" and cancelled["STATUS"] == "CANCELLED"
    assert "inte kommer" in messages[3].subject


def test_the_same_reply_again_sends_nothing(sent_round, send_now, mailoutbox, lund_chief):
    invitation = _invitation(sent_round, lund_chief.email)
    helsingborg = sent_round.sessions.get(town="Helsingborg")
    for _ in range(2):
        send_now(
            services.record_reply,
            invitation=invitation,
            response="accepted",
            session=helsingborg,
            dietary_needs="Vegetarisk",
            actor=None,
        )
    assert len(_to(mailoutbox, lund_chief.email)) == 2  # the invitation and one update


def _session_post(meeting, **changed_sessions):
    """The round's form posted unchanged except the sessions named (town → new start)."""
    sessions = list(meeting.sessions.all())
    data = meeting_edit_post(
        meeting,
        notify="yes",
        **{
            "sessions-TOTAL_FORMS": str(len(sessions)),
            "sessions-INITIAL_FORMS": str(len(sessions)),
        },
    )
    local = timezone.localtime
    for n, session in enumerate(sessions):
        starts = changed_sessions.get(session.town, session.starts_at)
        ends = starts + (session.ends_at - session.starts_at)
        data |= {
            f"sessions-{n}-id": str(session.pk),
            f"sessions-{n}-town": session.town,
            f"sessions-{n}-place": session.place,
            f"sessions-{n}-starts_at": local(starts).strftime("%Y-%m-%dT%H:%M"),
            f"sessions-{n}-ends_at": local(ends).strftime("%Y-%m-%dT%H:%M"),
        }
    return data


def test_moving_one_session_reaches_only_its_people_and_those_who_have_not_chosen(
    sent_round,
    official_client,
    django_capture_on_commit_callbacks,
    mailoutbox,
    lund_chief,
    malmo_chief,
    ystad_politician,
):
    """Defect (issue 11): moving one session re-sent the whole round to everyone."""
    helsingborg = sent_round.sessions.get(town="Helsingborg")
    malmo_session = sent_round.sessions.get(town="Malmö")
    with django_capture_on_commit_callbacks(execute=True):
        services.record_reply(
            invitation=_invitation(sent_round, lund_chief.email),
            response="accepted",
            session=helsingborg,
            actor=None,
        )
        services.record_reply(
            invitation=_invitation(sent_round, malmo_chief.email),
            response="accepted",
            session=malmo_session,
            actor=None,
        )
    mailoutbox.clear()
    new_start = helsingborg.starts_at + timedelta(hours=2)
    data = _session_post(sent_round, Helsingborg=new_start)
    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(reverse("forums:meeting_edit", args=[sent_round.pk]), data)
    assert response.status_code == 302, _errors(response)

    recipients = {m.to[0] for m in mailoutbox}
    assert lund_chief.email in recipients  # Helsingborg's
    assert ystad_politician.email in recipients  # has not chosen
    assert malmo_chief.email not in recipients  # Malmö's session did not move
    (update,) = _to(mailoutbox, lund_chief.email)
    assert update.subject.startswith("Ändrat:") and "Helsingborg" in update.subject
    assert "→" in update.body  # says what changed, old → new
    _, event = _event(update)
    assert event.decoded("DTSTART") == new_start


def test_round_emails_name_the_recipients_own_session_or_all_of_them(
    sent_round, send_now, mailoutbox, lund_chief, ystad_politician
):
    """Defect (issue 11): every round e-mail used the first session's date for everyone."""
    (unchosen,) = _to(mailoutbox, ystad_politician.email)
    assert "välj delmöte" in unchosen.subject
    for session in sent_round.sessions.all():
        assert f"- {session.town}: " in unchosen.body
    kristianstad = sent_round.sessions.get(town="Kristianstad")
    send_now(
        services.record_reply,
        invitation=_invitation(sent_round, lund_chief.email),
        response="accepted",
        session=kristianstad,
        actor=None,
    )
    confirmation = _to(mailoutbox, lund_chief.email)[-1]
    assert "Kristianstad" in confirmation.subject
    assert "Ditt delmöte: Kristianstad" in confirmation.body
    assert "Helsingborg" not in confirmation.body


def test_each_session_gets_its_own_reminders_after_the_first_has_passed(
    sent_round, send_now, mailoutbox, lund_chief
):
    """Defect (issue 11): reminders followed the first session only."""
    malmo_session = sent_round.sessions.get(town="Malmö")
    send_now(
        services.record_reply,
        invitation=_invitation(sent_round, lund_chief.email),
        response="accepted",
        session=malmo_session,
        actor=None,
    )
    mailoutbox.clear()
    # The first session is over; Malmö's is six days away.
    now = malmo_session.starts_at - timedelta(days=6)
    assert now > sent_round.sessions.get(town="Helsingborg").starts_at - timedelta(days=7)
    send_now(services.send_due_reminders, now=now)
    reminder = _to(mailoutbox, lund_chief.email)
    assert len(reminder) == 1 and "Malmö" in reminder[0].subject
    send_now(services.send_due_reminders, now=now)
    assert len(_to(mailoutbox, lund_chief.email)) == 1  # once


def test_a_later_session_can_still_be_chosen_after_the_first_has_begun(sent_round, lund_chief):
    """Defect (issue 11): replies closed when the first session began, for the whole round."""
    helsingborg = sent_round.sessions.get(town="Helsingborg")
    Meeting.objects.filter(pk=sent_round.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    sent_round.sessions.filter(pk=helsingborg.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    invitation = _invitation(sent_round, lund_chief.email)
    malmo_session = sent_round.sessions.get(town="Malmö")
    services.record_reply(
        invitation=invitation, response="accepted", session=malmo_session, actor=None
    )
    with pytest.raises(services.ReplyRefused, match="Helsingborg har redan börjat"):
        services.record_reply(
            invitation=invitation,
            response="accepted",
            session=sent_round.sessions.get(town="Helsingborg"),
            actor=None,
        )
    invitation.refresh_from_db()
    assert invitation.session == malmo_session


def test_attendance_before_the_start_raises_not_started(annual):
    """Defect: @transaction.atomic decorated the NotStarted exception instead of
    mark_attendance, so raising it was a TypeError and attendance was not atomic."""
    with pytest.raises(services.NotStarted):
        services.mark_attendance(meeting=annual, present_ids=set(), actor=None)


def test_declined_round_invitees_get_no_updates(sent_round, send_now, mailoutbox, ystad_politician):
    send_now(
        services.record_reply,
        invitation=_invitation(sent_round, ystad_politician.email),
        response=Invitation.Response.DECLINED,
        actor=None,
    )
    mailoutbox.clear()
    sent_round.title = "Delregionala överläggningar, våren"
    send_now(services.update_meeting, meeting=sent_round, changed={"title"})
    assert mailoutbox and ystad_politician.email not in {m.to[0] for m in mailoutbox}


def _errors(response) -> str:
    context = response.context
    return repr(
        [
            context["form"].errors,
            *(f.errors for f in context["sessions"]),
            context["sessions"].non_form_errors(),
        ]
    )


def test_english_recipients_get_english_throughout(sent_round, send_now, mailoutbox, lund_chief):
    """Defect (issue 11): an invitee with English as their language got Swedish labels in
    the calendar and a Swedish reply link."""
    lund_chief.preferred_language = "en"
    lund_chief.save(update_fields=["preferred_language"])
    invitation = _invitation(sent_round, lund_chief.email)
    send_now(services.resend, invitation=invitation, actor=None)
    message = _to(mailoutbox, lund_chief.email)[-1]
    html = next(body for body, kind in message.alternatives if kind == "text/html")
    assert '<html lang="en">' in html
    assert "/en/svar/" in message.body
    _, event = _event(message)
    assert "(choose a session)" in event["SUMMARY"]
    assert "Choose a session: Helsingborg" in event["LOCATION"]
    assert "/en/svar/" in str(event["URL"])


# --- Issue 20, item 11 ---------------------------------------------------------------------


@pytest.mark.parametrize("chose", [True, False], ids=["had-chosen", "provisional"])
def test_declining_a_round_cancels_the_entry_held_not_the_whole_round(
    sent_round, send_now, mailoutbox, lund_chief, chose
):
    """Defect (issue 20, item 11): the cancellation sent to someone who declined spanned the
    whole round (26 March – 1 November) instead of the entry they held."""
    invitation = _invitation(sent_round, lund_chief.email)
    ystad = sent_round.sessions.get(town="Ystad")
    if chose:
        services.record_reply(invitation=invitation, response="accepted", session=ystad, actor=None)
        held = ystad
    else:
        held = ical.suggested_session(invitation)  # Lund's corner: the provisional entry
    send_now(services.record_reply, invitation=invitation, response="declined", actor=None)
    calendar, cancelled = _event(_to(mailoutbox, lund_chief.email)[-1])
    assert calendar["METHOD"] == "CANCEL"
    assert cancelled.decoded("DTSTART") == held.starts_at
    assert cancelled.decoded("DTEND") == held.ends_at


def test_cancelling_a_round_cancels_each_persons_own_entry(
    sent_round, send_now, mailoutbox, lund_chief, ystad_politician
):
    lund = _invitation(sent_round, lund_chief.email)
    malmo = sent_round.sessions.get(town="Malmö")
    services.record_reply(invitation=lund, response="accepted", session=malmo, actor=None)
    send_now(services.cancel_meeting, meeting=sent_round, actor=None)
    _, lunds = _event(_to(mailoutbox, lund_chief.email)[-1])
    _, ystads = _event(_to(mailoutbox, ystad_politician.email)[-1])
    assert lunds.decoded("DTSTART") == malmo.starts_at
    ystad = sent_round.sessions.get(town="Ystad")  # Ystad's corner: the provisional entry
    assert (ystads.decoded("DTSTART"), ystads.decoded("DTEND")) == (ystad.starts_at, ystad.ends_at)
