"""The follow-up's open data (issue 22: "the approved funding and activity figures join the
API when that app lands"): the years, each approved report's figures, and the compilation
by area and source; never a draft, a submitted, a returned report, an explanation or a
person."""

import itertools
from decimal import Decimal

import pytest

from followup import figures
from kulturportal.models import User
from tests.followup import world

BASE = "/api/v1/follow-up"


@pytest.fixture
def this_year_in_the_works(last_year_approved, current_round, opera, opera_rep, folk):
    """This year: the opera's report submitted, not approved; the folk high schools' a draft."""
    world.filed(
        current_round,
        opera,
        opera_rep,
        world.figures(income_state=61_000_000, explanations={"state_grant": "Hemlis"}),
        submit=True,
    )
    world.filed(
        current_round,
        folk,
        User.objects.get(email="forening@example.se"),
        world.figures(income_state=1_999_999),
    )


def test_the_years_say_how_complete_each_is(client, this_year_in_the_works):
    years = client.get(f"{BASE}/years/").json()
    assert [(y["year"], y["approved"], y["expected"]) for y in years] == [(world.PREVIOUS, 2, 2)]
    assert years[0]["reports_url"].endswith(f"{BASE}/years/{world.PREVIOUS}/reports/")


def test_only_approved_reports_with_the_public_figures(client, this_year_in_the_works):
    page = client.get(f"{BASE}/years/{world.PREVIOUS}/reports/").json()
    opera = next(r for r in page["items"] if r["organisation"]["slug"] == "malmo-opera")
    assert Decimal(opera["figures"]["income_state"]) == 60_000_000
    assert Decimal(opera["figures"]["staff_fte"]) == 190
    assert {"area": "teater-dans-musik", "metric": "audience", "value": 200_000} in opera[
        "activity"
    ]
    assert {"municipality": "1280", "occasions": 300} in opera["reach"]
    # Nothing of this year's submitted or draft reports, nor of the explanations.
    current = client.get(f"{BASE}/years/{world.CURRENT}/reports/").json()
    assert current["items"] == []
    text = _body(client.get(f"{BASE}/years/{world.CURRENT}/reports/?format=csv"))
    assert "61000000" not in text.replace(" ", "") and "Hemlis" not in text


def test_the_compilation_is_the_pages_compilation(client, this_year_in_the_works):
    rows = client.get(f"{BASE}/compilation/").json()
    table = figures.compilation()
    for row in rows:
        area = next((a for a in table.areas if a.code == row["area"]), None)
        assert Decimal(row["amount"]) == table.amount(row["year"], area, row["source"])
    state = sum(Decimal(r["amount"]) for r in rows if r["source"] == "income_state")
    assert state == 62_000_000  # the two approved reports of the previous year
    csv = client.get(f"{BASE}/compilation/?format=csv")
    assert csv["Content-Type"].startswith("text/csv") and "income_state" in _body(csv)


def _body(response) -> str:
    return b"".join(response.streaming_content).decode()


_serial = itertools.count(100)


def test_the_reports_list_queries_stay_flat(
    previous_round, official, opera_rep, assert_flat_queries
):
    def grow(k):
        for _ in range(k):
            n = next(_serial)
            org = world.organisation(f"Förening {n}", n)
            world.funded(org, world.PREVIOUS, state={"film": 100_000}, actor=official)
            world.filed(
                previous_round,
                org,
                opera_rep,
                world.figures(
                    income_state=100_000,
                    activity={("film", "screenings"): 3},
                    reach={"1280": 2, "1281": 1},
                ),
                approve_by=official,
            )

    assert_flat_queries(f"{BASE}/years/{world.PREVIOUS}/reports/?limit=200", grow)
