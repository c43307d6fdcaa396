"""Writing the annual report together: the working copy saved without overwriting a
co-author (a version number), the files through the core upload service, and the
submission, which keeps a numbered copy with what the checks found and sends a receipt."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup import checks
from followup.board import representatives
from followup.metrics import ECONOMY, INCOME, REPORT_FIELDS
from followup.models import (
    ActivityFigure,
    AnnualReport,
    AreaContribution,
    FundingDecision,
    MunicipalIncome,
    Reach,
    ReportContent,
    ReportFile,
    ReportingRound,
)
from followup.services.mail import receipt_email
from followup.values import ReportValues, values_of, with_children
from kulturportal import audit, uploads
from kulturportal.emails import queue_emails
from kulturportal.models import ActivityArea, Organisation

audit.register_actions(
    {
        "report.saved": gettext_lazy("Årsrapporten sparad som utkast"),
        "report.submitted": gettext_lazy("Årsrapporten inskickad"),
        "report.file_added": gettext_lazy("Fil bifogad"),
        "report.file_removed": gettext_lazy("Fil borttagen"),
    },
    details={
        "figures": gettext_lazy("Uppgifter"),
        "version_number": gettext_lazy("Version"),
        "filename": gettext_lazy("Fil"),
        "late": gettext_lazy("Efter sista dag"),
    },
)

MAX_FILE_BYTES = 15 * 1024 * 1024


class ReportApproved(Exception):
    """An approved report is final: nothing is saved or submitted any more."""


class StaleReport(Exception):
    """Someone saved the report after this form was opened."""

    def __init__(self, report: AnnualReport, stored: ReportValues):
        super().__init__(report.version)
        self.report = report
        self.stored = stored


class SubmissionIncomplete(Exception):
    """What keeps the report from being submitted, by form field."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__(len(problems))
        self.problems = problems


@dataclass
class CheckContext:
    decision: FundingDecision | None
    previous: ReportValues | None
    previous_year: int
    threshold: int


def report_for(round: ReportingRound, organisation: Organisation) -> AnnualReport:
    """The organisation's report for the round, with its working copy, made on first use."""
    try:
        with transaction.atomic():
            report, created = AnnualReport.objects.get_or_create(
                round=round, organisation=organisation
            )
            if created:
                ReportContent.objects.create(report=report, number=0)
    except IntegrityError:  # a co-author opened it at the same moment
        report = AnnualReport.objects.get(round=round, organisation=organisation)
    report.round, report.organisation = round, organisation
    return report


def working_copy(report: AnnualReport) -> ReportContent:
    return with_children(ReportContent.objects.filter(report=report, number=0)).get()


def check_context(report: AnnualReport) -> CheckContext:
    """What a report's figures are checked against: its decision, and the organisation's
    approved figures for the year before."""
    year = report.round.year
    decision = (
        FundingDecision.objects.with_lines()
        .filter(organisation_id=report.organisation_id, year=year)
        .first()
    )
    earlier = (
        AnnualReport.objects.approved()
        .filter(organisation_id=report.organisation_id, round__year=year - 1)
        .select_related("approved_submission")
        .first()
    )
    previous = None
    if earlier is not None:
        content = with_children(
            ReportContent.objects.filter(pk=earlier.approved_submission_id)
        ).get()
        previous = values_of(content)
    return CheckContext(decision, previous, year - 1, report.round.jump_threshold)


def findings_for(values: ReportValues, context: CheckContext) -> list[checks.Finding]:
    return checks.findings(
        values,
        decision=context.decision,
        previous=context.previous,
        previous_year=context.previous_year,
        threshold=context.threshold,
    )


def _require_editable(report: AnnualReport) -> None:
    if not report.is_editable():
        raise ReportApproved


# The parts of a report beyond its single figures, by the code the history stores.
PART_LABELS = {
    "municipal_income": gettext_lazy("Kommunernas bidrag"),
    "activity": gettext_lazy("Verksamhetens siffror"),
    "reach": gettext_lazy("Var verksamheten ägde rum"),
    "contributions": gettext_lazy("Utvecklingsområden"),
    "explanations": gettext_lazy("Förklaringar"),
}


def _changed_codes(before: ReportValues, after: ReportValues) -> list[str]:
    """The codes of what changed, never the figures (a draft is the organisation's own);
    codes, so the history names them in the reader's language (PART_LABELS, metrics)."""
    codes = [code for code in REPORT_FIELDS if before.fields.get(code) != after.fields.get(code)]
    codes.extend(part for part in PART_LABELS if getattr(before, part) != getattr(after, part))
    return codes


audit.register_actions(
    {},
    detail_values={
        "figures": {**{f.code: f.label for f in INCOME + ECONOMY}, **PART_LABELS},
    },
)


@transaction.atomic
def save_report(
    *, report: AnnualReport, values: ReportValues, base_version: int, actor
) -> AnnualReport:
    """Replace the working copy with what was posted, if no one saved since the form was
    opened at `base_version` (else StaleReport, with what is stored now)."""
    report = AnnualReport.objects.select_for_update().select_related("round").get(pk=report.pk)
    _require_editable(report)
    claimed = AnnualReport.objects.filter(pk=report.pk, version=base_version).update(
        version=F("version") + 1
    )
    content = working_copy(report)
    if claimed != 1:
        current = AnnualReport.objects.select_related("updated_by").get(pk=report.pk)
        raise StaleReport(current, values_of(content))
    before = values_of(content)
    _write(content, values)
    changed = _changed_codes(before, values)
    report.refresh_from_db(fields=["version"])
    report.updated_by = audit.person(actor)
    if changed:
        report.has_draft_changes = True
    report.save(update_fields=["updated_by", "has_draft_changes", "updated_at"])
    if changed:
        audit.record("report.saved", report, actor=actor, details={"figures": changed[:20]})
    return report


def _write(content: ReportContent, values: ReportValues) -> None:
    for code in REPORT_FIELDS:
        setattr(content, code, values.fields.get(code))
    content.explanations = {k: v for k, v in values.explanations.items() if v.strip()}
    content.save()
    _write_children(content, values)


def _write_children(content: ReportContent, values: ReportValues) -> None:
    areas = {a.code: a for a in ActivityArea.objects.all()}
    content.municipal_income.all().delete()
    content.activity_figures.all().delete()
    content.reach.all().delete()
    content.contributions.all().delete()
    MunicipalIncome.objects.bulk_create(
        MunicipalIncome(content=content, municipality_id=pk, amount=amount)
        for pk, amount in values.municipal_income.items()
    )
    ActivityFigure.objects.bulk_create(
        ActivityFigure(content=content, activity_area=areas[code], metric=metric, value=value)
        for (code, metric), value in values.activity.items()
        if code in areas
    )
    Reach.objects.bulk_create(
        Reach(content=content, municipality_id=pk, occasions=occasions)
        for pk, occasions in values.reach.items()
    )
    AreaContribution.objects.bulk_create(
        AreaContribution(content=content, development_area_id=pk, description=text)
        for pk, text in values.contributions.items()
    )


def current_files(report: AnnualReport) -> list[ReportFile]:
    return list(report.files.filter(removed_at__isnull=True))


def submission_problems(
    report: AnnualReport, values: ReportValues, files: list[ReportFile]
) -> tuple[dict[str, list[str]], list[checks.Finding]]:
    """What keeps the working copy from being submitted, by form field, and the findings."""
    found = findings_for(values, check_context(report))
    problems: dict[str, list[str]] = {}
    for finding in checks.unexplained(found):
        problems.setdefault(checks.explain_field(finding.key), []).append(
            _("Skriv en kort förklaring innan du skickar in.")
        )
    kinds = {f.kind for f in files}
    if ReportFile.Kind.ANNUAL_REPORT not in kinds:
        problems["annual_report"] = [_("Bifoga årsredovisningen innan du skickar in.")]
    if ReportFile.Kind.ACTIVITY_REPORT not in kinds:
        problems["activity_report"] = [_("Bifoga verksamhetsberättelsen innan du skickar in.")]
    return problems, found


@transaction.atomic
def submit_report(*, report: AnnualReport, actor, moment: datetime | None = None) -> ReportContent:
    """Send the working copy as the next version, if every finding is explained and both
    files are attached; a receipt goes to each representative, once."""
    moment = moment or timezone.now()
    report = (
        AnnualReport.objects.select_for_update()
        .select_related("round", "organisation")
        .get(pk=report.pk)
    )
    _require_editable(report)
    content = working_copy(report)
    values = values_of(content)
    files = current_files(report)
    problems, found = submission_problems(report, values, files)
    if problems:
        raise SubmissionIncomplete(problems)
    user = audit.person(actor)
    number = (report.contents.aggregate(last=Max("number"))["last"] or 0) + 1
    submitted = ReportContent.objects.create(
        report=report,
        number=number,
        submitted_at=moment,
        submitted_by=user,
        submitted_by_label=str(user) if user else audit.SYSTEM,
        **{code: values.fields.get(code) for code in REPORT_FIELDS},
        explanations=content.explanations,
        findings=[finding.as_dict() for finding in found],
    )
    _write_children(submitted, values)
    submitted.files.set(files)
    report.status = AnnualReport.Status.SUBMITTED
    report.current_submission = submitted
    report.submitted_at = moment
    report.has_draft_changes = False
    report.version = F("version") + 1
    report.updated_by = user
    report.save()
    report.refresh_from_db()
    late = report.round.is_past_deadline(moment)
    audit.record(
        "report.submitted",
        report,
        actor=actor,
        details={"version_number": number, **({"late": ""} if late else {})},
    )
    queue_emails(
        [
            receipt_email(report, submitted, values, found, files, person)
            for person in representatives(report.organisation)
        ]
    )
    return submitted


@transaction.atomic
def add_file(*, report: AnnualReport, upload, kind: str, actor) -> ReportFile:
    """A PDF, Word or OpenDocument file (checked by content); it replaces the report's
    earlier file of the same kind, which earlier versions keep."""
    report = AnnualReport.objects.select_for_update().select_related("round").get(pk=report.pk)
    _require_editable(report)
    uploads.check_document(upload, max_bytes=MAX_FILE_BYTES)
    now = timezone.now()
    report.files.filter(kind=kind, removed_at__isnull=True).update(removed_at=now)
    stored = ReportFile.objects.create(
        report=report,
        kind=kind,
        file=upload,
        filename=upload.name,
        content_type=upload.content_type_checked,
        size=upload.size,
        uploaded_by=audit.person(actor),
    )
    AnnualReport.objects.filter(pk=report.pk).update(has_draft_changes=True, updated_at=now)
    audit.record("report.file_added", report, actor=actor, details={"filename": upload.name})
    return stored


@transaction.atomic
def remove_file(*, file: ReportFile, actor) -> None:
    report = AnnualReport.objects.select_for_update().get(pk=file.report_id)
    _require_editable(report)
    now = timezone.now()
    ReportFile.objects.filter(pk=file.pk).update(removed_at=now)
    AnnualReport.objects.filter(pk=report.pk).update(has_draft_changes=True, updated_at=now)
    audit.record("report.file_removed", report, actor=actor, details={"filename": file.filename})
