"""Writing a response together, saving drafts, submitting before the deadline, the
registration number, revising, withdrawing, attachments, and every bad input."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from consultations import services
from consultations.models import RegistrationSequence, Response, Round, Submission, text_hash
from kulturportal.models import AuditEntry
from tests.consultations.conftest import form_data, local, pdf_upload

pytestmark = pytest.mark.django_db


def _text(response):
    return {a.question.text: a.value() for a in response.answers.select_related("question")}


# --- The form ------------------------------------------------------------------------------------


def test_the_form_says_a_response_is_a_public_document(folk_client, folk_response):
    page = folk_client.get(folk_response.form_url()).content.decode()
    assert "allmän handling enligt offentlighetsprincipen" in page
    assert ("Sista svarsdag" in page and "(CET)" in page) or "(CEST)" in page


def test_a_draft_is_saved_without_javascript_and_nothing_is_submitted(
    folk_client, folk_response, questions
):
    data = form_data(folk_response, {questions["text"].pk: "Lokaler behövs."}, save="1")
    response = folk_client.post(folk_response.form_url(), data)
    assert response.status_code == 302
    folk_response.refresh_from_db()
    assert folk_response.status == Response.Status.DRAFT
    assert folk_response.registration_number is None
    assert _text(folk_response)[questions["text"].text] == "Lokaler behövs."
    page = folk_client.get(folk_response.form_url()).content.decode()
    assert "Utkastet är sparat. Inget är inskickat ännu." in page
    assert "Lokaler behövs." in page


def test_submitting_gives_a_registration_number_and_keeps_version_1(
    folk_client, folk_response, questions
):
    year = timezone.localdate().year
    data = form_data(
        folk_response,
        {
            questions["text"].pk: "Lokaler behövs.",
            questions["single"].pk: "Ganska väl",
            questions["ranking"].pk: ["Kultur och hälsa", "Hela Skåne"],
        },
        submit="1",
    )
    response = folk_client.post(folk_response.form_url(), data)
    assert response.status_code == 302
    folk_response.refresh_from_db()
    assert folk_response.status == Response.Status.SUBMITTED
    assert re.fullmatch(rf"KN {year}/\d{{4}}", folk_response.registration_number)
    submission = folk_response.current_submission
    assert submission.number == 1
    answers = {a["question"]: a for a in submission.content["answers"]}
    assert answers[questions["text"].pk]["text"] == "Lokaler behövs."
    assert answers[questions["single"].pk]["choices"] == ["Ganska väl"]
    assert answers[questions["ranking"].pk]["choices"] == ["Kultur och hälsa", "Hela Skåne"]
    assert AuditEntry.objects.about(folk_response).filter(action="response.submitted").exists()
    page = folk_client.get(folk_response.form_url()).content.decode()
    assert folk_response.registration_number in page


def test_a_revision_is_version_2_with_the_same_number_and_both_are_kept(
    submitted, questions, folk_client
):
    number = submitted.registration_number
    data = form_data(submitted, {questions["text"].pk: "Och fler lokaler."}, submit="1")
    folk_client.post(submitted.form_url(), data)
    submitted.refresh_from_db()
    assert submitted.registration_number == number
    versions = list(submitted.submissions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content["answers"][0]["text"].startswith("Folkbildningen")
    assert versions[1].content["answers"][0]["text"] == "Och fler lokaler."


def test_a_change_after_submitting_is_marked_as_not_submitted(submitted, questions, folk_client):
    data = form_data(submitted, {questions["text"].pk: "Ändrat utkast."}, save="1")
    folk_client.post(submitted.form_url(), data)
    submitted.refresh_from_db()
    assert submitted.has_draft_changes
    assert submitted.current_submission.content["answers"][0]["text"].startswith("Folkbildningen")
    page = folk_client.get(submitted.form_url()).content.decode()
    assert "Det finns ändringar som inte är inskickade." in page


# --- Required answers, too long texts ------------------------------------------------------------


def test_submitting_without_a_required_answer_is_refused_beside_the_field_and_keeps_the_rest(
    folk_client, folk_response, questions
):
    numbers_before = list(RegistrationSequence.objects.values_list("last", flat=True))
    data = form_data(folk_response, {questions["area"].pk: "Det här ska finnas kvar."}, submit="1")
    response = folk_client.post(folk_response.form_url(), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Svara på frågan innan du skickar in." in page
    assert 'aria-invalid="true"' in page and f'id="id_q{questions["text"].pk}"' in page
    assert "Det här ska finnas kvar." in page
    folk_response.refresh_from_db()
    assert folk_response.status == Response.Status.DRAFT
    assert _text(folk_response)[questions["area"].text] == "Det här ska finnas kvar."
    assert list(RegistrationSequence.objects.values_list("last", flat=True)) == numbers_before


def test_a_too_long_answer_is_refused_and_nothing_typed_is_lost(
    folk_client, folk_response, questions
):
    too_long = "x" * (questions["text"].max_length + 1)
    data = form_data(
        folk_response,
        {questions["text"].pk: too_long, questions["area"].pk: "Kvar."},
        save="1",
    )
    response = folk_client.post(folk_response.form_url(), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Svaret får vara högst" in page
    assert "Kvar." in page and too_long in page
    assert not folk_response.answers.exists()


def test_a_ranking_with_a_gap_is_refused(folk_client, folk_response, questions):
    data = form_data(folk_response, {}, save="1")
    data[f"q{questions['ranking'].pk}_0"] = "1"
    data[f"q{questions['ranking'].pk}_1"] = "3"
    response = folk_client.post(folk_response.form_url(), data)
    assert response.status_code == 400
    assert "utan luckor och utan dubbletter" in response.content.decode()


def test_a_choice_not_offered_is_refused(folk_client, folk_response, questions):
    data = form_data(folk_response, {questions["single"].pk: "Något annat"}, save="1")
    assert folk_client.post(folk_response.form_url(), data).status_code == 400
    assert not folk_response.answers.exists()


# --- Deadlines -----------------------------------------------------------------------------------


def test_a_form_posted_one_second_after_the_deadline_keeps_its_text_as_a_draft(
    folk_client, folk_response, questions, close_round
):
    page_opened = form_data(folk_response, {questions["text"].pk: "Skrivet i tid."}, submit="1")
    close_round(folk_response.round, seconds_ago=1)
    response = folk_client.post(folk_response.form_url(), page_opened, follow=True)
    page = response.content.decode()
    assert "Svaret skickades inte in: sista svarsdagen har passerat." in page
    folk_response.refresh_from_db()
    assert folk_response.status == Response.Status.DRAFT
    assert folk_response.registration_number is None
    assert _text(folk_response)[questions["text"].text] == "Skrivet i tid."


@pytest.fixture
def spring_round(open_round):
    """A round whose deadline is 12.00 on the day summer time begins (28 March 2027)."""
    Round.objects.filter(pk=open_round.pk).update(
        opens_at=local(2027, 3, 27, 12), closes_at=local(2027, 3, 28, 12)
    )
    open_round.refresh_from_db()
    return open_round


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        pytest.param(local(2027, 3, 28, 11, 59, 59), True, id="a second before 12.00 CEST"),
        pytest.param(local(2027, 3, 28, 12, 0, 0), False, id="at 12.00 CEST"),
        pytest.param(local(2027, 3, 28, 12, 0, 1), False, id="a second after"),
    ],
)
def test_the_deadline_across_the_change_to_summer_time(
    spring_round, folk_high_schools, folk_high_school_rep, questions, moment, accepted
):
    response = services.response_for(spring_round, folk_high_schools)
    services.save_answers(
        response=response,
        posted=[services.Posted(questions["text"], "Svar.", base_hash=text_hash(""))],
        actor=folk_high_school_rep,
    )
    if accepted:
        services.submit(response=response, moment=moment, actor=folk_high_school_rep)
    else:
        with pytest.raises(services.RoundClosed):
            services.submit(response=response, moment=moment, actor=folk_high_school_rep)
    response.refresh_from_db()
    assert response.is_submitted() is accepted
    assert spring_round.closes_at - spring_round.opens_at == timedelta(hours=23)


def test_a_submission_before_the_round_opens_is_refused(
    folk_response, questions, folk_high_school_rep
):
    services.save_answers(
        response=folk_response,
        posted=[services.Posted(questions["text"], "Svar.", base_hash=text_hash(""))],
        actor=folk_high_school_rep,
    )
    with pytest.raises(services.RoundNotOpen):
        services.submit(
            response=folk_response,
            moment=folk_response.round.opens_at - timedelta(seconds=1),
            actor=folk_high_school_rep,
        )


# --- Writing together ----------------------------------------------------------------------------


@pytest.fixture
def second_rep(folk_high_schools):
    from kulturportal.models import Role, RoleAssignment
    from tests.factories import UserFactory

    person = UserFactory(email="rektor@example.se", first_name="Rut", last_name="Rektorsson")
    RoleAssignment.objects.create(
        user=person, role=Role.ORGANISATION_REPRESENTATIVE, organisation=folk_high_schools
    )
    return person


def test_two_representatives_writing_different_answers_both_keep_their_text(
    folk_client, second_rep, folk_response, questions, client
):
    opened_by_folke = form_data(folk_response, {})
    client.force_login(second_rep)
    client.post(
        folk_response.form_url(),
        form_data(folk_response, {questions["area"].pk: "Ruts text."}, save="1"),
    )
    mine = {**opened_by_folke, f"q{questions['text'].pk}": "Folkes text.", "save": "1"}
    assert folk_client.post(folk_response.form_url(), mine).status_code == 302
    texts = _text(folk_response)
    assert texts[questions["area"].text] == "Ruts text."
    assert texts[questions["text"].text] == "Folkes text."


def test_a_save_based_on_an_old_version_is_refused_with_both_versions_shown(
    folk_client, second_rep, folk_response, questions, client
):
    opened_by_folke = form_data(folk_response, {})
    client.force_login(second_rep)
    client.post(
        folk_response.form_url(),
        form_data(folk_response, {questions["text"].pk: "Ruts version."}, save="1"),
    )
    mine = {**opened_by_folke, f"q{questions['text'].pk}": "Folkes version.", "save": "1"}
    response = folk_client.post(folk_response.form_url(), mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Ruts version." in page and "Folkes version." in page
    assert "Rut Rektorsson" in page
    assert _text(folk_response)[questions["text"].text] == "Ruts version."
    # Saving again from the page that showed the conflict is a decision: it goes through.
    again = folk_client.post(
        folk_response.form_url(),
        form_data(
            folk_response,
            {questions["text"].pk: "Folkes version, med Ruts."},
            save="1",
        ),
    )
    assert again.status_code == 302
    assert _text(folk_response)[questions["text"].text] == "Folkes version, med Ruts."


def test_the_history_records_who_changed_which_answer(
    folk_client, folk_response, questions, folk_high_school_rep
):
    folk_client.post(
        folk_response.form_url(),
        form_data(folk_response, {questions["text"].pk: "Första."}, save="1"),
    )
    entry = AuditEntry.objects.about(folk_response).get(action="response.saved")
    assert entry.actor == folk_high_school_rep
    assert entry.details["questions"] == [questions["text"].text[:120]]
    assert "Första." not in str(entry.changes)  # a draft is the organisation's own


# --- Registration numbers ------------------------------------------------------------------------


def test_numbers_are_consecutive_and_a_rolled_back_submission_gives_its_number_back():
    first = services.take_registration_number("KN", 2031)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.take_registration_number("KN", 2031)
        raise RuntimeError
    second = services.take_registration_number("KN", 2031)
    assert (first, second) == ("KN 2031/0001", "KN 2031/0002")
    assert services.take_registration_number("KN", 2032) == "KN 2032/0001"


# --- Withdrawing ---------------------------------------------------------------------------------


def test_withdrawing_keeps_every_version_and_a_withdrawn_response_is_not_edited(
    submitted, questions, folk_client
):
    folk_client.post(f"{submitted.form_url()}aterkalla/")
    submitted.refresh_from_db()
    assert submitted.is_withdrawn()
    assert Submission.objects.filter(response=submitted).count() == 1
    response = folk_client.post(
        submitted.form_url(),
        form_data(submitted, {questions["text"].pk: "Försök att ändra."}, save="1"),
        follow=True,
    )
    assert "Svaret är återkallat och kan inte ändras." in response.content.decode()
    assert _text(submitted)[questions["text"].text].startswith("Folkbildningen")


def test_a_response_is_not_withdrawn_after_the_deadline(submitted, folk_client, close_round):
    close_round(submitted.round)
    folk_client.post(f"{submitted.form_url()}aterkalla/")
    submitted.refresh_from_db()
    assert submitted.is_submitted()


# --- Who may answer ------------------------------------------------------------------------------


def test_answering_for_an_organisation_one_does_not_represent_is_404(
    client, other_org_rep, folk_response
):
    client.force_login(other_org_rep)
    assert client.get(folk_response.form_url()).status_code == 404
    assert client.post(folk_response.form_url(), {"save": "1"}).status_code == 404


def test_a_culture_chief_answers_the_referral_for_her_municipality(
    client, lund_chief, referral, lund
):
    client.force_login(lund_chief)
    response = client.get(f"/samrad/{referral.slug}/svara/")
    assert response.status_code == 302
    assert response.url == f"/samrad/{referral.slug}/svara/kommun/lund/"
    assert client.get("/samrad/remiss-kulturplan-2029-2032/svara/kommun/malmo/").status_code == 404


# --- Attachments ---------------------------------------------------------------------------------


def test_a_pdf_attachment_is_stored_and_listed(folk_client, folk_response):
    data = form_data(folk_response, {}, save="1", attachment=pdf_upload("Vårt yttrande.pdf"))
    assert folk_client.post(folk_response.form_url(), data).status_code == 302
    attachment = folk_response.attachments.get()
    assert attachment.filename == "vart-yttrande.pdf"
    assert attachment.content_type == "application/pdf"
    assert "vart-yttrande.pdf" in folk_client.get(folk_response.form_url()).content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        pytest.param(
            SimpleUploadedFile("yttrande.pdf", b"MZ\x90\x00" + b"\x00" * 600, "application/pdf"),
            "inte av en tillåten typ",
            id="a renamed executable",
        ),
        pytest.param(
            SimpleUploadedFile("bild.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "image/png"),
            "inte av en tillåten typ",
            id="a picture",
        ),
        pytest.param(
            pdf_upload(size=services.MAX_ATTACHMENT_BYTES + 1),
            "Filen är för stor",
            id="one byte too large",
        ),
    ],
)
def test_a_wrong_file_is_refused_beside_its_field_and_the_text_is_kept(
    folk_client, folk_response, questions, upload, message
):
    data = form_data(
        folk_response, {questions["text"].pk: "Texten finns kvar."}, save="1", attachment=upload
    )
    response = folk_client.post(folk_response.form_url(), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'id="id_attachment_error"' in page
    assert "Texten finns kvar." in page
    assert not folk_response.attachments.exists()
    assert _text(folk_response)[questions["text"].text] == "Texten finns kvar."


def test_a_required_file_question_needs_a_file_at_submission(folk_client, folk_response, questions):
    questions["file"].required = True
    questions["file"].save()
    data = form_data(folk_response, {questions["text"].pk: "Text."}, submit="1")
    response = folk_client.post(folk_response.form_url(), data)
    assert response.status_code == 400
    assert f'id="id_file{questions["file"].pk}_error"' in response.content.decode()
    data = form_data(
        folk_response,
        {},
        submit="1",
        **{f"file{questions['file'].pk}": pdf_upload()},
    )
    assert folk_client.post(folk_response.form_url(), data).status_code == 302
    folk_response.refresh_from_db()
    assert folk_response.is_submitted()
    assert folk_response.current_submission.content["attachments"][0]["question"] == (
        questions["file"].pk
    )


def test_a_removed_attachment_is_listed_in_its_version_and_downloads_for_no_one(
    folk_client, folk_response, questions, folk_high_school_rep
):
    data = form_data(
        folk_response, {questions["text"].pk: "Text."}, submit="1", attachment=pdf_upload()
    )
    folk_client.post(folk_response.form_url(), data)
    attachment = folk_response.attachments.get()
    folk_client.post(f"{folk_response.form_url()}bilagor/{attachment.pk}/ta-bort/")
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    folk_response.refresh_from_db()
    assert folk_response.current_submission.content["attachments"][0]["id"] == attachment.pk
    # Removed means gone for everyone but the audit trail (issue 20): the version still
    # says it had the file, and no one gets it.
    from django.test import Client

    from kulturportal.models import User

    official = Client()
    official.force_login(User.objects.get(email="handlaggare@example.se"))
    assert official.get(f"/samrad/bilagor/{attachment.pk}/").status_code == 404


def test_another_organisation_cannot_download_the_file(
    folk_client, folk_response, client, other_org_rep
):
    folk_client.post(
        folk_response.form_url(), form_data(folk_response, {}, save="1", attachment=pdf_upload())
    )
    attachment = folk_response.attachments.get()
    client.force_login(other_org_rep)
    assert client.get(f"/samrad/bilagor/{attachment.pk}/").status_code == 404
