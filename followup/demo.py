"""Demo data for the follow-up: the institutions of kulturportal/data/institutions.csv and a
few more regional organisations, funded for two years (the state grant through the model to
Skåne about 240 million kronor a year); every report of the earlier year approved, and for
the current year a mix: approved, submitted, returned, drafts (Malmö Opera's among them, for
the demo login operan@example.se) and missing. Written through the services, so the history
is real. Idempotent: a database with decisions keeps them."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from followup import checks, metrics, plans, services
from followup.models import FundingDecision, ReportingRound
from followup.values import ReportValues
from kulturportal.models import (
    ActivityArea,
    Municipality,
    Organisation,
    OrganisationKind,
    OutgoingEmail,
    Role,
    RoleAssignment,
    User,
)
from kulturportal.volume import org_number

STOCKHOLM = ZoneInfo("Europe/Stockholm")
M = 1_000_000

# name: (kind for a new organisation, host municipality code, {area: state grant},
#        region's grant, {municipality code: contribution}); amounts in kronor, earlier year.
FUNDED = {
    "Malmö Opera": (None, "1280", {"teater-dans-musik": 66 * M}, 121 * M, {}),
    "Skånes Dansteater": (None, "1280", {"teater-dans-musik": 19 * M}, 44 * M, {}),
    "Musik i Syd": (None, "1290", {"teater-dans-musik": 19 * M}, 39 * M, {}),
    "Malmö Stadsteater": (None, "1280", {"teater-dans-musik": 12 * M}, 20 * M, {"1280": 82 * M}),
    "Malmö Live / Malmö SymfoniOrkester": (
        None,
        "1280",
        {"teater-dans-musik": 19 * M},
        25 * M,
        {"1280": 108 * M},
    ),
    "Helsingborgs Stadsteater": (
        None,
        "1283",
        {"teater-dans-musik": 10 * M},
        15 * M,
        {"1283": 61 * M},
    ),
    "Helsingborgs Symfoniorkester": (
        None,
        "1283",
        {"teater-dans-musik": 9 * M},
        14 * M,
        {"1283": 52 * M},
    ),
    "Regionmuseet Skåne": (
        None,
        "1290",
        {"museer-kulturmiljo": 14 * M, "bild-och-form": 4 * M},
        30 * M,
        {"1290": 12 * M},
    ),
    "Film i Skåne": (None, "1286", {"film": 12 * M}, 28 * M, {}),
    "Kulturen i Lund": (None, "1281", {"museer-kulturmiljo": 9 * M}, 16 * M, {}),
    "Malmö Museer": (None, "1280", {"museer-kulturmiljo": 10 * M}, 12 * M, {"1280": 95 * M}),
    "Helsingborgs museer": (None, "1283", {"museer-kulturmiljo": 7 * M}, 9 * M, {"1283": 70 * M}),
    "Skånes Arkivförbund": (None, None, {"arkiv": 3 * M}, 2_500_000, {}),
    "Skånes Hemslöjdsförbund": (None, None, {"hemslojd": 4 * M}, 3 * M, {}),
    "Författarcentrum Syd": (
        OrganisationKind.INTEREST_ORGANISATION,
        "1280",
        {"bibliotek-litteratur": 4 * M},
        1_500_000,
        {},
    ),
    "Form/Design Center": (
        OrganisationKind.CULTURAL_INSTITUTION,
        "1280",
        {"bild-och-form": 5 * M},
        4 * M,
        {"1280": 6 * M},
    ),
    "Skånes Konstförening": (
        OrganisationKind.INTEREST_ORGANISATION,
        "1280",
        {"bild-och-form": 2 * M},
        1_200_000,
        {},
    ),
    "Dansstationen": (
        OrganisationKind.INDEPENDENT_CULTURAL_LIFE,
        "1280",
        {"teater-dans-musik": 4 * M},
        3 * M,
        {"1280": 5 * M},
    ),
    "Teater Sagohuset": (
        OrganisationKind.INDEPENDENT_CULTURAL_LIFE,
        "1281",
        {"teater-dans-musik": 3 * M},
        2 * M,
        {"1281": 2_500_000},
    ),
    "Österlens museum": (
        OrganisationKind.CULTURAL_INSTITUTION,
        "1291",
        {"museer-kulturmiljo": 2_500_000},
        1_500_000,
        {"1291": 3 * M},
    ),
    "Landskrona Foto": (
        OrganisationKind.INDEPENDENT_CULTURAL_LIFE,
        "1282",
        {"bild-och-form": 2 * M},
        1 * M,
        {"1282": 2 * M},
    ),
}
# The current year's reports, by organisation; the rest have not started.
APPROVED = ["Kulturen i Lund", "Skånes Hemslöjdsförbund", "Film i Skåne"]
SUBMITTED = [
    "Skånes Dansteater",
    "Musik i Syd",
    "Regionmuseet Skåne",
    "Helsingborgs Stadsteater",
    "Malmö Museer",
    "Form/Design Center",
]
RETURNED = {
    "Malmö Stadsteater": "Publiken för barn och unga saknas för föreställningarna. Komplettera "
    "siffran, eller skriv att ni inte för sådan statistik.",
    "Skånes Arkivförbund": "Verksamhetsberättelsen som bifogades gäller fel år. Bifoga den "
    "för rätt år och skicka in igen.",
}
DRAFTS = ["Malmö Opera", "Helsingborgs museer", "Teater Sagohuset"]
# Municipalities no funded activity reaches in the demo, so the public page names some.
NEVER_REACHED = {"1256", "1273", "1275"}  # Östra Göinge, Osby, Perstorp
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501

RANGES = {  # metric: (low, high) at the earlier year
    "performances": (60, 420),
    "concerts": (12, 140),
    "audience": (18_000, 240_000),
    "exhibitions": (4, 28),
    "visits": (20_000, 260_000),
    "events": (25, 380),
    "participants": (900, 16_000),
    "screenings": (150, 900),
    "courses": (10, 160),
}


def years() -> tuple[int, int]:
    current = timezone.localdate().year - 1
    return current - 1, current


def seed_demo() -> None:
    """Called by manage.py seed_demo (kulturportal.demo.seed_app_demos)."""
    if FundingDecision.objects.exists():
        return
    official = User.objects.filter(email="handlaggare@example.se").first()
    earlier, current = years()
    with transaction.atomic():
        organisations = _organisations()
        for year, growth in ((earlier, Decimal(1)), (current, Decimal("1.02"))):
            for name, organisation in organisations.items():
                _decision(organisation, FUNDED[name], year, growth, official)
        first = _round(earlier, datetime(earlier + 1, 3, 31, 23, 59, tzinfo=STOCKHOLM), official)
        for organisation in organisations.values():
            _report(first, organisation, official, status="approved")
        deadline = datetime.combine(
            timezone.localdate() + timedelta(days=25), time(23, 59), STOCKHOLM
        )
        second = _round(current, deadline, official)
        for name, organisation in organisations.items():
            status = _current_status(name)
            if status:
                _report(second, organisation, official, status=status, comment=RETURNED.get(name))
        # The demo's history was never sent to anyone: no e-mail for it.
        OutgoingEmail.objects.filter(dedupe_key__startswith="followup-").delete()


def _current_status(name: str) -> str | None:
    if name in APPROVED:
        return "approved"
    if name in SUBMITTED:
        return "submitted"
    if name in RETURNED:
        return "returned"
    if name in DRAFTS:
        return "draft"
    return None


def _organisations() -> dict[str, Organisation]:
    municipalities = {m.code: m for m in Municipality.objects.all()}
    taken = set(Organisation.objects.exclude(org_number=None).values_list("org_number", flat=True))
    rng = random.Random("followup-demo:org-numbers")  # noqa: S311 - made-up numbers
    found = {}
    for name, (kind, host, *_rest) in FUNDED.items():
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = Organisation.objects.create(
                name=name,
                slug=slugify(name),
                kind=kind or OrganisationKind.CULTURAL_INSTITUTION,
                host_municipality=municipalities.get(host or ""),
            )
        if not organisation.org_number:
            organisation.org_number = org_number(rng, "802", taken)
            organisation.save(update_fields=["org_number", "updated_at"])
        found[name] = organisation
    return found


def _kronor(amount: int | Decimal, growth: Decimal) -> Decimal:
    return (Decimal(amount) * growth / 100_000).quantize(Decimal(1)) * 100_000


def _decision(organisation, spec, year, growth, official) -> None:
    _kind, _host, state, region, municipal = spec
    areas = {a.code: a for a in ActivityArea.objects.all()}
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=municipal)}
    services.save_decision(
        decision=None,
        organisation=organisation,
        year=year,
        lines=services.DecisionLines(
            region_grant=_kronor(region, growth),
            state={areas[code]: _kronor(amount, growth) for code, amount in state.items()},
            municipal={
                municipalities[code]: _kronor(amount, growth) for code, amount in municipal.items()
            },
        ),
        reference=f"RS {year - 1}/{1000 + organisation.pk}",
        actor=official,
    )


def _round(year, deadline, official) -> ReportingRound:
    return services.open_round(year=year, deadline=deadline, actor=official)


REPRESENTATIVES = [
    ("Agnes", "Andersson"),
    ("Bo", "Bengtsson"),
    ("Cecilia", "Carlsson"),
    ("David", "Dahl"),
    ("Elsa", "Ek"),
    ("Fredrik", "Falk"),
    ("Greta", "Gustafsson"),
    ("Hugo", "Holm"),
    ("Ingrid", "Isaksson"),
    ("Johan", "Jönsson"),
    ("Karin", "Kvist"),
    ("Leo", "Lindqvist"),
    ("Maja", "Mårtensson"),
    ("Nils", "Nilsson"),
    ("Olivia", "Olsson"),
    ("Per", "Persson"),
    ("Rut", "Rydberg"),
    ("Sven", "Sandberg"),
    ("Tove", "Törnqvist"),
    ("Ulf", "Uddén"),
]


def _representative(organisation, index: int) -> User:
    """The organisation's representative, or a made-up one who cannot log in (the demo
    login operan@example.se is Malmö Opera's): someone writes every report."""
    assignment = (
        RoleAssignment.objects.filter(
            organisation=organisation, role=Role.ORGANISATION_REPRESENTATIVE
        )
        .select_related("user")
        .first()
    )
    if assignment:
        return assignment.user
    first, last = REPRESENTATIVES[index % len(REPRESENTATIVES)]
    person, created = User.objects.get_or_create(
        email=f"{organisation.slug[:40]}@foretradare.example.se",
        defaults={"first_name": first, "last_name": last},
    )
    if created:
        person.set_unusable_password()
        person.save(update_fields=["password"])
    RoleAssignment.objects.create(
        user=person, role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation
    )
    return person


def _report(round, organisation, official, *, status: str, comment: str | None = None) -> None:
    earlier, _current = years()
    person = _representative(organisation, organisation.pk)
    report = services.report_for(round, organisation)
    context = services.check_context(report)
    values = _values(round.year, organisation, context, complete=status != "draft")
    if status == "draft" and organisation.name == "Malmö Opera":
        values = _opera_draft(values, context)
    report = services.save_report(report=report, values=values, base_version=0, actor=person)
    found = services.findings_for(values, context)
    if status != "draft":
        for finding in found:
            values.explanations[finding.key] = _explanation(finding)
        report = services.save_report(
            report=report, values=values, base_version=report.version, actor=person
        )
        for kind, title in (("annual_report", "arsredovisning"), ("activity_report", "verksamhet")):
            upload = SimpleUploadedFile(f"{title}-{round.year}.pdf", PDF, "application/pdf")
            services.add_file(report=report, upload=upload, kind=kind, actor=person)
        moment = (
            datetime(round.year + 1, 3, 10 + organisation.pk % 15, 14, tzinfo=STOCKHOLM)
            if round.year == earlier
            else timezone.now() - timedelta(days=1 + organisation.pk % 9)
        )
        services.submit_report(report=report, actor=person, moment=moment)
        if status == "approved":
            services.approve(report=report, actor=official)
        elif status == "returned":
            services.return_report(report=report, comment=comment or "", actor=official)


def _explanation(finding: checks.Finding) -> str:
    if finding.key == checks.STATE_GRANT:
        return (
            "En del av de statliga medlen för året betalades ut först i januari och bokfördes "
            "året efter."
        )
    return "Jubileumsåret gav fler föreställningar och en längre turné än vanligt."


def _values(year: int, organisation, context, *, complete: bool) -> ReportValues:
    """Plausible figures: the decided grants as income, the rest in proportion; activity
    from the ranges above; the earlier year's figures moved a little for the current one."""
    # The same draws both years, so the current year is the earlier one moved a little.
    rng = random.Random(f"followup-demo:{organisation.slug}")  # noqa: S311 - made-up figures
    earlier, _current = years()
    moved = random.Random(f"followup-demo:{organisation.slug}:{year}")  # noqa: S311
    drift = Decimal(1) if year == earlier else Decimal(str(round(moved.uniform(0.93, 1.12), 3)))
    decision = context.decision
    values = ReportValues()
    state = decision.state_total
    values.fields["income_state"] = state
    values.fields["income_region"] = decision.region_grant
    for part in decision.municipal_contributions.all():
        values.municipal_income[part.municipality_id] = part.amount
    public = state + decision.region_grant + decision.municipal_total
    values.fields["income_other_public"] = _thousands(
        public * Decimal(rng.uniform(0.01, 0.05)) * drift
    )
    values.fields["income_own"] = _thousands(public * Decimal(rng.uniform(0.08, 0.3)) * drift)
    income = (
        sum(
            (v for k, v in values.fields.items() if v is not None and k.startswith("income")),
            Decimal(0),
        )
        + decision.municipal_total
    )
    values.fields["costs_total"] = _thousands(income * Decimal(rng.uniform(0.96, 1.01)))
    values.fields["costs_staff"] = _thousands(
        values.fields["costs_total"] * Decimal(rng.uniform(0.45, 0.65))
    )
    values.fields["staff_fte"] = (values.fields["costs_staff"] / 640_000).quantize(Decimal("0.1"))
    if organisation.name == "Regionmuseet Skåne" and year != earlier:
        values.fields["income_state"] = state - 250_000  # explained: paid out in January
    if not complete and organisation.name != "Malmö Opera":
        values.fields["income_own"] = values.fields["costs_total"] = None
    size = float(min(Decimal(3), max(Decimal("0.3"), state / 10 / M)))
    for area in decision.areas():
        for figure in metrics.activity_figures(area.code):
            if figure.part_of:
                continue
            low, high = RANGES.get(figure.code, (10, 100))
            value = int(rng.uniform(low, high) * size * float(drift))
            values.activity[(area.code, figure.code)] = value
            young = next(
                (f for f in metrics.activity_figures(area.code) if f.part_of == figure.code), None
            )
            if young:
                values.activity[(area.code, young.code)] = int(value * rng.uniform(0.12, 0.35))
    if organisation.name == "Skånes Dansteater" and year != earlier:
        key = ("teater-dans-musik", "audience")
        values.activity[key] = int(values.activity[key] * 1.4)  # a jump, explained
    values.reach = _reach(rng, organisation, size, drift)
    areas = plans.development_areas(year)
    for development_area in rng.sample(areas, k=min(len(areas), rng.randint(1, 2))):
        values.contributions[development_area.pk] = rng.choice(CONTRIBUTIONS).format(
            name=organisation.name
        )
    return values


def _opera_draft(values: ReportValues, context) -> ReportValues:
    """Malmö Opera's draft: the economy typed in, own income up by almost half (a check
    asks for an explanation), the activity and the places not yet."""
    previous = context.previous
    if previous and previous.fields.get("income_own"):
        values.fields["income_own"] = _thousands(previous.fields["income_own"] * Decimal("1.46"))
    values.activity = {}
    values.reach = {}
    values.contributions = {}
    return values


def _thousands(value: Decimal) -> Decimal:
    return (Decimal(value) / 1000).quantize(Decimal(1)) * 1000


def _reach(rng, organisation, size: float, drift: Decimal) -> dict[int, int]:
    municipalities = [
        m for m in Municipality.objects.order_by("code") if m.code not in NEVER_REACHED
    ]
    home = organisation.host_municipality_id
    reach = {}
    for municipality in rng.sample(municipalities, k=rng.randint(4, 16)):
        reach[municipality.pk] = max(1, int(rng.uniform(1, 12) * size * float(drift)))
    if home:
        reach[home] = max(reach.get(home, 0), int(rng.uniform(60, 220) * size * float(drift)))
    return reach


CONTRIBUTIONS = [
    "Skolföreställningar och workshoppar i kommuner utanför storstäderna, tillsammans med "
    "kommunernas kultursamordnare för barn och unga.",
    "{name} turnerade i de fyra delregionerna och samarbetade med lokala arrangörer.",
    "Ett program för unga vuxna som inte tidigare besökt oss, med fri entré och guidning.",
    "Digitala visningar och ett öppet arkiv som gör samlingarna tillgängliga i hela Skåne.",
    "Residens och uppdrag för fria konstnärer, med ersättning enligt avtal.",
]
