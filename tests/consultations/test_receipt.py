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


# --- Issue 20, item 17 ------------------------------------------------------------------------


@pytest.fixture
def ranked(smtp_server, folk_client, folk_response, questions, django_capture_on_commit_callbacks):
    """A response with a ranking answered, submitted, its receipt at the SMTP server."""
    ranking = questions["ranking"]
    order = [ranking.choices[2], ranking.choices[0], ranking.choices[1]]
    data = form_data(
        folk_response,
        {questions["text"].pk: "Vårt svar.", ranking.pk: order},
        submit="1",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert folk_client.post(folk_response.form_url(), data).status_code == 302
    folk_response.refresh_from_db()
    (message,) = smtp_server.collector.to("forening@example.se")
    return folk_response, order, message


def test_a_ranking_keeps_its_numbers_in_the_receipt(ranked):
    """Defect (issue 20): ranking answers lost their numbers in the receipt."""
    _response, order, message = ranked
    text, html, pdf = _parts(message)
    for number, choice in enumerate(order, start=1):
        assert f"{number}. {choice}" in text
        assert f"{number}. {choice}" in html
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert f"1. {order[0]}" in words and f"3. {order[2]}" in words


def test_the_receipt_pdf_has_no_stray_list_markers(ranked):
    """Defect (issue 20): the receipt PDF ended with "1. 1. 2. •": list markers drawn apart
    from their items."""
    _response, _order, message = ranked
    _text, _html, pdf = _parts(message)
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "•" not in words
    # Nothing after the last sentence but the running footer: no markers drawn last.
    tail = words.split("allmän handling enligt offentlighetsprincipen.")[-1]
    assert tail.strip() in ("", "sida 1 av 1"), tail


def test_every_table_header_in_the_receipt_pdf_has_a_scope(ranked):
    """Defect (issue 20): the PDFs' header cells carried no /Scope (4 in the receipt, 98 in
    the plan), so a screen reader could not tell row headers from column headers."""
    import pikepdf

    _response, _order, message = ranked
    _text, _html, pdf = _parts(message)
    headers = _table_headers(pikepdf.open(io.BytesIO(pdf)))
    assert headers and all(scope in ("/Row", "/Column") for scope in headers)


def _table_headers(document) -> list:
    """The /Scope of every TH structure element ("" where there is none)."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/TH":
                attributes = node.get("/A")
                found.append(str(attributes.get("/Scope", "")) if attributes else "")
            kids = node.get("/K")
            if kids is not None:
                walk(kids)
        elif isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)

    import pikepdf

    walk(document.Root.StructTreeRoot)
    return found


def test_a_published_ranking_keeps_its_numbers(ranked, close_round, client, official):
    """Defect (issue 20): the public page and the report showed a ranking without numbers."""
    response, order, _message = ranked
    round = close_round(response.round)
    services.publish_responses(round=round, actor=official)
    page = client.get(f"/samrad/{round.slug}/svar/").content.decode()
    for number, choice in enumerate(order, start=1):
        assert f"{number}. {choice}" in page
