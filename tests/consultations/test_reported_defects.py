"""Defects a review of the consultations found; each test names its defect."""

import pytest

from consultations import services
from consultations.models import Response, Round, text_hash
from kulturportal.models import OutgoingEmail
from tests.consultations.conftest import form_data

pytestmark = pytest.mark.django_db


def _save(response, person, question, text):
    services.save_answers(
        response=response,
        posted=[services.Posted(question, text, base_hash=text_hash(""))],
        actor=person,
    )


def test_officials_never_read_a_draft_through_the_history(
    submitted, folk_high_school_rep, questions, official_client
):
    """Defect: the audit entry of a saved draft held the text, and the officials' response
    page showed it in the history, beside "Utkast visas inte för Region Skåne". (Since
    issue 20 a draft never sent is 404 for officials, and the history of a submitted
    response leaves out the organisation's own draft work.)"""
    services.save_answers(
        response=submitted,
        posted=[
            services.Posted(
                questions["text"],
                "HEMLIGT UTKAST 123",
                base_hash=text_hash("Folkbildningen behöver lokaler i hela Skåne."),
            )
        ],
        actor=folk_high_school_rep,
    )
    url = f"/samrad/{submitted.round.slug}/hantera/svar/{submitted.pk}/"
    page = official_client.get(url).content.decode()
    assert "HEMLIGT UTKAST 123" not in page
    assert "Svaret inskickat" in page and "Svaret sparat som utkast" not in page


@pytest.fixture
def published(submitted, close_round, official_client):
    round = close_round(submitted.round)
    services.publish_responses(round=round, actor=None)
    submitted.refresh_from_db()
    return submitted


def test_the_report_quotes_no_response_held_back(published, client, official_client):
    """Defect: the report quoted every submitted response, also one held back from
    publication with a recorded reason."""
    services.review_publication(
        response=published,
        keep=[],
        held_back=True,
        reason="Sekretess",
        held_back_parts={},
        actor=None,
    )
    services.publish_report(round=published.round, summary="", actor=None)
    page = client.get(f"/samrad/{published.round.slug}/redogorelse/").content.decode()
    assert "Folkbildningen behöver lokaler" not in page


def test_the_report_quotes_no_response_without_consent(
    folk_client, folk_response, questions, close_round, client
):
    """Defect: the report quoted a response whose organisation had not consented."""
    data = form_data(folk_response, {questions["text"].pk: "Inte för publicering."}, submit="1")
    data.pop("consent_to_publish")
    folk_client.post(folk_response.form_url(), data)
    round = close_round(folk_response.round)
    services.publish_responses(round=round, actor=None)
    services.publish_report(round=round, summary="", actor=None)
    assert (
        "Inte för publicering."
        not in client.get(f"/samrad/{round.slug}/redogorelse/").content.decode()
    )


def test_the_report_is_published_only_after_the_responses(submitted, close_round):
    """Defect: the report could be published before the responses were reviewed and
    published, so unreviewed text went public."""
    round = close_round(submitted.round)
    with pytest.raises(services.ResponsesNotPublished):
        services.publish_report(round=round, summary="", actor=None)


def test_an_old_form_does_not_turn_consent_back_on(
    folk_client, folk_response, questions, client, second_rep
):
    """Defect: consent had no base value; a co-author's older form, saved for a text
    change, silently set consent back to what it showed."""
    opened_by_folke = form_data(folk_response, {})
    client.force_login(second_rep)
    unticked = form_data(folk_response, {}, save="1")
    unticked.pop("consent_to_publish")
    client.post(folk_response.form_url(), unticked)
    folk_response.refresh_from_db()
    assert folk_response.consent_to_publish is False
    mine = {**opened_by_folke, f"q{questions['text'].pk}": "Folkes text.", "save": "1"}
    folk_client.post(folk_response.form_url(), mine)
    folk_response.refresh_from_db()
    assert folk_response.consent_to_publish is False


def test_publication_follows_the_consent_that_was_submitted(
    folk_client, submitted, close_round, client
):
    """Defect: publication read the live draft's consent, so unticking it in a draft after
    the deadline (never submitted) changed what was published."""
    round = close_round(submitted.round)
    data = form_data(submitted, {}, save="1")
    data.pop("consent_to_publish")
    folk_client.post(submitted.form_url(), data)
    services.publish_responses(round=round, actor=None)
    assert (
        "Folkbildningen behöver lokaler"
        in client.get(f"/samrad/{round.slug}/svar/").content.decode()
    )


def test_fixing_a_refused_file_is_not_a_conflict_with_ones_own_text(
    folk_client, folk_response, questions
):
    """Defect: after a refused file the page kept the old base hashes, so saving again
    reported a conflict with the text one had just saved oneself."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.pdf", b"MZ" + b"\x00" * 100, "application/pdf")
    data = form_data(folk_response, {questions["text"].pk: "Min text."}, save="1", attachment=bad)
    refused = folk_client.post(folk_response.form_url(), data)
    assert refused.status_code == 400
    again = _resubmit_from_page(refused.content.decode(), questions, "Min text, ändrad.")
    assert folk_client.post(folk_response.form_url(), again).status_code == 302


def _resubmit_from_page(page: str, questions, text: str) -> dict:
    """The form's hidden base hashes as the page holds them, with a changed text."""
    import re

    data = {"save": "1", "consent_to_publish": "on"}
    for name, value in re.findall(r'name="(base\d+)" value="([^"]*)"', page):
        data[name] = value
    for name, value in re.findall(r'name="(base\d+)" id="[^"]*" value="([^"]*)"', page):
        data[name] = value
    data[f"q{questions['text'].pk}"] = text
    return data


def test_question_help_text_is_escaped(folk_client, folk_response, questions):
    """Defect: a question's help text went through Django's field template unescaped."""
    questions["area"].help_text = '<img src=x onerror="alert(1)">'
    questions["area"].save()
    page = folk_client.get(folk_response.form_url()).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_a_crafted_rank_is_bad_input_not_a_crash(folk_client, folk_response, questions):
    """Defect: a rank that is not a number raised ValueError: a 500."""
    data = form_data(folk_response, {}, save="1")
    data[f"q{questions['ranking'].pk}_0"] = "x"
    assert folk_client.post(folk_response.form_url(), data).status_code == 400


def test_a_crafted_question_in_a_disposition_is_404(submitted, official_client):
    """Defect: a question id that is not a number crashed the disposition view."""
    url = f"/samrad/{submitted.round.slug}/hantera/svar/{submitted.pk}/stallningstagande/"
    assert official_client.post(url, {"question": "x"}).status_code == 404


def test_opening_the_form_creates_no_response(folk_client, open_round, folk_high_schools):
    """Defect: merely looking at the form made a response, which then blocked editing the
    questions and showed "utkast påbörjat" on the referral board."""
    url = f"/samrad/{open_round.slug}/svara/organisation/{folk_high_schools.slug}/"
    assert folk_client.get(url).status_code == 200
    assert not Response.objects.filter(round=open_round, organisation=folk_high_schools)


def test_submitting_before_the_round_opens_says_so(folk_client, folk_response, questions):
    """Defect: a submission before the opening was told the deadline had passed."""
    from datetime import timedelta

    from django.utils import timezone

    Round.objects.filter(pk=folk_response.round_id).update(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=9)
    )
    data = form_data(folk_response, {questions["text"].pk: "Tidigt."}, submit="1")
    page = folk_client.post(folk_response.form_url(), data, follow=True).content.decode()
    assert "har inte öppnat" in page and "sista svarsdagen har passerat" not in page


def test_the_bodies_filter_includes_their_member_organisations(
    submitted, official_client, folk_high_schools
):
    """Defect: the filter "Områdeskollegierna" missed the bodies' member organisations,
    which the round's audience includes."""
    from kulturportal.models import BodyMembership, Organisation

    body = Organisation.objects.get(name="Scenkonstkollegiet")
    BodyMembership.objects.create(body=body, organisation=folk_high_schools)
    page = official_client.get(
        f"/samrad/{submitted.round.slug}/hantera/svar/?group=omradeskollegier"
    ).content.decode()
    assert "Folkhögskolorna i Skåne" in page


def test_a_withdrawn_addressee_is_not_reminded(referral, lund, lund_chief, official_client):
    """Defect: a withdrawn response (which cannot be submitted again) counted as not
    answered, and its municipality was reminded to answer."""
    response = services.response_for(referral, lund)
    services.save_answers(
        response=response,
        posted=[services.Posted(referral.questions.first(), "Svar.", base_hash=text_hash(""))],
        actor=lund_chief,
    )
    services.submit(response=response, actor=lund_chief)
    services.withdraw(response=response, actor=lund_chief)
    services.remind_missing(round=referral, actor=None)
    reminded = set(OutgoingEmail.objects.values_list("to", flat=True))
    assert "kulturchef.lund@example.se" not in reminded


def test_a_municipality_without_a_chief_is_invited_at_its_culture_address(referral):
    """Defect: the invitation ignored a municipality's own culture address."""
    from kulturportal.models import Municipality, RoleAssignment

    burlov = Municipality.objects.get(name="Burlöv")
    RoleAssignment.objects.filter(municipality=burlov).delete()
    Municipality.objects.filter(pk=burlov.pk).update(culture_email="kultur@burlov.example.se")
    assert "kultur@burlov.example.se" in {i.email for i in services.invitees(referral)}
    assert "Burlöv" not in services.unreachable(referral)


@pytest.fixture
def second_rep(folk_high_schools):
    from kulturportal.models import Role, RoleAssignment
    from tests.factories import UserFactory

    person = UserFactory(email="rektor@example.se", first_name="Rut", last_name="Rektorsson")
    RoleAssignment.objects.create(
        user=person, role=Role.ORGANISATION_REPRESENTATIVE, organisation=folk_high_schools
    )
    return person
