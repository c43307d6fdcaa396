""" "Kulturen i hela Skåne": the tile map by activity reached, the municipalities not reached,
income per area and source as a chart with the same figures in a table, the organisations,
the years compared; approved figures only."""

import re

import pytest

from followup import services
from followup.views.public import reach_class
from tests.followup import world


@pytest.fixture
def both_years(last_year_approved, current_round, opera, opera_rep, official):
    """The previous year approved for both; this year the opera's, approved."""
    world.filed(
        current_round,
        opera,
        opera_rep,
        world.figures(
            income_state=60_000_000,
            income_region=120_000_000,
            income_own=42_000_000,
            reach={"1280": 310, "1286": 12},
            activity={("teater-dans-musik", "audience"): 210_000},
        ),
        approve_by=official,
    )


def _tile(page: str, code: str) -> str:
    match = re.search(rf'<g class="tile ([\w-]+)" data-code="{code}">', page)
    assert match, code
    return match.group(1)


def test_the_map_is_coloured_by_occasions_and_names_who_it_did_not_reach(client, both_years):
    page = client.get(f"/uppfoljning/{world.CURRENT}/").content.decode()
    assert _tile(page, "1280") == "reach-4"  # Malmö: 310
    assert _tile(page, "1286") == "reach-2"  # Ystad: 12
    assert _tile(page, "1281") == "reach-0"  # Lund: the folk high schools' report is 2024's
    assert "Malmö: 310 tillfällen" in page
    not_reached = page.split("Kommuner som ingen finansierad verksamhet nådde")[1][:3000]
    assert ">Lund</a>" in not_reached and ">Malmö</a>" not in not_reached
    assert "Uppgifterna bygger på 1 av 2 årsrapporter." in page


def test_the_map_per_area_counts_only_the_organisations_funded_in_it(client, both_years):
    page = client.get(f"/uppfoljning/{world.PREVIOUS}/?omrade=bibliotek-litteratur")
    text = page.content.decode()
    assert _tile(text, "1281") == "reach-2"  # the folk high schools: 12 in Lund
    assert _tile(text, "1283") == "reach-0"  # the opera's 10 in Helsingborg: another area
    made_up = client.get(f"/uppfoljning/{world.PREVIOUS}/?omrade=inget-omrade")
    assert made_up.status_code == 200  # served as all areas, not stored


def test_the_chart_and_its_table_hold_the_same_figures(client, both_years):
    page = client.get(f"/uppfoljning/{world.PREVIOUS}/").content.decode()
    chart = page.split('class="chart-svg"')[1].split("</svg>")[0]
    assert 'role="img"' in page and "<title" in chart and "<desc" in chart
    # The performing arts: 60 + 120 + 40 million from the opera.
    assert "220\u00a0000\u00a0000 kr" in chart
    table = page.split('id="money-table-caption"')[1].split("</table>")[0]
    assert "220\u00a0000\u00a0000" in table
    assert "222\u00a0800\u00a0000" in table  # the total for Skåne, as the compilation says


def test_the_years_are_compared_and_the_latest_complete_year_comes_first(client, both_years):
    page = client.get("/uppfoljning/").content.decode()
    assert f"Kulturen i hela Skåne {world.PREVIOUS}" in page  # 2025 is not complete yet
    current = client.get(f"/uppfoljning/{world.CURRENT}/").content.decode()
    compared = current.split('id="compared-heading"')[1].split("</table>")[0]
    assert f">{world.PREVIOUS}<" in compared and f">{world.CURRENT}<" in compared
    assert client.get("/uppfoljning/2019/").status_code == 404


def test_an_organisations_page_shows_its_approved_figures_against_last_year(client, both_years):
    page = client.get(f"/uppfoljning/{world.CURRENT}/organisationer/malmo-opera/")
    text = page.content.decode()
    assert "Malmö Opera 2025" in text
    assert "42\u00a0000\u00a0000 kr" in text and "40\u00a0000\u00a0000 kr" in text
    assert "+5 %" in text  # own income against 2024
    assert "ej redovisat" in text  # the costs were left empty: not reported, not 0


def test_before_anything_is_approved_the_page_says_so(client, current_round):
    page = client.get("/uppfoljning/").content.decode()
    assert "Inga årsrapporter är godkända ännu" in page


def test_an_approval_retires_the_cached_page(
    client, current_round, opera, opera_rep, official, django_capture_on_commit_callbacks
):
    report = world.filed(
        current_round,
        opera,
        opera_rep,
        world.figures(income_state=60_000_000, reach={"1280": 5}),
        submit=True,
    )
    assert "Inga årsrapporter" in client.get("/uppfoljning/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(report=report, actor=official)
    assert "Kulturen i hela Skåne 2025" in client.get("/uppfoljning/").content.decode()


def test_the_english_page_writes_numbers_the_english_way(client, both_years):
    page = client.get(f"/en/uppfoljning/{world.PREVIOUS}/").content.decode()
    assert "222,800,000" in page


@pytest.mark.parametrize(
    ("occasions", "css"), [(0, "reach-0"), (1, "reach-1"), (10, "reach-2"), (200, "reach-4")]
)
def test_the_colour_bands(occasions, css):
    assert reach_class(occasions) == css


def test_one_organisation_is_not_called_organisationer(client, both_years):
    """Defect (real run, 2026-12-06): a year with one approved report read '1 organisationer'."""
    page = client.get(f"/uppfoljning/{world.CURRENT}/").content.decode()
    cards = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split("card-figure")[3][:200]))
    assert "1 organisation " in cards + " " and "organisationer" not in cards, cards
