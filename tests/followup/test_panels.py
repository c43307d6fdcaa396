"""The follow-up's figures on pages others own: a development area of the plan, a meeting
about a co-financed institution, the start page, a municipality, Min sida."""

import pytest

from forums.models import ForumType, Meeting
from kulturplan.demo import seed_demo as seed_plans
from kulturplan.models import CulturePlan
from tests.factories import MeetingFactory
from tests.followup import world


@pytest.fixture
def plan(db):
    seed_plans()
    return CulturePlan.objects.get(slug="2025-2028")


@pytest.fixture
def reported(plan, last_year_approved, previous_round, opera, opera_rep, official):
    """The opera's 2024 report, approved, says what it did for a development area."""
    return last_year_approved


def test_a_development_area_lists_what_funded_organisations_did_for_it(
    client, plan, previous_round, current_round, folk, folk_high_school_rep, official
):
    area = plan.development_areas.order_by("position").first()
    values = world.figures(income_state=2_000_000, income_region=500_000)
    values.contributions = {area.pk: "Läsfrämjande i alla 33 kommuner."}
    world.filed(previous_round, folk, folk_high_school_rep, values, approve_by=official)
    draft = world.figures(income_state=2_000_000)
    draft.contributions = {area.pk: "Ett utkast som ingen ska se."}
    world.filed(current_round, folk, folk_high_school_rep, draft)
    page = client.get("/kulturplan/2025-2028/").content.decode()
    assert "Ett utkast som ingen ska se." not in page
    section = page.split(f'id="omrade-{area.slug}"')[1].split("</article>")[0]
    assert "Vad finansierade organisationer gjorde 2024" in section
    assert "Folkhögskolorna i Skåne" in section and "Läsfrämjande i alla 33 kommuner." in section
    other = plan.development_areas.order_by("position")[1]
    assert "Läsfrämjande" not in page.split(f'id="omrade-{other.slug}"')[1].split("</article>")[0]


def test_a_meeting_about_an_institution_shows_its_latest_approved_figures(
    client, reported, opera, official
):
    meeting = MeetingFactory(
        forum_type=ForumType.INSTITUTIONS,
        institution=opera,
        status=Meeting.Status.SCHEDULED,
        organiser=official,
    )
    page = client.get(f"/overlaggningar/{meeting.pk}/").content.decode()
    assert "Malmö Opera: godkända siffror 2024" in page
    assert "60\u00a0000\u00a0000 kr" in page
    assert "310 i 2 kommuner" in page


def test_a_meeting_without_an_institution_shows_nothing_of_the_follow_up(
    client, reported, official
):
    meeting = MeetingFactory(status=Meeting.Status.SCHEDULED, organiser=official)
    assert "godkända siffror" not in client.get(f"/overlaggningar/{meeting.pk}/").content.decode()


def test_the_start_page_and_a_municipality_show_where_culture_reached(client, reported):
    home = client.get("/").content.decode()
    assert "Kulturen i hela Skåne" in home
    assert "verksamhet från 2 organisationer" in home
    malmo = client.get("/kommuner/malmo/").content.decode()
    assert "Finansierad kultur i kommunen 2024" in malmo
    assert "Malmö Opera</a>: 300 tillfällen" in malmo


def test_min_sida_shows_a_representative_the_reports_to_file(client, current_round, opera_rep):
    client.force_login(opera_rep)
    page = client.get("/min-sida/").content.decode()
    assert "Årsrapport 2025 för Malmö Opera" in page and "inte påbörjad" in page
