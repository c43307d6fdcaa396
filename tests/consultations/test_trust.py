"""Issue 20: what a security audit found in the consultations. An organisation's draft and
its files do not exist for officials; a removed attachment is gone for everyone; a second
press of "Skicka in" makes no second version. Each test names its defect."""

import csv
import io

import pytest

from consultations import services
from consultations.models import Response, text_hash
from kulturportal.models import AuditEntry, ExportFile
from tests.consultations.conftest import form_data, pdf_upload

pytestmark = pytest.mark.django_db


def _answer(response, person, question, text):
    services.save_answers(
        response=response,
        posted=[services.Posted(question, text, base_hash=text_hash(""))],
        actor=person,
    )


@pytest.fixture
def draft(folk_response, folk_high_school_rep, questions):
    """The folk high schools' draft: a text and a file whose name holds a personnummer."""
    _answer(folk_response, folk_high_school_rep, questions["text"], "UTKASTETS HEMLIGA TEXT")
    services.add_attachment(
        response=folk_response,
        upload=pdf_upload("intyg-811218-9876.pdf"),
        actor=folk_high_school_rep,
    )
    folk_response.refresh_from_db()
    return folk_response


def _official_page(client, response, suffix=""):
    return client.get(f"/samrad/{response.round.slug}/hantera/svar/{response.pk}/{suffix}")


def test_officials_get_404_for_a_draft(draft, official_client):
    """Defect: /samrad/<slug>/hantera/svar/<pk>/ answered 200 for a draft, with a history
    naming the attachment (a personnummer in its name)."""
    assert _official_page(official_client, draft).status_code == 404


def test_officials_cannot_download_a_drafts_attachment(draft, official_client):
    """Defect: attachment_download checked only the official's permission."""
    attachment = draft.attachments.get()
    assert official_client.get(f"/samrad/bilagor/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize(
    "action,data",
    [
        ("etiketter/", {"tags": "viktigt"}),
        ("anteckning/", {"text": "Läst."}),
        ("stallningstagande/", {"d-outcome": "taken", "d-reason": "Bra."}),
        ("publicering/", {"reason": ""}),
    ],
)
def test_officials_cannot_act_on_a_draft(draft, official_client, action, data):
    """Defect: the tag, note, disposition and publication POSTs took a draft's pk."""
    response = official_client.post(
        f"/samrad/{draft.round.slug}/hantera/svar/{draft.pk}/{action}", data
    )
    assert response.status_code == 404
    assert not draft.tags.exists() and not draft.notes.exists()
    assert not draft.dispositions.exists()


def test_a_draft_is_absent_from_the_officials_list_and_counts(
    draft, submitted_other, official_client
):
    """Defect: the responses list showed every draft as "Utkast" and counted them."""
    page = official_client.get(f"/samrad/{draft.round.slug}/hantera/svar/").content.decode()
    assert "Folkhögskolorna i Skåne" not in page
    assert submitted_other.organisation.name in page
    assert "Utkast" not in page


def test_a_draft_is_absent_from_the_export(
    draft, submitted_other, official_client, django_capture_on_commit_callbacks
):
    """Defect: the CSV and XLSX exports listed every draft."""
    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(f"/samrad/{draft.round.slug}/hantera/svar.csv")
    export = ExportFile.objects.get()
    rows = list(csv.reader(io.StringIO(export.file.read().decode("utf-8-sig")), delimiter=";"))
    respondents = [row[1] for row in rows[1:]]
    assert respondents == [submitted_other.organisation.name]


def test_a_drafts_files_are_named_in_no_audit_entry(draft):
    """Defect: the audit entry of a draft's attachment named the file (a personnummer)."""
    entries = AuditEntry.objects.about(draft)
    assert entries.filter(action="response.attachment_added").exists()
    assert not any("811218" in str(e.details) or "811218" in str(e.changes) for e in entries)


def test_a_file_added_after_submission_is_not_the_officials_until_submitted(
    submitted, folk_high_school_rep, official_client
):
    services.add_attachment(
        response=submitted, upload=pdf_upload("nytt-utkast.pdf"), actor=folk_high_school_rep
    )
    attachment = submitted.attachments.get()
    assert official_client.get(f"/samrad/bilagor/{attachment.pk}/").status_code == 404
    services.submit(response=submitted, actor=folk_high_school_rep)
    assert official_client.get(f"/samrad/bilagor/{attachment.pk}/").status_code == 200


def test_the_official_sees_a_submitted_response_but_not_its_later_draft(
    submitted, folk_high_school_rep, questions, official_client
):
    services.save_answers(
        response=submitted,
        posted=[
            services.Posted(
                questions["text"],
                "ÄNDRAT I UTKAST",
                base_hash=text_hash("Folkbildningen behöver lokaler i hela Skåne."),
            )
        ],
        actor=folk_high_school_rep,
    )
    page = _official_page(official_client, submitted).content.decode()
    assert "Folkbildningen behöver lokaler i hela Skåne." in page
    assert "ÄNDRAT I UTKAST" not in page


# --- 3. Removed attachments ------------------------------------------------------------------


def test_a_removed_attachment_downloads_for_no_one(
    folk_client, folk_response, questions, official_client
):
    """Defect: after removal the representative and the official still got the file."""
    folk_client.post(
        folk_response.form_url(),
        form_data(
            folk_response, {questions["text"].pk: "Text."}, submit="1", attachment=pdf_upload()
        ),
    )
    attachment = folk_response.attachments.get()
    assert folk_client.get(f"/samrad/bilagor/{attachment.pk}/").status_code == 200
    folk_client.post(f"{folk_response.form_url()}bilagor/{attachment.pk}/ta-bort/")
    assert folk_client.get(f"/samrad/bilagor/{attachment.pk}/").status_code == 404
    assert official_client.get(f"/samrad/bilagor/{attachment.pk}/").status_code == 404
    attachment.refresh_from_db()
    assert not attachment.file  # the bytes are gone from storage too
    entry = AuditEntry.objects.about(folk_response).filter(action="response.attachment_removed")
    assert entry.exists()  # the audit trail keeps that it was there


# --- 4. One submission for a double click -------------------------------------------------


def test_a_second_press_of_submit_makes_no_second_version(
    folk_client, folk_response, questions, mailoutbox, django_capture_on_commit_callbacks
):
    """Defect: a double click (or two representatives at once) made two identical versions
    and two receipts."""
    data = form_data(folk_response, {questions["text"].pk: "Vårt svar."}, submit="1")
    with django_capture_on_commit_callbacks(execute=True):
        folk_client.post(folk_response.form_url(), data)
        again = folk_client.post(folk_response.form_url(), data)
    assert again.status_code in (200, 302)
    folk_response.refresh_from_db()
    assert list(folk_response.submissions.values_list("number", flat=True)) == [1]
    receipts = [m for m in mailoutbox if "Kvitto" in m.subject or "kvitto" in m.subject]
    assert len(receipts) == 1


@pytest.fixture
def submitted_other(open_round, other_org_rep, questions):
    """Another organisation's response, submitted: what the officials do see."""
    organisation = other_org_rep.role_assignments.get().organisation
    response = services.response_for(open_round, organisation)
    _answer(response, other_org_rep, questions["text"], "Ett inskickat svar.")
    services.submit(response=response, actor=other_org_rep)
    response.refresh_from_db()
    return response


def test_responses_seen_by_officials_are_those_ever_submitted(draft, submitted_other):
    seen = Response.objects.seen_by_officials().filter(round=draft.round)
    assert list(seen) == [submitted_other]
