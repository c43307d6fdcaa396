"""The checks that ask for an explanation rather than refuse: the state grant reported
against the decision, and any figure that moved more than the round's threshold (30 % by
default) against the organisation's approved report for the year before.

Refusals (a negative number, a part larger than its whole) are the form's; a finding here
lets a draft be saved and asks for a short explanation before the report is submitted.
What was found, with the explanation given, is kept in each submitted version for the
official who reviews it.
"""

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from followup import numbers
from followup.models import FundingDecision
from followup.values import ReportValues

STATE_GRANT = "state_grant"


@dataclass(frozen=True)
class Finding:
    key: str  # what the explanation is stored under
    field: str  # the form field it stands beside
    message: str
    explanation: str = ""

    @property
    def explained(self) -> bool:
        return bool(self.explanation.strip())

    def as_dict(self) -> dict:
        return asdict(self)


def explain_field(key: str) -> str:
    return f"explain__{key}"


def jump_key(field: str) -> str:
    return f"jump__{field}"


def findings(
    values: ReportValues,
    *,
    decision: FundingDecision | None,
    previous: ReportValues | None,
    previous_year: int,
    threshold: int,
) -> list[Finding]:
    found = []
    state = _state_grant(values, decision)
    if state:
        found.append(state)
    if previous is not None:
        found.extend(_jumps(values, previous, previous_year, threshold))
    return [
        Finding(f.key, f.field, f.message, values.explanations.get(f.key, "").strip())
        for f in found
    ]


def _state_grant(values: ReportValues, decision: FundingDecision | None) -> Finding | None:
    if decision is None:
        return None
    decided = decision.state_total
    reported = values.get("income_state")
    if reported is None:
        return Finding(
            STATE_GRANT,
            "income_state",
            _(
                "Ni har inte angett de statliga medlen. Enligt beslutet fick ni %(decided)s kr "
                "för %(year)s. Ange beloppet, eller förklara varför det saknas."
            )
            % {"decided": numbers.show(decided), "year": decision.year},
        )
    if reported != decided:
        return Finding(
            STATE_GRANT,
            "income_state",
            _(
                "Ni har angett %(reported)s kr i statliga medel, men beslutet för %(year)s är "
                "%(decided)s kr. Rätta beloppet eller förklara skillnaden."
            )
            % {
                "reported": numbers.show(reported),
                "decided": numbers.show(decided),
                "year": decision.year,
            },
        )
    return None


def _jumps(values: ReportValues, previous: ReportValues, year: int, threshold: int):
    before = previous.figures()
    limit = Decimal(threshold) / 100
    for field, now in values.figures().items():
        then = before.get(field)
        if then is None or then == 0:
            continue  # nothing to compare with: a first figure is not a jump
        change = (now - then) / then
        if abs(change) <= limit:
            continue
        percent = numbers.show(abs(change * 100), decimals=0)
        template = (
            _(
                "Siffran har ökat med %(percent)s %% jämfört med %(year)s (%(then)s → "
                "%(now)s). Skriv en kort förklaring."
            )
            if change > 0
            else _(
                "Siffran har minskat med %(percent)s %% jämfört med %(year)s (%(then)s → "
                "%(now)s). Skriv en kort förklaring."
            )
        )
        message = template % {
            "percent": percent,
            "year": year,
            "then": numbers.show(then),
            "now": numbers.show(now),
        }
        yield Finding(jump_key(field), field, message)


def unexplained(found: list[Finding]) -> list[Finding]:
    return [finding for finding in found if not finding.explained]
