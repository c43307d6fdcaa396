"""An anonymous visitor reads the public pages, in Swedish and then in English."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_visitor_reads_the_public_pages(journey):
    page = journey.page
    journey.visit("/")
    assert page.locator("html").get_attribute("lang") == "sv"

    menu = page.get_by_role("navigation", name="Huvudmeny")
    journey.click(menu.get_by_role("link", name="Kommuner"))
    assert page.get_by_role("heading", level=1).inner_text() == "Skånes kommuner"
    assert page.locator("main li a").count() == 33

    journey.click(page.get_by_role("link", name="Lund", exact=True))
    assert journey.path == "/kommuner/lund/"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Lund")

    journey.click(page.get_by_role("link", name="Tillgänglighetsredogörelse"))
    assert journey.path == "/tillganglighet/"
    journey.click(page.get_by_role("link", name="Så behandlar vi personuppgifter"))
    assert journey.path == "/personuppgifter/"

    # The English versions, reached through the language link and then the English menu.
    journey.click(menu.get_by_role("link", name="Start", exact=True))
    journey.click(page.get_by_role("link", name="English"))
    assert journey.path == "/en/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "The culture collaboration model in Skåne"
    )
    english_menu = page.get_by_role("navigation", name="Main menu")
    journey.click(english_menu.get_by_role("link", name="Municipalities"))
    assert journey.path == "/en/kommuner/"
    assert page.get_by_role("heading", level=1).inner_text() == "Municipalities of Skåne"
    assert page.get_by_role("link", name="Svenska").get_attribute("href") == "/kommuner/"
