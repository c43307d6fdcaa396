"""Demo networks and meetings, dated relative to today so the demo always has a future."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from forums.models import (
    AgendaItem,
    Audience,
    AudienceRule,
    ForumType,
    Invitation,
    Meeting,
    MeetingSession,
    Network,
)
from kulturportal.models import Municipality, Role, User

STOCKHOLM = ZoneInfo("Europe/Stockholm")

NETWORKS = [
    (
        "Kulturchefsnätverk Skåne",
        "kulturchefsnatverk-skane",
        Role.CULTURE_CHIEF,
        "Kommunernas kulturchefer: planering, uppföljning och kunskapsutbyte kopplat till den "
        "politiska dialogen. Sammankallas av Region Skånes kulturchef.",
    ),
    (
        "Nätverk kultursamordnare barn och unga",
        "kultursamordnare-barn-och-unga",
        Role.YOUTH_CULTURE_COORDINATOR,
        "Kommunernas samordnare för barn- och ungkultur. Träffas två till tre gånger om året.",
    ),
]


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def seed_forums() -> None:
    for name, slug, role, description in NETWORKS:
        Network.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "form": Network.Form.REGIONAL,
                "member_role": role,
                "description": description,
            },
        )
    official = User.objects.get(email="handlaggare@example.se")
    if not Meeting.objects.filter(title="Delregionala överläggningar, våren").exists():
        _seed_round(official)
    if not Meeting.objects.filter(title="Årlig kulturpolitisk överläggning").exists():
        _seed_annual(official)


def _seed_round(official) -> None:
    meeting = Meeting.objects.create(
        title="Delregionala överläggningar, våren",
        forum_type=ForumType.SUB_REGIONAL,
        starts_at=_at(30, 13),
        ends_at=_at(37, 16),
        description="Fyra möten, ett i varje hörn av Skåne. Varje kommun väljer vilket den "
        "deltar i. Tema: uppföljning av kulturplanen.",
        organiser=official,
    )
    for position, (town, place, days) in enumerate(
        [
            ("Helsingborg", "Dunkers kulturhus", 30),
            ("Kristianstad", "Regionmuseet", 32),
            ("Ystad", "Ystads teater", 35),
            ("Malmö", "Malmö Live", 37),
        ]
    ):
        MeetingSession.objects.create(
            meeting=meeting,
            town=town,
            place=place,
            starts_at=_at(days, 13),
            ends_at=_at(days, 16),
            position=position,
        )
    AgendaItem.objects.create(meeting=meeting, title="Välkommen och presentation", position=0)
    AgendaItem.objects.create(
        meeting=meeting,
        title="Kulturplanen: uppföljning",
        position=1,
        presenter="Region Skåne",
        duration_minutes=60,
    )
    AudienceRule.objects.create(meeting=meeting, kind=Audience.CULTURE_CHIEFS)
    AudienceRule.objects.create(meeting=meeting, kind=Audience.MUNICIPAL_POLITICIANS)


def _seed_annual(official) -> None:
    meeting = Meeting.objects.create(
        title="Årlig kulturpolitisk överläggning",
        forum_type=ForumType.ANNUAL,
        starts_at=_at(60, 9, 30),
        ends_at=_at(60, 16),
        place="Malmö Live, Dag Hammarskjölds torg 4, Malmö",
        description="Kommunernas kulturpolitiker och chefstjänstepersoner möter Region Skånes "
        "kulturnämnd. Skånes Kommuner medverkar.",
        host_municipality=Municipality.objects.get(code="1280"),
        organiser=official,
        status=Meeting.Status.SCHEDULED,
    )
    AgendaItem.objects.create(meeting=meeting, title="Kulturplanen 2025–2028", position=0)
    AudienceRule.objects.create(meeting=meeting, kind=Audience.CULTURE_CHIEFS)
    for user in User.objects.filter(role_assignments__role=Role.CULTURE_CHIEF):
        assignment = user.role_assignments.first()
        Invitation.objects.create(
            meeting=meeting,
            email=user.email,
            name=user.get_full_name(),
            user=user,
            municipality=assignment.municipality,
        )
