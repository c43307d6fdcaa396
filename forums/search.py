"""What of the forums can be found: meetings (their title, place, agenda, documents'
titles and published minutes) and networks. A meeting is public while it is public and
scheduled or held, as the meeting page says (forums/rules.py); otherwise only officials
find it, and those invited to it. A network is found by its members and the officials."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from forums.models import (
    AgendaItem,
    Invitation,
    Meeting,
    MeetingDocument,
    MeetingSession,
    Minutes,
    Network,
)
from kulturportal import search


def meeting_documents(ids):
    meetings = (
        Meeting.objects.select_related("network", "host_municipality", "institution")
        .prefetch_related(
            "sessions",
            "agenda_items",
            "documents",
            Prefetch(
                "minutes",
                queryset=Minutes.objects.filter(status=Minutes.Status.PUBLISHED),
            ),
        )
        .order_by("pk")
    )
    if ids is not None:
        meetings = meetings.filter(pk__in=ids)
    for meeting in meetings.iterator(chunk_size=500):
        yield _meeting_document(meeting)


def _meeting_document(meeting: Meeting) -> search.Document:
    public = meeting.is_public and meeting.status in (
        Meeting.Status.SCHEDULED,
        Meeting.Status.HELD,
    )
    sessions = list(meeting.sessions.all())
    context = [meeting.kind_label(), meeting.place]
    context += [f"{s.town} {s.place}" for s in sessions]
    if meeting.host_municipality:
        context.append(meeting.host_municipality.name)
    if meeting.institution:
        context.append(meeting.institution.name)
    body = [meeting.description]
    body += [f"{item.title} {item.presenter}" for item in meeting.agenda_items.all()]
    body += [document.title for document in meeting.documents.all()]
    minutes = getattr(meeting, "minutes", None)
    if minutes is not None:  # only published minutes are prefetched
        body.append(minutes.text)
    return search.Document(
        object_id=meeting.pk,
        title=meeting.title,
        url=meeting.get_absolute_url(),
        audience=search.PUBLIC if public else search.OFFICIALS,
        context=" ".join(filter(None, context)),
        body="\n".join(filter(None, body)),
        date=meeting.starts_at,
    )


def invited_to(user):
    """An invitee may open the meeting she is invited to, public or not."""
    return search.readers_by_id(Invitation.objects.filter(user=user).values("meeting_id"))


def network_documents(ids):
    networks = Network.objects.select_related("development_area").order_by("pk")
    if ids is not None:
        networks = networks.filter(pk__in=ids)
    for network in networks:
        yield search.Document(
            object_id=network.pk,
            title=network.name,
            url=network.get_absolute_url(),
            audience=search.OFFICIALS,
            context=str(network.get_form_display()),
            body="\n".join(
                filter(
                    None,
                    [
                        network.description,
                        network.development_area.title if network.development_area else "",
                    ],
                )
            ),
            date=network.created_at,
        )


def member_of(user):
    return search.readers_by_id(Network.objects.visible_to(user, official=False).values("pk"))


def register() -> None:
    search.register(
        search.Kind(
            name="mote",
            label=_("Möten"),
            build=meeting_documents,
            follows={
                Meeting: lambda m: [m.pk],
                MeetingSession: lambda s: [s.meeting_id],
                AgendaItem: lambda a: [a.meeting_id],
                MeetingDocument: lambda d: [d.meeting_id],
                Minutes: lambda m: [m.meeting_id],
                Network: lambda n: n.meetings.values_list("pk", flat=True),
            },
            readers=invited_to,
            owners=None,
            order=20,
        )
    )
    search.register(
        search.Kind(
            name="natverk",
            label=_("Nätverk"),
            build=network_documents,
            follows={Network: lambda n: [n.pk]},
            readers=member_of,
            owners=None,
            order=70,
        )
    )
