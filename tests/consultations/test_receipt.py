"""The receipt: what the representatives receive at a real SMTP server is what was stored,
in the text, the HTML and the attached PDF; markup people typed stays text everywhere."""

import io
from email.header import decode_header, make_header

import pytest
from pypdf import PdfReader

from consultations import services
from tests.consultations.conftest import form_data

pytestmark = pytest.mark.django_db

PAYLOAD = 'Vi vill ha <script>alert("x")</script> & <b>mer</b> =HYPERLINK("http://evil")'


@pytest.fixture
def second_rep(folk_high_schools):
    from kulturportal.models import Role, RoleAssignment
    from tests.factories import UserFactory

    person = UserFactory(email="rektor@example.se", first_name="Rut")
    RoleAssignment.objects.create(
        user=person, role=Role.ORGANISATION_REPRESENTATIVE, organisation=folk_high_schools
    )
    return person


@pytest.fixture
def receipts(
    smtp_server,
    folk_client,
    folk_response,
    questions,
    second_rep,
    django_capture_on_commit_callbacks,
):
    data = form_data(
        folk_response,
        {questions["text"].pk: PAYLOAD, questions["single"].pk: "Mycket väl"},
        submit="1",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert folk_client.post(folk_response.form_url(), data).status_code == 302
    folk_response.refresh_from_db()
    return folk_response, {
        address: smtp_server.collector.to(address)
        for address in ("forening@example.se", "rektor@example.se")
    }


def _parts(message):
    text = html = pdf = None
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/plain" and text is None:
            text = part.get_payload(decode=True).decode()
        elif kind == "text/html":
            html = part.get_payload(decode=True).decode()
        elif kind == "application/pdf":
            pdf = part.get_payload(decode=True)
    return text, html, pdf


def test_each_representative_gets_one_receipt(receipts):
    response, messages = receipts
    assert {address: len(got) for address, got in messages.items()} == {
        "forening@example.se": 1,
        "rektor@example.se": 1,
    }
    subject = str(make_header(decode_header(messages["forening@example.se"][0]["Subject"])))
    assert subject.startswith(f"Kvitto {response.registration_number}: ert svar på Samråd")


def test_the_receipt_text_holds_exactly_what_was_stored(receipts, questions):
    response, messages = receipts
    text, _html, _pdf = _parts(messages["forening@example.se"][0])
    stored = {a["question"]: a for a in response.current_submission.content["answers"]}
    assert stored[questions["text"].pk]["text"] == PAYLOAD
    assert PAYLOAD in text  # plain text: as typed, nothing escaped or dropped
    assert "Mycket väl" in text
    assert response.registration_number in text


def test_the_receipt_html_escapes_what_was_typed(receipts):
    _response, messages = receipts
    _text, html, _pdf = _parts(messages["forening@example.se"][0])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>mer</b>" not in html


def test_the_attached_pdf_is_a_tagged_copy_of_the_response(receipts, questions):
    response, messages = receipts
    _text, _html, pdf = _parts(messages["forening@example.se"][0])
    reader = PdfReader(io.BytesIO(pdf))
    words = " ".join(page.extract_text() for page in reader.pages)
    assert response.registration_number in words
    assert 'alert("x")' in " ".join(words.split())
    assert "Mycket väl" in words
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_queueing_the_receipts_again_sends_nothing(receipts, smtp_server):
    response, _messages = receipts
    assert services.queue_receipts(response.current_submission.pk) == 0
    assert len(smtp_server.collector.to("forening@example.se")) == 1


def test_the_pdfs_html_escapes_what_was_typed(receipts):
    from consultations import document
    from kulturportal import pdf

    response, _messages = receipts
    submission = response.current_submission
    html = pdf.render_html(
        "consultations/pdf/receipt.html",
        document.receipt_context(submission),
        title=document.receipt_title(submission),
        lang="sv",
    )
    assert "&lt;script&gt;" in html and "<script>" not in html and "<b>mer</b>" not in html
