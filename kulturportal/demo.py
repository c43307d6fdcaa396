"""Reference and demo data for the embedded default and for tests. Idempotent."""

import csv
from pathlib import Path

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from kulturportal.discovery import app_modules
from kulturportal.models import (
    BodyMembership,
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    User,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "demo-kultur"  # noqa: S105 - published in the README, demo data only.

FIXED_ORGANISATIONS = [
    # name, kind, organisation number (None where we have no verified one)
    ("Region Skåne", OrganisationKind.REGION, "232100-0255"),
    ("Skånes Kommuner", OrganisationKind.MUNICIPAL_ASSOCIATION, None),
    ("Länsstyrelsen Skåne", OrganisationKind.STATE_AGENCY, None),
    ("Folkhögskolorna i Skåne", OrganisationKind.POPULAR_EDUCATION, "802400-1235"),
    ("Scenkonstkollegiet", OrganisationKind.CONSULTATION_BODY, None),
    ("Kollegiet för fri scenkonst", OrganisationKind.CONSULTATION_BODY, None),
    ("Skånes danskollegium", OrganisationKind.CONSULTATION_BODY, None),
    ("Bildkonst- och formkollegiet", OrganisationKind.CONSULTATION_BODY, None),
    ("Kulturarvskollegiet", OrganisationKind.CONSULTATION_BODY, None),
]

DEMO_PEOPLE = [
    # e-mail, first name, last name, role, municipality code or organisation name
    ("handlaggare@example.se", "Hanna", "Handläggare", Role.REGIONAL_OFFICIAL, None),
    ("kulturchef.lund@example.se", "Lena", "Lundberg", Role.CULTURE_CHIEF, "1281"),
    ("kulturchef.malmo@example.se", "Malik", "Malmsten", Role.CULTURE_CHIEF, "1280"),
    ("politiker.ystad@example.se", "Ylva", "Ystadius", Role.MUNICIPAL_POLITICIAN, "1286"),
    (
        "forening@example.se",
        "Folke",
        "Föreningsson",
        Role.ORGANISATION_REPRESENTATIVE,
        "Folkhögskolorna i Skåne",
    ),
    (
        "operan@example.se",
        "Olle",
        "Operasson",
        Role.ORGANISATION_REPRESENTATIVE,
        "Malmö Opera",
    ),
]

# People who make the demo's structure true rather than logins to try: each sub-region a
# municipal culture politician, the region's culture committee, Skånes Kommuner, the
# children's culture coordinators, and each consultation body's contact. Not printed.
STRUCTURE_PEOPLE = [
    ("politiker.helsingborg@example.se", "Hugo", "Helander", Role.MUNICIPAL_POLITICIAN, "1283"),
    ("politiker.kristianstad@example.se", "Karin", "Krantz", Role.MUNICIPAL_POLITICIAN, "1290"),
    ("politiker.malmo@example.se", "Maja", "Malmgren", Role.MUNICIPAL_POLITICIAN, "1280"),
    ("kulturnamnden@example.se", "Rolf", "Regnell", Role.REGIONAL_POLITICIAN, None),
    (
        "kansli@skaneskommuner.example.se",
        "Sofia",
        "Skoog",
        Role.ORGANISATION_REPRESENTATIVE,
        "Skånes Kommuner",
    ),
    ("samordnare.lund@example.se", "Lisa", "Ljung", Role.YOUTH_CULTURE_COORDINATOR, "1281"),
    ("samordnare.ystad@example.se", "Yngve", "Ysander", Role.YOUTH_CULTURE_COORDINATOR, "1286"),
    (
        "scenkonst@example.se",
        "Sara",
        "Scenius",
        Role.ORGANISATION_REPRESENTATIVE,
        "Scenkonstkollegiet",
    ),
    (
        "friscenkonst@example.se",
        "Frida",
        "Fri",
        Role.ORGANISATION_REPRESENTATIVE,
        "Kollegiet för fri scenkonst",
    ),
    (
        "dans@example.se",
        "Daniel",
        "Dansk",
        Role.ORGANISATION_REPRESENTATIVE,
        "Skånes danskollegium",
    ),
    (
        "bildkonst@example.se",
        "Bo",
        "Bildt",
        Role.ORGANISATION_REPRESENTATIVE,
        "Bildkonst- och formkollegiet",
    ),
    (
        "kulturarv@example.se",
        "Karl",
        "Kulturarvsson",
        Role.ORGANISATION_REPRESENTATIVE,
        "Kulturarvskollegiet",
    ),
]
# Scenkonstkollegiet's members are the first seven institutions (kulturportal/data/README).
SCENKONST_MEMBERS = 7

OFFICIALS_GROUP = "Regionala tjänstepersoner"
# What the README's security section promises the officials in the admin: reference data
# and networks they may add and change; people, the outbox and meetings they may only see
# (people change through invitations, meetings are planned in the portal's own pages).
OFFICIALS_MAY_CHANGE = [
    "subregion",
    "municipality",
    "organisation",
    "roleassignment",
    "roleinvitation",
    "network",
    "networkmembership",
    "bodymembership",
]
OFFICIALS_MAY_VIEW = ["user", "outgoingemail", "meeting", "auditentry"]
OFFICIALS_MAY_NOT = ["delete_municipality", "delete_subregion"]


@transaction.atomic
def seed_reference_data() -> None:
    for name, kind, number in FIXED_ORGANISATIONS:
        Organisation.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "kind": kind, "org_number": number}
        )
    municipalities = {m.code: m for m in Municipality.objects.all()}
    with (DATA / "institutions.csv").open(encoding="utf-8") as rows:
        institutions = [_seed_institution(row, municipalities) for row in csv.DictReader(rows)]
    body = Organisation.objects.get(name="Scenkonstkollegiet")
    for member in institutions[:SCENKONST_MEMBERS]:
        BodyMembership.objects.get_or_create(body=body, organisation=member)
    _seed_officials_group()


def _seed_institution(row: dict, municipalities: dict) -> Organisation:
    host = municipalities.get(row["host_municipality_code"])
    institution, _created = Organisation.objects.get_or_create(
        slug=slugify(row["name"]),
        defaults={
            "name": row["name"],
            "kind": OrganisationKind.CULTURAL_INSTITUTION,
            "host_municipality": host,
            "activity_areas": [row["activity_area"]],
        },
    )
    if host and row["co_financed_by_region_and_municipality"] == "yes":
        institution.co_financing_municipalities.add(host)  # again too: the demo's truth
    return institution


def _seed_officials_group() -> None:
    """Set on every run, so a group changed by hand is put back as documented."""
    group, _created = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__model__in=OFFICIALS_MAY_CHANGE)
            | Q(content_type__model__in=OFFICIALS_MAY_VIEW, codename__startswith="view_"),
            content_type__app_label__in=_project_apps(),
        ).exclude(codename__in=OFFICIALS_MAY_NOT)
    )


def _project_apps() -> list[str]:
    """The labels of this project's own apps (not Django's or allauth's)."""
    return [c.label for c in apps.get_app_configs() if Path(c.path).is_relative_to(BASE_DIR)]


@transaction.atomic
def seed_demo_people() -> list[tuple[str, str]]:
    """Create the demo logins; returns (e-mail, role) pairs for printing."""
    for person in DEMO_PEOPLE:
        _seed_person(*person)
    return [(email, str(Role(role).label)) for email, _first, _last, role, _scope in DEMO_PEOPLE]


@transaction.atomic
def seed_structure_people() -> None:
    """The people behind the demo's structure (STRUCTURE_PEOPLE). Only seed_demo calls this:
    the tests' demo fixture counts recipients and rows without them."""
    for person in STRUCTURE_PEOPLE:
        _seed_person(*person)


def _seed_person(email: str, first: str, last: str, role: str, scope: str | None) -> None:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if role == Role.REGIONAL_OFFICIAL:
        User.objects.filter(pk=user.pk).update(is_staff=True)
        user.groups.add(Group.objects.get(name=OFFICIALS_GROUP))
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    RoleAssignment.objects.get_or_create(user=user, role=role, **_scope(role, scope))


def _scope(role: str, scope: str | None) -> dict:
    if role in Role.municipal():
        return {"municipality": Municipality.objects.get(code=scope)}
    if role == Role.ORGANISATION_REPRESENTATIVE:
        return {"organisation": Organisation.objects.get(name=scope)}
    return {}


@transaction.atomic
def seed_app_demos() -> list[str]:
    """Each app's own demo data (its demo.seed_demo()), in INSTALLED_APPS order."""
    seeded = []
    for module in app_modules("demo"):
        if hasattr(module, "seed_demo"):
            module.seed_demo()
            seeded.append(module.__name__)
    return seeded
