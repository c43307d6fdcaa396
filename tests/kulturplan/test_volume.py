"""The plan's volume builder (kulturplan/volume.py), as seed_volume runs it."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from kulturplan import volume as plan_volume
from kulturplan.demo import seed_demo
from kulturplan.models import (
    CulturePlan,
    DevelopmentArea,
    Priority,
    Registration,
    Section,
    Submission,
    SubmittedPriority,
)
from kulturportal import volume
from kulturportal.models import Municipality

pytestmark = pytest.mark.django_db
PREFIX = plan_volume.PREFIX
# Scale 0.5: 2 plans of 5 areas and 3 sections, each municipality ranking 2 areas.
SCALE = 0.5


def _volume_plans():
    return CulturePlan.objects.filter(slug__startswith=PREFIX)


def _snapshot():
    """What the volume made, by slug and code rather than key."""
    lines = SubmittedPriority.objects.filter(
        submission__registration__plan__slug__startswith=PREFIX
    ).values_list(
        "submission__registration__plan__slug",
        "submission__registration__municipality__code",
        "development_area__slug",
        "rank",
    )
    areas = DevelopmentArea.objects.filter(plan__slug__startswith=PREFIX).values_list(
        "plan__slug", "slug", "title"
    )
    links = DevelopmentArea.activity_areas.through.objects.filter(
        developmentarea__plan__slug__startswith=PREFIX
    ).values_list("developmentarea__plan__slug", "developmentarea__slug", "activityarea__code")
    return sorted(lines), sorted(areas), sorted(links)


def test_the_plan_builder_runs_with_seed_volume():
    names = [builder.name for builder in volume.builders()]
    assert plan_volume.PLANS in volume.builders()
    assert names.index("culture plans") > names.index("people")


def test_a_small_build_makes_volume_plans_with_everyones_priorities(demo):
    created = plan_volume.build_plans(volume.Volume(scale=SCALE))
    plans = list(_volume_plans().order_by("-starts_year"))
    assert [p.slug for p in plans] == [f"{PREFIX}2017-2020", f"{PREFIX}2013-2016"]
    assert CulturePlan.objects.count() == len(plans)  # everything it made has the prefix
    areas_per_plan, sections_per_plan, lines_per_municipality = 5, 3, 2
    assert created == {
        "culture plans": 2,
        "development areas": 2 * areas_per_plan,
        "priorities": 2 * 33 * lines_per_municipality,
    }
    municipalities = set(Municipality.objects.values_list("pk", flat=True))
    assert len(municipalities) == 33
    now = timezone.now()
    for plan in plans:
        assert plan.status == CulturePlan.Status.ARCHIVED
        assert plan.ends_year == plan.starts_year + 3
        assert plan.sections.count() == sections_per_plan
        areas = list(plan.development_areas.annotate(links=Count("activity_areas")))
        assert len(areas) == areas_per_plan
        assert all(1 <= area.links <= 3 for area in areas)
        assert [w.has_closed(now) for w in plan.registration_windows.all()] == [True]

        registrations = Registration.objects.filter(plan=plan)
        assert set(registrations.values_list("municipality", flat=True)) == municipalities
        assert not registrations.filter(current_submission=None).exists()
        for registration in registrations.select_related("current_submission"):
            submission = registration.current_submission
            assert submission.registration_id == registration.pk
            submitted = list(
                submission.lines.order_by("rank").values_list("development_area", "rank")
            )
            working = list(
                registration.priorities.order_by("rank").values_list("development_area", "rank")
            )
            assert submitted == working
            assert [rank for _area, rank in submitted] == [1, 2]
            assert {area for area, _rank in submitted} <= {a.pk for a in areas}
    lines = SubmittedPriority.objects.filter(submission__registration__plan__in=plans)
    assert lines.count() == created["priorities"]
    assert Priority.objects.filter(registration__plan__in=plans).count() == created["priorities"]


def test_the_same_seed_gives_the_same_plans_and_another_seed_others(demo):
    plan_volume.build_plans(volume.Volume(scale=SCALE))
    first = _snapshot()
    plan_volume.clear_plans()
    plan_volume.build_plans(volume.Volume(scale=SCALE))
    assert _snapshot() == first
    plan_volume.clear_plans()
    plan_volume.build_plans(volume.Volume(scale=SCALE, seed=7))
    again = _snapshot()
    assert again[1] == first[1]  # the same areas …
    assert again[0] != first[0]  # … chosen differently


def test_clear_plans_removes_the_volume_and_keeps_the_demo(demo):
    seed_demo()
    demo_counts = _counts()
    plan_volume.build_plans(volume.Volume(scale=SCALE))
    assert _volume_plans().count() == 2
    plan_volume.clear_plans()
    assert not _volume_plans().exists()
    assert _counts() == demo_counts
    assert set(CulturePlan.objects.values_list("slug", flat=True)) == {"2025-2028", "2029-2032"}


def _counts() -> Counter:
    return Counter(
        {
            model.__name__: model.objects.count()
            for model in (
                CulturePlan,
                Section,
                DevelopmentArea,
                Registration,
                Submission,
                SubmittedPriority,
                Priority,
            )
        }
    )


def test_seed_volume_builds_the_plans_and_replaces_them(demo):
    seed_demo()
    options = {"scale": 1, "fraction": 0.05, "force": True, "stdout": StringIO()}
    call_command("seed_volume", **options)
    plans = _volume_plans()
    assert plans.count() == 1  # a twentieth of three
    (plan,) = plans
    assert Registration.objects.filter(plan=plan, current_submission__isnull=False).count() == 33
    first = _snapshot()
    call_command("seed_volume", replace=True, **options)
    assert _volume_plans().count() == 1 and _snapshot() == first
    volume.clear_volume()
    assert not _volume_plans().exists()
    assert CulturePlan.objects.count() == 2


def test_volume_plans_leave_the_current_plan_and_the_open_window_alone(client, demo, lund_chief):
    seed_demo()
    plan_volume.build_plans(volume.Volume(scale=SCALE))
    assert CulturePlan.objects.current().slug == "2025-2028"
    assert "Regional kulturplan för Skåne 2025–2028" in client.get("/kulturplan/").content.decode()
    client.force_login(lund_chief)
    html = client.get("/kommuner/lund/prioriteringar/").content.decode()
    assert "Regional kulturplan för Skåne 2029–2032" in html
    assert "(volym)" not in html
