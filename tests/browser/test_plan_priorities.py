"""The plan's journey: Lund's culture chief registers, ranks and submits the municipality's
priorities; the official sees Lund counted on the completion board and reminds the missing;
the public overview and map show Lund's choice; the plan's PDF is downloaded and opened."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from kulturplan.demo import seed_demo
from kulturplan.models import Submission
from kulturportal.models import OutgoingEmail
from tests.browser.journey import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHILDREN = "Barns och ungas rätt till kultur"
READING = "Läsande och litteratur"


@pytest.fixture(autouse=True)
def _no_mfa_demand(settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False


def _choose(page, area: str, rank: str, motivation: str) -> None:
    row = page.locator("fieldset", has_text=area)
    row.get_by_label("Kommunen prioriterar området").check()
    row.get_by_label("Rang").fill(rank)
    row.get_by_label("Motivering").fill(motivation)


def _log_out(journey):
    journey.click(journey.page.get_by_role("button", name="Logga ut"))


def test_lund_registers_the_official_sees_it_and_the_public_reads_it(journey, site):
    seed_demo()
    page = journey.page

    # Lund's culture chief finds the task on Min sida and ranks two areas, first wrongly.
    log_in(journey, "kulturchef.lund@example.se")
    journey.click(page.get_by_role("link", name="Prioriteringar för Lund"))
    _choose(page, CHILDREN, "1", "Kulturgarantin i skolan är vår viktigaste satsning.")
    _choose(page, READING, "1", "Läsfrämjande för nyanlända.")
    journey.click(page.get_by_role("button", name="Skicka in"), status=400)
    assert "Två områden har rang 1" in page.locator(".error-summary").inner_text()
    reading = page.locator("fieldset", has_text=READING)
    assert reading.get_by_label("Motivering").input_value() == "Läsfrämjande för nyanlända."
    reading.get_by_label("Rang").fill("2")
    journey.click(page.get_by_role("button", name="Skicka in"))
    assert "Kommunens prioriteringar är inskickade" in page.locator(".messages").inner_text()
    assert "Inskickning 1" in page.locator("main").inner_text()
    lund = Submission.objects.filter(registration__municipality__slug="lund")
    assert lund.filter(registration__plan__slug="2029-2032").count() == 1
    _log_out(journey)

    # The official sees Lund counted and reminds only those still missing.
    log_in(journey, "handlaggare@example.se")
    journey.visit("/kulturplan/2029-2032/hantera/inrapportering/")
    assert "25 av 33 kommuner har skickat in." in page.locator(".board-total").inner_text()
    missing = page.locator(".missing-list").all_inner_texts()
    assert not any("Lund" in text for text in missing)
    assert "ingen kulturchef registrerad" in " ".join(missing)
    journey.click(page.get_by_role("button", name="Påminn dem som inte har skickat in"))
    assert "Påminnelsen är skickad" in page.locator(".messages").inner_text()
    reminded = set(OutgoingEmail.objects.values_list("to", flat=True))
    assert reminded and "kulturchef.lund@example.se" not in reminded
    journey.visit("/kulturplan/2029-2032/prioriteringar/")
    assert page.get_by_role("button", name="Skapa nätverket").count() >= 1
    _log_out(journey)

    # The public overview and map show Lund's choice.
    journey.visit("/kulturplan/2029-2032/prioriteringar/")
    page.get_by_label("Visa vilka kommuner som prioriterar").select_option(label=CHILDREN)
    journey.click(page.get_by_role("button", name="Visa på kartan"))
    lund_tile = page.locator("g.tile[data-code='1281']")
    assert "rank-1" in lund_tile.get_attribute("class")
    lund_row = page.locator("table.matrix tr", has=page.locator("th", has_text="Lund"))
    assert "1" in lund_row.first.inner_text()

    # The plan's page, then its PDF, downloaded and opened.
    journey.click(page.get_by_role("link", name="Regional kulturplan för Skåne 2029–2032"))
    pdf_url = page.get_by_role("link", name="Hela planen som PDF").get_attribute("href")
    response = page.request.get(site.url + pdf_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.body()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert reader.metadata.title == "Regional kulturplan för Skåne 2029–2032"
    assert "Bilaga: kommunernas prioriteringar" in text and "Lund" in text
    assert len(reader.pages) >= 5
