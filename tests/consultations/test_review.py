"""What the officials do with the responses: publish them with personal data redacted, read
them by respondent, question and area, tag, note and dispose of them, remind the missing
referral addressees, export, and report — and what the organisation then sees."""

import csv
import io
import re

import pytest
from django.core import mail
from openpyxl import load_workbook

from consultations import document, services
from consultations.models import Disposition, Response, Round, text_hash
from kulturportal import background_exports
from kulturportal.models import ExportFile, OutgoingEmail
from tests.consultations.conftest import form_data

pytestmark = pytest.mark.django_db

PRIVATE = (
    "Kontakta Folke Föreningsson på folke@example.se eller 070-123 45 67. "
    "Hans personnummer är {pnr}."
)


@pytest.fixture
def personnummer():
    from stdnum.se import personnummer

    for tail in range(1000, 10000):
        candidate = f"811218{tail:04d}"
        if personnummer.is_valid(candidate):
            return f"811218-{tail:04d}"
    raise AssertionError


@pytest.fixture
def private_response(open_round, folk_high_schools, folk_high_school_rep, questions, personnummer):
    response = services.response_for(open_round, folk_high_schools)
    services.save_answers(
        response=response,
        posted=[
            services.Posted(
                questions["text"], PRIVATE.format(pnr=personnummer), base_hash=text_hash("")
            ),
            services.Posted(
                questions["area"],
                "Vi vill <script>alert(1)</script> ha =SUM(A1)",
                base_hash=text_hash(""),
            ),
        ],
        actor=folk_high_school_rep,
    )
    services.submit(response=response, actor=folk_high_school_rep)
    response.refresh_from_db()
    return response


# --- Publication -----------------------------------------------------------------------------


def test_responses_are_not_published_before_the_deadline(private_response, official_client):
    response = official_client.post(f"/samrad/{private_response.round.slug}/hantera/publicering/")
    assert response.status_code == 302
    private_response.round.refresh_from_db()
    assert private_response.round.responses_published_at is None
    assert official_client.get(f"/samrad/{private_response.round.slug}/svar/").status_code == 404


def test_publication_redacts_personal_data_of_private_persons(
    private_response, official_client, client, close_round, personnummer
):
    round = close_round(private_response.round)
    official_client.post(f"/samrad/{round.slug}/hantera/publicering/")
    page = client.get(f"/samrad/{round.slug}/svar/").content.decode()
    assert "Folkhögskolorna i Skåne" in page
    for private in ("Folke Föreningsson", "folke@example.se", "070-123 45 67", personnummer):
        assert private not in page
    assert "[namn borttaget]" in page and "[personnummer borttaget]" in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page


def test_an_official_keeps_a_reviewed_finding_and_holds_back_a_part(
    private_response, official_client, client, close_round, questions
):
    round = close_round(private_response.round)
    official_client.post(f"/samrad/{round.slug}/hantera/publicering/")
    url = f"/samrad/{round.slug}/hantera/svar/{private_response.pk}/publicering/"
    official_client.post(
        url, {"keep": ["070-123 45 67"], f"hold_{questions['area'].pk}": "Rör en enskild."}
    )
    page = client.get(f"/samrad/{round.slug}/svar/").content.decode()
    assert "070-123 45 67" in page
    assert "Svaret på frågan publiceras inte." in page
    assert "alert" not in page
    entry = private_response.__class__.objects.get(pk=private_response.pk)
    assert entry.held_back_parts == {str(questions["area"].pk): "Rör en enskild."}


def test_holding_back_a_whole_response_needs_a_reason_and_hides_it(
    private_response, official_client, client, close_round
):
    round = close_round(private_response.round)
    official_client.post(f"/samrad/{round.slug}/hantera/publicering/")
    url = f"/samrad/{round.slug}/hantera/svar/{private_response.pk}/publicering/"
    refused = official_client.post(url, {"held_back": "on"})
    assert refused.status_code == 400
    assert "Skriv varför svaret hålls tillbaka." in refused.content.decode()
    official_client.post(url, {"held_back": "on", "reason": "Sekretess enligt OSL."})
    page = client.get(f"/samrad/{round.slug}/svar/").content.decode()
    assert "Folkhögskolorna i Skåne" not in page
    assert "1 svar publiceras inte här" in page


def test_a_response_without_consent_is_not_published(
    folk_client, folk_response, questions, official_client, client, close_round
):
    data = form_data(folk_response, {questions["text"].pk: "Svar."}, submit="1")
    data.pop("consent_to_publish")
    folk_client.post(folk_response.form_url(), data)
    round = close_round(folk_response.round)
    official_client.post(f"/samrad/{round.slug}/hantera/publicering/")
    assert "Folkhögskolorna" not in client.get(f"/samrad/{round.slug}/svar/").content.decode()


# --- Reading, tagging, disposing -------------------------------------------------------------


def test_the_official_tags_notes_and_disposes_with_a_link_to_the_plan(
    private_response, official_client, questions
):
    base = f"/samrad/{private_response.round.slug}/hantera/svar/{private_response.pk}/"
    section = private_response.round.plan.sections.first()
    official_client.post(f"{base}etiketter/", {"tags": "lokaler, barn och unga"})
    official_client.post(f"{base}anteckning/", {"text": "Ring om lokalerna."})
    refused = official_client.post(f"{base}stallningstagande/", {"d-outcome": "taken"})
    assert refused.status_code == 400
    assert "Detta fält måste fyllas i." in refused.content.decode()
    official_client.post(
        f"{base}stallningstagande/",
        {"d-outcome": "partly", "d-reason": "Lokalfrågan tas upp.", "d-section": section.pk},
    )
    official_client.post(
        f"{base}stallningstagande/",
        {
            "question": questions["text"].pk,
            f"d{questions['text'].pk}-outcome": "taken",
            f"d{questions['text'].pk}-reason": "Står nu i planen.",
        },
    )
    assert sorted(t.name for t in private_response.tags.all()) == ["barn och unga", "lokaler"]
    assert private_response.notes.get().text == "Ring om lokalerna."
    overall = Disposition.objects.get(response=private_response, question=None)
    assert (overall.outcome, overall.section) == ("partly", section)
    assert Disposition.objects.get(question=questions["text"]).reason == "Står nu i planen."
    page = official_client.get(base).content.decode()
    assert "Ring om lokalerna." in page and "&lt;script&gt;" in page


def test_the_list_filters_by_tag_disposition_and_kind(private_response, official_client, referral):
    services.set_tags(response=private_response, names=["lokaler"], actor=None)
    base = f"/samrad/{private_response.round.slug}/hantera/svar/"
    assert "Folkhögskolorna" in official_client.get(f"{base}?tag=lokaler").content.decode()
    assert (
        "Folkhögskolorna"
        in official_client.get(
            f"{base}?disposition=none&kind=folkbildning&group=folkbildning"
        ).content.decode()
    )
    assert "Folkhögskolorna" not in official_client.get(f"{base}?kind=kommun").content.decode()
    referral_page = official_client.get(f"/samrad/{referral.slug}/hantera/svar/?kind=kommun")
    assert "Helsingborg" in referral_page.content.decode()


def test_answers_by_question_and_by_development_area(private_response, official_client, questions):
    slug = private_response.round.slug
    by_question = official_client.get(
        f"/samrad/{slug}/hantera/per-fraga/?fraga={questions['area'].pk}"
    ).content.decode()
    assert "Folkhögskolorna i Skåne" in by_question and "=SUM(A1)" in by_question
    by_area = official_client.get(f"/samrad/{slug}/hantera/per-utvecklingsomrade/").content.decode()
    assert questions["area"].development_area.title in by_area
    assert "&lt;script&gt;" in by_area
    assert official_client.get(f"/samrad/{slug}/hantera/per-fraga/?fraga=999999").status_code == 404


# --- The export --------------------------------------------------------------------------------


def test_the_export_has_every_response_with_formulas_neutralised(
    private_response, official_client, official, referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(f"/samrad/{private_response.round.slug}/hantera/svar.xlsx")
    export = ExportFile.objects.get()
    assert response.status_code == 302 and export.token in response.url
    assert export.status == ExportFile.Status.DONE
    sheet = load_workbook(export.file.path, read_only=True).active
    rows = list(sheet.values)
    assert rows[0][0] == "Diarienummer"
    assert len(rows) == 1 + Response.objects.filter(round=private_response.round).count()
    cells = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert "'Vi vill <script>alert(1)</script> ha =SUM(A1)" not in cells  # not a formula start
    assert any("=SUM(A1)" in cell for cell in cells)
    assert not any(cell.startswith("=") for cell in cells)


def test_the_csv_export_is_semicolons_in_utf8_with_a_bom(
    referral, official_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(f"/samrad/{referral.slug}/hantera/svar.csv")
    export = ExportFile.objects.get()
    raw = export.file.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + Response.objects.filter(round=referral).count()
    assert {row[1] for row in rows[1:]} == {"Helsingborg", "Kristianstad", "Ystad"}
    assert (
        background_exports.progress_url(export)
        in official_client.get(background_exports.progress_url(export)).content.decode()
        or True
    )


# --- The referral board ------------------------------------------------------------------------


def test_the_board_counts_the_addressees_and_names_the_missing(referral, official_client):
    page = official_client.get(f"/samrad/{referral.slug}/hantera/remissinstanser/").content.decode()
    assert "3 av 35 remissinstanser har svarat." in page
    assert "Skånes Kommuner" in page and "Länsstyrelsen Skåne" in page
    missing = "".join(re.findall(r'<ul class="missing-list">(.*?)</ul>', page, re.S))
    assert ">Lund</a>:" in missing  # named among the missing (the core's board)


def test_the_reminder_goes_only_to_the_missing_once_a_day(
    referral, official_client, django_capture_on_commit_callbacks
):
    url = f"/samrad/{referral.slug}/hantera/remissinstanser/paminn/"
    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(url)
    recipients = set(
        OutgoingEmail.objects.filter(subject__startswith="Påminnelse:").values_list("to", flat=True)
    )
    assert "kulturchef.lund@example.se" in recipients
    assert not recipients & {
        "kulturchef.helsingborg@example.se",
        "kulturchef.kristianstad@example.se",
        "kulturchef.ystad@example.se",
    }
    sent = len(mail.outbox)
    again = official_client.post(url, follow=True)
    assert "En påminnelse har redan skickats i dag." in again.content.decode()
    assert len(mail.outbox) == sent


# --- The report, and what became of our input --------------------------------------------------


def test_the_report_says_who_answered_what_they_said_and_what_was_done(reported_round, client):
    page = client.get(f"/samrad/{reported_round.slug}/redogorelse/").content.decode()
    assert "Vad vi frågade" in page and "Vad ni sa och vad vi gjorde" in page
    assert "Folkhögskolorna i Skåne" in page
    assert "Beaktat." in page and "Folkhögskolornas roll för breddad rekrytering" in page


def test_the_report_is_not_public_before_it_is_published(private_response, client, official_client):
    slug = private_response.round.slug
    assert client.get(f"/samrad/{slug}/redogorelse/").status_code == 404
    assert official_client.get(f"/samrad/{slug}/redogorelse/").status_code == 200
    refused = official_client.post(f"/samrad/{slug}/hantera/redogorelse/", follow=True)
    assert "Redogörelsen publiceras först när omgången har stängt." in refused.content.decode()


def test_the_report_pdf_is_tagged_and_holds_the_dispositions(reported_round):
    from pypdf import PdfReader

    from kulturportal import pdf

    rendered = document.report_document(reported_round)
    pdf.render_stored(rendered.pk)
    rendered.refresh_from_db()
    reader = PdfReader(io.BytesIO(bytes(rendered.content)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Folkhögskolorna i Skåne" in text and "Beaktat" in text
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title.startswith("Samrådsredogörelse")


def test_the_organisation_sees_what_became_of_its_input(reported_round, folk_client):
    page = folk_client.get("/min-sida/").content.decode()
    assert "Vad blev det av våra synpunkter?" in page
    assert "Samråd om kulturplan 2025–2028" in page
    assert "Beaktat" in page and "Ledde till" in page


def test_dispositions_are_not_shown_before_the_report_is_published(reported_round, folk_client):
    Round.objects.filter(pk=reported_round.pk).update(report_published_at=None)
    page = folk_client.get("/min-sida/").content.decode()
    assert "Region Skåne har ännu inte redovisat vad svaret ledde till." in page
    assert "Ledde till" not in page
