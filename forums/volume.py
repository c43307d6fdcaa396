"""Forum volume for `manage.py seed_volume`: networks, meetings and invitations.

At scale 1: 12 thematic networks with their members, 300 meetings from two years back to a
year ahead (the forum types and the networks' meetings in a realistic mix; sub-regional rounds
with their four sessions; agenda items, audience rules, minutes) and 15,000 invitations with
answers; scale 10 is ten times that. A meeting is as big at every scale: more volume means more
meetings, not bigger ones.

The meetings come from their own stream, drawn before anyone is invited. Each network's members
and each meeting's invitees come from a stream of their own, because who holds which role
today depends on whether the demo data is there, and that must not move the meetings.

Seeding sends nothing: no OutgoingEmail, so `last_email` stays empty. Reply tokens and calendar
UIDs stay random, as the models make them: a reply link is a key, and the seed is public.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.text import slugify

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
    NetworkMembership,
)
from kulturportal import volume_names as names
from kulturportal.models import (
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    SubRegion,
)
from kulturportal.volume import (
    VOLUME_DOMAIN,
    Builder,
    Volume,
    _ascii,
    _bulk_create,
    _unique,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NETWORKS_AT_SCALE_ONE = 12
MEETINGS_AT_SCALE_ONE = 300
INVITATIONS_AT_SCALE_ONE = 15_000
PAST_DAYS, FUTURE_DAYS = 2 * 365, 365
# Networks have no e-mail address to mark them as volume: their slug does.
NETWORK_SLUG_PREFIX = "volym-"

# --- Words ---------------------------------------------------------------------------------

THEMES = [
    # Development areas a regional culture plan names; the thematic networks follow them.
    "Barn och ungas rätt till kultur",
    "Kultur och hälsa",
    "Läsfrämjande",
    "Kulturarv och kulturmiljö",
    "Digital delaktighet",
    "Kulturskolan",
    "Konstnärers villkor",
    "Film och rörlig bild",
    "Scenkonst i hela Skåne",
    "Civilsamhälle och folkbildning",
    "Kulturella och kreativa näringar",
    "Tillgänglighet och delaktighet",
    "Hemslöjd och kulturhantverk",
    "Arkiv och kulturarvsinstitutioner",
]
MONTHS = [
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
]  # fmt: skip
VENUES = {
    # The four corners' towns, where the sub-regional sessions are held.
    "Helsingborg": ["Dunkers kulturhus", "Helsingborgs stadsteater", "Helsingborgs stadsbibliotek"],
    "Kristianstad": ["Regionmuseet", "Kristianstads teater", "Kulturkvarteret"],
    "Ystad": ["Ystads teater", "Ystads konstmuseum", "Klostret i Ystad"],
    "Malmö": ["Malmö Live", "Stadsbiblioteket i Malmö", "Region Skånes hus"],
}
ANNUAL_VENUES = [
    "Malmö Live, Dag Hammarskjölds torg 4, Malmö",
    "Dunkers kulturhus, Kungsgatan 11, Helsingborg",
    "Kristianstads teater, Västra Storgatan 23, Kristianstad",
    "Scandic Star, Glimmervägen 5, Lund",
]
LOCAL_VENUES = [
    "{muni} stadsbibliotek",
    "Kulturhuset i {muni}",
    "Kommunhuset, {muni}",
    "{muni} konsthall",
    "Folkets hus, {muni}",
]
AGENDA_TOPICS = [
    "Aktuellt från Region Skåne",
    "Aktuellt från kommunerna",
    "Kulturplanen: uppföljning",
    "Tema: {theme}",
    "Erfarenhetsutbyte: {theme}",
    "Statistik och uppföljning",
    "Kulturrådets bidrag och kultursamverkansmodellen",
    "Budget och verksamhetsplan",
    "Gruppdiskussion",
    "Omvärldsbevakning",
    "Gemensamma projekt och ansökningar",
    "Nästa års överläggningar",
]
PRESENTERS = [
    "Region Skåne",
    "Skånes Kommuner",
    "Kulturförvaltningen, {muni}",
    "Kultur Skåne",
    "{person}",
]
DIETARY_NEEDS = [
    "Vegetarisk",
    "Vegansk",
    "Glutenfri",
    "Laktosfri",
    "Nötallergi",
    "Inget fläskkött",
    "Pescetarian",
    "Diabetes, behöver mellanmål",
]
ACCESS_NEEDS = [
    "Rullstolsplats",
    "Hörslinga",
    "Teckenspråkstolk",
    "Ledsagare följer med",
    "Parkering nära entrén",
    "Material i förväg i digitalt format",
]
MINUTES_LINES = [
    "Gruppen gick igenom underlaget och enades om att gå vidare.",
    "Frågan bordlades till nästa möte.",
    "Kommunerna redogjorde för läget; Region Skåne sammanställer.",
    "Diskussionen fortsätter i nätverket.",
    "Beslut om arbetsgrupp; sammankallande utses av Region Skåne.",
]

# --- Shares ---------------------------------------------------------------------------------

NETWORK_MEETING = "network"
# Meetings by kind; what is left over are the networks' meetings (some 4–5 a network a year).
KIND_SHARES = {
    ForumType.ANNUAL: 0.01,
    ForumType.SUB_REGIONAL: 0.04,
    ForumType.THEMATIC: 0.14,
    ForumType.INSTITUTIONS: 0.12,
    ForumType.BILATERAL: 0.14,
}
# How many a meeting invites, before the total is shared out (network meetings: their members).
AUDIENCE_SIZES = {
    ForumType.ANNUAL: (450, 700),
    ForumType.SUB_REGIONAL: (200, 400),
    ForumType.THEMATIC: (30, 90),
    ForumType.INSTITUTIONS: (15, 45),
    ForumType.BILATERAL: (5, 20),
}
SHARE_PUBLIC = {
    ForumType.ANNUAL: 0.97,
    ForumType.SUB_REGIONAL: 0.95,
    ForumType.THEMATIC: 0.9,
    ForumType.INSTITUTIONS: 0.85,
    ForumType.BILATERAL: 0.25,
    NETWORK_MEETING: 0.35,
}
SHARE_ONLINE = {ForumType.BILATERAL: 0.3, ForumType.THEMATIC: 0.1, NETWORK_MEETING: 0.45}
MEMBERS_PER_NETWORK = (20, 45)
SHARE_OF_ENDED_MEMBERSHIPS = 0.12
SHARE_WITH_CAPACITY = 0.2  # of thematic and network meetings
SHARE_WITH_MINUTES = 0.7  # of meetings held
SHARE_COMING = 0.62  # of those who answered: the rest decline or answer maybe
SHARE_DECLINING = 0.30
SHARE_AT_OWN_CORNER = 0.7  # of a round's invitees: the session nearest home
SHARE_WITH_DIET = 0.12
SHARE_WITH_ACCESS_NEEDS = 0.04
SHARE_WITH_SUBSTITUTE = 0.08  # of those declining
SHARE_PRESENT = 0.9  # of those coming, at a meeting held


# --- Who can be invited ----------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One active role of a volume person: an invitation's user, municipality, organisation."""

    user_id: int
    email: str
    name: str
    role: str
    municipality_id: int | None
    organisation_id: int | None


@dataclass
class People:
    everyone: list[Person]  # each person once, with the first of their roles
    by_role: dict[str, list[Person]]
    by_municipality: dict[int, list[Person]]

    def with_roles(self, *roles: str, municipalities: set | None = None) -> list[Person]:
        found = [p for role in roles for p in self.by_role.get(role, [])]
        if municipalities is not None:
            found = [p for p in found if p.municipality_id in municipalities]
        return _once_each(found)


def volume_people(today: date) -> People:
    rows = (
        RoleAssignment.objects.active(today)
        .filter(user__email__endswith="@" + VOLUME_DOMAIN, user__is_active=True)
        .order_by("user__email", "pk")
        .values_list(
            "user_id",
            "user__email",
            "user__first_name",
            "user__last_name",
            "role",
            "municipality_id",
            "organisation_id",
        )
    )
    people = [
        Person(user, email, f"{first} {last}".strip(), role, municipality, organisation)
        for user, email, first, last, role, municipality, organisation in rows
    ]
    by_role, by_municipality = defaultdict(list), defaultdict(list)
    for person in people:
        by_role[person.role].append(person)
        if person.municipality_id:
            by_municipality[person.municipality_id].append(person)
    return People(_once_each(people), dict(by_role), dict(by_municipality))


def _once_each(people: list[Person]) -> list[Person]:
    seen: set[str] = set()
    return [p for p in people if not (p.email in seen or seen.add(p.email))]


MUNICIPAL_STAFF = [Role.CULTURE_CHIEF, Role.MUNICIPAL_OFFICIAL, Role.YOUTH_CULTURE_COORDINATOR]


# --- Networks -------------------------------------------------------------------------------


def build_networks(volume: Volume) -> dict[str, int]:
    rng = volume.random("networks")
    slugs = set(Network.objects.values_list("slug", flat=True))
    networks = []
    for index in range(volume.count(NETWORKS_AT_SCALE_ONE)):
        theme = THEMES[index % len(THEMES)]
        cohort = index // len(THEMES)  # the themes run out at scale 10: number the repeats
        name = f"Nätverk för {theme[0].lower()}{theme[1:]}" + (f" {cohort + 1}" if cohort else "")
        networks.append(
            Network(
                name=name,
                slug=_unique(NETWORK_SLUG_PREFIX + slugify(name)[:180], slugs),
                form=Network.Form.THEMATIC,
                description=(
                    f"Tjänstepersoner i kommuner som prioriterar {theme.lower()} i "
                    "kulturplanen: erfarenhetsutbyte, omvärldsbevakning och gemensamma projekt. "
                    + rng.choice(["Träffas två gånger per termin.", "Träffas fyra gånger om året."])
                ),
            )
        )
    _bulk_create(Network, networks)
    staff = volume_people(volume.today).with_roles(*MUNICIPAL_STAFF)
    memberships = []
    for index, network in enumerate(networks):
        members = volume.random(f"networks:{index}:members")
        count = min(len(staff), members.randint(*MEMBERS_PER_NETWORK))
        for person in members.sample(staff, count):
            starts_on = volume.today - timedelta(days=members.randint(30, 4 * 365))
            ended, share_held = members.random() < SHARE_OF_ENDED_MEMBERSHIPS, members.random()
            ends_on = None
            if ended:
                days = (volume.today - timedelta(days=1) - starts_on).days
                ends_on = starts_on + timedelta(days=round(days * share_held))
            memberships.append(
                NetworkMembership(
                    network=network,
                    user_id=person.user_id,
                    municipality_id=person.municipality_id,
                    starts_on=starts_on,
                    ends_on=ends_on,
                )
            )
    _bulk_create(NetworkMembership, memberships)
    return {"networks": len(networks), "network members": len(memberships)}


def volume_networks():
    return Network.objects.filter(slug__startswith=NETWORK_SLUG_PREFIX)


def clear_networks() -> None:
    volume_networks().delete()


NETWORKS = Builder("networks", build_networks, clear_networks)


# --- Meetings -------------------------------------------------------------------------------


@dataclass
class Context:
    """What meetings are drawn from: the same with or without the demo data."""

    municipalities: list
    towns: list[str]  # the sub-regions' meeting towns, in order
    town_of: dict[int, str]  # municipality pk → its sub-region's meeting town
    institutions: list
    co_financiers: dict[int, set[int]]
    networks: list
    members: dict[int, list]  # network pk → its memberships
    organisers: list[int]
    now: datetime


@dataclass
class Plan:
    """One meeting and what belongs to it, before the invitations."""

    meeting: Meeting
    kind: str
    audience_size: int = 0  # drawn; the final size comes from sharing out the total
    capacity_share: float | None = None
    sent_at: datetime | None = None
    sessions: list = field(default_factory=list)
    agenda: list = field(default_factory=list)
    rules: list = field(default_factory=list)
    minutes: Minutes | None = None


def build_meetings(volume: Volume) -> dict[str, int]:
    rng = volume.random("meetings")
    context = _context(volume)
    plans = [
        _plan(rng, context, kind) for kind in _kinds(volume.count(MEETINGS_AT_SCALE_ONE), context)
    ]
    audiences = _audiences(volume, context, volume_people(volume.today), plans)
    for index, plan in enumerate(plans):
        if plan.capacity_share and index in audiences:
            invited = len(audiences[index][1])
            plan.meeting.capacity = max(5, round(invited * plan.capacity_share))
    meetings = _bulk_create(Meeting, [p.meeting for p in plans])
    for plan in plans:  # the keys are there now
        for row in [*plan.sessions, *plan.agenda, *plan.rules]:
            row.meeting = plan.meeting
        if plan.minutes:
            plan.minutes.meeting = plan.meeting
    sessions = _bulk_create(MeetingSession, [s for p in plans for s in p.sessions])
    agenda = _bulk_create(AgendaItem, [a for p in plans for a in p.agenda])
    rules = _bulk_create(AudienceRule, [r for p in plans for r in p.rules])
    minutes = _bulk_create(Minutes, [p.minutes for p in plans if p.minutes])
    invitations = [
        invitation
        for index, (stream, audience) in audiences.items()
        for invitation in _answered(stream, context, plans[index], audience)
    ]
    _bulk_create(Invitation, invitations)
    return {
        "meetings": len(meetings),
        "meeting sessions": len(sessions),
        "agenda items": len(agenda),
        "audience rules": len(rules),
        "minutes": len(minutes),
        "invitations": len(invitations),
    }


def _context(volume: Volume) -> Context:
    municipalities = list(Municipality.objects.select_related("sub_region").order_by("code"))
    sub_regions = list(SubRegion.objects.order_by("position", "name"))
    towns = [s.meeting_town for s in sub_regions if s.meeting_town] or list(VENUES)
    institutions = list(
        Organisation.objects.filter(
            kind=OrganisationKind.CULTURAL_INSTITUTION, email__endswith="@" + VOLUME_DOMAIN
        ).order_by("name", "slug")
    )
    Link = Organisation.co_financing_municipalities.through
    co_financiers = defaultdict(set)
    for organisation, municipality in Link.objects.filter(
        organisation__in=institutions
    ).values_list("organisation_id", "municipality_id"):
        co_financiers[organisation].add(municipality)
    networks = list(volume_networks().order_by("name"))
    members = defaultdict(list)
    for membership in NetworkMembership.objects.filter(network__in=networks).order_by("pk"):
        members[membership.network_id].append(membership)
    organisers = list(
        RoleAssignment.objects.active(volume.today)
        .filter(role=Role.REGIONAL_OFFICIAL, user__email__endswith="@" + VOLUME_DOMAIN)
        .order_by("user__email")
        .values_list("user_id", flat=True)
    )
    if not organisers:  # a tiny fraction of a scale may have no regional official
        organisers = [volume_people(volume.today).everyone[0].user_id]
    return Context(
        municipalities=municipalities,
        towns=towns,
        town_of={m.pk: m.sub_region.meeting_town for m in municipalities if m.sub_region},
        institutions=institutions,
        co_financiers=dict(co_financiers),
        networks=networks,
        members=dict(members),
        organisers=organisers,
        # Midnight today: every answer drawn lies in the past, whenever the seeding runs.
        now=datetime.combine(volume.today, time(0), tzinfo=STOCKHOLM),
    )


def _kinds(total: int, context: Context) -> list[str]:
    counts = {kind: round(total * share) for kind, share in KIND_SHARES.items()}
    if not context.institutions:
        counts[ForumType.THEMATIC] += counts.pop(ForumType.INSTITUTIONS)
    counts[NETWORK_MEETING] = max(0, total - sum(counts.values())) if context.networks else 0
    counts[ForumType.THEMATIC] += total - sum(counts.values())
    return [kind for kind, count in counts.items() for _ in range(count)]


def _plan(rng: random.Random, context: Context, kind: str) -> Plan:
    day = _meeting_day(context.now.date() + timedelta(days=rng.randint(-PAST_DAYS, FUTURE_DAYS)))
    host = rng.choice(context.municipalities)
    theme = rng.choice(THEMES)
    meeting = Meeting(organiser_id=_draw(rng, context.organisers))
    plan = Plan(meeting=meeting, kind=kind)
    if kind == NETWORK_MEETING:
        meeting.network = _draw(rng, context.networks)
    else:
        meeting.forum_type = kind
    _describe(rng, context, plan, day, host, theme)
    if kind in AUDIENCE_SIZES:
        plan.audience_size = rng.randint(*AUDIENCE_SIZES[kind])
    meeting.is_public = rng.random() < SHARE_PUBLIC[kind]
    if rng.random() < SHARE_ONLINE.get(kind, 0):
        meeting.online_url = f"https://mote.example.se/j/{rng.randrange(10**9, 10**10)}"
        if rng.random() < 0.7:  # most online meetings are online only
            meeting.place = ""
    _set_status(rng, context, plan)
    if kind in (ForumType.THEMATIC, NETWORK_MEETING) and rng.random() < SHARE_WITH_CAPACITY:
        plan.capacity_share = rng.uniform(0.4, 0.8)
    plan.agenda = _agenda(rng, theme, host, context)
    plan.rules = _rules(plan)
    if meeting.status == Meeting.Status.HELD and rng.random() < SHARE_WITH_MINUTES:
        plan.minutes = _minutes(rng, context, plan)
    return plan


def _describe(rng, context: Context, plan: Plan, day: date, host, theme: str) -> None:
    """Title, time, place and description, by kind."""
    meeting, kind = plan.meeting, plan.kind
    morning = rng.random() < 0.5
    start, hours = (time(9, 0), 3) if morning else (time(13, 0), 3)
    if kind == ForumType.ANNUAL:
        meeting.title = f"Årlig kulturpolitisk överläggning {day.year}"
        meeting.place = rng.choice(ANNUAL_VENUES)
        meeting.description = (
            "Kommunernas kulturpolitiker och chefstjänstepersoner möter Region Skånes "
            "kulturnämnd. Skånes Kommuner, det professionella kulturlivet och den idéburna "
            "sektorn medverkar."
        )
        start, hours = time(9, 30), 6.5
    elif kind == ForumType.SUB_REGIONAL:
        season = "våren" if day.month <= 6 else "hösten"
        meeting.title = f"Delregionala överläggningar, {season} {day.year}: {theme.lower()}"
        meeting.description = (
            "Fyra möten, ett i varje hörn av Skåne. Varje kommun väljer vilket den deltar i. "
            f"Fördjupning: {theme.lower()}."
        )
        plan.sessions = _sessions(rng, context, day, start)
        meeting.starts_at = plan.sessions[0].starts_at
        meeting.ends_at = plan.sessions[-1].ends_at
        return
    elif kind == ForumType.THEMATIC:
        meeting.title = f"Tematisk överläggning: {theme}"
        if rng.random() < 0.6:
            meeting.host_municipality = host
            meeting.title += f", {host.name}"
        meeting.place = rng.choice(LOCAL_VENUES).format(muni=host.name)
        meeting.description = (
            f"Politiker och tjänstepersoner kring utvecklingsområdet {theme.lower()}."
        )
    elif kind == ForumType.INSTITUTIONS:
        institution = _draw(rng, context.institutions)
        meeting.institution = institution
        meeting.host_municipality_id = institution.host_municipality_id
        meeting.title = f"Särskild överläggning: {institution.name}"
        meeting.place = institution.name
        meeting.description = (
            "Region Skåne och de medfinansierande kommunerna om institutionens uppdrag, "
            "ekonomi och kommande år."
        )
        hours = 2.5
    elif kind == ForumType.BILATERAL:
        meeting.host_municipality = host
        neighbours = [
            m
            for m in context.municipalities
            if m.sub_region_id == host.sub_region_id and m.pk != host.pk
        ]
        other = rng.choice(neighbours) if neighbours else None
        with_two = other is not None and rng.random() < 0.3
        meeting.title = f"Bilateralt samtal med {host.name}" + (
            f" och {other.name}" if with_two else ""
        )
        meeting.place = f"Kommunhuset, {host.name}"
        meeting.description = f"Samtal om {theme.lower()} och kommunens prioriteringar."
        hours = rng.choice([1, 1.5, 2])
    else:  # a network's meeting
        meeting.title = f"{meeting.network.name}: nätverksträff {MONTHS[day.month - 1]} {day.year}"
        meeting.place = rng.choice(LOCAL_VENUES).format(muni=host.name)
        meeting.description = f"Nätverkets träff. Tema den här gången: {theme.lower()}."
        hours = rng.choice([1.5, 2, 3])
    meeting.starts_at = datetime.combine(day, start, tzinfo=STOCKHOLM)
    meeting.ends_at = meeting.starts_at + timedelta(hours=hours)


def _sessions(rng, context: Context, day: date, start: time) -> list[MeetingSession]:
    """A round's four sessions, one in each corner, a few days apart."""
    sessions = []
    for position, town in enumerate(context.towns):
        starts_at = datetime.combine(day, start, tzinfo=STOCKHOLM)
        sessions.append(
            MeetingSession(
                town=town,
                place=rng.choice(VENUES.get(town, LOCAL_VENUES)).format(muni=town),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                position=position,
            )
        )
        day = _working_day(day + timedelta(days=rng.randint(1, 4)))
    return sessions


def _set_status(rng, context: Context, plan: Plan) -> None:
    meeting = plan.meeting
    draw, changes = rng.random(), rng.choices([0, 1, 2], weights=[80, 15, 5])[0]
    if meeting.starts_at < context.now:
        # Some held meetings stay "scheduled": nobody marked the attendance.
        if draw < 0.06:
            meeting.status = Meeting.Status.CANCELLED
        elif draw < 0.18:
            meeting.status = Meeting.Status.SCHEDULED
        else:
            meeting.status = Meeting.Status.HELD
    elif draw < 0.12:
        meeting.status = Meeting.Status.DRAFT
    elif draw < 0.16:
        meeting.status = Meeting.Status.CANCELLED
    else:
        meeting.status = Meeting.Status.SCHEDULED
    if meeting.status == Meeting.Status.DRAFT:
        return
    meeting.sequence = changes + (meeting.status == Meeting.Status.CANCELLED)
    # The invitations went out some weeks before, and never after today.
    weeks_before = timedelta(days=rng.randint(21, 90))
    plan.sent_at = min(meeting.starts_at - weeks_before, context.now - timedelta(days=1))


def _agenda(rng, theme: str, host, context: Context) -> list[AgendaItem]:
    count = rng.randint(2, 7)
    topics = rng.sample(AGENDA_TOPICS, k=min(len(AGENDA_TOPICS), max(0, count - 2)))
    titles = ["Välkommen och presentation", *topics, "Sammanfattning och nästa steg"][:count]
    items = []
    for position, title in enumerate(titles):
        person = f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}"
        presenter = rng.choice(PRESENTERS).format(muni=host.name, person=person)
        items.append(
            AgendaItem(
                title=title.format(theme=theme.lower()),
                presenter=presenter if 0 < position < len(titles) - 1 else "",
                duration_minutes=rng.choice([None, 15, 20, 30, 45, 60, 90]),
                position=position,
            )
        )
    return items


def _rules(plan: Plan) -> list[AudienceRule]:
    meeting, kind = plan.meeting, plan.kind
    kinds = {
        ForumType.ANNUAL: [
            Audience.CULTURE_CHIEFS,
            Audience.MUNICIPAL_POLITICIANS,
            Audience.REGIONAL_POLITICIANS,
            Audience.SKANES_KOMMUNER,
        ],
        ForumType.SUB_REGIONAL: [
            Audience.CULTURE_CHIEFS,
            Audience.MUNICIPAL_POLITICIANS,
            Audience.SKANES_KOMMUNER,
        ],
        ForumType.THEMATIC: [Audience.CULTURE_CHIEFS, Audience.MUNICIPAL_POLITICIANS],
        ForumType.INSTITUTIONS: [Audience.CO_FINANCIERS],
        ForumType.BILATERAL: [Audience.MUNICIPAL_POLITICIANS],
        NETWORK_MEETING: [Audience.NETWORK],
    }[kind]
    return [
        AudienceRule(kind=rule, network=meeting.network, organisation=meeting.institution)
        for rule in kinds
    ]


def _minutes(rng, context: Context, plan: Plan) -> Minutes:
    lines = [
        f"{item.position + 1}. {item.title}: {rng.choice(MINUTES_LINES)}" for item in plan.agenda
    ]
    published_at = plan.meeting.ends_at + timedelta(days=rng.randint(5, 30))
    published = published_at < context.now and rng.random() < 0.85
    return Minutes(
        text="\n\n".join(lines),
        status=Minutes.Status.PUBLISHED if published else Minutes.Status.IN_REVIEW,
        published_at=published_at if published else None,
    )


def _meeting_day(day: date) -> date:
    """A working day near day, outside the summer and Christmas holidays."""
    if day.month == 7 and day.day <= 15:  # early July to June; the rest to August
        day -= timedelta(days=31)
    return _working_day(day)


def _working_day(day: date) -> date:
    """The day, or the next one that is a working day outside July and Christmas."""
    if day.month == 7:
        day = date(day.year, 8, 1)
    elif (day.month, day.day) >= (12, 20):
        day = date(day.year + 1, 1, 7)
    elif (day.month, day.day) <= (1, 6):
        day = date(day.year, 1, 7)
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _draw(rng, items: list):
    # One draw whatever the length (see kulturportal.volume._pick).
    return items[int(rng.random() * len(items))]


# --- Invitations -----------------------------------------------------------------------------


def _audiences(volume: Volume, context: Context, people: People, plans: list[Plan]) -> dict:
    """Who each meeting invited: index → (its random stream, the people), drafts left out."""
    streams = {
        index: volume.random(f"meetings:{index}:invitations")
        for index, plan in enumerate(plans)
        if plan.sent_at
    }
    by_user = {person.user_id: person for person in people.everyone}
    audiences = {
        index: _members_then(context, plans[index], by_user)
        for index in streams
        if plans[index].kind == NETWORK_MEETING
    }
    # The network meetings invite their members; the others share out what is left.
    rest = volume.count(INVITATIONS_AT_SCALE_ONE) - sum(len(a) for a in audiences.values())
    sized = [index for index in streams if index not in audiences]
    sizes = apportion(
        max(0, rest),
        [plans[index].audience_size for index in sized],
        [len(people.everyone)] * len(sized),
    )
    pools: dict = {}
    for index, size in zip(sized, sizes, strict=True):
        preferred = _preferred(context, people, plans[index], pools)
        audiences[index] = _choose(streams[index], preferred, people.everyone, size)
    return {index: (streams[index], audiences[index]) for index in streams}


def apportion(total: int, weights: list[int], caps: list[int]) -> list[int]:
    """total shared out in proportion to weights, none above its cap; the sizes add up to
    total exactly unless the caps together hold less."""
    fixed: dict[int, int] = {}
    while True:
        free = [i for i, weight in enumerate(weights) if weight > 0 and i not in fixed]
        rest = total - sum(fixed.values())
        weight = sum(weights[i] for i in free)
        exact = {i: rest * weights[i] / weight for i in free} if weight else {}
        over = [i for i in free if exact[i] > caps[i]]
        if not over:
            break
        fixed.update({i: caps[i] for i in over})
    sizes = [fixed.get(i, 0) for i in range(len(weights))]
    for i in free:
        sizes[i] = int(exact[i])
    left = rest - sum(sizes[i] for i in free)
    for i in sorted(free, key=lambda i: (sizes[i] - exact[i], i))[:left]:
        sizes[i] += 1  # the largest remainders get the last ones
    return sizes


def _members_then(context: Context, plan: Plan, by_user: dict) -> list[Person]:
    """The network's members on the day of the meeting."""
    day = plan.meeting.starts_at.date()
    members = []
    for membership in context.members.get(plan.meeting.network.pk, []):
        person = by_user.get(membership.user_id)
        began = membership.starts_on <= day
        if person and began and (membership.ends_on is None or membership.ends_on >= day):
            members.append(person)
    return members


def _preferred(context: Context, people: People, plan: Plan, pools: dict) -> list[Person]:
    """Whom a meeting of this kind invites first; anyone else fills up what is missing."""
    meeting, kind = plan.meeting, plan.kind
    municipalities = None
    if kind == ForumType.ANNUAL:
        roles = (
            Role.MUNICIPAL_POLITICIAN,
            Role.CULTURE_CHIEF,
            Role.REGIONAL_POLITICIAN,
            Role.REGIONAL_OFFICIAL,
        )
    elif kind == ForumType.SUB_REGIONAL:
        roles = (Role.MUNICIPAL_POLITICIAN, Role.CULTURE_CHIEF, Role.REGIONAL_POLITICIAN)
    elif kind == ForumType.THEMATIC:
        roles = (Role.MUNICIPAL_POLITICIAN, *MUNICIPAL_STAFF)
    elif kind == ForumType.INSTITUTIONS:
        roles = (Role.CULTURE_CHIEF, Role.MUNICIPAL_POLITICIAN, Role.MUNICIPAL_OFFICIAL)
        municipalities = frozenset(
            context.co_financiers.get(meeting.institution.pk) or {meeting.host_municipality_id}
        )
    else:  # bilateral
        roles = (Role.MUNICIPAL_POLITICIAN, *MUNICIPAL_STAFF)
        municipalities = frozenset({meeting.host_municipality_id})
    key = (roles, municipalities)
    if key not in pools:
        if municipalities is None:
            pool = people.with_roles(*roles)
        else:
            local = [p for m in sorted(municipalities) for p in people.by_municipality.get(m, [])]
            pool = _once_each([p for p in local if p.role in roles])
            pool += people.with_roles(Role.REGIONAL_OFFICIAL)[:3]
        pools[key] = _once_each(pool)
    return pools[key]


def _choose(rng, preferred: list[Person], everyone: list[Person], size: int) -> list[Person]:
    chosen = rng.sample(preferred, min(size, len(preferred)))
    size = min(size, len(everyone))
    taken = {p.email for p in chosen}
    while len(chosen) < size:  # fill up from everyone, one draw at a time
        person = _draw(rng, everyone)
        if person.email not in taken:
            taken.add(person.email)
            chosen.append(person)
    return chosen


def _share_answering(meeting: Meeting, now: datetime) -> float:
    if meeting.status == Meeting.Status.CANCELLED:
        return 0.45
    days_left = (meeting.starts_at - now).days
    if days_left < 0:
        return 0.85
    if days_left <= 7:
        return 0.8
    if days_left <= 30:
        return 0.65
    return 0.45 if days_left <= 90 else 0.2


def _answered(rng, context: Context, plan: Plan, audience: list[Person]) -> list[Invitation]:
    meeting = plan.meeting
    answering = _share_answering(meeting, context.now)
    window = (min(meeting.starts_at, context.now) - plan.sent_at).total_seconds()
    in_person = bool(meeting.place or plan.sessions)
    invitations = []
    for person in audience:
        invitation = Invitation(
            meeting=meeting,
            email=person.email,
            name=person.name,
            user_id=person.user_id,
            municipality_id=person.municipality_id,
            organisation_id=person.organisation_id,
        )
        invitations.append(invitation)
        if rng.random() >= answering:
            continue
        invitation.responded_at = plan.sent_at + timedelta(seconds=window * rng.random())
        draw = rng.random()
        if draw < SHARE_COMING:
            invitation.response = Invitation.Response.ACCEPTED
            invitation.session = _session(rng, context, plan, person)
        elif draw < SHARE_COMING + SHARE_DECLINING:
            invitation.response = Invitation.Response.DECLINED
            if rng.random() < SHARE_WITH_SUBSTITUTE:
                first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
                invitation.substitute_name = f"{first} {last}"
                invitation.substitute_email = f"{_ascii(first)}.{_ascii(last)}@{VOLUME_DOMAIN}"
            continue
        else:
            invitation.response = Invitation.Response.TENTATIVE
        if in_person and rng.random() < SHARE_WITH_DIET:
            invitation.dietary_needs = rng.choice(DIETARY_NEEDS)
        if in_person and rng.random() < SHARE_WITH_ACCESS_NEEDS:
            invitation.access_needs = rng.choice(ACCESS_NEEDS)
    _wait_and_attend(rng, meeting, invitations)
    return invitations


def _session(rng, context: Context, plan: Plan, person: Person):
    if not plan.sessions:
        return None
    home = context.town_of.get(person.municipality_id)
    nearest = [s for s in plan.sessions if s.town == home]
    if nearest and rng.random() < SHARE_AT_OWN_CORNER:
        return nearest[0]
    return rng.choice(plan.sessions)


def _wait_and_attend(rng, meeting: Meeting, invitations: list[Invitation]) -> None:
    coming = sorted(
        (i for i in invitations if i.response == Invitation.Response.ACCEPTED),
        key=lambda i: i.responded_at,
    )
    if meeting.capacity is not None:
        for invitation in coming[meeting.capacity :]:
            invitation.waitlisted = True
    if meeting.status == Meeting.Status.HELD:  # attendance marked: present or not
        for invitation in invitations:
            invitation.attended = False
        for invitation in coming:
            invitation.attended = not invitation.waitlisted and rng.random() < SHARE_PRESENT


def clear_meetings() -> None:
    # Meetings protect their organiser and network: they go first.
    Meeting.objects.filter(
        Q(organiser__email__endswith="@" + VOLUME_DOMAIN)
        | Q(network__slug__startswith=NETWORK_SLUG_PREFIX)
    ).delete()


MEETINGS = Builder("meetings", build_meetings, clear_meetings)

# Found by kulturportal.volume.builders(), in this order.
BUILDERS = [NETWORKS, MEETINGS]
