"""Organisations signing up, and people asking to represent one.

A signed-in person with a verified e-mail address registers an organisation and becomes its
representative, or asks to represent one that is registered already; the organisation's
representatives (by e-mail) or a regional official (from Min sida) decide. Each service owns
its transaction and writes the audit log; e-mail goes through the outbox after commit.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass

import rules
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from kulturportal import audit, search
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.emails import queue_emails, templated_email
from kulturportal.models import (
    MembershipRequest,
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    User,
)
from kulturportal.rules import is_regional_official, represents_organisation

# The kinds a person may register. The region's officials enter the rest: Region Skåne,
# the municipal administrations, Skånes Kommuner, the state agencies, the co-financed
# institutions and the consultation bodies (an audit registered "Scenkonstkollegiet").
REGISTRABLE_KINDS = [
    OrganisationKind.INTEREST_ORGANISATION,
    OrganisationKind.INDEPENDENT_CULTURAL_LIFE,
    OrganisationKind.POPULAR_EDUCATION,
    OrganisationKind.CIVIL_SOCIETY,
]
# A name others' spreadsheets must never run as a formula, however it is exported.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

REGISTERED_FIELDS = ["name", "org_number", "kind", "host_municipality", "email", "website"]

# A representative decides for their own organisation; a regional official for any.
rules.add_perm("kulturportal.decide_membership", represents_organisation | is_regional_official)

audit.register_actions(
    {
        "organisation.registered": _("Organisationen registrerad"),
        "membership.requested": _("Ansökan om att företräda organisationen"),
        "membership.approved": _("Ansökan godkänd"),
        "membership.declined": _("Ansökan avslagen"),
        "organisation.approved": _("Organisationen godkänd"),
        "organisation.refused": _("Organisationen avslagen"),
    },
    details={"organisation": _("Organisation"), "requester": _("Sökande"), "note": _("Motivering")},
)


class DuplicateOrganisation(Exception):
    """An organisation with this organisation number is registered already."""

    def __init__(self, existing: Organisation):
        super().__init__(existing.org_number)
        self.existing = existing


class AlreadyRepresents(Exception):
    """The person already represents the organisation."""


class RequestPending(Exception):
    """The person has a request for the organisation that waits for a decision."""

    def __init__(self, pending: MembershipRequest | None = None):
        super().__init__("pending")
        self.pending = pending


class AlreadyDecided(Exception):
    """The request was approved or declined before; `membership_request` says how."""

    def __init__(self, membership_request: MembershipRequest):
        super().__init__(membership_request.status)
        self.membership_request = membership_request


def has_verified_email(user: User) -> bool:
    """The person has confirmed the address the portal writes to."""
    return (
        user.is_authenticated
        and EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def unique_slug(name: str) -> str:
    """A slug from the name, with -2, -3, … when another organisation has it already."""
    max_length = Organisation._meta.get_field("slug").max_length or 200
    base = (slugify(name) or "organisation")[: max_length - 6].strip("-") or "organisation"
    numbered = rf"^{re.escape(base)}-[0-9]+$"
    taken = set(
        Organisation.objects.filter(Q(slug=base) | Q(slug__regex=numbered)).values_list(
            "slug", flat=True
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def active_representatives(organisation: Organisation):
    """RoleAssignments in force that make people the organisation's representatives."""
    return RoleAssignment.objects.active().filter(
        role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation, user__is_active=True
    )


def represents(user: User, organisation: Organisation) -> bool:
    return active_representatives(organisation).filter(user=user).exists()


@transaction.atomic
def register_organisation(
    *,
    actor: User,
    name: str,
    org_number: str,
    kind: str,
    host_municipality: Municipality | None = None,
    email: str = "",
    website: str = "",
) -> Organisation:
    """Register the organisation and make `actor`, who registers it, its representative.
    It waits for an official's approval (review_registration) before it takes part.

    `org_number` is in the stored form (NNNNNN-NNNN); a number registered already raises
    DuplicateOrganisation, also when another person registered it a moment ago.
    """
    if kind not in REGISTRABLE_KINDS:
        raise ValueError(f"{kind!r} is not a kind a person may register")
    if name_problem(name):
        raise ValueError(f"{name!r} is not a name an organisation may have")
    existing = Organisation.objects.filter(org_number=org_number).first()
    if existing:
        raise DuplicateOrganisation(existing)
    organisation = None
    for _attempt in range(3):
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(
                    name=name,
                    slug=unique_slug(name),
                    org_number=org_number,
                    kind=kind,
                    host_municipality=host_municipality,
                    email=email,
                    website=website,
                    status=Organisation.Status.PENDING,
                    registered_by=actor,
                )
            break
        except IntegrityError:
            existing = Organisation.objects.filter(org_number=org_number).first()
            if existing:
                raise DuplicateOrganisation(existing) from None
            # Someone took the slug in between: pick the next free one.
    if organisation is None:
        raise IntegrityError("no free slug for the organisation")
    RoleAssignment.objects.create(
        user=actor, role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation
    )
    actor.__dict__.pop("active_roles", None)  # the new role counts at once
    audit.record(
        "organisation.registered",
        organisation,
        changes=audit.diff({}, audit.snapshot(organisation, REGISTERED_FIELDS)),
        actor=actor,
    )
    invalidate_public_pages_on_commit()  # a hosted institution shows on its municipality's page
    search.reindex_on_commit(organisation)
    return organisation


@transaction.atomic
def request_membership(
    *, actor: User, organisation: Organisation, message: str = ""
) -> MembershipRequest:
    """`actor` asks to represent `organisation`; its current representatives are told by
    e-mail.

    Raises AlreadyRepresents or RequestPending instead of asking twice.
    """
    user = actor
    if represents(user, organisation):
        raise AlreadyRepresents
    pending = organisation.membership_requests.filter(
        user=user, status=MembershipRequest.Status.PENDING
    ).first()
    if pending:
        raise RequestPending(pending)
    try:
        with transaction.atomic():
            membership_request = MembershipRequest.objects.create(
                user=user, organisation=organisation, message=message
            )
    except IntegrityError:  # the same request sent twice at once
        raise RequestPending from None
    recipients = User.objects.filter(
        pk__in=active_representatives(organisation).values("user_id")
    ).order_by("pk")
    queue_emails(
        [
            _email(
                recipient,
                "emails/membership_request",
                {
                    "membership_request": membership_request,
                    "organisation": organisation,
                    "requester": user,
                },
                url_name="organisation_requests",
                url_args=[organisation.slug],
                dedupe_key=f"membership-request-{membership_request.pk}-{recipient.pk}",
            )
            for recipient in recipients
        ]
    )
    audit.record(
        "membership.requested",
        membership_request,
        details={"organisation": organisation.name, "requester": user.email},
        actor=actor,
    )
    return membership_request


@transaction.atomic
def decide_membership(
    *, membership_request: MembershipRequest, actor: User, approve: bool
) -> MembershipRequest:
    """Approve (the requester becomes a representative) or decline a pending request; the
    requester is told by e-mail either way. A decided request raises AlreadyDecided."""
    status = MembershipRequest.Status.APPROVED if approve else MembershipRequest.Status.DECLINED
    now = timezone.now()
    # One conditional update: of two people deciding at once, only one wins.
    won = MembershipRequest.objects.filter(
        pk=membership_request.pk, status=MembershipRequest.Status.PENDING
    ).update(status=status, decided_by=actor, decided_at=now, updated_at=now)
    decided = MembershipRequest.objects.select_related("user", "organisation", "decided_by").get(
        pk=membership_request.pk
    )
    if not won:
        raise AlreadyDecided(decided)
    requester, organisation = decided.user, decided.organisation
    if approve and not represents(requester, organisation):
        RoleAssignment.objects.create(
            user=requester, role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation
        )
    queue_emails(
        [
            _email(
                requester,
                "emails/membership_decided",
                {"membership_request": decided, "organisation": organisation, "approved": approve},
                url_name="my_page",
                dedupe_key=f"membership-decided-{decided.pk}",
            )
        ]
    )
    audit.record(
        "membership.approved" if approve else "membership.declined",
        decided,
        changes={
            "status": [MembershipRequest.Status.PENDING, status],
            "decided_by": [None, audit.jsonable(actor)],
        },
        details={"organisation": organisation.name, "requester": requester.email},
        actor=actor,
    )
    return decided


def _email(recipient: User, name: str, context: dict, *, url_name: str, url_args=(), **fields):
    """One outbox row in the recipient's language, with a link to the page in that language."""
    language = recipient.preferred_language or "sv"
    with translation.override(language):
        url = settings.SITE_URL + reverse(url_name, args=list(url_args))
    return templated_email(
        to=recipient.email,
        name=name,
        context={**context, "recipient": recipient, "url": url},
        language=language,
        **fields,
    )


def name_problem(name: str) -> str:
    """Why a name cannot be an organisation's, or "": a formula trigger first, or a
    control or format character anywhere (text shown to others and exported)."""
    if name.startswith(FORMULA_TRIGGERS):
        return "formula"
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        return "hidden"
    return ""


# --- Approving what people register ------------------------------------------------------


class AlreadyReviewed(Exception):
    """Another official approved or refused the organisation a moment ago."""


@dataclass(frozen=True)
class Registration:
    """A pending organisation as the officials' queue shows it."""

    organisation: Organisation
    similar: list[tuple[Organisation, float]]


SIMILAR_FROM = 0.6
SIMILAR_SHOWN = 5


def pending_registrations() -> list[Registration]:
    """Organisations waiting for review, oldest first, each with the existing organisations
    whose names are most like its own. Compared in Python (difflib) over the names: a few
    thousand organisations take milliseconds, and it works the same on SQLite."""
    pending = list(
        Organisation.objects.filter(status=Organisation.Status.PENDING)
        .select_related("registered_by", "host_municipality")
        .order_by("created_at")
    )
    if not pending:
        return []
    others = list(
        Organisation.objects.exclude(status=Organisation.Status.PENDING).only(
            "name", "slug", "org_number", "kind", "status"
        )
    )
    return [Registration(o, _similar(o, others)) for o in pending]


def _similar(
    organisation: Organisation, others: list[Organisation]
) -> list[tuple[Organisation, float]]:
    name = _comparable(organisation.name)
    scored = [
        (other, difflib.SequenceMatcher(None, name, _comparable(other.name)).ratio())
        for other in others
    ]
    close = [(other, score) for other, score in scored if score >= SIMILAR_FROM]
    return sorted(close, key=lambda pair: -pair[1])[:SIMILAR_SHOWN]


def _comparable(name: str) -> str:
    return " ".join(name.casefold().replace("-", " ").split())


@transaction.atomic
def review_registration(
    *, organisation: Organisation, approve: bool, note: str = "", actor: User
) -> Organisation:
    """Approve a pending organisation (it takes part from now on) or refuse it with a
    reason; the person who registered it is told by e-mail. One conditional update:
    of two officials deciding at once, only the first counts (AlreadyReviewed)."""
    status = Organisation.Status.APPROVED if approve else Organisation.Status.REFUSED
    now = timezone.now()
    won = Organisation.objects.filter(
        pk=organisation.pk, status=Organisation.Status.PENDING
    ).update(status=status, reviewed_by=actor, reviewed_at=now, review_note=note, updated_at=now)
    if not won:
        raise AlreadyReviewed
    organisation = Organisation.objects.select_related("registered_by").get(pk=organisation.pk)
    if organisation.registered_by:
        queue_emails(
            [
                _email(
                    organisation.registered_by,
                    "emails/organisation_reviewed",
                    {"organisation": organisation, "approved": approve, "note": note},
                    url_name="my_page",
                    dedupe_key=f"organisation-reviewed-{organisation.pk}",
                )
            ]
        )
    audit.record(
        "organisation.approved" if approve else "organisation.refused",
        organisation,
        actor=actor,
        changes={"status": [Organisation.Status.PENDING, status]},
        details={"note": note} if note else {},
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(organisation)  # found by everyone once approved
    return organisation
