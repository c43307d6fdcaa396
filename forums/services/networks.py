"""Thematic networks from the plan's priorities: the culture chiefs of the municipalities that
share a development area."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forums.models import (
    Network,
    NetworkMembership,
)
from kulturportal import audit, search
from kulturportal.models import (
    Role,
    RoleAssignment,
)

audit.register_actions(
    {"network.created_from_priorities": gettext_lazy("Tematiskt nätverk skapat")},
    details={
        "members": gettext_lazy("Medlemmar"),
        "municipalities": gettext_lazy("Kommuner"),
    },
)


class NetworkExists(Exception):
    def __init__(self, network: Network):
        super().__init__(network.slug)
        self.network = network


@transaction.atomic
def create_thematic_network(*, area, municipalities, actor) -> Network:
    """A thematic network for a development area that several municipalities prioritise;
    its members are those municipalities' culture chiefs. One network per area."""
    existing = Network.objects.filter(development_area=area).first()
    if existing:
        raise NetworkExists(existing)
    with translation.override("sv"):  # stored once, for everyone: in the portal's language
        name = _("Tematiskt nätverk: %(area)s") % {"area": area.title}
        description = _(
            "Kommuner som prioriterar %(area)s i %(plan)s. Medlemmarna är deras kulturchefer."
        ) % {"area": area.title, "plan": area.plan.title}
    network = Network.objects.create(
        name=name,
        slug=_free_slug(f"tema-{area.slug}-{area.plan.slug}"),
        form=Network.Form.THEMATIC,
        development_area=area,
        description=description,
    )
    chiefs = (
        RoleAssignment.objects.active()
        .filter(role=Role.CULTURE_CHIEF, municipality__in=municipalities, user__is_active=True)
        .order_by("user", "municipality")
    )
    seen: set[int] = set()
    memberships = []
    for assignment in chiefs:
        if assignment.user_id in seen:
            continue
        seen.add(assignment.user_id)
        memberships.append(
            NetworkMembership(
                network=network, user_id=assignment.user_id, municipality=assignment.municipality
            )
        )
    NetworkMembership.objects.bulk_create(memberships)
    audit.record(
        "network.created_from_priorities",
        network,
        actor=actor,
        details={
            "title": area.title,
            "members": len(memberships),
            "municipalities": sorted(m.name for m in municipalities),
        },
    )
    search.reindex_on_commit(network)
    return network


def _free_slug(base: str) -> str:
    slug, n = base[:190], 2
    while Network.objects.filter(slug=slug).exists():
        slug, n = f"{base[:190]}-{n}", n + 1
    return slug
