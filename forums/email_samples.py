"""Sample contexts for the forums' e-mails, for `manage.py render_emails`.

Imported from ForumsConfig.ready(). Everything here is an unsaved instance: primary keys are
set so that links can be built, and the agenda and sessions sit in the prefetch cache, so
rendering touches no database.
"""

from django.conf import settings

from forums.changes import Change, Span
from forums.models import AgendaItem, ForumType, Invitation, Meeting, MeetingSession
from kulturportal.email_samples import register, sample_time, sample_user


def _with_related(meeting: Meeting, *, agenda: list[AgendaItem], sessions: list[MeetingSession]):
    for item in agenda:
        item.meeting = meeting
    for session in sessions:
        session.meeting = meeting
    # What prefetch_related() would leave: .all() answers from here, without a query.
    meeting._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "agenda_items": agenda,
        "sessions": sessions,
    }
    return meeting


def _annual_meeting(**fields) -> Meeting:
    values = dict(
        pk=1,
        title="Årlig kulturpolitisk överläggning",
        forum_type=ForumType.ANNUAL,
        starts_at=sample_time(12, 9, 30),
        ends_at=sample_time(12, 16),
        place="Malmö Live, Dag Hammarskjölds torg 4, Malmö",
        online_url="https://meet.example.se/arlig-overlaggning",
        description=(
            "Kommunernas kulturpolitiker och chefstjänstepersoner möter Region Skånes "
            "kulturnämnd. Skånes Kommuner medverkar."
        ),
        organiser=sample_user(pk=2, email="hanna.berg@example.se", first_name="Hanna"),
        status=Meeting.Status.SCHEDULED,
    )
    meeting = Meeting(**{**values, **fields})
    agenda = [
        AgendaItem(pk=1, title="Välkommen och presentation", position=0),
        AgendaItem(pk=2, title="Kulturplanen 2025–2028", presenter="Region Skåne", position=1),
        AgendaItem(pk=3, title="Barn- och ungkultur i kommunerna", position=2),
    ]
    return _with_related(meeting, agenda=agenda, sessions=[])


def _sub_regional_round() -> Meeting:
    meeting = Meeting(
        pk=2,
        title="Delregionala överläggningar, våren",
        forum_type=ForumType.SUB_REGIONAL,
        starts_at=sample_time(10, 13),
        ends_at=sample_time(16, 16),
        description=(
            "Fyra möten, ett i varje hörn av Skåne. Varje kommun väljer vilket den deltar i. "
            "Tema: uppföljning av kulturplanen."
        ),
        organiser=sample_user(pk=2, email="hanna.berg@example.se", first_name="Hanna"),
        status=Meeting.Status.SCHEDULED,
    )
    places = [
        ("Helsingborg", "Dunkers kulturhus"),
        ("Kristianstad", "Regionmuseet"),
        ("Ystad", "Ystads teater"),
        ("Malmö", "Malmö Live"),
    ]
    sessions = [
        MeetingSession(
            pk=position + 1,
            town=town,
            place=place,
            starts_at=sample_time(10 + 2 * position, 13),
            ends_at=sample_time(10 + 2 * position, 16),
            position=position,
        )
        for position, (town, place) in enumerate(places)
    ]
    agenda = [
        AgendaItem(pk=4, title="Välkommen och presentation", position=0),
        AgendaItem(pk=5, title="Kulturplanen: uppföljning", presenter="Region Skåne", position=1),
    ]
    return _with_related(meeting, agenda=agenda, sessions=sessions)


def _invitation(meeting: Meeting, **fields) -> Invitation:
    values = {
        "pk": 1,
        "meeting": meeting,
        "email": "karin.lind@example.se",
        "name": "Karin Lind",
        "token": "exempelsvar",
    }
    return Invitation(**{**values, **fields})


def _reply_context(meeting: Meeting, invitation: Invitation, **extra) -> dict:
    return {
        "meeting": meeting,
        "invitation": invitation,
        "session": None,
        "sessions": list(meeting.sessions.all()),
        "documents": [],
        "organiser": meeting.organiser,
        "reply_url": settings.SITE_URL + invitation.reply_path(),
        "site_url": settings.SITE_URL,
        **extra,
    }


def _meeting_invitation() -> dict:
    # Before a choice: every session is listed, none is the person's own.
    meeting = _sub_regional_round()
    return _reply_context(
        meeting,
        _invitation(meeting),
        cover_note="Välkomna till vårens delregionala överläggningar! Välj det möte som passar.",
    )


def _meeting_updated() -> dict:
    meeting = _annual_meeting(sequence=1)
    old = Span(sample_time(12, 9), sample_time(12, 15))
    new = Span(meeting.starts_at, meeting.ends_at)
    return _reply_context(meeting, _invitation(meeting), changes=[Change("Tid", old, new)])


def _meeting_choice() -> dict:
    meeting = _sub_regional_round()
    session = meeting.sessions.all()[0]
    invitation = _invitation(meeting, response=Invitation.Response.ACCEPTED, session=session)
    return _reply_context(meeting, invitation, session=session, declined=False)


def _meeting_cancelled() -> dict:
    meeting = _annual_meeting(
        sequence=2,
        status=Meeting.Status.CANCELLED,
        cancellation_reason="Lokalen är inte tillgänglig. Vi återkommer med ett nytt datum.",
    )
    return _reply_context(meeting, _invitation(meeting))


def _reminder_unanswered() -> dict:
    meeting = _annual_meeting()
    return _reply_context(meeting, _invitation(meeting), days=7)


def _reminder_coming() -> dict:
    meeting = _sub_regional_round()
    session = meeting.sessions.all()[0]
    invitation = _invitation(meeting, response=Invitation.Response.ACCEPTED, session=session)
    return _reply_context(meeting, invitation, session=session, days=1)


def _waiting_list_promoted() -> dict:
    meeting = _annual_meeting(capacity=40)
    invitation = _invitation(meeting, response=Invitation.Response.ACCEPTED)
    return _reply_context(meeting, invitation)


def _minutes_context() -> dict:
    meeting = _annual_meeting(status=Meeting.Status.HELD)
    return {"meeting": meeting, "site_url": settings.SITE_URL}


register("forums/emails/meeting_invitation", _meeting_invitation)
register("forums/emails/meeting_updated", _meeting_updated)
register("forums/emails/meeting_cancelled", _meeting_cancelled)
register("forums/emails/meeting_choice", _meeting_choice)
register("forums/emails/reminder_unanswered", _reminder_unanswered)
register("forums/emails/reminder_coming", _reminder_coming)
register("forums/emails/waiting_list_promoted", _waiting_list_promoted)


def _minutes_changes_requested() -> dict:
    return {
        **_minutes_context(),
        "adjuster": sample_user(
            pk=5, email="lena.lundberg@lund.se", first_name="Lena", last_name="Lundberg"
        ),
        "comment": "Under punkt 2 saknas Malmö bland dem som beslutade. Datumet i rubriken "
        "ska vara 12 mars.",
    }


register("forums/emails/minutes_review", _minutes_context)
register("forums/emails/minutes_changes_requested", _minutes_changes_requested)
register("forums/emails/minutes_published", _minutes_context)
