"""The annual follow-up's journey: an official imports the year's decisions and opens the
round; Malmö Opera's representative files the report, a check fires and is explained; the
official returns it, then approves the completed version; the public map and the
Områdesfördelning change."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from followup.models import AnnualReport
from kulturportal.models import Municipality, Organisation
from tests.browser.journey import log_in
from tests.followup import world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

YEAR = world.CURRENT


@pytest.fixture(autouse=True)
def _no_mfa_demand(settings, tmp_path):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False
    settings.MEDIA_ROOT = tmp_path / "media"


def _log_out(journey):
    journey.click(journey.page.get_by_role("button", name="Logga ut"))


def _decisions_file(tmp_path, opera, folk) -> str:
    path = tmp_path / "beslut.csv"
    path.write_text(
        "organisationsnummer;år;källa;verksamhetsområde;kommun;belopp\n"
        f"{opera.org_number};{YEAR};stat;teater-dans-musik;;66 000 000\n"
        f"{opera.org_number};{YEAR};region;;;121 000 000\n"
        f"{folk.org_number};{YEAR};stat;bibliotek-litteratur;;2 000 000\n"
        f"{folk.org_number};{YEAR};region;;;500 000\n",
        encoding="utf-8",
    )
    return str(path)


def _pk(code: str) -> int:
    return Municipality.objects.get(code=code).pk


def _tile_class(page, code: str) -> str:
    return page.locator(f'g.tile[data-code="{code}"]').get_attribute("class")


def test_a_year_from_decisions_to_an_approved_area_distribution(journey, site, tmp_path):
    opera = world.ensure_number(Organisation.objects.get(name="Malmö Opera"), 7)
    folk = Organisation.objects.get(name="Folkhögskolorna i Skåne")
    page = journey.page

    # The official imports the decisions: a preview first, then all of it.
    log_in(journey, "handlaggare@example.se")
    journey.visit("/uppfoljning/hantera/")
    journey.click(page.get_by_role("link", name="Importera beslut från en fil"))
    page.get_by_label("Fil med beslut").set_input_files(_decisions_file(tmp_path, opera, folk))
    journey.click(page.get_by_role("button", name="Ladda upp och förhandsgranska"))
    assert "2 nya, 0 ändras" in page.locator("main").inner_text()
    journey.click(page.get_by_role("button", name="Importera besluten"))
    assert "2 nya, 0 ändrade och 0 oförändrade" in page.locator(".messages").inner_text()

    # … and opens the round.
    page.get_by_label("År som rapporteras").select_option(str(YEAR))
    deadline = timezone.localdate() + timedelta(days=60)
    page.get_by_label("Sista dag att rapportera").fill(f"{deadline:%Y-%m-%d}T23:59")
    journey.click(page.get_by_role("button", name="Öppna rapporteringen"))
    assert "är öppnad" in page.locator(".messages").inner_text()
    journey.click(page.get_by_role("link", name="Inrapportering", exact=True))
    assert "0 av 2 har rapporterat" in page.locator(".board-total").inner_text()
    _log_out(journey)

    # The representative files: the state grant does not match the decision, a check asks.
    log_in(journey, "operan@example.se")
    journey.click(page.get_by_role("link", name=f"Årsrapport {YEAR} för Malmö Opera"))
    assert page.locator(".check-finding").count() == 0  # nothing typed, nothing to check
    page.locator("#id_income_state").fill("65 000 000")
    page.locator("#id_income_region").fill("121\u00a0000\u00a0000")
    page.locator("#id_income_own").fill("41 000 000")
    page.locator("#id_costs_total").fill("229 500 000")
    page.locator("#id_metric__teater-dans-musik__audience").fill("212 000")
    page.locator(f"#id_reach__{_pk('1280')}").fill("310")
    page.locator(f"#id_reach__{_pk('1286')}").fill("4")
    journey.click(page.get_by_role("button", name="Spara utkast"))
    assert "Utkastet är sparat" in page.locator(".messages").inner_text()
    finding = page.locator("#finding-state_grant").inner_text()
    assert "beslutet för 2025 är 66" in finding
    # Submitting without the explanation and the files is refused beside the fields.
    journey.click(page.get_by_role("button", name="Skicka in rapporten"), status=400)
    assert "Skriv en kort förklaring" in page.locator(".error-summary").inner_text()
    page.get_by_label("Förklaring till Statliga medel").fill(
        "En miljon av bidraget betalades ut i januari året efter."
    )
    page.get_by_label("Årsredovisning").set_input_files(
        {"name": "arsredovisning.pdf", "mimeType": "application/pdf", "buffer": world.PDF}
    )
    page.get_by_label("Verksamhetsberättelse").set_input_files(
        {"name": "verksamhet.pdf", "mimeType": "application/pdf", "buffer": world.PDF}
    )
    journey.click(page.get_by_role("button", name="Skicka in rapporten"))
    assert "Version 1 av årsrapporten är inskickad" in page.locator(".messages").inner_text()
    _log_out(journey)

    # The official sees the check and the explanation, and returns it for completion.
    log_in(journey, "handlaggare@example.se")
    journey.visit(f"/uppfoljning/{YEAR}/hantera/inrapportering/")
    assert "1 av 2 har rapporterat" in page.locator(".board-total").inner_text()
    journey.click(page.get_by_role("link", name="Malmö Opera"))
    assert "betalades ut i januari" in page.locator("main").inner_text()
    page.get_by_label("Kommentar till organisationen").fill("Publiken för barn och unga saknas.")
    journey.click(page.get_by_role("button", name="Skicka tillbaka för komplettering"))
    assert "återsänd" in page.locator(".messages").inner_text()
    _log_out(journey)

    # The representative completes and submits again.
    log_in(journey, "operan@example.se")
    journey.visit(f"/uppfoljning/{YEAR}/rapport/malmo-opera/")
    assert "Publiken för barn och unga saknas." in page.locator("main").inner_text()
    page.locator("#id_metric__teater-dans-musik__audience_young").fill("51 000")
    journey.click(page.get_by_role("button", name="Skicka in rapporten"))
    assert "Version 2" in page.locator(".messages").inner_text()
    _log_out(journey)

    # Before approval the public sees nothing of it.
    journey.visit("/uppfoljning/")
    assert "Inga årsrapporter är godkända ännu" in page.locator("main").inner_text()

    # The official approves; the map and the area distribution change.
    log_in(journey, "handlaggare@example.se")
    report = AnnualReport.objects.get(organisation=opera, round__year=YEAR)
    journey.visit(report.review_url())
    journey.click(page.get_by_role("button", name="Godkänn rapporten"))
    assert "Siffrorna är nu offentliga" in page.locator(".messages").inner_text()
    journey.visit(f"/uppfoljning/{YEAR}/hantera/omradesfordelning/")
    journey.click(page.get_by_role("button", name="Bekräfta områdesfördelningen"))
    assert "Bekräftad av Hanna Handläggare" in page.locator("main").inner_text()
    download = page.request.get(site.url + f"/uppfoljning/{YEAR}/hantera/omradesfordelning.xlsx")
    book = load_workbook(io.BytesIO(download.body()))
    rows = list(book["Områdesfördelning"].iter_rows(min_row=2, values_only=True))
    sums = {r[0]: Decimal(str(r[3])) for r in rows if str(r[0]).startswith(("Summa", "Totalt"))}
    assert sums["Summa Professionell teater-, dans- och musikverksamhet"] == 66_000_000
    assert sums["Totalt, statliga medel"] == 68_000_000
    _log_out(journey)

    journey.visit("/uppfoljning/")
    assert "Kulturen i hela Skåne 2025" in page.locator("h1").inner_text()
    assert _tile_class(page, "1280") == "tile reach-4"
    assert _tile_class(page, "1286") == "tile reach-1"
    assert "Ystad: 4 tillfällen" in page.locator("main details").text_content()  # the map as text
    journey.click(page.get_by_role("link", name="Malmö Opera"))
    assert "51 000" in page.locator("main").inner_text().replace("\u00a0", " ")
