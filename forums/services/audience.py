"""Who a meeting reaches: the union of its audience rules (all culture chiefs, a sub-region's
politicians, a network, a body's members, an institution's co-financiers, named people,
pasted addresses), one recipient per address."""

from dataclasses import dataclass, replace

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.translation import gettext_lazy

from forums.models import (
    Audience,
    AudienceRule,
    Meeting,
    NetworkMembership,
)
from forums.pasted import parse_pasted
from kulturportal import audit
from kulturportal.emails import normalise_address
from kulturportal.models import (
    OrganisationKind,
    Role,
    RoleAssignment,
)

audit.register_actions(
    {
        "audience.added": gettext_lazy("Målgrupp tillagd"),
        "audience.removed": gettext_lazy("Målgrupp borttagen"),
    },
    details={"rule": gettext_lazy("Regel")},
)


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    user_id: int | None = None
    municipality_id: int | None = None
    organisation_id: int | None = None
    sub_region_id: int | None = None


def resolve_audience(meeting: Meeting) -> list[Recipient]:
    """The union of the meeting's audience rules, one recipient per e-mail address, each
    address in its one normalised form (lower case, the domain in IDNA): what the
    invitation stores, the e-mail is sent to, the calendar's ATTENDEE says and a reply is
    compared with."""
    recipients: dict[str, Recipient] = {}
    rules = meeting.audience_rules.prefetch_related("sub_regions", "people").select_related(
        "network", "organisation"
    )
    politicians: list[Recipient] | None = None
    for rule in rules:
        if rule.kind == Audience.MUNICIPAL_POLITICIANS:
            # One query for every politicians' rule, however many sub-regions they name.
            if politicians is None:
                politicians = _people_with_roles([Role.MUNICIPAL_POLITICIAN], with_sub_region=True)
            regions = {r.pk for r in rule.sub_regions.all()}
            found = [p for p in politicians if not regions or p.sub_region_id in regions]
        else:
            found = _resolve_rule(rule)
        for recipient in found:
            address = normalise_address(recipient.email)
            recipients.setdefault(address, replace(recipient, email=address))
    placed = _with_municipalities(list(recipients.values()))
    return sorted(placed, key=lambda r: (r.name.lower(), r.email))


# Whose municipality a person counts for when they hold roles in several: the one the
# deliberations are about first.
ROLE_ORDER = [
    Role.CULTURE_CHIEF,
    Role.MUNICIPAL_POLITICIAN,
    Role.MUNICIPAL_OFFICIAL,
    Role.YOUTH_CULTURE_COORDINATOR,
]


def resolve_people(recipients: list[Recipient]) -> list[Recipient]:
    """The recipients, each with the municipality of their role (as resolve_audience)."""
    return _with_municipalities(recipients)


def _with_municipalities(recipients: list[Recipient]) -> list[Recipient]:
    """Each person counts for the municipality of their municipal role, whatever rule
    invited them (named people, pasted addresses, a network's members): the boards'
    "Från N kommuner" and "N av 33 representerade" count them. One query."""
    unplaced = {r.user_id for r in recipients if r.user_id and not r.municipality_id}
    if not unplaced:
        return recipients
    assignments = (
        RoleAssignment.objects.active()
        .filter(user_id__in=unplaced, role__in=ROLE_ORDER, municipality__isnull=False)
        .values_list("user_id", "role", "municipality_id", "municipality__sub_region_id")
    )
    places: dict[int, dict] = {}
    for user_id, _role, municipality_id, sub_region_id in sorted(
        assignments, key=lambda a: (ROLE_ORDER.index(a[1]), a[2])
    ):
        places.setdefault(
            user_id, {"municipality_id": municipality_id, "sub_region_id": sub_region_id}
        )
    return [
        replace(r, **places[r.user_id]) if r.user_id in places and not r.municipality_id else r
        for r in recipients
    ]


def _people_with_roles(roles, *, with_sub_region: bool = False, **filters) -> list[Recipient]:
    assignments = (
        RoleAssignment.objects.reachable()  # not an organisation waiting for approval
        .filter(role__in=roles, user__is_active=True, **filters)
        .select_related("user", *(["municipality"] if with_sub_region else []))
        .order_by("user__email")
    )
    return [
        Recipient(
            email=a.user.email,
            name=a.user.get_full_name(),
            user_id=a.user_id,
            municipality_id=a.municipality_id,
            organisation_id=a.organisation_id,
            sub_region_id=a.municipality.sub_region_id
            if with_sub_region and a.municipality
            else None,
        )
        for a in assignments
    ]


def _resolve_rule(rule) -> list[Recipient]:
    kind = rule.kind
    if kind == Audience.CULTURE_CHIEFS:
        return _people_with_roles([Role.CULTURE_CHIEF])
    if kind == Audience.MUNICIPAL_POLITICIANS:
        sub_regions = list(rule.sub_regions.all())
        if not sub_regions:
            return _people_with_roles([Role.MUNICIPAL_POLITICIAN])
        return _people_with_roles(
            [Role.MUNICIPAL_POLITICIAN], municipality__sub_region__in=sub_regions
        )
    if kind == Audience.REGIONAL_POLITICIANS:
        return _people_with_roles([Role.REGIONAL_POLITICIAN])
    if kind == Audience.NETWORK:
        return network_members(rule.network)
    if kind == Audience.BODY:
        members = rule.organisation.members.values("organisation")
        return _people_with_roles(
            [Role.ORGANISATION_REPRESENTATIVE],
            organisation__in=[
                *members.values_list("organisation", flat=True),
                rule.organisation_id,
            ],
        )
    if kind == Audience.CO_FINANCIERS:
        municipalities = rule.organisation.co_financing_municipalities.all()
        return _people_with_roles(
            [Role.CULTURE_CHIEF, Role.MUNICIPAL_POLITICIAN], municipality__in=municipalities
        )
    if kind == Audience.SKANES_KOMMUNER:
        return _people_with_roles(
            [Role.ORGANISATION_REPRESENTATIVE],
            organisation__kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
        )
    if kind == Audience.PEOPLE:
        return [
            Recipient(email=u.email, name=u.get_full_name(), user_id=u.pk)
            for u in rule.people.all()
        ]
    if kind == Audience.EMAILS:
        return _pasted_recipients(parse_pasted(rule.emails)[0])
    raise ValueError(kind)


def _pasted_recipients(pairs: list[tuple[str, str]]) -> list[Recipient]:
    """Pasted addresses, with the names pasted beside them; one that is an account's
    verified address invites that account, so the meeting shows on the person's own page."""
    addresses = [address for _name, address in pairs]
    accounts = {
        address.email.lower(): address.user
        for address in EmailAddress.objects.filter(
            email__in=addresses, verified=True, user__is_active=True
        ).select_related("user")
    }
    return [
        Recipient(email=a, name=accounts[a].get_full_name() or name, user_id=accounts[a].pk)
        if a in accounts
        else Recipient(email=a, name=name)
        for name, a in pairs
    ]


def network_members(network) -> list[Recipient]:
    if network.member_role:
        return _people_with_roles([network.member_role])
    memberships = (
        NetworkMembership.objects.active()
        .filter(network=network, user__is_active=True)
        .select_related("user")
    )
    return [
        Recipient(
            email=m.user.email,
            name=m.user.get_full_name(),
            user_id=m.user_id,
            municipality_id=m.municipality_id,
        )
        for m in memberships
    ]


@transaction.atomic
def add_audience_rule(
    *, meeting: Meeting, rule: AudienceRule, save_m2m=None, actor
) -> AudienceRule:
    rule.meeting = meeting
    rule.save()
    if save_m2m:
        save_m2m()
    audit.record("audience.added", meeting, actor=actor, details={"rule": str(rule)})
    return rule


@transaction.atomic
def remove_audience_rule(*, meeting: Meeting, rule_pk: int, actor) -> bool:
    rule = meeting.audience_rules.filter(pk=rule_pk).first()
    if rule is None:
        return False
    label = str(rule)
    rule.delete()
    audit.record("audience.removed", meeting, actor=actor, details={"rule": label})
    return True
