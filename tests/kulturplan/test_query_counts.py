"""The plan's pages make the same number of queries with ten times the data."""

import itertools
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kulturplan import services
from kulturplan.models import (
    ActivityArea,
    CulturePlan,
    DevelopmentArea,
    PlanVersion,
    Registration,
    RegistrationWindow,
)
from kulturplan.volume import PREFIX, build_plans, clear_plans
from kulturportal.models import DailyReminder, Municipality, Role, RoleAssignment, User
from kulturportal.volume import Volume

pytestmark = pytest.mark.django_db
_serial = itertools.count()

# Scale 0.5: 2 plans of 5 areas and 3 sections, 2 lines per municipality. Scale 5: 15 plans of
# 50 areas and 30 sections, 20 lines per municipality. The newest volume plan is the one shown.
SMALL, LARGE = 0.5, 5
SHOWN = f"{PREFIX}2017-2020"


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False


def _build(scale: float, extra=None) -> CulturePlan:
    clear_plans()
    build_plans(Volume(scale=scale))
    plan = CulturePlan.objects.get(slug=SHOWN)
    if extra:
        extra(plan, scale)
    return plan


def _flat(count_queries, path: str, extra=None) -> int:
    _build(SMALL, extra)
    small = count_queries(path)
    plan = _build(LARGE, extra)
    assert plan.development_areas.count() == 50 and plan.sections.count() == 30
    large = count_queries(path)
    assert small == large, f"{path}: {small} queries at scale {SMALL}, {large} at {LARGE}"
    return small


def _versions(plan, scale):
    """Saved versions to list, ten times as many at the larger scale."""
    PlanVersion.objects.bulk_create(
        PlanVersion(plan=plan, number=n, content=services.plan_content(plan))
        for n in range(1, round(2 * scale) + 1)
    )


def test_overview(client, count_queries, demo):
    _flat(count_queries, f"/kulturplan/{SHOWN}/prioriteringar/")


def test_overview_with_an_area_on_the_map(client, count_queries, demo):
    _flat(count_queries, f"/kulturplan/{SHOWN}/prioriteringar/?omrade=omrade-1")


def test_overview_for_an_official(client, count_queries, official):
    """The officials see the suggested networks too, one per shared area."""
    client.force_login(official)
    _flat(count_queries, f"/kulturplan/{SHOWN}/prioriteringar/")


def test_plan_page(client, count_queries, demo):
    _flat(count_queries, f"/kulturplan/{SHOWN}/", _versions)


def _missing_with_chiefs(plan, scale):
    """An open window; municipalities that have not submitted, some with a draft, each with
    culture chiefs; and reminders. All ten times as many at the larger scale."""
    now = timezone.now()
    window = RegistrationWindow.objects.create(
        plan=plan, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30)
    )
    missing = list(Municipality.objects.order_by("code")[: round(3 * scale)])
    Registration.objects.filter(plan=plan, municipality__in=missing).update(
        current_submission=None, has_draft_changes=True
    )
    for municipality in missing:
        for _ in range(2):
            n = next(_serial)
            user = User.objects.create(
                email=f"chef{n}@example.se", first_name="Chef", last_name=str(n)
            )
            RoleAssignment.objects.create(
                user=user, role=Role.CULTURE_CHIEF, municipality=municipality
            )
    DailyReminder.objects.bulk_create(
        DailyReminder(
            content_type=ContentType.objects.get_for_model(window),
            object_id=window.pk,
            sent_on=date(2020, 1, 1) + timedelta(days=n),
            recipients=n,
        )
        for n in range(round(2 * scale))
    )


def test_completion_board(client, count_queries, official):
    client.force_login(official)
    _flat(count_queries, f"/kulturplan/{SHOWN}/hantera/inrapportering/", _missing_with_chiefs)


# --- The culture chief's form: the plan whose window is open grows ----------------------------


@pytest.fixture
def open_plan(demo):
    now = timezone.now()
    plan = CulturePlan.objects.create(
        title="Regional kulturplan för Skåne 2033–2036",
        slug="2033-2036",
        starts_year=2033,
        ends_year=2036,
    )
    RegistrationWindow.objects.create(
        plan=plan, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30)
    )
    return plan


def _grow_the_open_plan(plan, lund_chief):
    """k more areas, each prioritised by Lund, and k more submissions of them all."""
    lund = Municipality.objects.get(code="1281")
    activity_areas = list(ActivityArea.objects.all()[:3])

    def grow(k):
        for _ in range(k):
            n = next(_serial)
            area = DevelopmentArea.objects.create(
                plan=plan, position=n, slug=f"omrade-{n}", title=f"Område {n}", description="Ny."
            )
            area.activity_areas.set(activity_areas)
        areas = list(plan.development_areas.all())
        for _ in range(k):
            registration = Registration.objects.get(pk=services.registration_for(plan, lund).pk)
            services.save_priorities(
                registration=registration,
                lines=[
                    services.Line(
                        development_area=area,
                        rank=rank,
                        motivation="Viktigt för Lund.",
                        contact_name="Lena Lund",
                        contact_email="kulturchef.lund@example.se",
                    )
                    for rank, area in enumerate(areas, start=1)
                ],
                base_version=registration.version,
                submit=True,
                actor=lund_chief,
            )

    return grow


def test_priorities_form(client, assert_flat_queries, lund_chief, open_plan):
    client.force_login(lund_chief)
    queries = assert_flat_queries(
        "/kommuner/lund/prioriteringar/", _grow_the_open_plan(open_plan, lund_chief)
    )
    assert queries > 0
    html = client.get("/kommuner/lund/prioriteringar/").content.decode()
    assert html.count('class="priority-row') == 30  # one fieldset per area, all 30 grown


def test_priorities_read_by_an_official(client, assert_flat_queries, official, open_plan):
    """The official may read Lund's priorities but not edit them: the read-only list."""
    client.force_login(official)
    lund_chief = User.objects.get(email="kulturchef.lund@example.se")
    assert_flat_queries(
        "/kommuner/lund/prioriteringar/", _grow_the_open_plan(open_plan, lund_chief)
    )
