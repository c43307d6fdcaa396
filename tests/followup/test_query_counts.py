"""The follow-up's list pages make as many queries with ten times the organisations."""

import itertools

import pytest

from followup.models import ReportingRound
from kulturportal.models import Role, RoleAssignment, User
from tests.followup import world

SEEDS = itertools.count(100)


@pytest.fixture
def grow(official):
    """grow(round_year, status)(k): k more funded organisations with a representative each,
    and a report in the given status ("approved", "submitted", "draft" or None)."""

    def make(year: int, status: str | None):
        def add(k: int) -> None:
            round = ReportingRound.objects.get(year=year)
            for _ in range(k):
                seed = next(SEEDS)
                org = world.organisation(f"Förening {seed}", seed)
                person = User.objects.create_user(f"rep{seed}@example.se", "x")
                RoleAssignment.objects.create(
                    user=person, role=Role.ORGANISATION_REPRESENTATIVE, organisation=org
                )
                world.funded(org, year, state={"film": 100_000, "arkiv": 50_000}, actor=official)
                if status is None:
                    continue
                values = world.figures(
                    income_state=150_000,
                    income_own=seed * 10,
                    activity={("film", "screenings"): seed},
                    reach={"1280": seed % 7 + 1, "1281": 2, "1290": seed % 3},
                )
                world.filed(
                    round,
                    org,
                    person,
                    values,
                    submit=status != "draft",
                    approve_by=official if status == "approved" else None,
                )

        return add

    return make


def test_the_board_is_flat(client, official, current_round, assert_flat_queries, grow):
    client.force_login(official)
    assert_flat_queries(
        f"/uppfoljning/{world.CURRENT}/hantera/inrapportering/", grow(world.CURRENT, "submitted")
    )
    assert_flat_queries(
        f"/uppfoljning/{world.CURRENT}/hantera/inrapportering/", grow(world.CURRENT, None)
    )


def test_the_public_map_is_flat(client, current_round, assert_flat_queries, grow):
    assert_flat_queries(f"/uppfoljning/{world.CURRENT}/", grow(world.CURRENT, "approved"))
    assert_flat_queries(
        f"/uppfoljning/{world.CURRENT}/?omrade=film", grow(world.CURRENT, "approved")
    )


def test_the_officials_lists_are_flat(client, official, current_round, assert_flat_queries, grow):
    client.force_login(official)
    add = grow(world.CURRENT, "submitted")
    for path in (
        f"/uppfoljning/hantera/beslut/ar/{world.CURRENT}/",
        f"/uppfoljning/{world.CURRENT}/hantera/",
        f"/uppfoljning/{world.CURRENT}/hantera/omradesfordelning/",
        "/uppfoljning/hantera/",
    ):
        assert_flat_queries(path, add)


def test_the_pages_that_show_followup_panels_are_flat(
    client, current_round, assert_flat_queries, grow
):
    from kulturplan.demo import seed_demo

    seed_demo()
    add = grow(world.CURRENT, "approved")
    for path in ("/", "/kommuner/malmo/", "/kulturplan/2025-2028/"):
        assert_flat_queries(path, add)


def test_the_public_map_is_flat_with_ten_times_the_years(
    client, official, opera, opera_rep, assert_flat_queries
):
    """Defect: the comparison with earlier years read the totals once per year shown."""
    years = iter(range(2039, 2000, -1))  # earlier and earlier: the page compares more

    def add_years(k: int) -> None:
        for _ in range(k):
            year = next(years)
            world.funded(opera, year, state={"teater-dans-musik": 1_000_000}, actor=official)
            round = world.open_round(year, actor=official)
            values = world.figures(income_state=1_000_000, reach={"1280": year % 50 + 1})
            world.filed(round, opera, opera_rep, values, approve_by=official)

    add_years(1)
    assert_flat_queries("/uppfoljning/2039/", add_years, n=1)
    assert_flat_queries("/uppfoljning/sammanstallning.csv", add_years, n=1)
