"""Funding decisions: entered by hand (refused when someone saved since the form opened) or
imported from a spreadsheet after a preview, all rows or none, the same file twice changing
nothing the second time."""

import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from followup import importing
from followup.models import DecisionImport, FundingDecision, MunicipalContribution, StateGrant
from kulturportal import audit, uploads
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.models import ActivityArea, Municipality, Organisation

audit.register_actions(
    {
        "decision.created": gettext_lazy("Bidragsbeslut registrerat"),
        "decision.changed": gettext_lazy("Bidragsbeslut ändrat"),
        "decision.deleted": gettext_lazy("Bidragsbeslut borttaget"),
        "decision.imported": gettext_lazy("Bidragsbeslut importerat"),
        "decisions.import_uploaded": gettext_lazy("Fil med bidragsbeslut uppladdad"),
        "decisions.imported": gettext_lazy("Bidragsbeslut importerade från fil"),
    },
    details={
        "file": gettext_lazy("Fil"),
        "created": gettext_lazy("Nya"),
        "changed": gettext_lazy("Ändrade"),
        "unchanged": gettext_lazy("Oförändrade"),
        "year": gettext_lazy("År"),
    },
)

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class StaleDecision(Exception):
    """Someone saved the decision after this form was opened."""

    def __init__(self, decision: FundingDecision):
        super().__init__(decision.version)
        self.decision = decision


class DecisionExists(Exception):
    """The organisation has a decision for the year already: edit that one."""

    def __init__(self, decision: FundingDecision):
        super().__init__(decision.pk)
        self.decision = decision


class ImportNotReady(Exception):
    """The file has errors, nothing to import, or was imported already."""


@dataclass
class DecisionLines:
    region_grant: Decimal = Decimal(0)
    state: dict[ActivityArea, Decimal] = field(default_factory=dict)
    municipal: dict[Municipality, Decimal] = field(default_factory=dict)


def _snapshot(decision: FundingDecision) -> dict:
    """What the history shows of a decision: each line by name."""
    lines: dict[str, str | None] = {"Region Skåne": str(decision.region_grant)}
    for grant in decision.state_grants.select_related("activity_area"):
        lines[f"stat: {grant.activity_area.name_sv}"] = str(grant.amount)
    for part in decision.municipal_contributions.select_related("municipality"):
        lines[f"kommun: {part.municipality.name}"] = str(part.amount)
    return lines


def _write_lines(decision: FundingDecision, lines: DecisionLines) -> None:
    decision.region_grant = lines.region_grant
    decision.state_grants.all().delete()
    decision.municipal_contributions.all().delete()
    StateGrant.objects.bulk_create(
        StateGrant(decision=decision, activity_area=area, amount=amount)
        for area, amount in lines.state.items()
    )
    MunicipalContribution.objects.bulk_create(
        MunicipalContribution(decision=decision, municipality=municipality, amount=amount)
        for municipality, amount in lines.municipal.items()
    )


@transaction.atomic
def save_decision(
    *,
    decision: FundingDecision | None,
    organisation: Organisation,
    year: int,
    lines: DecisionLines,
    reference: str = "",
    note: str = "",
    base_version: int | None = None,
    actor,
) -> FundingDecision:
    """A new decision, or a change of one whose version is still `base_version`."""
    creating = decision is None
    if creating:
        existing = FundingDecision.objects.filter(organisation=organisation, year=year).first()
        if existing is not None:
            raise DecisionExists(existing)
        decision = FundingDecision.objects.create(organisation=organisation, year=year)
        before: dict = {}
    else:
        assert decision is not None
        version = base_version if base_version is not None else -1
        claimed = FundingDecision.objects.filter(pk=decision.pk, version=version).update(
            version=F("version") + 1
        )
        if claimed != 1:
            raise StaleDecision(FundingDecision.objects.get(pk=decision.pk))
        decision.refresh_from_db()
        before = _snapshot(decision)
    decision.reference, decision.note = reference, note
    decision.updated_by = audit.person(actor)
    _write_lines(decision, lines)
    decision.save()
    audit.record(
        "decision.created" if creating else "decision.changed",
        decision,
        actor=actor,
        changes=audit.diff(before, {k: None for k in before} | _snapshot(decision)),
    )
    invalidate_public_pages_on_commit()
    return decision


@transaction.atomic
def delete_decision(*, decision: FundingDecision, actor) -> None:
    audit.record(
        "decision.deleted",
        decision.organisation,
        actor=actor,
        changes=audit.diff(_snapshot(decision), {}),
        details={"year": decision.year},
    )
    decision.delete()
    invalidate_public_pages_on_commit()


# --- The import -------------------------------------------------------------------------------


@transaction.atomic
def upload_decisions(*, upload, actor) -> DecisionImport:
    """Keep an uploaded spreadsheet for its preview. The type is read from the content
    (kulturportal.uploads): an Excel file or text; anything else is refused beside the
    field (ValidationError)."""
    uploads.check_document(upload, types=uploads.SPREADSHEET_TYPES, max_bytes=MAX_IMPORT_BYTES)
    stored = DecisionImport.objects.create(
        token=secrets.token_urlsafe(24),
        uploaded_by=audit.person(actor),
        filename=upload.name,
        content=upload.read(),
    )
    audit.record("decisions.import_uploaded", stored, actor=actor, details={"file": upload.name})
    return stored


def preview(stored: DecisionImport) -> importing.Plan:
    """What importing the stored file would do (raises importing.UnreadableFile)."""
    return importing.plan(bytes(stored.content))


@transaction.atomic
def import_decisions(*, stored: DecisionImport, actor) -> dict[str, int]:
    """Apply the stored file, every decision in it or none; decisions the file leaves as
    they are stay untouched (no write, no history entry)."""
    stored = DecisionImport.objects.select_for_update().get(pk=stored.pk)
    if stored.imported_at is not None:
        raise ImportNotReady
    plan = preview(stored)
    if not plan.ok:
        raise ImportNotReady
    areas = {a.pk: a for a in ActivityArea.objects.all()}
    municipalities = {m.pk: m for m in Municipality.objects.all()}
    counts = {"created": 0, "changed": 0, "unchanged": 0}
    for planned in plan.decisions:
        status = planned.status
        counts[status if status != "new" else "created"] += 1
        if status == "unchanged":
            continue
        lines = DecisionLines(
            region_grant=planned.region,
            state={areas[pk]: amount for pk, amount in planned.state.items()},
            municipal={municipalities[pk]: amount for pk, amount in planned.municipal.items()},
        )
        _apply(planned, lines, actor)
    stored.imported_at = timezone.now()
    stored.summary = counts
    stored.save(update_fields=["imported_at", "summary", "updated_at"])
    audit.record(
        "decisions.imported", stored, actor=actor, details={"file": stored.filename, **counts}
    )
    invalidate_public_pages_on_commit()
    return counts


def _apply(planned: importing.PlannedDecision, lines: DecisionLines, actor) -> None:
    decision = planned.existing
    creating = decision is None
    if decision is None:
        decision = FundingDecision.objects.create(
            organisation=planned.organisation, year=planned.year
        )
        before: dict = {}
    else:
        before = _snapshot(decision)
        decision.version = F("version") + 1
    decision.updated_by = audit.person(actor)
    _write_lines(decision, lines)
    decision.save()
    decision.refresh_from_db()
    audit.record(
        "decision.imported",
        decision,
        actor=actor,
        changes=audit.diff(before, {k: None for k in before} | _snapshot(decision)),
        details={"created": 1 if creating else 0},
    )
