"""The follow-up's fixtures: funded organisations (the folk high schools, whose
representative is a persona, and Malmö Opera, whose is the demo's operan@example.se), their
decisions for two years and the current year's round."""

import pytest

from kulturportal.models import Organisation, User
from tests.followup import world


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def folk(folk_high_schools):
    return folk_high_schools


@pytest.fixture
def opera(demo):
    return world.ensure_number(Organisation.objects.get(name="Malmö Opera"), 7)


@pytest.fixture
def opera_rep(demo):
    return User.objects.get(email="operan@example.se")


@pytest.fixture
def decisions(official, folk, opera):
    """Both organisations funded for both years; the opera co-financed by Malmö."""
    made = {}
    for year in (world.PREVIOUS, world.CURRENT):
        made[("folk", year)] = world.funded(
            folk, year, state={"bibliotek-litteratur": 2_000_000}, region=500_000, actor=official
        )
        made[("opera", year)] = world.funded(
            opera,
            year,
            state={"teater-dans-musik": 60_000_000},
            region=120_000_000,
            municipal={"1280": 5_000_000},
            actor=official,
        )
    return made


@pytest.fixture
def current_round(decisions, official):
    return world.open_round(world.CURRENT, actor=official)


@pytest.fixture
def previous_round(decisions, official):
    return world.open_round(world.PREVIOUS, actor=official)


@pytest.fixture
def last_year_approved(previous_round, official, folk_high_school_rep, opera_rep, folk, opera):
    """Both organisations' reports for the previous year, approved."""
    folk_report = world.filed(
        previous_round,
        folk,
        folk_high_school_rep,
        world.figures(
            income_state=2_000_000,
            income_region=500_000,
            income_own=300_000,
            costs_total=2_900_000,
            activity={("bibliotek-litteratur", "events"): 40},
            reach={"1281": 12, "1280": 3},
        ),
        approve_by=official,
    )
    opera_report = world.filed(
        previous_round,
        opera,
        opera_rep,
        world.figures(
            income_state=60_000_000,
            income_region=120_000_000,
            income_own=40_000_000,
            costs_total=220_000_000,
            costs_staff=120_000_000,
            staff_fte=190,
            activity={("teater-dans-musik", "audience"): 200_000},
            reach={"1280": 300, "1283": 10},
        ),
        approve_by=official,
    )
    return folk_report, opera_report
