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
        for row in csv.DictReader(rows):
            _seed_institution(row, municipalities)
    _seed_officials_group()


def _seed_institution(row: dict, municipalities: dict) -> None:
    host = municipalities.get(row["host_municipality_code"])
    institution, created = Organisation.objects.get_or_create(
        slug=slugify(row["name"]),
        defaults={
            "name": row["name"],
            "kind": OrganisationKind.CULTURAL_INSTITUTION,
            "host_municipality": host,
            "activity_areas": [row["activity_area"]],
        },
    )
    if created and host and row["co_financed_by_region_and_municipality"] == "yes":
        institution.co_financing_municipalities.add(host)


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
    logins = []
    for email, first, last, role, scope in DEMO_PEOPLE:
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
        logins.append((email, str(Role(role).label)))
    return logins


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
