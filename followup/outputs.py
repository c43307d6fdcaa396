"""What the follow-up sends out: the Områdesfördelning for Kulturrådet (the state grant per
activity area and organisation, the list of documents received, the region's confirmation)
and the regional compilation (income per area and source, year on year, and the activity),
as spreadsheets through the core exporter and as a PDF through the core renderer."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from followup import figures, metrics
from followup.models import (
    AnnualReport,
    FundingDecision,
    ReportContent,
    ReportFile,
    ReportingRound,
)
from kulturportal import exports, pdf
from kulturportal.models import ActivityArea

REGION_NAME = "Region Skåne"
REGION_ORG_NUMBER = "232100-0255"


def number(value: Decimal | int | None):
    """A spreadsheet cell's number: whole kronor as an integer, else a float; None empty."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


# --- Områdesfördelning ----------------------------------------------------------------------


@dataclass
class AreaLine:
    area: ActivityArea
    grants: list[tuple[FundingDecision, Decimal]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((amount for _decision, amount in self.grants), Decimal(0))


@dataclass
class DocumentLine:
    decision: FundingDecision
    report: AnnualReport | None
    files: list[ReportFile]
    received_at: datetime | None = None


@dataclass
class Distribution:
    round: ReportingRound | None
    year: int
    areas: list[AreaLine]
    documents: list[DocumentLine]
    approved: int
    expected: int

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.areas), Decimal(0))


def distribution(year: int, round: ReportingRound | None) -> Distribution:
    """The state grant per area and organisation, from the year's decisions, and the files
    of each organisation's latest submitted version: a fixed number of queries."""
    decisions = list(FundingDecision.objects.for_year(year))
    lines = {area.pk: AreaLine(area) for area in ActivityArea.objects.all()}
    for decision in decisions:
        for grant in decision.state_grants.all():
            lines[grant.activity_area_id].grants.append((decision, grant.amount))
    reports = {}
    if round is not None:
        reports = {
            r.organisation_id: r
            for r in AnnualReport.objects.filter(round=round).select_related("current_submission")
        }
    submitted = [r.current_submission_id for r in reports.values() if r.current_submission_id]
    files_of: dict[int, list[ReportFile]] = {}
    for stored in ReportContent.objects.filter(pk__in=submitted).prefetch_related("files"):
        files_of[stored.pk] = sorted(
            stored.files.all(), key=lambda f: (f.kind != ReportFile.Kind.ANNUAL_REPORT, f.filename)
        )
    documents = []
    for decision in decisions:
        report = reports.get(decision.organisation_id)
        content = report.current_submission if report else None
        documents.append(
            DocumentLine(
                decision,
                report,
                files_of.get(content.pk, []) if content else [],
                content.submitted_at if content else None,
            )
        )
    approved = sum(1 for r in reports.values() if r.is_approved())
    return Distribution(
        round, year, list(lines.values()), documents, approved, expected=len(decisions)
    )


def distribution_sheets(d: Distribution) -> list[exports.Sheet]:
    return [_areas_sheet(d), _documents_sheet(d), _confirmation_sheet(d)]


def _areas_sheet(d: Distribution) -> exports.Sheet:
    rows: list[Sequence] = []
    for line in d.areas:
        if not line.grants:
            rows.append([line.area.name, _("Inga statliga medel fördelade"), "", 0])
        for decision, amount in line.grants:
            organisation = decision.organisation
            rows.append(
                [line.area.name, organisation.name, organisation.org_number or "", number(amount)]
            )
        rows.append(
            exports.Emphasised(
                [_("Summa %(area)s") % {"area": line.area.name}, "", "", number(line.total)]
            )
        )
    rows.append(exports.Emphasised([_("Totalt, statliga medel"), "", "", number(d.total)]))
    return exports.Sheet(
        _("Områdesfördelning"),
        [
            _("Verksamhetsområde"),
            _("Organisation"),
            _("Organisationsnummer"),
            _("Statliga medel, kr"),
        ],
        rows,
        widths=[44, 40, 20, 20],
    )


def _documents_sheet(d: Distribution) -> exports.Sheet:
    rows = []
    for line in d.documents:
        organisation = line.decision.organisation
        status = line.report.get_status_display() if line.report else _("Ingen rapport")
        received = (
            date_format(timezone.localtime(line.received_at), "Y-m-d") if (line.received_at) else ""
        )
        if not line.files:
            rows.append(
                [organisation.name, organisation.org_number or "", "", "", received, status]
            )
        for file in line.files:
            rows.append(
                [
                    organisation.name,
                    organisation.org_number or "",
                    file.get_kind_display(),
                    file.filename,
                    received,
                    status,
                ]
            )
    return exports.Sheet(
        _("Dokumentförteckning"),
        [
            _("Organisation"),
            _("Organisationsnummer"),
            _("Handling"),
            _("Fil"),
            _("Inkommen"),
            _("Status"),
        ],
        rows,
        widths=[40, 20, 24, 40, 14, 28],
    )


def confirmation_text(year: int) -> str:
    return _(
        "Region Skåne bekräftar att de statliga medlen genom kultursamverkansmodellen för "
        "%(year)s har fördelats inom de verksamhetsområden som förordningen (2010:2012) anger, "
        "enligt fördelningen ovan, och att handlingarna i dokumentförteckningen har kommit in."
    ) % {"year": year}


def _confirmation_sheet(d: Distribution) -> exports.Sheet:
    confirmed = d.round is not None and d.round.confirmed_at is not None
    rows: list[Sequence] = [
        [_("Region"), REGION_NAME],
        [_("Organisationsnummer"), REGION_ORG_NUMBER],
        [_("År"), d.year],
        [_("Statliga medel totalt, kr"), number(d.total)],
        [_("Organisationer med statliga medel"), len({x.decision.pk for x in d.documents})],
        [_("Godkända årsrapporter"), f"{d.approved} / {d.expected}"],
        ["", ""],
        [_("Bekräftelse"), confirmation_text(d.year)],
        [
            _("Bekräftad av"),
            (str(d.round.confirmed_by or "–") if confirmed and d.round else _("Ej bekräftad ännu")),
        ],
        [
            _("Datum"),
            date_format(timezone.localtime(d.round.confirmed_at), "Y-m-d")
            if confirmed and d.round and d.round.confirmed_at
            else "",
        ],
    ]
    return exports.Sheet(_("Bekräftelse"), [_("Uppgift"), _("Värde")], rows, widths=[34, 90])


# --- The compilation ------------------------------------------------------------------------


def compilation_rows(table: figures.Compilation) -> tuple[list[str], list]:
    headers = [_("Verksamhetsområde"), _("Källa"), *[str(y) for y in table.years]]
    rows: list = []
    groups: list = list(table.areas) + ([None] if table.has_unassigned else [])
    for area in groups:
        name = area.name if area is not None else _("Utan verksamhetsområde")
        for code, label in metrics.SOURCES:
            rows.append(
                [name, str(label), *[number(table.amount(y, area, code)) for y in table.years]]
            )
        rows.append(
            exports.Emphasised(
                [
                    _("Summa %(area)s") % {"area": name},
                    "",
                    *[number(table.area_total(y, area)) for y in table.years],
                ]
            )
        )
    for code, label in metrics.SOURCES:
        rows.append(
            exports.Emphasised(
                [
                    _("Skåne"),
                    str(label),
                    *[number(table.source_total(y, code)) for y in table.years],
                ]
            )
        )
    rows.append(
        exports.Emphasised(
            [_("Skåne, totalt"), "", *[number(table.year_total(y)) for y in table.years]]
        )
    )
    return headers, rows


def activity_rows(table: figures.Compilation) -> tuple[list[str], list]:
    headers = [_("Verksamhetsområde"), _("Uppgift"), *[str(y) for y in table.years]]
    rows = []
    for area in table.areas:
        for figure in metrics.activity_figures(area.code):
            values = [table.activity.get((y, area.pk, figure.code)) for y in table.years]
            if any(v is not None for v in values):
                rows.append([area.name, str(figure.label), *values])
    return headers, rows


def compilation_sheets(table: figures.Compilation) -> list[exports.Sheet]:
    money_headers, money = compilation_rows(table)
    activity_headers, activity = activity_rows(table)
    widths = [44, 24] + [14] * len(table.years)
    return [
        exports.Sheet(_("Intäkter per område och källa"), money_headers, money, widths),
        exports.Sheet(_("Verksamhet per område"), activity_headers, activity, widths),
    ]


def compilation_context(table: figures.Compilation) -> dict:
    money_headers, money = compilation_rows(table)
    activity_headers, activity = activity_rows(table)
    first, last = (table.years[0], table.years[-1]) if table.years else (None, None)
    return {
        "table": table,
        "years": table.years,
        "first": first,
        "last": last,
        "money_headers": money_headers,
        "money": [(isinstance(r, exports.Emphasised), list(r)) for r in money],
        "activity_headers": activity_headers,
        "activity": activity,
        "totals": figures.year_totals(table.years),
        "wide": len(table.years) > 5,
        "running_title": _("Kulturen i hela Skåne"),
    }


def compilation_document(table: figures.Compilation):
    language = (get_language() or "sv")[:2]
    title = (
        _("Kulturen i hela Skåne: sammanställning %(first)s–%(last)s")
        % {"first": table.years[0], "last": table.years[-1]}
        if table.years
        else _("Kulturen i hela Skåne: sammanställning")
    )
    return pdf.document_for(
        "followup/compilation_pdf.html",
        compilation_context(table),
        title=title,
        lang=language,
        filename="kulturen-i-hela-skane.pdf",
    )
