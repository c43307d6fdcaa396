"""Sending a meeting to thousands (issue 11): the official's request only marks who is due;
tasks render and send in batches after the commit, each invitee once however often a task
runs, and a task that never ran is made up for by the sweep."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy

from forums import services
from forums.changes import Change, Span
from forums.models import Audience, Invitation
from forums.services import delivery
from kulturportal.emails import BATCH_SIZE
from kulturportal.models import OutgoingEmail
from tests.factories import AudienceRuleFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _pasted_meeting(official, count: int):
    meeting = MeetingFactory(organiser=official, place="Malmö Live")
    addresses = "\n".join(f"Person {n} <person{n}@utskick.example.se>" for n in range(count))
    AudienceRuleFactory(meeting=meeting, kind=Audience.EMAILS, emails=addresses)
    return meeting


def test_the_send_request_renders_no_email(official, django_capture_on_commit_callbacks):
    """Defect (issue 11): the send call rendered 5,000 e-mails inside the request (8.9 s)."""
    meeting = _pasted_meeting(official, 30)
    with django_capture_on_commit_callbacks() as after_commit:
        assert services.schedule_and_invite(meeting=meeting, actor=None) == 30
    assert OutgoingEmail.objects.count() == 0
    assert meeting.invitations.filter(send_pending=True).count() == 30
    for callback in after_commit:
        callback()  # the broker's part: the tasks run (eagerly here)
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 30
    assert not meeting.invitations.filter(send_pending=True).exists()
    assert not meeting.invitations.filter(last_email=None).exists()


def test_invitations_inserted_at_once_each_have_their_own_token(official, send_now):
    """On PostgreSQL they go in with COPY (kulturportal/bulk.py): every default is there,
    a callable one evaluated for each row."""
    meeting = _pasted_meeting(official, 5)
    send_now(services.schedule_and_invite, meeting=meeting, actor=None)
    rows = list(meeting.invitations.values("token", "created_at", "response", "revision"))
    assert len({row["token"] for row in rows}) == 5
    assert all(row["created_at"] and row["revision"] == 0 for row in rows)
    assert {row["response"] for row in rows} == {Invitation.Response.NEEDS_ACTION}


def _send_queries(official, count: int) -> tuple[int, int]:
    """The send call's queries: other than the invitations' inserts, and those inserts."""
    meeting = _pasted_meeting(official, count)
    with CaptureQueriesContext(connection) as captured:
        services.schedule_and_invite(meeting=meeting, actor=None)
    inserts = [q for q in captured if q["sql"].startswith("INSERT") and "invitation" in q["sql"]]
    return len(captured) - len(inserts), len(inserts)


def test_the_send_requests_queries_do_not_grow_with_the_audience(official):
    _send_queries(official, 3)  # warm up: the content types' cache is filled once a process
    small, _ = _send_queries(official, 30)
    others, inserts = _send_queries(official, 300)
    assert others == small
    # Batches of rows, as many as the database takes in one statement (SQLite: 999 values).
    assert inserts <= 300 // 20


def test_more_than_a_batch_and_every_task_twice_still_sends_each_invitee_one_email(
    official, django_capture_on_commit_callbacks, mailoutbox
):
    meeting = _pasted_meeting(official, BATCH_SIZE + 5)
    with django_capture_on_commit_callbacks() as after_commit:
        services.schedule_and_invite(meeting=meeting, actor=None)
    for callback in after_commit:
        callback()
        callback()  # a broker that delivers every task twice sends nothing more
    recipients = [m.to[0] for m in mailoutbox]
    assert len(recipients) == BATCH_SIZE + 5 == len(set(recipients))


def test_running_a_batch_again_sends_nothing(official, send_now, mailoutbox):
    meeting = _pasted_meeting(official, 3)
    send_now(services.schedule_and_invite, meeting=meeting, actor=None)
    ids = list(meeting.invitations.values_list("pk", flat=True))
    assert services.send_pending(meeting.pk, ids) == 0
    assert len(mailoutbox) == 3


def test_a_change_saved_before_the_task_ran_is_in_the_one_email(
    official, django_capture_on_commit_callbacks, mailoutbox
):
    meeting = _pasted_meeting(official, 2)
    with django_capture_on_commit_callbacks() as after_commit:
        services.schedule_and_invite(meeting=meeting, actor=None)
        meeting.refresh_from_db()
        meeting.place = "Dunkers kulturhus, Helsingborg"
        services.update_meeting(meeting=meeting, changed={"place"})
    for callback in after_commit:
        callback()
    assert len(mailoutbox) == 2  # not an invitation and then an update
    message = mailoutbox[0]
    calendar = message.alternatives[-1][0]
    assert "Dunkers kulturhus" in calendar and "SEQUENCE:1" in calendar
    assert message.subject.startswith("Inbjudan")


def test_the_changes_told_survive_the_trip_to_the_task(annual, send_now, mailoutbox):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    mailoutbox.clear()
    before = annual.starts_at
    annual.refresh_from_db()
    annual.starts_at += timedelta(hours=1)
    annual.ends_at += timedelta(hours=1)
    changes = [
        Change(services.CHANGE_LABELS["place"], "Malmö Live", "Dunkers kulturhus, Helsingborg"),
        Change(
            gettext_lazy("Tid"),
            Span(before, before + timedelta(hours=3)),
            Span(annual.starts_at, annual.ends_at),
        ),
    ]
    send_now(
        services.update_meeting, meeting=annual, changed={"starts_at", "place"}, changes=changes
    )
    text = mailoutbox[0].body
    assert "Plats: Malmö Live → Dunkers kulturhus, Helsingborg" in text
    local = timezone.localtime(before)
    assert f"{local:%H}.00–" in text and f"{local.hour + 1:02}.00–" in text


def test_the_sweep_sends_what_a_lost_task_left(official, django_capture_on_commit_callbacks):
    """The broker was down when the official sent: the request still succeeded, and the
    sweep hands the invitees on once they have waited too long."""
    meeting = _pasted_meeting(official, 3)
    with django_capture_on_commit_callbacks():  # the tasks are never handed over
        services.schedule_and_invite(meeting=meeting, actor=None)
    assert services.send_overdue() == 0  # not overdue yet: their task may still come
    Invitation.objects.update(updated_at=timezone.now() - services.PENDING_GRACE * 2)
    with django_capture_on_commit_callbacks(execute=True):  # beat runs it outside one
        assert services.send_overdue() == 3
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 3


def _rendered_alone(invitation, context, method, changes):
    """The e-mail as rendering it for this one person gives: the reference for a merge."""
    from forums import ical
    from kulturportal.emails import render_email

    language = services.language_of(invitation)
    return render_email(
        delivery._invitation_template(invitation, method),
        {
            **context,
            "invitation": invitation,
            "session": ical.chosen_session(invitation),
            "changes": changes,
            "cover_note": context["meeting"].cover_note,
            "reply_url": services.reply_url(invitation, language),
        },
        language,
    )


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_a_merged_email_is_the_one_rendering_it_alone_gives(
    sub_regional_round, send_now, lund_chief, method
):
    """MailMerge renders once per kind, language and session: each e-mail must still be
    exactly its own, with names that HTML must escape, no name, English and a session."""
    send_now(services.schedule_and_invite, meeting=sub_regional_round, actor=None)
    meeting = sub_regional_round
    lund_chief.preferred_language = "en"
    lund_chief.save()
    invitations = list(meeting.invitations.select_related("user", "session"))
    invitations[0].name = 'Åsa <b>"Ek"</b> & Co'
    invitations[1].name = ""
    invitations[2].session = meeting.sessions.get(town="Ystad")
    invitations[2].last_email = None  # one invited after a change: the invitation
    Invitation.objects.bulk_update(invitations[:3], ["name", "session", "last_email"])
    invitations = list(meeting.invitations.select_related("user", "session"))
    assert any(i.user and i.user.preferred_language == "en" for i in invitations)
    context = services.meeting_context(meeting)
    changes = [Change(services.CHANGE_LABELS["title"], "Förr", "Nu")]
    merged = delivery._invitation_emails(invitations, context, method, changes=changes)
    for invitation, email in zip(invitations, merged, strict=True):
        alone = _rendered_alone(invitation, context, method, changes)
        assert (email.subject, email.body_text, email.body_html) == alone, invitation.email


def _without_stamp(calendar: str) -> str:
    return "\r\n".join(line for line in calendar.split("\r\n") if not line.startswith("DTSTAMP"))


def test_calendars_made_together_are_each_the_one_made_alone(sub_regional_round, send_now):
    """Calendars of a batch share one rendering per language and session (ical.py): each
    must still be the invitee's own, byte for byte as when it is made alone."""
    from icalendar import Calendar

    from forums import ical

    send_now(services.schedule_and_invite, meeting=sub_regional_round, actor=None)
    invitations = list(sub_regional_round.invitations.select_related("user", "session"))
    invitations[0].name = "Åsa ”Ek”, Lund; kultur"  # a CN icalendar must quote
    invitations[1].session = sub_regional_round.sessions.get(town="Ystad")
    invitations[2].response = Invitation.Response.DECLINED
    for method in ("REQUEST", "CANCEL"):
        languages = ["en" if n % 2 else "sv" for n in range(len(invitations))]
        together = ical.invitation_calendars(invitations, method=method, languages=languages)
        for invitation, language, calendar in zip(invitations, languages, together, strict=True):
            alone = ical.invitation_calendar(invitation, method=method, language=language)
            assert _without_stamp(calendar) == _without_stamp(alone)
            assert "calendar-merge" not in calendar.replace("\r\n ", "")
            event = Calendar.from_ical(calendar).walk("VEVENT")[0]
            assert str(event["UID"]) == invitation.calendar_uid
            assert event["SEQUENCE"] == invitation.calendar_sequence
            assert str(event["ATTENDEE"]) == f"mailto:{invitation.email}"
            assert event["ATTENDEE"].params["CN"] == (invitation.name or invitation.email)
            assert invitation.reply_path() in str(event["URL"])
