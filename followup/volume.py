"""Volume for the follow-up: at scale 1, 21 of the volume's organisations funded for 2 years;
at scale 10, 210 organisations for 10 years (ten times the demo's organisations, ten
years). Every year before the last has its reports approved; the last year a mix of
approved, submitted, returned, drafts and missing, as the demo's current year. Rounds for
years the demo has already are shared; clearing removes only the volume's own."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from followup import metrics
from followup.models import (
    ActivityFigure,
    AnnualReport,
    FundingDecision,
    MunicipalContribution,
    MunicipalIncome,
    Reach,
    ReportContent,
    ReportingRound,
    StateGrant,
)
from kulturportal.models import ActivityArea, Municipality, Organisation, OrganisationKind
from kulturportal.volume import BATCH_SIZE, VOLUME_DOMAIN, Builder, Volume

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ORGANISATIONS_AT_SCALE_ONE = 21
FUNDED_KINDS = [
    OrganisationKind.CULTURAL_INSTITUTION,
    OrganisationKind.INDEPENDENT_CULTURAL_LIFE,
    OrganisationKind.INTEREST_ORGANISATION,
    OrganisationKind.CIVIL_SOCIETY,
]
LAST_YEAR_SHARES = [  # the last year's reports, as the demo's current year
    (AnnualReport.Status.APPROVED, 0.35),
    (AnnualReport.Status.SUBMITTED, 0.25),
    (AnnualReport.Status.RETURNED, 0.1),
    (AnnualReport.Status.DRAFT, 0.1),
    (None, 0.2),  # not begun
]


def _bulk(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def build_followup(volume: Volume) -> dict[str, int]:
    rng = volume.random("followup")
    organisations = list(
        Organisation.objects.filter(
            email__endswith="@" + VOLUME_DOMAIN, kind__in=FUNDED_KINDS
        ).order_by("slug")[: volume.count(ORGANISATIONS_AT_SCALE_ONE)]
    )
    last = volume.today.year - 1
    years = list(range(last - max(2, volume.count(1)) + 1, last + 1))
    areas = list(ActivityArea.objects.all())
    municipalities = list(Municipality.objects.order_by("code"))
    plans = []
    for organisation in organisations:
        funded = rng.sample(areas, 2 if rng.random() < 0.2 else 1)
        size = rng.uniform(0.2, 12)
        co_financier = rng.choice(municipalities) if rng.random() < 0.4 else None
        places = rng.sample(municipalities, rng.randint(4, 15))
        plans.append((organisation, funded, size, co_financier, places))
    decisions = _decisions(plans, years, rng)
    rounds = _rounds(years, volume)
    reports = _reports(plans, years, rounds, rng, last)
    return {
        "funding decisions": len(decisions),
        "annual reports": len(reports),
        "reporting rounds created": sum(1 for _round, created in rounds.values() if created),
    }


def _decisions(plans, years, rng) -> list[FundingDecision]:
    decisions = _bulk(
        FundingDecision,
        [
            FundingDecision(
                organisation=organisation,
                year=year,
                region_grant=_kronor(size * 1_500_000 * rng.uniform(0.95, 1.05)),
                reference="volym",
            )
            for organisation, _areas, size, _co, _places in plans
            for year in years
        ],
    )
    by_key = {(d.organisation_id, d.year): d for d in decisions}
    grants, contributions = [], []
    for organisation, funded, size, co_financier, _places in plans:
        for year in years:
            decision = by_key[(organisation.pk, year)]
            for index, area in enumerate(funded):
                share = 0.7 if len(funded) > 1 and index == 0 else (0.3 if len(funded) > 1 else 1)
                grants.append(
                    StateGrant(
                        decision=decision,
                        activity_area=area,
                        amount=_kronor(size * 1_000_000 * share * (1 + (year % 7) / 100)),
                    )
                )
            if co_financier:
                contributions.append(
                    MunicipalContribution(
                        decision=decision,
                        municipality=co_financier,
                        amount=_kronor(size * 800_000),
                    )
                )
    _bulk(StateGrant, grants)
    _bulk(MunicipalContribution, contributions)
    return decisions


def _rounds(years, volume: Volume) -> dict[int, tuple[ReportingRound, bool]]:
    rounds = {}
    for year in years:
        if year == years[-1]:
            deadline = datetime.combine(volume.today + timedelta(days=30), time(23, 59), STOCKHOLM)
        else:
            deadline = datetime(year + 1, 3, 31, 23, 59, tzinfo=STOCKHOLM)
        rounds[year] = ReportingRound.objects.get_or_create(
            year=year, defaults={"deadline": deadline}
        )
    return rounds


def _status(rng, year: int, last: int):
    if year != last:
        return AnnualReport.Status.APPROVED
    draw, total = rng.random(), 0.0
    for status, share in LAST_YEAR_SHARES:
        total += share
        if draw < total:
            return status
    return None


def _reports(plans, years, rounds, rng, last) -> list[AnnualReport]:
    now = timezone.now()
    reports, specs = [], []
    for organisation, funded, size, co_financier, places in plans:
        for year in years:
            status = _status(rng, year, last)
            if status is None:
                continue
            submitted = status != AnnualReport.Status.DRAFT
            reports.append(
                AnnualReport(
                    round=rounds[year][0],
                    organisation=organisation,
                    status=status,
                    version=2 if submitted else 1,
                    submitted_at=now if submitted else None,
                    approved_at=now if status == AnnualReport.Status.APPROVED else None,
                )
            )
            specs.append((funded, size, co_financier, places, year, submitted))
    _bulk(AnnualReport, reports)
    contents = []
    for report, (_funded, size, _co, _places, _year, submitted) in zip(reports, specs, strict=True):
        numbers = [0, 1] if submitted else [0]
        for number in numbers:
            contents.append(_content(report, number, size, rng, now if number else None))
    _bulk(ReportContent, contents)
    by_report: dict[int, list[ReportContent]] = {}
    for content in contents:
        by_report.setdefault(content.report_id, []).append(content)
    children: dict[type, list] = {MunicipalIncome: [], ActivityFigure: [], Reach: []}
    for report, (funded, size, co_financier, places, _year, submitted) in zip(
        reports, specs, strict=True
    ):
        for content in by_report[report.pk]:
            _children(children, content, funded, size, co_financier, places, rng)
        if submitted:
            submission = by_report[report.pk][1]
            report.current_submission = submission
            if report.status == AnnualReport.Status.APPROVED:
                report.approved_submission = submission
    for model, rows in children.items():
        _bulk(model, rows)
    AnnualReport.objects.bulk_update(
        reports, ["current_submission", "approved_submission"], batch_size=BATCH_SIZE
    )
    return reports


def _content(report, number, size, rng, submitted_at) -> ReportContent:
    state = _kronor(size * 1_000_000)
    costs = _kronor(size * 3_000_000 * rng.uniform(0.9, 1.1))
    return ReportContent(
        report=report,
        number=number,
        submitted_at=submitted_at,
        submitted_by_label="volym" if number else "",
        income_state=state,
        income_region=_kronor(size * 1_500_000),
        income_other_public=_kronor(size * 100_000 * rng.uniform(0.5, 2)),
        income_own=_kronor(size * 500_000 * rng.uniform(0.5, 2)),
        costs_total=costs,
        costs_staff=_kronor(float(costs) * 0.55),
        staff_fte=Decimal(str(round(size * 4, 1))),
    )


def _children(children, content, funded, size, co_financier, places, rng) -> None:
    if co_financier:
        children[MunicipalIncome].append(
            MunicipalIncome(
                content=content, municipality=co_financier, amount=_kronor(size * 800_000)
            )
        )
    for area in funded:
        for figure in metrics.activity_figures(area.code):
            if not figure.part_of:
                children[ActivityFigure].append(
                    ActivityFigure(
                        content=content,
                        activity_area=area,
                        metric=figure.code,
                        value=int(size * rng.uniform(10, 2_000)),
                    )
                )
    for municipality in places:
        children[Reach].append(
            Reach(content=content, municipality=municipality, occasions=rng.randint(1, 40))
        )


def _kronor(amount: float) -> Decimal:
    return Decimal(round(amount / 1000) * 1000)


def clear_followup() -> None:
    volume = Organisation.objects.filter(email__endswith="@" + VOLUME_DOMAIN)
    AnnualReport.objects.filter(organisation__in=volume).update(
        current_submission=None, approved_submission=None
    )
    AnnualReport.objects.filter(organisation__in=volume).delete()
    FundingDecision.objects.filter(organisation__in=volume).delete()
    ReportingRound.objects.filter(reports__isnull=True).exclude(
        year__in=FundingDecision.objects.values("year")
    ).delete()


FOLLOWUP = Builder("follow-up", build_followup, clear_followup)
BUILDERS = [FOLLOWUP]
