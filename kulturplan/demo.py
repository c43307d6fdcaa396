"""Demo plans, written in the style of a real regional culture plan, and the
municipalities' priorities in them. Idempotent: a database that has plans keeps them."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from kulturplan import services
from kulturplan.models import (
    ActivityArea,
    CulturePlan,
    DevelopmentArea,
    PlanVersion,
    Priority,
    Registration,
    RegistrationWindow,
    Section,
    Submission,
    SubmittedPriority,
)
from kulturportal import audit
from kulturportal.models import Municipality, Role, RoleAssignment, User

STOCKHOLM = ZoneInfo("Europe/Stockholm")

GOAL = (
    "Skåne ska vara en region där alla har möjlighet att ta del av och skapa kultur, där "
    "konstnärer kan verka och där kulturen är en drivkraft i samhällsbygget."
)

SECTIONS = [
    (
        "inledning",
        "Inledning",
        """Den regionala kulturplanen är Region Skånes och de 33 skånska kommunernas gemensamma
verktyg för kulturpolitiken. Planen ligger till grund för statens bidrag genom
kultursamverkansmodellen och för hur regionen och kommunerna prioriterar tillsammans.

Planen är ett prioriteringsverktyg, inte en budget. Den årliga budgeten gör planen konkret.

Planen har tagits fram i dialog med kommunerna, med det professionella kulturlivet och med
det civila samhället, genom överläggningar i Skånes fyra hörn och genom samråd.""",
    ),
    (
        "mal-och-principer",
        "Mål och vägledande principer",
        f"""## Det övergripande målet

*{GOAL}*

Målet bygger på de nationella kulturpolitiska målen: kulturen ska vara en dynamisk,
utmanande och obunden kraft med yttrandefriheten som grund.

## Tre vägledande principer

1. **Kulturens egenvärde.** Konst och kultur har ett värde i sig, oberoende av vad de
   åstadkommer i övrigt.
2. **Kulturens demokratiska grund.** Alla ska ha möjlighet att delta i kulturlivet,
   oavsett bakgrund, funktionsförmåga eller var i Skåne man bor.
3. **Kulturens kraft i samhällsbygget.** Kultur bidrar till hållbar utveckling, folkhälsa
   och attraktiva platser att leva i.""",
    ),
    (
        "strategier",
        "Strategier",
        """Region Skåne arbetar med fyra strategier under perioden:

- **Samverkan** mellan regionen, kommunerna och kulturlivet, i överläggningar och nätverk.
- **Armlängds avstånd**: politiken sätter ramarna, konstnärliga bedömningar görs av
  sakkunniga.
- **Kunskap och uppföljning**: beslut grundas på kartläggningar och utvärderingar.
- **Hela Skåne**: kulturens resurser ska komma invånarna till del i alla 33 kommuner.""",
    ),
    (
        "genomforande",
        "Genomförande och uppföljning",
        """Planen genomförs genom regionens uppdrag till kulturinstitutionerna, genom
utvecklingsmedel och genom kommunernas egna prioriteringar.

Kommunerna anmäler varje planperiod vilka utvecklingsområden de prioriterar. Där flera
kommuner delar ett område bildas tematiska nätverk.

Planen följs upp årligen i en rapport till Kulturrådet och i den årliga kulturpolitiska
överläggningen.""",
    ),
]

AREAS = [
    (
        "delaktighet",
        "Delaktighet och medskapande",
        ["bibliotek-litteratur", "museer-kulturmiljo", "hemslojd"],
        "Fler skåningar ska kunna delta i kulturlivet, inte bara som publik utan som "
        "medskapare. Särskilt fokus på grupper som i dag deltar i liten utsträckning.",
    ),
    (
        "konstnarligt-skapande",
        "Konstnärligt skapande och konstnärers villkor",
        ["teater-dans-musik", "bild-och-form", "film"],
        "Goda villkor för professionella konstnärer att bo och verka i Skåne: ateljéer, "
        "repetitionslokaler, residens och skäliga ersättningar.",
    ),
    (
        "kulturens-rum",
        "Kulturens rum och platser",
        ["museer-kulturmiljo", "teater-dans-musik", "bibliotek-litteratur"],
        "Mötesplatser för kultur i hela Skåne: bibliotek, scener, museer och kulturmiljöer "
        "som är tillgängliga och levande.",
    ),
    (
        "barn-och-unga",
        "Barns och ungas rätt till kultur",
        ["teater-dans-musik", "bibliotek-litteratur", "film", "bild-och-form"],
        "Alla barn och unga i Skåne ska möta professionell kultur och ha möjlighet till eget "
        "skapande, i skolan och på fritiden.",
    ),
    (
        "digital-utveckling",
        "Digital utveckling",
        ["arkiv", "film", "bibliotek-litteratur", "museer-kulturmiljo"],
        "Digitala verktyg som gör kulturen och kulturarvet tillgängligt, och som ger nya "
        "former för konstnärligt skapande.",
    ),
    (
        "lasande",
        "Läsande och litteratur",
        ["bibliotek-litteratur"],
        "Läsfrämjande insatser för alla åldrar, med biblioteken som nav och litteraturen "
        "som en del av det demokratiska samtalet.",
    ),
    (
        "kulturarv-och-arkiv",
        "Kulturarv, arkiv och berättelser om Skåne",
        ["arkiv", "museer-kulturmiljo"],
        "De enskilda arkiven och kulturmiljöerna bevaras, används och berättar om Skånes "
        "historia för fler.",
    ),
    (
        "hemslojd-och-hantverk",
        "Hemslöjd, hantverk och hållbarhet",
        ["hemslojd", "bild-och-form"],
        "Hemslöjdens kunskaper om material och hantverk förs vidare och bidrar till en "
        "hållbar livsstil.",
    ),
    (
        "film-i-hela-skane",
        "Film och rörlig bild i hela Skåne",
        ["film"],
        "Biografer, filmfestivaler och filmpedagogik i hela regionen, och villkor för "
        "filmproduktion i Skåne.",
    ),
]

# The draft for the next period drops one area and adds one.
NEXT_AREAS = [a for a in AREAS if a[0] != "kulturens-rum"] + [
    (
        "kultur-och-halsa",
        "Kultur och hälsa",
        ["teater-dans-musik", "bibliotek-litteratur", "hemslojd"],
        "Kultur som en väg till bättre folkhälsa: kultur på recept, kultur i vården och "
        "kultur för äldre.",
    ),
]

MOTIVATIONS = {
    "delaktighet": "Vi vill nå fler invånare i kommunens ytterområden genom medskapande projekt.",
    "konstnarligt-skapande": "Kommunen saknar ateljéer och repetitionslokaler för yrkesverksamma.",
    "kulturens-rum": "Biblioteket och kulturhuset byggs om under perioden.",
    "barn-och-unga": "Kulturskolan och skolans kulturgaranti är kommunens viktigaste satsning.",
    "digital-utveckling": "Vi digitaliserar lokalhistoriska samlingar tillsammans med arkiven.",
    "lasande": "Läsfrämjande för barn och nyanlända är ett uttalat politiskt mål.",
    "kulturarv-och-arkiv": "Kommunens kulturmiljöprogram ska tas fram under perioden.",
    "hemslojd-och-hantverk": "Hemslöjdsföreningen och studieförbunden driver ett starkt arbete.",
    "film-i-hela-skane": "Biografen drivs ideellt och behöver stöd i digitaliseringen.",
    "kultur-och-halsa": "Kultur på recept har gett goda resultat i vår vårdcentral.",
}

# Municipalities with a demo culture chief besides Lund and Malmö (the demo logins).
CHIEF_NAMES = [
    ("1283", "Helga", "Holm"),
    ("1290", "Karin", "Kristensson"),
    ("1286", "Yngve", "Ystedt"),
    ("1282", "Lars", "Landgren"),
    ("1292", "Ängla", "Eriksson"),
    ("1284", "Hugo", "Hansson"),
    ("1293", "Hilda", "Hässler"),
    ("1287", "Tove", "Trell"),
    ("1285", "Eva", "Esping"),
    ("1291", "Simon", "Sjöholm"),
    ("1261", "Klara", "Kvist"),
    ("1262", "Lotta", "Lomander"),
    ("1263", "Sven", "Svedberg"),
    ("1230", "Stina", "Staf"),
    ("1233", "Vera", "Vellingson"),
    ("1231", "Bo", "Burman"),
    ("1278", "Björn", "Båth"),
    ("1276", "Kim", "Klippert"),
    ("1270", "Tora", "Tomell"),
    ("1265", "Sofia", "Sjöberg"),
    ("1267", "Henrik", "Höök"),
    ("1266", "Harriet", "Hörberg"),
    ("1272", "Britt", "Bromé"),
    ("1273", "Oskar", "Osberg"),
    ("1214", "Svea", "Svalander"),
    ("1264", "Sture", "Skurell"),
]

# Who has not submitted: in the adopted plan three; in the draft, with its window open,
# Lund (the demo journey) and eight more, five of them without a culture chief.
MISSING_ADOPTED = {"1257", "1275", "1260"}
MISSING_DRAFT = {"1281", "1257", "1275", "1260", "1277", "1256", "1287", "1291", "1266"}


def seed_demo() -> None:
    """Called by manage.py seed_demo (kulturportal.demo.seed_app_demos)."""
    if CulturePlan.objects.exists():
        return
    with transaction.atomic():
        seed_culture_chiefs()
        official = User.objects.filter(email="handlaggare@example.se").first()
        adopted = _adopted_plan(official)
        draft = _draft_plan(official)
        _seed_priorities(adopted, MISSING_ADOPTED, submitted_on=_moment(-700))
        _seed_priorities(draft, MISSING_DRAFT, submitted_on=timezone.now() - timedelta(days=6))


def seed_culture_chiefs() -> None:
    municipalities = {m.code: m for m in Municipality.objects.all()}
    for code, first, last in CHIEF_NAMES:
        municipality = municipalities[code]
        email = f"kulturchef.{municipality.slug}@example.se"
        user, _created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        RoleAssignment.objects.get_or_create(
            user=user, role=Role.CULTURE_CHIEF, municipality=municipality
        )


def _moment(days: int, hour: int = 16) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


def _plan(title, slug, years, status, areas, summary, official) -> CulturePlan:
    plan = CulturePlan.objects.create(
        title=title, slug=slug, starts_year=years[0], ends_year=years[1], summary=summary
    )
    by_code = {a.code: a for a in ActivityArea.objects.all()}
    for position, (section_slug, heading, body) in enumerate(SECTIONS, start=1):
        Section.objects.create(
            plan=plan, position=position, slug=section_slug, title=heading, body=body
        )
    for position, (area_slug, area_title, codes, description) in enumerate(areas, start=1):
        area = DevelopmentArea.objects.create(
            plan=plan, position=position, slug=area_slug, title=area_title, description=description
        )
        area.activity_areas.set([by_code[c] for c in codes])
    audit.record("plan.created", plan, actor=official)
    return plan


def _adopted_plan(official) -> CulturePlan:
    plan = _plan(
        "Regional kulturplan för Skåne 2025–2028",
        "2025-2028",
        (2025, 2028),
        CulturePlan.Status.DRAFT,
        AREAS,
        "Planen anger inriktningen för Region Skånes och kommunernas gemensamma kulturpolitik "
        "under fyra år, med nio utvecklingsområden över alla sju verksamhetsområden.",
        official,
    )
    services.change_status(plan=plan, status=CulturePlan.Status.CONSULTATION, actor=official)
    services.save_version(plan=plan, note="Remissversion", actor=official)
    section = plan.sections.get(slug="genomforande")
    section.body += (
        "\n\nEfter remissen har uppföljningen förstärkts: varje utvecklingsområde får "
        "indikatorer som redovisas i den årliga rapporten."
    )
    services.save_section(section=section, changed=["body"], actor=official)
    services.change_status(plan=plan, status=CulturePlan.Status.ADOPTED, actor=official)
    PlanVersion.objects.filter(plan=plan).update(created_at=_moment(-760))
    CulturePlan.objects.filter(pk=plan.pk).update(adopted_on=_moment(-730).date())
    RegistrationWindow.objects.create(plan=plan, opens_at=_moment(-720, 8), closes_at=_moment(-690))
    return CulturePlan.objects.get(pk=plan.pk)


def _draft_plan(official) -> CulturePlan:
    plan = _plan(
        "Regional kulturplan för Skåne 2029–2032",
        "2029-2032",
        (2029, 2032),
        CulturePlan.Status.DRAFT,
        NEXT_AREAS,
        "Utkast till nästa plan. Kommunerna anmäler nu sina prioriteringar bland "
        "utvecklingsområdena.",
        official,
    )
    services.save_version(plan=plan, note="Arbetsutkast inför överläggningarna", actor=official)
    section = plan.sections.get(slug="strategier")
    section.body = section.body.replace(
        "- **Hela Skåne**",
        "- **Kultur och hälsa**: samverkan med hälso- och sjukvården.\n- **Hela Skåne**",
    )
    services.save_section(section=section, changed=["body"], actor=official)
    services.open_window(plan=plan, opens_at=_moment(-14, 8), closes_at=_moment(30), actor=official)
    return plan


def _seed_priorities(plan: CulturePlan, missing: set[str], *, submitted_on: datetime) -> None:
    areas = list(plan.development_areas.all())
    chiefs: dict[int, User] = {}
    for assignment in (
        RoleAssignment.objects.active()
        .filter(role=Role.CULTURE_CHIEF)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ):
        chiefs.setdefault(assignment.municipality_id, assignment.user)
    for municipality in Municipality.objects.order_by("code"):
        if municipality.code in missing:
            continue
        chosen = _choose(areas, municipality.code + plan.slug)
        registration = Registration.objects.create(plan=plan, municipality=municipality)
        chief = chiefs.get(municipality.pk)
        submission = Submission.objects.create(
            registration=registration, number=1, submitted_at=submitted_on, submitted_by=chief
        )
        lines = [_line_fields(area, rank, chief) for rank, area in enumerate(chosen, start=1)]
        Priority.objects.bulk_create(Priority(registration=registration, **f) for f in lines)
        SubmittedPriority.objects.bulk_create(
            SubmittedPriority(submission=submission, **f) for f in lines
        )
        registration.current_submission = submission
        registration.updated_by = chief
        registration.save(update_fields=["current_submission", "updated_by"])


def _choose(areas, seed: str) -> list[DevelopmentArea]:
    # "Barns och ungas rätt" is nearly everyone's, as in the real plans.
    rng = random.Random(seed)  # noqa: S311 - made-up data
    first = [a for a in areas if a.slug == "barn-och-unga"]
    rest = [a for a in areas if a.slug != "barn-och-unga"]
    return (first if rng.random() < 0.8 else []) + rng.sample(rest, rng.randint(1, 3))


def _line_fields(area, rank, chief) -> dict:
    return {
        "development_area": area,
        "rank": rank,
        "motivation": MOTIVATIONS.get(area.slug, "Området är viktigt för kommunen."),
        "contact_name": chief.get_full_name() if chief else "",
        "contact_email": chief.email if chief else "",
    }
