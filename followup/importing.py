"""Reading a spreadsheet of funding decisions (XLSX, or a semicolon CSV) into a plan of
what the import would do, with an error per row in the reader's language. Nothing here
writes: services.decisions.import_decisions applies a plan that has no errors, all of it
or nothing.

One row is one amount (the format is in the README):

    organisationsnummer;år;källa;verksamhetsområde;kommun;belopp
    802002-4598;2026;stat;teater-dans-musik;;42 000 000
    802002-4598;2026;region;;;18 500 000
    802002-4598;2026;kommun;;1280;6 000 000

`källa` is stat (the state grant through the model, for one activity area: its code or
name), region (Region Skåne's own grant) or kommun (a co-financing municipality: its
code or name). The rows of one organisation and year are that decision, whole: an area or
a municipality the file leaves out is removed from the decision. Importing a file twice
changes nothing the second time.
"""

import csv
import io
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from stdnum import exceptions as stdnum_errors
from stdnum.se import orgnr

from followup import numbers
from followup.models import FIRST_YEAR, LAST_YEAR, FundingDecision
from kulturportal.models import ActivityArea, Municipality, Organisation

MAX_ROWS = 5000
HEADERS = ["organisationsnummer", "år", "källa", "verksamhetsområde", "kommun", "belopp"]
# Accepted spellings of each column's header, lower case.
HEADER_NAMES = {
    "organisationsnummer": {"organisationsnummer", "orgnr", "org.nr", "org nr"},
    "år": {"år", "ar", "year"},
    "källa": {"källa", "kalla", "source"},
    "verksamhetsområde": {"verksamhetsområde", "verksamhetsomrade", "område", "area"},
    "kommun": {"kommun", "kommunkod", "municipality"},
    "belopp": {"belopp", "belopp (kr)", "belopp, kr", "amount"},
}
STATE, REGION, MUNICIPAL = "stat", "region", "kommun"
SOURCE_NAMES = {
    STATE: {"stat", "staten", "statliga medel", "statligt bidrag"},
    REGION: {"region", "regionen", "region skåne", "regionala medel", "regionalt bidrag"},
    MUNICIPAL: {"kommun", "kommunen", "kommunala medel", "kommunalt bidrag"},
}


class UnreadableFile(Exception):
    """Not a spreadsheet this import reads, or one without the columns it needs."""


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class PlannedDecision:
    """One organisation's decision for one year as the file has it, beside what is stored."""

    organisation: Organisation
    year: int
    state: dict[int, Decimal] = field(default_factory=dict)  # activity area pk → amount
    region: Decimal = Decimal(0)
    municipal: dict[int, Decimal] = field(default_factory=dict)  # municipality pk → amount
    rows: list[int] = field(default_factory=list)
    existing: FundingDecision | None = None

    @property
    def state_total(self) -> Decimal:
        return sum(self.state.values(), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.state_total + self.region + sum(self.municipal.values(), Decimal(0))

    @property
    def status(self) -> str:
        if self.existing is None:
            return "new"
        return "unchanged" if stored_lines(self.existing) == self.lines() else "changed"

    def lines(self) -> tuple:
        return (
            {k: v for k, v in self.state.items()},
            self.region,
            {k: v for k, v in self.municipal.items()},
        )


def stored_lines(decision: FundingDecision) -> tuple:
    """A stored decision in the form PlannedDecision.lines() compares with."""
    return (
        {g.activity_area_id: g.amount for g in decision.state_grants.all()},
        decision.region_grant,
        {c.municipality_id: c.amount for c in decision.municipal_contributions.all()},
    )


@dataclass
class Plan:
    decisions: list[PlannedDecision]
    errors: list[RowError]
    rows: int

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.decisions)

    def count(self, status: str) -> int:
        return sum(1 for d in self.decisions if d.status == status)

    @property
    def new_count(self) -> int:
        return self.count("new")

    @property
    def changed_count(self) -> int:
        return self.count("changed")

    @property
    def unchanged_count(self) -> int:
        return self.count("unchanged")


# --- Reading the file -------------------------------------------------------------------------


def read_rows(content: bytes) -> list[tuple[int, dict[str, object]]]:
    """(row number as the spreadsheet shows it, {column: value}) for each non-empty row."""
    table = _xlsx_rows(content) if content[:2] == b"PK" else _csv_rows(content)
    if not table:
        raise UnreadableFile(_("Filen är tom."))
    columns = _columns(table[0])
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {name: cells[index] if index < len(cells) else None for name, index in columns}
        if all(_blank(v) for v in values.values()):
            continue
        rows.append((number, values))
    if len(rows) > MAX_ROWS:
        raise UnreadableFile(
            _("Filen har fler än %(count)s rader. Dela upp den i flera filer.")
            % {"count": MAX_ROWS}
        )
    return rows


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # a broken zip, not a workbook, …: all the same to a reader
        raise UnreadableFile(_("Excelfilen kunde inte läsas.")) from error
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 50)]
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Swedish Excel's "CSV"
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first else ("\t" if "\t" in first else ",")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _columns(header: list) -> list[tuple[str, int]]:
    found = {}
    for index, cell in enumerate(header):
        name = str(cell or "").strip().lower()
        for column, spellings in HEADER_NAMES.items():
            if name in spellings and column not in found:
                found[column] = index
    missing = [c for c in HEADERS if c not in found and c not in ("verksamhetsområde", "kommun")]
    if missing:
        raise UnreadableFile(
            _("Filen saknar kolumnen %(columns)s. Första raden ska vara rubrikerna: %(headers)s.")
            % {"columns": ", ".join(missing), "headers": ";".join(HEADERS)}
        )
    return list(found.items())


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- From rows to a plan ----------------------------------------------------------------------


class _Lookups:
    """Everything the rows may name, read once: a fixed number of queries for any file."""

    def __init__(self, rows):
        numbers_in_file = set()
        for _row, values in rows:
            with suppress(stdnum_errors.ValidationError, ValueError, IndexError):
                numbers_in_file.add(orgnr.format(_text(values.get("organisationsnummer"))))
        self.organisations = {
            o.org_number: o for o in Organisation.objects.filter(org_number__in=numbers_in_file)
        }
        areas = list(ActivityArea.objects.all())
        self.areas = {a.code: a for a in areas} | {a.name_sv.lower(): a for a in areas}
        municipalities = list(Municipality.objects.all())
        self.municipalities = {m.code: m for m in municipalities} | {
            m.name.lower(): m for m in municipalities
        }


def plan(content: bytes) -> Plan:
    """What importing the file would do; raises UnreadableFile."""
    rows = read_rows(content)
    lookups = _Lookups(rows)
    planned: dict[tuple[int, int], PlannedDecision] = {}
    seen: dict[tuple, int] = {}
    errors = []
    for number, values in rows:
        try:
            line = _line(values, lookups)
        except ValidationError as error:
            errors.append(RowError(number, " ".join(error.messages)))
            continue
        organisation, year, source, target, amount = line
        key = (organisation.pk, year, source, target)
        if key in seen:
            errors.append(
                RowError(number, _("Samma belopp finns redan på rad %(row)s.") % {"row": seen[key]})
            )
            continue
        seen[key] = number
        decision = planned.setdefault(
            (organisation.pk, year), PlannedDecision(organisation=organisation, year=year)
        )
        decision.rows.append(number)
        if source == STATE:
            decision.state[target] = amount
        elif source == REGION:
            decision.region = amount
        else:
            decision.municipal[target] = amount
    decisions = sorted(planned.values(), key=lambda d: (d.year, d.organisation.name))
    _attach_existing(decisions)
    return Plan(decisions=decisions, errors=errors, rows=len(rows))


def _attach_existing(decisions: list[PlannedDecision]) -> None:
    if not decisions:
        return
    years = {d.year for d in decisions}
    organisations = {d.organisation.pk for d in decisions}
    stored = {
        (d.organisation_id, d.year): d
        for d in FundingDecision.objects.filter(
            year__in=years, organisation__in=organisations
        ).with_lines()
    }
    for decision in decisions:
        decision.existing = stored.get((decision.organisation.pk, decision.year))


def _line(values: dict, lookups: _Lookups):
    problems = []

    def attempt(function):
        try:
            return function()
        except ValidationError as error:
            problems.extend(error.messages)
            return None

    organisation = attempt(lambda: _organisation(values.get("organisationsnummer"), lookups))
    year = attempt(lambda: _year(values.get("år")))
    source = attempt(lambda: _source(values.get("källa")))
    target = None
    if source is not None:
        target = attempt(lambda: _target(source, values, lookups))
    amount = attempt(lambda: _amount(values.get("belopp")))
    if problems:
        raise ValidationError(problems)
    return organisation, year, source, target, amount


def _organisation(value, lookups: _Lookups) -> Organisation:
    text = _text(value)
    if not text:
        raise ValidationError(_("Organisationsnummer saknas."))
    try:
        number = orgnr.format(orgnr.validate(text))
    except (stdnum_errors.ValidationError, ValueError, IndexError):
        raise ValidationError(
            _("%(number)s är inte ett giltigt organisationsnummer.") % {"number": text}
        ) from None
    organisation = lookups.organisations.get(number)
    if organisation is None:
        raise ValidationError(
            _(
                "Ingen organisation i portalen har organisationsnummer %(number)s. Lägg in "
                "organisationen först."
            )
            % {"number": number}
        )
    return organisation


def _year(value) -> int:
    text = _text(value)
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise ValidationError(
            _("Året ska vara ett årtal, till exempel 2026 (fick: %(value)s).")
            % {"value": text or "–"}
        )
    return int(text)


def _source(value) -> str:
    text = _text(value).lower()
    for source, names in SOURCE_NAMES.items():
        if text in names:
            return source
    raise ValidationError(
        _("Källan ska vara stat, region eller kommun (fick: %(value)s).")
        % {"value": _text(value) or "–"}
    )


def _target(source: str, values: dict, lookups: _Lookups) -> int | None:
    area = _text(values.get("verksamhetsområde"))
    municipality = _text(values.get("kommun"))
    if source == STATE:
        if municipality:
            raise ValidationError(_("Statliga medel anges per verksamhetsområde, inte per kommun."))
        if not area:
            raise ValidationError(_("Ange verksamhetsområdet för de statliga medlen."))
        found = lookups.areas.get(area.lower())
        if found is None:
            raise ValidationError(
                _("Okänt verksamhetsområde: %(value)s. Använd koden, till exempel film.")
                % {"value": area}
            )
        return found.pk
    if area:
        raise ValidationError(_("Verksamhetsområde anges bara för statliga medel."))
    if source == REGION:
        if municipality:
            raise ValidationError(_("Region Skånes bidrag anges utan kommun."))
        return None
    if not municipality:
        raise ValidationError(_("Ange vilken kommun som bidrar (kod eller namn)."))
    found_municipality = lookups.municipalities.get(municipality.lower().zfill(4)) or (
        lookups.municipalities.get(municipality.lower())
    )
    if found_municipality is None:
        raise ValidationError(_("Okänd kommun: %(value)s.") % {"value": municipality})
    return found_municipality.pk


def _amount(value) -> Decimal:
    if _blank(value):
        raise ValidationError(_("Belopp saknas."))
    try:
        if isinstance(value, bool):
            raise ValidationError(_("Skriv en siffra, till exempel 1 234 567 eller 1 234,50."))
        if isinstance(value, int | float | Decimal):
            return numbers.check(Decimal(str(value)), numbers.MONEY)
        amount = numbers.parse(str(value), numbers.MONEY, language="sv")
    except InvalidOperation:
        raise ValidationError(
            _("Skriv en siffra, till exempel 1 234 567 eller 1 234,50.")
        ) from None
    if amount is None:
        raise ValidationError(_("Belopp saknas."))
    return amount


def rows_of(decisions, *, spreadsheet: bool) -> list[list]:
    """Stored decisions as rows of the import format, so a downloaded file imports back:
    amounts as numbers in a spreadsheet, written the Swedish way in a CSV."""

    def amount(value: Decimal):
        if spreadsheet:
            return int(value) if value == value.to_integral_value() else float(value)
        return numbers.show(value, language="sv")

    rows = []
    for decision in decisions:
        number = decision.organisation.org_number or ""
        year = decision.year
        for grant in decision.state_grants.all():
            rows.append([number, year, STATE, grant.activity_area.code, "", amount(grant.amount)])
        rows.append([number, year, REGION, "", "", amount(decision.region_grant)])
        for part in decision.municipal_contributions.all():
            rows.append([number, year, MUNICIPAL, "", part.municipality.code, amount(part.amount)])
    return rows
