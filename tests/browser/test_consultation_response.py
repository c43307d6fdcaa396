"""The consultations' journey: the folk high schools' representative answers, attaches a PDF,
submits and receives the receipt at an SMTP server; a second representative of the same
organisation sees it; after the deadline the official tags, disposes and publishes; the
report shows it; the organisation sees what became of its input."""

from datetime import timedelta
from email.header import decode_header, make_header
from io import BytesIO

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from pypdf import PdfReader

from consultations import demo as consultations_demo
from consultations.models import Response, Round
from kulturplan import demo as plan_demo
from kulturportal.demo import DEMO_PASSWORD
from kulturportal.models import Organisation, Role, RoleAssignment, User
from tests.browser.journey import log_in
from tests.consultations.conftest import pdf_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SLUG = "kulturplan-2029-2032"
ANSWER = "Folkhögskolorna når dem som inte går till kulturinstitutionerna. Ring Folke Föreningsson."


@pytest.fixture(autouse=True)
def _no_mfa_demand(settings, tmp_path):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False
    settings.MEDIA_ROOT = tmp_path / "media"


def _second_representative() -> User:
    person = User.objects.create_user(
        "rektor@example.se", DEMO_PASSWORD, first_name="Rut", last_name="Rektorsson"
    )
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    RoleAssignment.objects.create(
        user=person,
        role=Role.ORGANISATION_REPRESENTATIVE,
        organisation=Organisation.objects.get(name="Folkhögskolorna i Skåne"),
    )
    return person


def _log_out(journey):
    journey.click(journey.page.get_by_role("button", name="Logga ut"))


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_an_organisation_answers_and_sees_what_became_of_it(journey, site, smtp_server, tmp_path):
    plan_demo.seed_demo()
    consultations_demo.seed_demo()
    _second_representative()
    page = journey.page

    # The representative finds the open consultation on Min sida and answers it.
    log_in(journey, "forening@example.se")
    journey.click(page.get_by_role("link", name="Samråd om utkastet till kulturplan 2029–2032"))
    assert "allmän handling enligt offentlighetsprincipen" in page.locator("main").inner_text()
    page.get_by_label("Vilka av planens utvecklingsområden").fill(ANSWER)
    page.get_by_label("Ganska väl").check()
    page.get_by_label("Kultur och hälsa").select_option("1")
    page.get_by_label("Hela Skåne", exact=True).select_option("2")
    attachment = tmp_path / "yttrande.pdf"
    attachment.write_bytes(pdf_bytes(40_000))
    page.locator("#id_attachment").set_input_files(attachment)
    journey.click(page.get_by_role("button", name="Skicka in svaret"))
    assert "Svaret är inskickat med diarienummer" in page.locator(".messages").inner_text()
    response = Response.objects.get(round__slug=SLUG, organisation__slug="folkhogskolorna-i-skane")
    number = response.registration_number
    assert number and number in page.locator("main").inner_text()
    assert "yttrande.pdf" in page.locator("main").inner_text()

    # The receipt arrived at the SMTP server, with the answer and a PDF copy.
    receipts = [m for m in smtp_server.collector.to("forening@example.se") if number in _subject(m)]
    assert len(receipts) == 1
    parts = {part.get_content_type(): part for part in receipts[0].walk()}
    assert ANSWER in parts["text/plain"].get_payload(decode=True).decode()
    copy = PdfReader(BytesIO(parts["application/pdf"].get_payload(decode=True)))
    assert number in copy.pages[0].extract_text()
    _log_out(journey)

    # A second representative of the same organisation sees the submitted response.
    log_in(journey, "rektor@example.se")
    journey.visit(response.form_url())
    assert number in page.locator(".status-line").inner_text()
    assert page.get_by_label("Vilka av planens utvecklingsområden").input_value() == ANSWER
    _log_out(journey)

    # After the deadline the official reads, tags, disposes and publishes.
    Round.objects.filter(slug=SLUG).update(closes_at=timezone.now() - timedelta(minutes=1))
    log_in(journey, "handlaggare@example.se")
    journey.visit(f"/samrad/{SLUG}/hantera/svar/")
    journey.click(page.get_by_role("link", name="Folkhögskolorna i Skåne"))
    page.get_by_role("textbox", name="Etiketter").fill("folkbildning, breddad rekrytering")
    journey.click(page.get_by_role("button", name="Spara etiketter"))
    overall = page.locator("form", has=page.get_by_role("button", name="hela svaret"))
    overall.get_by_label("Beaktat", exact=True).check()
    overall.get_by_label("Motivering").fill("Folkhögskolornas roll står nu i planen.")
    overall.get_by_label("Avsnitt i planen").select_option(label="Strategier")
    journey.click(overall.get_by_role("button"))
    assert "Ställningstagandet är sparat." in page.locator(".messages").inner_text()
    journey.click(page.get_by_role("link", name="Publicering"))
    journey.click(page.get_by_role("button", name="Publicera svaren"))
    assert "1 svar är publicerat." in page.locator(".messages").inner_text()
    journey.click(page.get_by_role("link", name="Samrådsredogörelse"))
    journey.click(page.get_by_role("button", name="Publicera redogörelsen"))
    report = page.locator("main").inner_text()
    assert "Folkhögskolorna i Skåne" in report and "Beaktat" in report
    _log_out(journey)

    # The public reads the published response (the name redacted) and the report's PDF.
    journey.visit(f"/samrad/{SLUG}/svar/")
    published = page.locator("main").inner_text()
    assert "Folkhögskolorna når dem" in published and "Folke Föreningsson" not in published
    journey.visit(f"/samrad/{SLUG}/redogorelse/")
    pdf_url = page.get_by_role("link", name="Ladda ner redogörelsen som PDF").get_attribute("href")
    download = page.request.get(site.url + pdf_url)
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(download.body())).pages)
    assert "Folkhögskolornas roll står nu i planen." in text

    # The organisation sees what became of its input.
    log_in(journey, "forening@example.se")
    mine = page.locator("section", has_text="Vad blev det av våra synpunkter?").inner_text()
    assert "Beaktat" in mine and "Folkhögskolornas roll står nu i planen." in mine
    assert page.get_by_role("link", name="Strategier").count() >= 1
