"""Issue 20, item 2: anyone could stand in for an organisation. A newly registered
organisation is pending until an official approves it; meanwhile it may save drafts but
not submit, is in no audience or board, and its person is told what happens next."""

import pytest
from django.urls import reverse

from consultations import services as consultations
from consultations.models import text_hash
from forums.models import Audience
from forums.services import resolve_audience
from kulturportal.boards import BoardRow, with_contacts
from kulturportal.models import AuditEntry, Organisation, OrganisationKind, OutgoingEmail
from tests.core.test_organisations import VALID, org_number, registration
from tests.factories import AudienceRuleFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(demo, settings, tmp_path):
    """The demo's plans and consultation rounds."""
    from consultations import demo as consultations_demo
    from consultations.models import Round
    from kulturplan import demo as plan_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    plan_demo.seed_demo()
    consultations_demo.seed_demo()
    return {round.slug: round for round in Round.objects.all()}


@pytest.fixture
def person(client):
    user = UserFactory(first_name="Sara", last_name="Sökande", email="sara@example.se")
    client.force_login(user)
    return user


@pytest.fixture
def pending(client, person):
    """What one verified account registered under a name like a known organisation's."""
    client.post(
        reverse("organisation_register"),
        registration(name="Folkhögskolorna Skåne", kind=OrganisationKind.POPULAR_EDUCATION),
    )
    return Organisation.objects.get(org_number=VALID)


def test_a_registered_organisation_is_pending_and_its_person_told_what_happens_next(client, person):
    response = client.post(reverse("organisation_register"), registration(), follow=True)
    organisation = Organisation.objects.get(org_number=VALID)
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.registered_by == person
    page = response.content.decode()
    assert "Region Skåne granskar" in page
    assert "väntar på granskning" in client.get(reverse("my_page")).content.decode()


@pytest.mark.parametrize(
    "kind", [OrganisationKind.CONSULTATION_BODY, OrganisationKind.CULTURAL_INSTITUTION]
)
def test_kinds_only_the_region_creates_cannot_be_registered(client, person, kind):
    """Defect: "Scenkonstkollegiet" (a consultation body) was registered by the public."""
    response = client.post(reverse("organisation_register"), registration(kind=kind))
    assert "Välj en av typerna i listan" in response.content.decode()
    assert not Organisation.objects.filter(org_number=VALID).exists()


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://x")', "+46 Kultur", "-Kultur", "@Kultur", "Kult\x07ur", "Kultur\u202e"],
)
def test_a_name_with_a_formula_trigger_or_a_control_character_is_refused(client, person, name):
    """Defect: an account registered `=HYPERLINK(…)` and submitted a response with it."""
    response = client.post(reverse("organisation_register"), registration(name=name))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_name_error"' in html or "id_name_error" in html
    assert not Organisation.objects.filter(org_number=VALID).exists()
    assert VALID.replace("-", "") in html  # the rest is kept


def test_a_pending_organisation_may_save_a_draft_but_not_submit(pending, person, rounds):
    round = rounds["kulturplan-2029-2032"]
    person.__dict__.pop("active_roles", None)
    response = consultations.response_for(round, pending)
    question = round.questions.first()
    consultations.save_answers(
        response=response,
        posted=[consultations.Posted(question, "Ett utkast.", base_hash=text_hash(""))],
        actor=person,
    )
    with pytest.raises(consultations.OrganisationPending):
        consultations.submit(response=response, actor=person)
    response.refresh_from_db()
    assert response.current_submission is None


def test_a_pending_organisation_is_in_no_audience(pending, person, rounds, official):
    round = rounds["kulturplan-2029-2032"]
    assert person.email not in {i.email for i in consultations.invitees(round)}
    assert pending not in consultations.audience_organisations(round)
    meeting = MeetingFactory(organiser=official)
    AudienceRuleFactory(meeting=meeting, kind=Audience.PEOPLE)  # somebody, so it resolves
    body_rule = AudienceRuleFactory(meeting=meeting, kind=Audience.BODY, organisation=pending)
    assert person.email not in {r.email for r in resolve_audience(meeting)}
    assert body_rule.pk
    (row,) = with_contacts([BoardRow(party=pending)])
    assert row.contacts == []


def test_the_officials_queue_shows_the_number_the_person_and_similar_names(
    client, pending, official, folk_high_schools
):
    client.force_login(official)
    page = client.get(reverse("organisation_review_list")).content.decode()
    assert "Folkhögskolorna Skåne" in page and VALID in page
    assert "sara@example.se" in page
    assert "Folkhögskolorna i Skåne" in page  # the existing one, with a similar name


def _approve(client, official, organisation, capture) -> None:
    client.force_login(official)
    with capture(execute=True):
        client.post(
            reverse("organisation_review", args=[organisation.pk]),
            {f"o{organisation.pk}-decision": "approve"},
        )


def test_an_official_approves_and_the_person_is_told(
    client, pending, official, mailoutbox, django_capture_on_commit_callbacks
):
    _approve(client, official, pending, django_capture_on_commit_callbacks)
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.APPROVED and pending.reviewed_by == official
    assert [m.to for m in mailoutbox] == [["sara@example.se"]]
    entry = AuditEntry.objects.about(pending).get(action="organisation.approved")
    assert entry.actor == official


def test_an_official_refuses_with_a_reason_and_the_person_is_told(
    client, pending, official, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(official)
    url = reverse("organisation_review", args=[pending.pk])
    response = client.post(url, {f"o{pending.pk}-decision": "refuse", f"o{pending.pk}-note": ""})
    assert "Skriv varför" in response.content.decode()  # a refusal needs its reason
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                f"o{pending.pk}-decision": "refuse",
                f"o{pending.pk}-note": "Numret hör till en annan förening.",
            },
        )
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.REFUSED
    assert "Numret hör till en annan förening." in mailoutbox[0].body
    assert not OutgoingEmail.objects.filter(to="handlaggare@example.se").exists()


def test_others_cannot_review(client, pending, person, folk_high_school_rep):
    for user in (person, folk_high_school_rep):
        client.force_login(user)
        assert client.get(reverse("organisation_review_list")).status_code == 403
        url = reverse("organisation_review", args=[pending.pk])
        assert client.post(url, {f"o{pending.pk}-decision": "approve"}).status_code in (403, 404)
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.PENDING


def test_existing_organisations_stay_approved(folk_high_schools):
    assert folk_high_schools.status == Organisation.Status.APPROVED
    assert org_number()  # the helper the registration tests share


def test_a_pending_organisation_is_not_public_until_approved(
    client, person, official, django_capture_on_commit_callbacks
):
    """Defect (real run, 2026-12-06): a look-alike waiting for review had a public page,
    was found by search beside the real one, and was served by the open-data API."""
    from kulturportal import search
    from kulturportal.models import Municipality

    lund = Municipality.objects.get(code="1281")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisation_register"),
            registration(name="Kvastfenans teater", host_municipality=lund.pk),
        )
    search.rebuild()
    pending = Organisation.objects.get(org_number=VALID)
    page = pending.get_absolute_url()
    api = f"/api/v1/organisations/{pending.slug}/"

    # Its own person sees its page, says it waits, and finds it.
    mine = client.get(page)
    assert mine.status_code == 200 and "väntar på granskning" in mine.content.decode()
    assert "Kvastfenans</mark> teater" in client.get("/sok/?q=Kvastfenans").content.decode()

    client.logout()
    assert client.get(page).status_code == 404
    assert client.get(api).status_code == 404
    listed = client.get("/api/v1/organisations/?q=Kvastfenans").json()["items"]
    assert listed == []
    assert page not in client.get("/sok/?q=Kvastfenans").content.decode()  # the query is echoed
    assert "Kvastfenans" not in client.get(lund.get_absolute_url()).content.decode()

    _approve(client, official, pending, django_capture_on_commit_callbacks)
    client.logout()
    assert client.get(page).status_code == 200
    assert client.get(api).status_code == 200
    assert "Kvastfenans</mark> teater" in client.get("/sok/?q=Kvastfenans").content.decode()
    assert "Kvastfenans" in client.get(lund.get_absolute_url()).content.decode()
