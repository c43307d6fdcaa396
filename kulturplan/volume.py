"""Volume for the plan: at scale 1, 3 earlier plan periods of 10 development areas and 6
sections each, and priorities from every municipality in every period; scale 10 makes 30
periods of 100 areas, with ten times the lines per municipality. Slugs start "volym-"."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from kulturplan.models import (
    ActivityArea,
    CulturePlan,
    DevelopmentArea,
    Priority,
    Registration,
    RegistrationWindow,
    Section,
    Submission,
    SubmittedPriority,
)
from kulturportal.models import Municipality
from kulturportal.volume import BATCH_SIZE, Builder, Volume

PREFIX = "volym-"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
THEMES = [
    "Kultur i hela Skåne",
    "Konstnärers villkor",
    "Barn och unga",
    "Läsande",
    "Digitalt kulturarv",
    "Scenkonst på turné",
    "Film i skolan",
    "Hemslöjd och hållbarhet",
    "Arkiv och berättelser",
    "Kultur och hälsa",
]
PARAGRAPH = (
    "Region Skåne och kommunerna arbetar tillsammans för att kulturen ska nå fler invånare. "
    "Insatserna följs upp varje år och redovisas i den kulturpolitiska överläggningen."
)


def build_plans(volume: Volume) -> dict[str, int]:
    rng = volume.random("kulturplan")
    activity_areas = list(ActivityArea.objects.all())
    municipalities = list(Municipality.objects.order_by("code"))
    plans = volume.count(3)
    areas_per_plan = volume.count(10)
    lines_per_municipality = min(areas_per_plan, volume.count(4))
    counts = {"culture plans": 0, "development areas": 0, "priorities": 0}
    for index in range(plans):
        plan = _plan(index)
        counts["culture plans"] += 1
        Section.objects.bulk_create(
            Section(
                plan=plan,
                position=n,
                slug=f"avsnitt-{n}",
                title=f"Avsnitt {n}",
                body=f"## Del {n}\n\n{PARAGRAPH}",
            )
            for n in range(1, volume.count(6) + 1)
        )
        areas = _areas(plan, areas_per_plan, activity_areas, rng)
        counts["development areas"] += len(areas)
        counts["priorities"] += _priorities(
            plan, areas, municipalities, lines_per_municipality, rng
        )
    return counts


def _plan(index: int) -> CulturePlan:
    starts = 2021 - 4 * (index + 1)
    plan = CulturePlan.objects.create(
        title=f"Regional kulturplan för Skåne {starts}–{starts + 3} (volym)",
        slug=f"{PREFIX}{starts}-{starts + 3}",
        starts_year=starts,
        ends_year=starts + 3,
        status=CulturePlan.Status.ARCHIVED,
    )
    opens = datetime.combine(datetime(starts - 1, 3, 1), time(8), tzinfo=STOCKHOLM)
    RegistrationWindow.objects.create(
        plan=plan, opens_at=opens, closes_at=opens + timedelta(days=30)
    )
    return plan


def _areas(plan, count, activity_areas, rng) -> list[DevelopmentArea]:
    areas = DevelopmentArea.objects.bulk_create(
        DevelopmentArea(
            plan=plan,
            position=n,
            slug=f"omrade-{n}",
            title=f"{THEMES[n % len(THEMES)]} {n // len(THEMES) + 1}",
            description=PARAGRAPH,
        )
        for n in range(count)
    )
    links = [
        DevelopmentArea.activity_areas.through(developmentarea_id=area.pk, activityarea_id=a.pk)
        for area in areas
        for a in rng.sample(activity_areas, rng.randint(1, 3))
    ]
    DevelopmentArea.activity_areas.through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    return areas


def _priorities(plan, areas, municipalities, per_municipality, rng) -> int:
    registrations = Registration.objects.bulk_create(
        Registration(plan=plan, municipality=m) for m in municipalities
    )
    submitted_at = plan.registration_windows.get().opens_at
    submissions = Submission.objects.bulk_create(
        Submission(registration=r, number=1, submitted_at=submitted_at) for r in registrations
    )
    working, submitted = [], []
    for registration, submission in zip(registrations, submissions, strict=True):
        chosen = rng.sample(areas, per_municipality)
        for rank, area in enumerate(chosen, start=1):
            fields = {"development_area": area, "rank": rank, "motivation": PARAGRAPH}
            working.append(Priority(registration=registration, **fields))
            submitted.append(SubmittedPriority(submission=submission, **fields))
        registration.current_submission = submission
    Registration.objects.bulk_update(registrations, ["current_submission"], batch_size=BATCH_SIZE)
    Priority.objects.bulk_create(working, batch_size=BATCH_SIZE)
    SubmittedPriority.objects.bulk_create(submitted, batch_size=BATCH_SIZE)
    return len(submitted)


def clear_plans() -> None:
    CulturePlan.objects.filter(slug__startswith=PREFIX).delete()


PLANS = Builder("culture plans", build_plans, clear_plans)
BUILDERS = [PLANS]
