"""Search from the header of any page, and the open data's documentation: a visitor, then
an organisation's representative who finds her own draft, which the visitor does not."""

import pytest
from django.db import connection

from kulturportal import search
from kulturportal.demo import DEMO_PASSWORD, seed_app_demos
from tests.browser.journey import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_visitor_searches_from_the_header_and_reads_the_open_data(journey):
    seed_app_demos()
    search.rebuild()
    page = journey.page
    journey.visit("/kommuner/")
    box = page.get_by_role("search", name="Sök i portalen")
    box.get_by_label("Sök i portalen").fill("bibliotek")
    journey.navigate(lambda: box.get_by_label("Sök i portalen").press("Enter"))
    assert journey.path == "/sok/"
    assert page.get_by_role("heading", level=1).inner_text() == "Sök i Kulturportalen"
    assert page.locator(".search-hit").count() > 0
    assert page.locator(".search-hit mark").count() > 0

    facets = page.get_by_role("navigation", name="Visa en sorts träffar")
    journey.click(facets.get_by_role("link", name="Möten"))
    assert "läsfrämjande" in page.locator(".search-hits").inner_text().lower()
    journey.click(page.locator(".search-hit h3 a").first)
    assert journey.path.startswith("/overlaggningar/")

    if connection.vendor == "postgresql":  # slips are pg_trgm's (README; on SQLite none)
        journey.visit("/sok/?q=kultruplanen&ordning=nyast")
        assert page.locator(".search-hit").count() > 0
    journey.visit("/oppna-data/")
    assert page.get_by_role("heading", name="Alla anrop").is_visible()
    journey.visit("/en/sok/?q=bibliotek")
    assert page.get_by_role("heading", level=1).inner_text() == "Search Kulturportalen"


def test_a_representative_finds_her_draft_and_a_visitor_does_not(journey):
    from consultations import services
    from consultations.models import Round, text_hash
    from kulturportal.models import Organisation, User

    seed_app_demos()
    referral = Round.objects.get(slug="remiss-kulturplan-2029-2032")
    response = services.response_for(
        referral, Organisation.objects.get(slug="folkhogskolorna-i-skane")
    )
    services.save_answers(
        response=response,
        posted=[
            services.Posted(
                question=referral.questions.first(),
                value="Vårt utkast om zebrafinkarna.",
                base_hash=text_hash(""),
            )
        ],
        actor=User.objects.get(email="forening@example.se"),
    )
    page = journey.page
    journey.visit("/sok/?q=zebrafinkarna")
    assert page.locator(".search-hit").count() == 0
    log_in(journey, "forening@example.se", DEMO_PASSWORD)
    journey.visit("/sok/?q=zebrafinkarna")
    assert page.locator(".search-hit").count() == 1
    journey.click(page.locator(".search-hit h3 a"))
    assert journey.path.startswith("/samrad/remiss-kulturplan-2029-2032/svara/")
