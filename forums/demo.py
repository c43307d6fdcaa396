"""Demo networks and meetings, dated relative to today so the demo always has a future."""

from datetime import date, datetime, time, timedelta
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
    Minutes,
    Network,
)
from kulturportal.models import Municipality, Role, User

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Days when no one plans a deliberation: Christmas to Epiphany, and midsummer.
HOLIDAYS = {(12, d) for d in range(23, 32)} | {(1, d) for d in range(1, 7)} | {(6, 19), (6, 20)}

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


def _workdays_from_today(count: int) -> date:
    """The day `count` workdays ahead: meetings fall on weekdays outside the holidays."""
    day = timezone.localdate()
    for _ in range(count):
        day += timedelta(days=1)
        while day.weekday() >= 5 or (day.month, day.day) in HOLIDAYS:
            day += timedelta(days=1)
    return day


def _at(day: date | int, hour: int, minute: int = 0) -> datetime:
    if isinstance(day, int):
        day = _workdays_from_today(day)
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
    if not Meeting.objects.filter(title=READING_MEETING).exists():
        _seed_reading_promotion(official)


def _seed_round(official) -> None:
    # Four sessions on workdays two days apart, the first a month from now.
    days = [_workdays_from_today(30 + 2 * n) for n in range(4)]
    meeting = Meeting.objects.create(
        title="Delregionala överläggningar, våren",
        forum_type=ForumType.SUB_REGIONAL,
        starts_at=_at(days[0], 13),
        ends_at=_at(days[-1], 16),
        description="Fyra möten, ett i varje hörn av Skåne. Varje kommun väljer vilket den "
        "deltar i. Tema: uppföljning av kulturplanen.",
        organiser=official,
    )
    towns = [
        ("Helsingborg", "Dunkers kulturhus"),
        ("Kristianstad", "Regionmuseet"),
        ("Ystad", "Ystads teater"),
        ("Malmö", "Malmö Live"),
    ]
    for position, ((town, place), day) in enumerate(zip(towns, days, strict=True)):
        MeetingSession.objects.create(
            meeting=meeting,
            town=town,
            place=place,
            starts_at=_at(day, 13),
            ends_at=_at(day, 16),
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
        starts_at=_at(40, 9, 30),
        ends_at=_at(40, 16),
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


READING_MEETING = "Tematisk överläggning: läsfrämjande och folkbiblioteken"


def _seed_reading_promotion(official) -> None:
    """A thematic deliberation held three weeks ago, with its minutes published."""
    day = timezone.localdate() - timedelta(days=21)
    while day.weekday() >= 5 or (day.month, day.day) in HOLIDAYS:
        day -= timedelta(days=1)
    meeting = Meeting.objects.create(
        title=READING_MEETING,
        forum_type=ForumType.THEMATIC,
        starts_at=_at(day, 13),
        ends_at=_at(day, 16),
        place="Stadsbiblioteket, Kristianstad",
        description="Hur når läsfrämjandet fler i hela Skåne? Kommunernas kulturchefer och "
        "bibliotekschefer samtalar om folkbibliotekens roll, skolbiblioteken och "
        "läsande för barn och nyanlända.",
        host_municipality=Municipality.objects.get(code="1290"),
        organiser=official,
        status=Meeting.Status.HELD,
        announced_at=_at(day, 8) - timedelta(days=30),
    )
    for position, title in enumerate(
        [
            "Läsfrämjande i hela Skåne: vad säger kulturplanen?",
            "Folkbiblioteken som mötesplatser",
            "Skolbibliotek och samverkan med förskolan",
        ]
    ):
        AgendaItem.objects.create(meeting=meeting, title=title, position=position)
    Minutes.objects.create(
        meeting=meeting,
        text="Deltagarna var eniga om att folkbiblioteken är navet i det läsfrämjande "
        "arbetet. Flera kommuner vill samverka om mobila bibliotek på landsbygden. "
        "Region Skåne återkommer med ett förslag till tematiskt nätverk för läsande.",
        status=Minutes.Status.PUBLISHED,
        published_at=_at(day, 17) + timedelta(days=7),
    )


def seed_demo() -> None:
    """Called by manage.py seed_demo (kulturportal.demo.seed_app_demos)."""
    seed_forums()
