"""Issue 20, item 21: the personal-data export held only the account and the roles. It must
hold everything the portal keeps about the person: replies with their needs, responses they
co-wrote, join requests, priorities they submitted, audit entries about them. And a model
added later that points at a person must be exported or said here not to be about them."""

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from consultations import demo as consultations_demo
from consultations import services as consultation_services
from consultations.models import Round, text_hash
from consultations.services import Posted
from forums import services as forum_services
from forums.models import Audience
from forums.pasted import format_pasted, read_pasted
from kulturplan import demo as plan_demo
from kulturplan import services as plan_services
from kulturplan.models import CulturePlan
from kulturportal import inbound
from kulturportal.emails import normalise_address, queue_email
from kulturportal.models import Organisation, User
from kulturportal.organisations.services import request_membership
from tests.factories import (
    AudienceRuleFactory,
    InvitationFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Every field that points at a person (a key to the user, an e-mail address) and is in the
# export: (model label, field name).
EXPORTED = {
    ("kulturportal.User", "email"),
    ("kulturportal.RoleAssignment", "user"),
    ("kulturportal.RoleInvitation", "email"),
    ("kulturportal.RoleInvitation", "invited_by"),
    ("kulturportal.RoleInvitation", "accepted_by"),
    ("kulturportal.Organisation", "registered_by"),
    ("kulturportal.MembershipRequest", "user"),
    ("kulturportal.OutgoingEmail", "to"),
    ("kulturportal.AuditEntry", "actor"),
    ("account.EmailAddress", "user"),
    ("account.EmailAddress", "email"),
    ("mfa.Authenticator", "user"),
    ("forums.NetworkMembership", "user"),
    ("forums.Meeting", "organiser"),
    ("forums.AudienceRule", "people"),
    ("forums.Invitation", "email"),
    ("forums.Invitation", "user"),
    ("forums.Invitation", "substitute_email"),
    ("forums.Minutes", "adjusters"),
    ("forums.Adjustment", "adjuster"),
    ("consultations.Round", "created_by"),
    ("consultations.Round", "contact_email"),
    ("consultations.Response", "updated_by"),
    ("consultations.Answer", "updated_by"),
    ("consultations.Attachment", "uploaded_by"),
    ("consultations.Submission", "submitted_by"),
    ("kulturplan.Registration", "updated_by"),
    ("kulturplan.Submission", "submitted_by"),
    ("kulturplan.Priority", "contact_email"),
    ("kulturplan.SubmittedPriority", "contact_email"),
    ("kulturplan.PlanVersion", "created_by"),
    ("followup.AnnualReport", "updated_by"),
    ("followup.ReportContent", "submitted_by"),
    ("followup.ReportFile", "uploaded_by"),
}

# Fields that point at a person but say nothing about them worth a copy, and why.
NOT_ABOUT_THE_PERSON = {
    ("kulturportal.Municipality", "culture_email"): "the municipality's shared address",
    ("kulturportal.Organisation", "email"): "the organisation's address",
    ("kulturportal.Organisation", "reviewed_by"): "an official's decision on an organisation",
    ("kulturportal.MembershipRequest", "decided_by"): "an official's or a representative's step",
    ("kulturportal.ExportFile", "requested_by"): "a download, deleted within a week",
    ("kulturportal.DailyReminder", "sent_by"): "an official's step",
    ("kulturportal.InboundEmail", "forwarded_to"): "the inbox's forwarding address",
    ("consultations.Note", "author"): "an official's working note",
    ("consultations.Disposition", "decided_by"): "an official's decision",
    ("admin.LogEntry", "user"): "an official's admin step",
    ("followup.FundingDecision", "updated_by"): "an official's step",
    ("followup.DecisionImport", "uploaded_by"): "an official's step",
    ("followup.ReportingRound", "opened_by"): "an official's step",
    ("followup.ReportingRound", "confirmed_by"): "an official's step",
    ("followup.ReportReview", "decided_by"): "an official's decision",
}


def _person_fields():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue
            points_at_user = field.is_relation and field.related_model is user_model
            if points_at_user or isinstance(field, models.EmailField):
                yield (model._meta.label, field.name)


def test_every_field_pointing_at_a_person_is_exported_or_said_not_to_be():
    unaccounted = [
        field
        for field in _person_fields()
        if field not in EXPORTED and field not in NOT_ABOUT_THE_PERSON
    ]
    assert not unaccounted, (
        "Add these to the person's export (an app's personal_data.export) and to EXPORTED, "
        f"or say in NOT_ABOUT_THE_PERSON why not: {unaccounted}"
    )
    stale = (EXPORTED | set(NOT_ABOUT_THE_PERSON)) - set(_person_fields())
    assert not stale, f"No longer in the models: {stale}"


@pytest.fixture
def busy_chief(lund_chief, settings, tmp_path):
    """Lund's culture chief, who has done a bit of everything."""
    settings.MEDIA_ROOT = tmp_path / "media"
    plan_demo.seed_demo()
    consultations_demo.seed_demo()
    _reply_with_needs(lund_chief)
    _co_write_a_response(lund_chief)
    _submit_priorities(lund_chief)
    queue_email(to=lund_chief.email, subject="Till Lund", body_text="Hej!")
    queue_email(to="someone.else@example.se", subject="Till någon annan", body_text="Hej!")
    request_membership(
        actor=lund_chief,
        organisation=Organisation.objects.get(name="Malmö Stadsteater"),
        message="Jag sitter i teaterns styrelse.",
    )
    return lund_chief


def _reply_with_needs(user):
    invitation = InvitationFactory(
        meeting=MeetingFactory(title="Kulturrådet", scheduled=True), email=user.email
    )
    forum_services.record_reply(
        invitation=invitation,
        response="accepted",
        dietary_needs="Laktosfri kost",
        access_needs="Hörslinga",
        actor=None,
    )


def _co_write_a_response(user):
    round = Round.objects.get(slug="kulturplan-2029-2032")
    response = consultation_services.response_for(round, user.role_assignments.get().municipality)
    question = round.questions.first()
    consultation_services.save_answers(
        response=response,
        posted=[Posted(question=question, value="Lund vill se mer dans.", base_hash=text_hash(""))],
        actor=user,
    )
    consultation_services.submit(response=response, actor=user)


def _submit_priorities(user):
    plan = CulturePlan.objects.get(slug="2029-2032")
    registration = plan_services.registration_for(plan, user.role_assignments.get().municipality)
    area = plan.development_areas.first()
    plan_services.save_priorities(
        registration=registration,
        lines=[plan_services.Line(development_area=area, rank=1, motivation="Barnens röst.")],
        base_version=registration.version,
        submit=True,
        actor=user,
    )


def _export(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("export_my_data"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mina-uppgifter.json"'
    return json.loads(response.content)


def test_the_export_holds_replies_with_needs(client, busy_chief):
    data = _export(client, busy_chief)
    [invitation] = data["meeting_invitations"]
    assert invitation["meeting"] == "Kulturrådet"
    assert invitation["reply"] == "Kommer"
    assert invitation["dietary_needs"] == "Laktosfri kost"
    assert invitation["access_needs"] == "Hörslinga"
    assert data["meeting_reply_history"][0]["meeting"] == "Kulturrådet"


def test_the_export_holds_responses_they_co_wrote(client, busy_chief):
    data = _export(client, busy_chief)
    [response] = data["consultation_responses"]
    assert response["on_behalf_of"] == "Lund"
    assert response["status"] == "Inskickat"
    assert response["answers_you_wrote_last"][0]["answer"] == "Lund vill se mer dans."
    assert response["versions_you_submitted"][0]["version"] == 1


def test_the_export_holds_join_requests_and_submitted_priorities(client, busy_chief):
    data = _export(client, busy_chief)
    [membership] = data["membership_requests"]
    assert membership["organisation"] == "Malmö Stadsteater"
    assert membership["message"] == "Jag sitter i teaterns styrelse."
    assert membership["status"] == "Väntar på beslut"
    submission = data["plan_priorities_submitted"][-1]
    assert submission["municipality"] == "Lund"
    assert submission["priorities"][0]["motivation"] == "Barnens röst."


def test_the_export_holds_the_audit_entries_about_them_and_their_e_mail(client, busy_chief):
    data = _export(client, busy_chief)
    actions = {entry["action"] for entry in data["audit_log"]}
    assert {"response.submitted", "priorities.submitted"} <= actions, actions
    assert all(entry["by_you"] for entry in data["audit_log"])
    [email] = data["emails_sent_to_you"]
    assert email["subject"] == "Till Lund"
    assert data["roles"][0]["role"] == "Kulturchef"


def test_someone_elses_export_holds_none_of_it(client, busy_chief, malmo_chief):
    data = _export(client, malmo_chief)
    text = json.dumps(data, ensure_ascii=False)
    for private in ("Laktosfri", "Hörslinga", "Lund vill se mer dans", "teaterns styrelse"):
        assert private not in text
    assert data["account"]["email"] == malmo_chief.email


def test_the_export_holds_mail_from_their_address_and_none_from_one_that_contains_it(
    client, lund_chief
):
    """The received e-mails were found by the sender *containing* the person's address:
    h + their address, or their address + ".example.net", put someone else's message
    (subject, outcome, the note on why) in their export."""
    own, other, longer = "Svar: Kulturrådet", "Någon annans svar", "En annan domäns svar"
    for sender, subject in [
        (lund_chief.email.upper(), own),
        (f"h{lund_chief.email}", other),
        (f"{lund_chief.email}.example.net", longer),
    ]:
        message = f"From: {sender}\r\nSubject: {subject}\r\n\r\nHej\r\n"
        inbound.receive(message.encode(), sender=sender)

    data = _export(client, lund_chief)

    assert [email["subject"] for email in data["emails_received_from_you"]] == [own]


def test_the_export_names_meetings_pasted_with_their_address_not_one_containing_it(
    client, lund_chief
):
    """The same defect in the audiences: a meeting whose pasted list held h + their
    address (someone else) was listed as one naming them."""
    theirs = MeetingFactory(title="Kulturrådet i Lund")
    someone_elses = MeetingFactory(title="Ett möte utan dem")
    AudienceRuleFactory(
        meeting=theirs, kind=Audience.EMAILS, emails=f"Lena <{lund_chief.email.upper()}>"
    )
    AudienceRuleFactory(meeting=someone_elses, kind=Audience.EMAILS, emails=f"h{lund_chief.email}")

    data = _export(client, lund_chief)

    assert [row["meeting"] for row in data["meetings_invited_by_name"]] == [theirs.title]


def test_the_export_finds_their_address_in_every_form_it_is_stored_in(client, db):
    """Review of the mend above: the search was still by a substring of the address as the
    account holds it, so a message from ASA@MALMÖ.SE (SQLite's LIKE folds ASCII only) or
    from the punycode form, and an invitation stored in the punycode form before the
    account existed, were missing from asa@malmö.se's export."""
    asa = UserFactory(email="asa@malmö.se")
    for sender, subject in [("ASA@MALMÖ.SE", "Versaler"), ("asa@xn--malm-8qa.se", "Punycode")]:
        message = f"From: {sender}\r\nSubject: {subject}\r\n\r\nHej\r\n"
        inbound.receive(message.encode(), sender=sender)
    invited = InvitationFactory(email=normalise_address(asa.email), name="Åsa")
    as_the_form_stores_it = format_pasted(read_pasted("Åsa <ASA@MALMÖ.SE>").pairs)
    AudienceRuleFactory(meeting=invited.meeting, kind=Audience.EMAILS, emails=as_the_form_stores_it)

    data = _export(client, asa)

    assert {e["subject"] for e in data["emails_received_from_you"]} == {"Versaler", "Punycode"}
    assert [i["meeting"] for i in data["meeting_invitations"]] == [invited.meeting.title]
    assert [m["meeting"] for m in data["meetings_invited_by_name"]] == [invited.meeting.title]


def test_the_export_asks_for_a_login(client):
    response = client.get(reverse("export_my_data"))
    assert response.status_code == 302


def test_the_export_holds_the_annual_reports_they_worked_on(client, demo, settings, tmp_path):
    from followup import demo as followup_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    plan_demo.seed_demo()
    followup_demo.seed_demo()
    opera = User.objects.get(email="operan@example.se")
    reports = _export(client, opera)["annual_reports"]
    assert reports and {r["organisation"] for r in reports} == {"Malmö Opera"}
