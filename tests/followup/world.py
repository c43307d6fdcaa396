"""Building blocks for the follow-up's tests: funded organisations, rounds and reports,
written through the services as the portal writes them.

    folk = funded(folk_high_schools, CURRENT, state={"teater-dans-musik": 1_000_000})
    round = open_round(CURRENT)
    report = filed(round, folk, person, values=figures(state=1_000_000), submit=True)
"""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum import luhn
from stdnum.se import orgnr

from followup import services
from followup.models import AnnualReport, FundingDecision, ReportingRound
from followup.values import ReportValues
from kulturportal.models import ActivityArea, Municipality, Organisation, OrganisationKind, User

PREVIOUS, CURRENT = 2024, 2025
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def org_number(seed: int) -> str:
    body = f"802{seed:06d}"
    return orgnr.format(body + luhn.calc_check_digit(body))


def organisation(name: str, seed: int, **fields) -> Organisation:
    slug = name.lower().replace(" ", "-").replace("å", "a").replace("ä", "a").replace("ö", "o")
    return Organisation.objects.create(
        name=name,
        slug=slug,
        kind=fields.pop("kind", OrganisationKind.CULTURAL_INSTITUTION),
        org_number=org_number(seed),
        **fields,
    )


def ensure_number(org: Organisation, seed: int) -> Organisation:
    if not org.org_number:
        org.org_number = org_number(seed)
        org.save(update_fields=["org_number"])
    return org


def funded(
    org: Organisation,
    year: int,
    *,
    state: dict[str, int] | None = None,
    region: int = 0,
    municipal: dict[str, int] | None = None,
    actor=None,
) -> FundingDecision:
    areas = {a.code: a for a in ActivityArea.objects.all()}
    municipalities = {m.code: m for m in Municipality.objects.all()}
    return services.save_decision(
        decision=None,
        organisation=org,
        year=year,
        lines=services.DecisionLines(
            region_grant=Decimal(region),
            state={areas[c]: Decimal(v) for c, v in (state or {"film": 1_000_000}).items()},
            municipal={municipalities[c]: Decimal(v) for c, v in (municipal or {}).items()},
        ),
        actor=actor,
    )


def open_round(year: int, *, days: int = 30, threshold: int = 30, actor=None) -> ReportingRound:
    return services.open_round(
        year=year,
        deadline=timezone.now() + timedelta(days=days),
        jump_threshold=threshold,
        actor=actor,
    )


def figures(**fields) -> ReportValues:
    """Values for a report; keyword arguments name report fields (income_state=…) and
    `activity={(area, metric): n}`, `reach={municipality code: n}`."""
    values = ReportValues()
    activity = fields.pop("activity", {})
    reach = fields.pop("reach", {})
    explanations = fields.pop("explanations", {})
    for code, value in fields.items():
        values.fields[code] = None if value is None else Decimal(value)
    values.activity = dict(activity)
    codes = {m.code: m.pk for m in Municipality.objects.filter(code__in=reach)}
    values.reach = {codes[c]: n for c, n in reach.items()}
    values.explanations = dict(explanations)
    return values


def attach_files(report: AnnualReport, person: User) -> None:
    for kind in ("annual_report", "activity_report"):
        upload = SimpleUploadedFile(f"{kind}.pdf", PDF, "application/pdf")
        services.add_file(report=report, upload=upload, kind=kind, actor=person)


def filed(
    round: ReportingRound,
    org: Organisation,
    person: User,
    values: ReportValues,
    *,
    submit: bool = False,
    approve_by: User | None = None,
) -> AnnualReport:
    """A report saved with `values`; submitted (with both files) and approved if asked."""
    report = services.report_for(round, org)
    report = services.save_report(
        report=report, values=values, base_version=report.version, actor=person
    )
    if submit or approve_by:
        attach_files(report, person)
        services.submit_report(report=report, actor=person)
    if approve_by:
        services.approve(report=report, actor=approve_by)
    report.refresh_from_db()
    return report
