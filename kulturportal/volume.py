"""Realistic volume for performance work, on top of the reference data: `manage.py seed_volume`.

At scale 1: 500 organisations and 2,000 people with their roles, then each app's builders
(found by kulturportal.discovery; forums/volume.py: 12 thematic networks with members,
300 meetings and 15,000 invitations); scale 10 is ten times that.
The builders run in order, each from its own random stream, so a feature area that adds a
builder later (meetings, invitations, development areas, consultation responses) does not
change what the earlier builders make.
"""

import random
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn
from stdnum.se import orgnr

from kulturportal import volume_names as names
from kulturportal.caching import invalidate_public_pages
from kulturportal.demo import DEMO_PASSWORD, OFFICIALS_GROUP
from kulturportal.discovery import app_modules
from kulturportal.models import (
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    User,
)

DEFAULT_SEED = 2010  # förordning 2010:2012
BATCH_SIZE = 1000
# Every e-mail address of the volume ends here: it marks the rows as volume, and example.se
# makes sure no invitation ever reaches a real person.
VOLUME_DOMAIN = "volym.example.se"
ORGANISATIONS_AT_SCALE_ONE = 500
PEOPLE_AT_SCALE_ONE = 2000


class VolumeExists(Exception):
    """The database already holds volume; replace it or use a fresh database."""


@dataclass
class Volume:
    """What every builder gets: how much to make, and the shared fixed parts."""

    scale: float
    seed: int = DEFAULT_SEED
    password_hash: str = ""
    today: date = field(default_factory=timezone.localdate)

    def count(self, at_scale_one: int) -> int:
        return max(1, round(at_scale_one * self.scale))

    def random(self, builder_name: str) -> random.Random:
        # A string seed is hashed the same way in every process, whatever PYTHONHASHSEED says.
        return random.Random(f"{self.seed}:{builder_name}")  # noqa: S311 - made-up data


@dataclass(frozen=True)
class Builder:
    name: str
    build: Callable[[Volume], dict[str, int]]  # returns rows created, by model
    clear: Callable[[], None]  # removes what build made


def builders() -> list[Builder]:
    """In dependency order: the core's, then each app's BUILDERS in INSTALLED_APPS order."""
    found = [ORGANISATIONS, PEOPLE]
    for module in app_modules("volume"):
        found.extend(getattr(module, "BUILDERS", []))
    return found


def has_volume() -> bool:
    return (
        User.objects.filter(email__endswith="@" + VOLUME_DOMAIN).exists()
        or Organisation.objects.filter(email__endswith="@" + VOLUME_DOMAIN).exists()
    )


@transaction.atomic
def seed_volume(scale: float, seed: int = DEFAULT_SEED, replace: bool = False) -> dict[str, int]:
    if has_volume():
        if not replace:
            raise VolumeExists
        clear_volume()
    # One hash for everyone: hashing 20,000 passwords would take minutes.
    volume = Volume(scale=scale, seed=seed, password_hash=make_password(DEMO_PASSWORD))
    created: dict[str, int] = {}
    for builder in builders():
        created.update(builder.build(volume))
    # bulk_create sends no signals: retire the cached public pages (the meeting list, say)
    # once the new rows are there for everyone to see.
    transaction.on_commit(invalidate_public_pages)
    return created


def clear_volume() -> None:
    for builder in reversed(builders()):
        builder.clear()


def _bulk_create(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _genitive(name: str) -> str:
    return name if name[-1] in "sxz" else name + "s"


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _days_ago(volume: Volume, rng: random.Random, most: int, least: int = 0) -> date:
    return volume.today - timedelta(days=rng.randint(least, most))


# --- Organisations ---------------------------------------------------------------------------

Kind = OrganisationKind
# Shares of the volume by kind. Fixed-list kinds stop at the length of their list; what is left
# over becomes civil society, the largest group in any real consultation.
KIND_SHARES = {
    Kind.INDEPENDENT_CULTURAL_LIFE: 0.26,
    Kind.POPULAR_EDUCATION: 0.12,
    Kind.INTEREST_ORGANISATION: 0.10,
    Kind.MUNICIPAL_ADMINISTRATION: 0.10,
    Kind.CULTURAL_INSTITUTION: 0.08,
    Kind.STATE_AGENCY: 0.02,
    Kind.CONSULTATION_BODY: 0.01,
    Kind.REGION: 0.01,
    Kind.MUNICIPAL_ASSOCIATION: 0.01,
}
# Legal-form prefixes of Swedish organisation numbers: 212 municipalities, 232 regions,
# 202 state agencies, 222 municipal federations, 802 associations and foundations,
# 556/559 limited companies, 769 economic associations, 969 trading partnerships.
ORG_NUMBER_PREFIXES = {
    Kind.REGION: ["2321"],
    Kind.MUNICIPAL_ADMINISTRATION: ["2120"],
    Kind.MUNICIPAL_ASSOCIATION: ["2220"],
    Kind.STATE_AGENCY: ["2021"],
    Kind.CULTURAL_INSTITUTION: ["802", "556", "769"],
    Kind.CONSULTATION_BODY: ["802"],
    Kind.INTEREST_ORGANISATION: ["802"],
    Kind.INDEPENDENT_CULTURAL_LIFE: ["556", "559", "769", "969"],
    Kind.POPULAR_EDUCATION: ["802", "817"],
    Kind.CIVIL_SOCIETY: ["802"],
}
SHARE_WITH_ORG_NUMBER = 0.6
SHARE_CO_FINANCED = 0.4


def kind_counts(total: int) -> dict[str, int]:
    counts = {}
    for kind, share in KIND_SHARES.items():
        counts[kind] = round(total * share)
        if kind in names.FIXED_NAMES:
            counts[kind] = min(counts[kind], len(names.FIXED_NAMES[kind]))
    counts[Kind.CIVIL_SOCIETY] = total - sum(counts.values())
    return counts


def build_organisations(volume: Volume) -> dict[str, int]:
    rng = volume.random("organisations")
    municipalities = list(Municipality.objects.order_by("code"))
    slugs = set(Organisation.objects.values_list("slug", flat=True))
    numbers = set(
        Organisation.objects.exclude(org_number=None).values_list("org_number", flat=True)
    )
    made_names: set[str] = set()
    organisations, co_financing = [], []
    for kind, count in kind_counts(volume.count(ORGANISATIONS_AT_SCALE_ONE)).items():
        fixed = names.FIXED_NAMES.get(kind)
        for index in range(count):
            home = rng.choice(municipalities)
            name = fixed[index] if fixed else _organisation_name(rng, kind, home, made_names)
            org = _organisation(rng, kind, name, home, slugs, numbers)
            organisations.append(org)
            if kind == Kind.CULTURAL_INSTITUTION and rng.random() < SHARE_CO_FINANCED:
                co_financing.append((org, _co_financiers(rng, home, municipalities)))
    _bulk_create(Organisation, organisations)
    links = _co_financing_links(co_financing)
    return {"organisations": len(organisations), "co-financing links": len(links)}


def _organisation_name(rng, kind: str, home: Municipality, made: set[str]) -> str:
    templates = names.ORGANISATION_TEMPLATES[kind]
    for _attempt in range(20):
        name = _fill(rng.choice(templates), rng, home)
        if name not in made:
            break
    number = 2
    base = name
    while name in made:  # The lists run out at scale 10: number the rare repeat.
        name, number = f"{base} {number}", number + 1
    made.add(name)
    return name


def _fill(template: str, rng, home: Municipality) -> str:
    place = rng.choice(names.PLACES)
    return template.format(
        muni=home.name,
        muni_genitive=_genitive(home.name),
        official=home.official_name,
        place=place,
        place_genitive=_genitive(place),
        word=rng.choice(names.WORDS),
        last=rng.choice(names.LAST_NAMES),
    )


def _organisation(rng, kind, name, home, slugs: set, numbers: set) -> Organisation:
    slug = _unique(slugify(name)[:190], slugs)
    org = Organisation(
        name=name,
        slug=slug,
        kind=kind,
        email=f"{slug[:60]}@{VOLUME_DOMAIN}",
        website=f"https://{slug[:60]}.example.se/",
    )
    if rng.random() < SHARE_WITH_ORG_NUMBER:
        org.org_number = org_number(rng, rng.choice(ORG_NUMBER_PREFIXES[kind]), numbers)
    if kind == Kind.CULTURAL_INSTITUTION:
        org.host_municipality = home
        org.activity_areas = [_institution_area(name)]
    return org


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate


def org_number(rng, prefix: str, taken: set[str]) -> str:
    """A valid, unused organisation number (NNNNNN-NNNN) starting with prefix."""
    body = prefix + "".join(rng.choice(string.digits) for _ in range(9 - len(prefix)))
    while True:
        number = orgnr.format(body + luhn.calc_check_digit(body))
        if number not in taken:
            taken.add(number)
            return number
        # Step on rather than draw again, so the random stream does not depend on the database.
        body = str(int(body) + 1).zfill(9)


def _institution_area(name: str) -> str:
    return next(area for word, area in names.INSTITUTION_AREAS.items() if word in name)


def _co_financiers(rng, home: Municipality, municipalities: list) -> list[Municipality]:
    neighbours = [m for m in municipalities if m.sub_region_id == home.sub_region_id and m != home]
    return [home, *rng.sample(neighbours, k=min(len(neighbours), rng.randint(0, 2)))]


def _co_financing_links(co_financing: list) -> list:
    Link = Organisation.co_financing_municipalities.through
    links = [
        Link(organisation_id=org.pk, municipality_id=municipality.pk)
        for org, municipalities in co_financing
        for municipality in municipalities
    ]
    return _bulk_create(Link, links)


def clear_organisations() -> None:
    volume_organisations = Organisation.objects.filter(email__endswith="@" + VOLUME_DOMAIN)
    # Roles protect their organisation, whoever holds them.
    RoleAssignment.objects.filter(organisation__in=volume_organisations).delete()
    volume_organisations.delete()


ORGANISATIONS = Builder("organisations", build_organisations, clear_organisations)


# --- People and their roles ------------------------------------------------------------------

ROLE_SHARES = {
    Role.ORGANISATION_REPRESENTATIVE: 0.50,
    Role.MUNICIPAL_OFFICIAL: 0.17,
    Role.MUNICIPAL_POLITICIAN: 0.15,
    Role.YOUTH_CULTURE_COORDINATOR: 0.05,
    Role.CULTURE_CHIEF: 0.04,
    Role.REGIONAL_OFFICIAL: 0.05,
    Role.REGIONAL_POLITICIAN: 0.04,
}
REPRESENTED_KINDS = [
    Kind.MUNICIPAL_ASSOCIATION,
    Kind.CULTURAL_INSTITUTION,
    Kind.CONSULTATION_BODY,
    Kind.INTEREST_ORGANISATION,
    Kind.INDEPENDENT_CULTURAL_LIFE,
    Kind.POPULAR_EDUCATION,
    Kind.CIVIL_SOCIETY,
]
SHARE_WITH_TWO_ROLES = 0.25
SHARE_OF_ENDED_ROLES = 0.08
SHARE_IN_ENGLISH = 0.05


@dataclass
class Scopes:
    """What a role can be tied to, and which municipalities already have a culture chief."""

    municipalities: list
    organisations: list
    with_chief: set = field(default_factory=set)


def build_people(volume: Volume) -> dict[str, int]:
    rng = volume.random("people")
    scopes = _scopes(volume)
    emails: set[str] = set()
    people, roles = [], []
    for _index in range(volume.count(PEOPLE_AT_SCALE_ONE)):
        person = _person(rng, volume, emails)
        person_roles = _roles(rng, volume, scopes, person)
        person.is_staff = any(r.role == Role.REGIONAL_OFFICIAL for r in person_roles)
        people.append(person)
        roles.extend(person_roles)
    _bulk_create(User, people)  # fills in the keys, so the roles below can point to them
    _bulk_create(RoleAssignment, roles)
    addresses = _bulk_create(EmailAddress, [_address(p) for p in people])
    _join_officials_group([p for p in people if p.is_staff])
    return {"people": len(people), "roles": len(roles), "e-mail addresses": len(addresses)}


def _scopes(volume: Volume) -> Scopes:
    chiefs = RoleAssignment.objects.active(volume.today).filter(role=Role.CULTURE_CHIEF)
    return Scopes(
        municipalities=list(Municipality.objects.order_by("code")),
        # By slug, not key: the choice must not depend on what the database held before.
        organisations=list(
            Organisation.objects.filter(kind__in=REPRESENTED_KINDS).order_by("slug")
        ),
        with_chief=set(chiefs.values_list("municipality_id", flat=True)),
    )


def _person(rng, volume: Volume, emails: set[str]) -> User:
    first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
    local = _unique(f"{_ascii(first)}.{_ascii(last)}", emails)
    return User(
        email=f"{local}@{VOLUME_DOMAIN}",
        first_name=first,
        last_name=last,
        password=volume.password_hash,
        preferred_language="en" if rng.random() < SHARE_IN_ENGLISH else "sv",
        date_joined=timezone.now() - timedelta(days=rng.randint(0, 4 * 365)),
    )


def _roles(rng, volume: Volume, scopes: Scopes, person: User) -> list[RoleAssignment]:
    count = 2 if rng.random() < SHARE_WITH_TWO_ROLES else 1
    roles: list[RoleAssignment] = []
    while len(roles) < count:
        role = _role(rng, volume, scopes, person)
        if not any(_same(role, other) for other in roles):
            roles.append(role)
    return roles


def _role(rng, volume: Volume, scopes: Scopes, person: User) -> RoleAssignment:
    role = rng.choices(list(ROLE_SHARES), weights=list(ROLE_SHARES.values()))[0]
    assignment = RoleAssignment(user=person, role=role, starts_on=_days_ago(volume, rng, 3650))
    if role in Role.municipal():
        assignment.municipality = rng.choice(scopes.municipalities)
    elif role == Role.ORGANISATION_REPRESENTATIVE:
        assignment.organisation = _pick(rng, scopes.organisations)
    # Both drawn every time, so the stream does not depend on which roles the database held.
    ended, share_held = rng.random() < SHARE_OF_ENDED_ROLES, rng.random()
    if role == Role.CULTURE_CHIEF:
        # A municipality has one culture chief at a time; the others are former chiefs.
        ended = assignment.municipality.pk in scopes.with_chief
        scopes.with_chief.add(assignment.municipality.pk)
    if ended:
        _end(assignment, share_held, volume.today)
    return assignment


def _end(assignment: RoleAssignment, share_held: float, today: date) -> None:
    """An ended role: it ran for a share of the time from its start until yesterday."""
    yesterday = today - timedelta(days=1)
    assignment.starts_on = min(assignment.starts_on, yesterday)
    days = (yesterday - assignment.starts_on).days
    assignment.ends_on = assignment.starts_on + timedelta(days=round(days * share_held))


def _pick(rng, items: list):
    # One draw whatever the length: rng.choice draws more or fewer times depending on it, and
    # how many organisations the database held before (with demo data or without) must not
    # change the names that follow.
    return items[int(rng.random() * len(items))]


def _same(a: RoleAssignment, b: RoleAssignment) -> bool:
    return (a.role, a.municipality, a.organisation) == (b.role, b.municipality, b.organisation)


def _address(person: User) -> EmailAddress:
    return EmailAddress(user_id=person.pk, email=person.email, verified=True, primary=True)


def _join_officials_group(officials: list[User]) -> None:
    group = Group.objects.filter(name=OFFICIALS_GROUP).first()
    if group is None:  # seed_demo has not run: there is no group to join
        return
    Membership = User.groups.through
    _bulk_create(Membership, [Membership(user_id=u.pk, group_id=group.pk) for u in officials])


def clear_people() -> None:
    User.objects.filter(email__endswith="@" + VOLUME_DOMAIN).delete()


PEOPLE = Builder("people", build_people, clear_people)
