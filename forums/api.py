"""The forums' open data: public meetings (scheduled or held, marked public) with their
sessions, agenda, documents and published minutes. Nothing about who is invited, who
answered or who organises: no personal data. Filters are the meeting list's own."""

from datetime import datetime

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Path, Query, Router, Schema
from pydantic import Field

from forums.models import ForumType, Meeting, Minutes
from kulturportal import api
from kulturportal.api import Dataset, Distribution

router = Router(tags=["Möten"])


class SessionOut(Schema):
    town: str
    place: str
    starts_at: datetime
    ends_at: datetime


class AgendaItemOut(Schema):
    position: int
    title: str


class DocumentOut(Schema):
    title: str
    size: int = Field(description="Storlek i byte.")
    download_url: str


class MinutesOut(Schema):
    text: str
    file_url: str | None
    published_at: datetime | None


class MeetingOut(Schema):
    id: int = Field(description="Stabil identifierare (samma som i mötets adress).")
    title: str
    status: api.one_of(Meeting.Status) = Field(  # type: ignore[valid-type]
        description="scheduled (planerat) eller held (genomfört)."
    )
    forum_type: ForumType | None = Field(description="Överläggningsformen, eller null.")
    forum_type_label: str
    network: str | None = Field(description="Nätverkets slug, för ett nätverksmöte.")
    starts_at: datetime
    ends_at: datetime
    place: str
    online: bool = Field(description="Om mötet också hålls digitalt.")
    description: str
    host_municipality: str | None = Field(description="Värdkommunens SCB-kod.")
    institution: str | None = Field(description="Kulturinstitutionens slug.")
    sessions: list[SessionOut]
    agenda: list[AgendaItemOut]
    documents: list[DocumentOut]
    minutes: MinutesOut | None
    calendar_url: str = Field(description="Mötet som .ics-fil.")
    url: str
    html_url: str
    updated_at: datetime


def _meetings():
    return (
        Meeting.objects.public()
        .select_related("network", "host_municipality", "institution")
        .prefetch_related(
            "sessions",
            "agenda_items",
            "documents",
            Prefetch("minutes", queryset=Minutes.objects.filter(status=Minutes.Status.PUBLISHED)),
        )
    )


def _meeting(request, meeting: Meeting) -> dict:
    minutes = getattr(meeting, "minutes", None)
    absolute = request.build_absolute_uri
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "status": meeting.status,
        "forum_type": meeting.forum_type or None,
        "forum_type_label": meeting.kind_label(),
        "network": meeting.network.slug if meeting.network else None,
        "starts_at": api.local(meeting.starts_at),
        "ends_at": api.local(meeting.ends_at),
        "place": meeting.place,
        "online": bool(meeting.online_url),
        "description": meeting.description,
        "host_municipality": meeting.host_municipality.code if meeting.host_municipality else None,
        "institution": meeting.institution.slug if meeting.institution else None,
        "sessions": [
            {
                "town": s.town,
                "place": s.place,
                "starts_at": api.local(s.starts_at),
                "ends_at": api.local(s.ends_at),
            }
            for s in meeting.sessions.all()
        ],
        "agenda": [
            {"position": number, "title": item.title}
            for number, item in enumerate(meeting.agenda_items.all(), start=1)
        ],
        "documents": [
            {
                "title": d.title,
                "size": d.size,
                "download_url": absolute(
                    reverse("forums:document_download", args=[meeting.pk, d.pk])
                ),
            }
            for d in meeting.documents.all()
        ],
        "minutes": {
            "text": minutes.text,
            "file_url": absolute(reverse("forums:minutes_file", args=[meeting.pk]))
            if minutes.file
            else None,
            "published_at": api.local(minutes.published_at),
        }
        if minutes is not None
        else None,
        "calendar_url": absolute(reverse("forums:meeting_ics", args=[meeting.pk])),
        "url": api.api_url(request, "meeting_detail", meeting.pk),
        "html_url": absolute(meeting.get_absolute_url()),
        "updated_at": api.local(meeting.updated_at),
    }


class MeetingFilters(api.ListParams):
    forum_type: ForumType | None = Field(None, description="Överläggningsformen.")
    network: str | None = Field(None, max_length=200, description="Nätverkets slug.")
    year: int | None = Field(None, ge=2000, le=2100, description="Året mötet börjar.")
    sub_region: str | None = Field(
        None, max_length=100, description="Delregionens slug: värdkommun eller delmötesort."
    )
    format: api.Format = Field("json", description="json, eller csv för hela tabellen.")


@router.get(
    "/",
    response=api.Page[MeetingOut],
    url_name="meeting_list",
    summary="Offentliga möten",
    description="Planerade och genomförda möten som är offentliga, i tidsordning.",
    openapi_extra=api.CSV_RESPONSE,
)
def meeting_list(request, params: Query[MeetingFilters]):
    meetings = _meetings()
    if params.forum_type:
        meetings = meetings.filter(forum_type=params.forum_type)
    if params.network:
        meetings = meetings.filter(network__slug=params.network)
    if params.year:
        meetings = meetings.filter(starts_at__year=params.year)
    if params.sub_region:
        in_sub_region = Meeting.objects.filter(
            Q(host_municipality__sub_region__slug=params.sub_region)
            | Q(sessions__town__in=_towns(params.sub_region))
        ).values("pk")
        meetings = meetings.filter(pk__in=in_sub_region)
    if params.format == "csv":
        return api.csv_table(
            "moten.csv",
            ["id", "rubrik", "form", "borjar", "slutar", "plats", "status"],
            (
                [
                    m.pk,
                    m.title,
                    m.kind_label(),
                    api.local(m.starts_at).isoformat(),
                    api.local(m.ends_at).isoformat(),
                    m.place,
                    m.status,
                ]
                for m in meetings.order_by("starts_at", "pk")
            ),
        )
    return api.paginate(
        request,
        meetings,
        order=("starts_at", "id"),
        limit=params.limit,
        cursor=params.cursor,
        item=lambda m: _meeting(request, m),
    )


def _towns(sub_region_slug: str) -> list[str]:
    from kulturportal.models import SubRegion

    return list(
        SubRegion.objects.filter(slug=sub_region_slug)
        .exclude(meeting_town="")
        .values_list("meeting_town", flat=True)
    )


@router.get(
    "/{meeting_id}/",
    response=MeetingOut,
    url_name="meeting_detail",
    summary="Ett offentligt möte",
)
def meeting_detail(request, meeting_id: int = Path(..., ge=1, le=2**63 - 1)):
    meeting = get_object_or_404(_meetings(), pk=meeting_id)
    api.last_modified(request, meeting.updated_at, single=True)
    return _meeting(request, meeting)


def register() -> None:
    api.register_router("/meetings", router, collections={"meetings": "meeting_list"}, order=20)
    api.register_dataset(
        Dataset(
            identifier="moten",
            title_sv="Kulturpolitiska överläggningar och möten",
            title_en="Cultural policy deliberations and meetings",
            description_sv="De offentliga mötena mellan Region Skåne och kommunerna: tid, "
            "plats, delmöten, dagordning, handlingar och publicerade minnesanteckningar.",
            description_en="The public meetings between Region Skåne and the municipalities: "
            "time, place, sessions, agenda, documents and published minutes.",
            frequency="CONT",
            keywords_sv=("överläggningar", "möten", "kultursamverkansmodellen"),
            keywords_en=("deliberations", "meetings", "culture collaboration model"),
            distributions=(
                Distribution("Mötena (JSON)", "Meetings (JSON)", "meeting_list"),
                Distribution(
                    "Mötena (CSV)",
                    "Meetings (CSV)",
                    "meeting_list",
                    media_type="text/csv",
                    query="format=csv",
                ),
            ),
            order=40,
        )
    )
