"""Whom a round reaches, as the official sees it before sending, and the invitation: each
address once."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy

from consultations.models import (
    GROUP_KINDS,
    Round,
)
from consultations.services.rounds import RoundClosed
from kulturportal import audit
from kulturportal.emails import queue_emails, templated_email
from kulturportal.models import (
    BodyMembership,
    Municipality,
    Organisation,
    OrganisationKind,
    OutgoingEmail,
    Role,
    RoleAssignment,
)

audit.register_actions(
    {"round.invited": gettext_lazy("Inbjudan skickad")},
    details={"recipients": gettext_lazy("Mottagare")},
)


def audience_organisations(round: Round):
    """The organisations a round is addressed to: by its groups (a body's member
    organisations with it) and by name."""
    kinds = [kind for group in round.groups for kind in GROUP_KINDS.get(group, [])]
    condition = Q(pk__in=round.addressed_organisations.values("pk")) | Q(kind__in=kinds)
    if OrganisationKind.CONSULTATION_BODY in kinds:
        condition |= Q(pk__in=BodyMembership.objects.values("organisation"))
    return Organisation.objects.approved().filter(condition)


@dataclass(frozen=True)
class Invitee:
    email: str
    name: str
    on_behalf_of: str
    language: str = "sv"


def invitees(round: Round) -> list[Invitee]:
    """Who the invitation reaches, as the official sees it before sending: the
    representatives of the audience's organisations (the organisation's own address when it
    has none in the portal) and, for a referral, the municipalities' culture chiefs."""
    organisations = list(audience_organisations(round).order_by("name"))
    condition = Q(organisation__in=organisations, role=Role.ORGANISATION_REPRESENTATIVE)
    if round.addresses_municipalities:
        condition |= Q(role=Role.CULTURE_CHIEF, municipality__isnull=False)
    roles = (
        RoleAssignment.objects.reachable()
        .filter(condition, user__is_active=True)
        .select_related("user", "organisation", "municipality")
    )
    found: dict[str, Invitee] = {}
    represented = set()
    for role in roles:
        if role.organisation_id:
            represented.add(role.organisation_id)
        found.setdefault(
            role.user.email,
            Invitee(
                role.user.email,
                str(role.user),
                str(role.organisation or role.municipality),
                role.user.preferred_language or "sv",
            ),
        )
    if round.addresses_municipalities:
        with_chief = {r.municipality_id for r in roles if r.role == Role.CULTURE_CHIEF}
        for municipality in Municipality.objects.exclude(pk__in=with_chief):
            if municipality.culture_email:
                found.setdefault(
                    municipality.culture_email,
                    Invitee(municipality.culture_email, municipality.name, municipality.name),
                )
    for organisation in organisations:
        if organisation.pk not in represented and organisation.email:
            found.setdefault(
                organisation.email,
                Invitee(organisation.email, organisation.name, organisation.name),
            )
    return sorted(found.values(), key=lambda i: (i.on_behalf_of, i.email))


def unreachable(round: Round) -> list[str]:
    """The audience no invitation reaches: no one in the portal and no address of its own."""
    reached = {invitee.on_behalf_of for invitee in invitees(round)}
    names = [o.name for o in audience_organisations(round).order_by("name")]
    if round.addresses_municipalities:
        names += [m.name for m in Municipality.objects.order_by("name")]
    return sorted({name for name in names if name not in reached})


@transaction.atomic
def invite(*, round: Round, actor) -> int:
    """Send the round's invitation; each address gets it once, whenever it is sent again
    (those added to the audience later get theirs then). Returns how many were queued."""
    if round.has_closed():
        raise RoundClosed
    people = invitees(round)
    emails = [
        templated_email(
            to=invitee.email,
            name="consultations/emails/invitation",
            context={
                "round": round,
                "invitee": invitee,
                "round_url": settings.SITE_URL + round.get_absolute_url(),
            },
            language=invitee.language,
            dedupe_key=f"consultation-invitation:{round.pk}:{invitee.email}",
        )
        for invitee in people
    ]
    already = OutgoingEmail.objects.filter(
        dedupe_key__startswith=f"consultation-invitation:{round.pk}:"
    )
    before = already.count()
    queue_emails(emails)
    sent = already.count() - before
    audit.record("round.invited", round, actor=actor, details={"recipients": sent})
    return sent
