"""Who is missing: the municipalities an audience rule aims at that it reaches nobody in.
(The municipalities where nobody has answered yet come with the replies page's other
figures, forums.views.replies._reply_summary.)

A few queries however many rules, people and invitations there are: the municipalities,
the rules with their sub-regions and institutions, and the municipal roles in force.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from forums.models import Audience, Meeting
from kulturportal.collation import swedish
from kulturportal.models import Municipality, Role, RoleAssignment

# The rules that aim at municipalities, and whom each finds there.
MUNICIPAL_RULES = {
    Audience.CULTURE_CHIEFS: {Role.CULTURE_CHIEF},
    Audience.MUNICIPAL_POLITICIANS: {Role.MUNICIPAL_POLITICIAN},
    Audience.CO_FINANCIERS: {Role.CULTURE_CHIEF, Role.MUNICIPAL_POLITICIAN},
}


@dataclass(frozen=True)
class RuleCoverage:
    """One rule: how many it reaches in how many of its municipalities, and which of its
    municipalities it reaches nobody in (in Swedish order)."""

    kind: str
    label: str
    recipients: int
    municipalities: int
    missing: list[str]

    def summary(self) -> str:
        """ "Alla kulturchefer: 2 mottagare från 2 kommuner — 31 kommuner saknar registrerad
        kulturchef" """
        reached = ngettext(
            "%(label)s: %(count)s mottagare från %(municipalities)s kommun",
            "%(label)s: %(count)s mottagare från %(municipalities)s kommuner",
            self.municipalities,
        ) % {"label": self.label, "count": self.recipients, "municipalities": self.municipalities}
        if not self.missing:
            return reached
        return _("%(reached)s — %(missing)s") % {"reached": reached, "missing": self._missing()}

    def _missing(self) -> str:
        count = len(self.missing)
        if self.kind == Audience.CULTURE_CHIEFS:
            text = ngettext(
                "%(count)s kommun saknar registrerad kulturchef",
                "%(count)s kommuner saknar registrerad kulturchef",
                count,
            )
        elif self.kind == Audience.MUNICIPAL_POLITICIANS:
            text = ngettext(
                "%(count)s kommun saknar registrerad kulturpolitiker",
                "%(count)s kommuner saknar registrerad kulturpolitiker",
                count,
            )
        else:
            text = ngettext(
                "%(count)s kommun saknar registrerad kulturchef och kulturpolitiker",
                "%(count)s kommuner saknar registrerad kulturchef och kulturpolitiker",
                count,
            )
        return text % {"count": count}


def audience_coverage(meeting: Meeting) -> list[RuleCoverage]:
    """Each of the meeting's rules that aims at municipalities, in the rules' order."""
    rules = list(
        meeting.audience_rules.filter(kind__in=MUNICIPAL_RULES)
        .select_related("organisation")
        .prefetch_related("sub_regions", "organisation__co_financing_municipalities")
    )
    if not rules:
        return []
    municipalities = list(Municipality.objects.order_by(swedish("name")))
    people = _people_by_municipality(set().union(*(MUNICIPAL_RULES[r.kind] for r in rules)))
    return [_coverage(rule, _targets(rule, municipalities), people) for rule in rules]


def _people_by_municipality(roles: set[str]) -> dict[tuple[str, int], set[int]]:
    """(role, municipality id) → the active people holding that role there, for the roles
    the meeting's rules look for (not every municipal role in force)."""
    assignments = (
        RoleAssignment.objects.active()
        .filter(role__in=roles, user__is_active=True, municipality__isnull=False)
        .values_list("role", "municipality_id", "user_id")
    )
    people: dict[tuple[str, int], set[int]] = {}
    for role, municipality_id, user_id in assignments:
        people.setdefault((role, municipality_id), set()).add(user_id)
    return people


def _targets(rule, municipalities: list[Municipality]) -> list[Municipality]:
    if rule.kind == Audience.MUNICIPAL_POLITICIANS:
        regions = {region.pk for region in rule.sub_regions.all()}
        return [m for m in municipalities if not regions or m.sub_region_id in regions]
    if rule.kind == Audience.CO_FINANCIERS:
        if rule.organisation is None:
            return []
        chosen = {m.pk for m in rule.organisation.co_financing_municipalities.all()}
        return [m for m in municipalities if m.pk in chosen]
    return municipalities


def _coverage(rule, targets: list[Municipality], people) -> RuleCoverage:
    roles = MUNICIPAL_RULES[rule.kind]
    reached: set[int] = set()
    missing = []
    for municipality in targets:
        found = set().union(*(people.get((role, municipality.pk), set()) for role in roles))
        if found:
            reached |= found
        else:
            missing.append(municipality.name)
    return RuleCoverage(
        kind=rule.kind,
        label=_label(rule),
        recipients=len(reached),
        municipalities=len(targets) - len(missing),
        missing=missing,
    )


def _label(rule) -> str:
    label = str(Audience(rule.kind).label)
    if rule.kind == Audience.MUNICIPAL_POLITICIANS:
        regions = [region.name for region in rule.sub_regions.all()]
        return f"{label} ({', '.join(regions)})" if regions else label
    if rule.kind == Audience.CO_FINANCIERS and rule.organisation:
        return f"{label} ({rule.organisation.name})"
    return label
