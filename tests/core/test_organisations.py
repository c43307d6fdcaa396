"""Organisations signing up, people asking to represent one, and the decisions on that."""

import pytest
from django.urls import reverse
from stdnum import luhn

from kulturportal.models import (
    AuditEntry,
    MembershipRequest,
    Organisation,
    OrganisationKind,
    OutgoingEmail,
    Role,
    RoleAssignment,
)
from kulturportal.organisations import services as organisations
from kulturportal.organisations.forms import OrganisationRegistrationForm
from kulturportal.validators import normalise_org_number
from tests.factories import OfficialFactory, OrganisationFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def org_number(first_nine: str = "556677889") -> str:
    """A valid organisation number (NNNNNN-NNNN) from nine digits and a Luhn check digit."""
    digits = first_nine + luhn.calc_check_digit(first_nine)
    return f"{digits[:6]}-{digits[6:]}"


VALID = org_number()


def registration(**overrides) -> dict:
    data = {
        "name": "Teaterföreningen Scenljus",
        "org_number": VALID.replace("-", ""),
        "kind": OrganisationKind.INDEPENDENT_CULTURAL_LIFE,
        "host_municipality": "",
        "email": "Info@Scenljus.example.se",
        "website": "scenljus.example.se",
    }
    data.update(overrides)
    return data


@pytest.fixture
def person(client):
    """A signed-in person with a verified address and no role."""
    user = UserFactory(first_name="Sara", last_name="Sökande")
    client.force_login(user)
    return user


def representative_of(organisation, **user_fields):
    user = UserFactory(**user_fields)
    RoleAssignment.objects.create(
        user=user, role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation
    )
    return user


def entries(action: str):
    return AuditEntry.objects.filter(action=action)


# --- Registering an organisation ---------------------------------------------------------------


def test_a_person_registers_an_organisation_and_becomes_its_representative(
    client, person, lund, django_capture_on_commit_callbacks
):
    response = client.get(reverse("organisation_register"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'for="id_name"' in html and 'for="id_org_number"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisation_register"), registration(host_municipality=lund.pk)
        )
    assert response.status_code == 302 and response.url == reverse("my_page")
    organisation = Organisation.objects.get(name="Teaterföreningen Scenljus")
    assert organisation.org_number == VALID  # normalised to NNNNNN-NNNN
    assert organisation.slug == "teaterforeningen-scenljus"
    assert organisation.kind == OrganisationKind.INDEPENDENT_CULTURAL_LIFE
    assert organisation.host_municipality == lund
    assert organisation.email == "info@scenljus.example.se"
    assert organisation.website == "https://scenljus.example.se"
    assignment = RoleAssignment.objects.get(organisation=organisation)
    assert assignment.user == person and assignment.role == Role.ORGANISATION_REPRESENTATIVE
    person.__dict__.pop("active_roles", None)
    assert person.has_perm("kulturportal.act_for_organisation", organisation)

    entry = entries("organisation.registered").get()
    assert entry.actor == person and entry.object_id == str(organisation.pk)
    assert entry.changes["org_number"] == [None, VALID]
    assert entry.changes["name"] == [None, "Teaterföreningen Scenljus"]
    assert entry.get_action_label() == "Organisationen registrerad"

    page = client.get(reverse("my_page")).content.decode()
    assert "Din organisation" in page and "Teaterföreningen Scenljus" in page


def test_the_same_name_gets_a_slug_of_its_own(client, person):
    OrganisationFactory(name="Teaterföreningen Scenljus", slug="teaterforeningen-scenljus")
    client.post(reverse("organisation_register"), registration())
    assert Organisation.objects.filter(slug="teaterforeningen-scenljus-2").exists()
    assert organisations.unique_slug("Teaterföreningen Scenljus") == "teaterforeningen-scenljus-3"
    assert organisations.unique_slug("???") == "organisation"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        (VALID[:-1] + str((int(VALID[-1]) + 1) % 10), "kontrollsiffran är fel"),
        ("55667788", "tio siffror"),
        ("556677-88x9", "bara innehålla siffror"),
        ("", "Skriv organisationens organisationsnummer"),
    ],
)
def test_a_bad_organisation_number_is_refused_beside_the_field_and_the_rest_kept(
    client, person, typed, problem
):
    response = client.post(reverse("organisation_register"), registration(org_number=typed))
    assert response.status_code == 200
    html = response.content.decode()
    assert problem in html
    assert 'id="id_org_number_error"' in html
    assert 'aria-describedby="id_org_number_helptext id_org_number_error"' in html
    assert 'value="Teaterföreningen Scenljus"' in html
    assert 'value="Info@Scenljus.example.se"' in html
    assert not Organisation.objects.filter(name="Teaterföreningen Scenljus").exists()
    assert not entries("organisation.registered").exists()


def test_a_registered_number_names_the_organisation_and_links_to_asking_to_join(
    client, person, folk_high_schools
):
    response = client.post(reverse("organisation_register"), registration(org_number="802400 1235"))
    html = response.content.decode()
    assert "802400-1235 är redan registrerat för Folkhögskolorna i Skåne" in html
    assert 'id="id_org_number_error"' in html
    join = reverse("organisation_join", args=[folk_high_schools.slug])
    assert f'href="{join}"' in html
    assert 'value="Teaterföreningen Scenljus"' in html
    assert Organisation.objects.filter(org_number="802400-1235").count() == 1
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_a_number_registered_between_check_and_save_is_still_refused(person, folk_high_schools):
    with pytest.raises(organisations.DuplicateOrganisation) as refused:
        organisations.register_organisation(
            actor=person,
            name="Folkhögskolorna igen",
            org_number="802400-1235",
            kind=OrganisationKind.POPULAR_EDUCATION,
        )
    assert refused.value.existing == folk_high_schools


def test_the_view_shows_a_duplicate_found_only_at_save(client, person, monkeypatch):
    existing = OrganisationFactory(name="Hann före", org_number=VALID)
    # The form's own check sees no duplicate (it came a moment later); the service finds it.
    monkeypatch.setattr(
        OrganisationRegistrationForm,
        "clean_org_number",
        lambda form: normalise_org_number(form.cleaned_data["org_number"]),
    )
    response = client.post(reverse("organisation_register"), registration())
    html = response.content.decode()
    assert "är redan registrerat för Hann före" in html
    assert reverse("organisation_join", args=[existing.slug]) in html


def test_a_missing_name_is_refused_and_the_number_kept(client, person):
    response = client.post(reverse("organisation_register"), registration(name="  "))
    html = response.content.decode()
    assert "Skriv organisationens namn" in html
    assert 'id="id_name_error"' in html
    assert f'value="{VALID.replace("-", "")}"' in html
    assert not Organisation.objects.filter(org_number=VALID).exists()


@pytest.mark.parametrize(
    "kind",
    [
        OrganisationKind.REGION,
        OrganisationKind.MUNICIPAL_ADMINISTRATION,
        OrganisationKind.MUNICIPAL_ASSOCIATION,
        OrganisationKind.STATE_AGENCY,
    ],
)
def test_kinds_only_the_region_enters_cannot_be_registered(client, person, kind):
    form = client.get(reverse("organisation_register")).content.decode()
    assert f'value="{kind.value}"' not in form
    response = client.post(reverse("organisation_register"), registration(kind=kind))
    assert "Välj en av typerna i listan" in response.content.decode()
    assert not Organisation.objects.filter(org_number=VALID).exists()
    with pytest.raises(ValueError):
        organisations.register_organisation(actor=person, name="X", org_number=VALID, kind=kind)


def test_the_kinds_a_person_may_register_are_offered(client, person):
    html = client.get(reverse("organisation_register")).content.decode()
    for kind in organisations.REGISTRABLE_KINDS:
        assert f'value="{kind.value}"' in html


def test_an_unverified_address_may_not_register_or_ask(client, folk_high_schools):
    user = UserFactory(email_address__verified=False)
    client.force_login(user)
    response = client.get(reverse("organisation_register"))
    assert response.status_code == 403
    assert "Bekräfta din e-postadress först" in response.content.decode()
    response = client.post(reverse("organisation_register"), registration())
    assert response.status_code == 403
    assert not Organisation.objects.filter(org_number=VALID).exists()
    join = reverse("organisation_join", args=[folk_high_schools.slug])
    assert client.post(join, {"message": "Hej"}).status_code == 403
    assert not MembershipRequest.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["organisation_register", "organisation_join", "organisation_requests"],
)
def test_anonymous_is_sent_to_login(client, folk_high_schools, name):
    url = reverse(name) if name == "organisation_register" else reverse(name, args=["x"])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


# --- Asking to represent an organisation -------------------------------------------------------


def test_asking_to_join_emails_the_representatives_and_not_the_officials(
    client, person, folk_high_school_rep, folk_high_schools, official
):
    colleague = representative_of(folk_high_schools, preferred_language="en")
    ended = representative_of(folk_high_schools)
    RoleAssignment.objects.filter(user=ended).update(starts_on="2020-01-01", ends_on="2020-12-31")
    url = reverse("organisation_join", args=[folk_high_schools.slug])
    assert "Skicka ansökan" in client.get(url).content.decode()
    response = client.post(url, {"message": "Jag är ny rektor.\r\nHälsningar, Sara"})
    assert response.status_code == 302 and response.url == reverse("my_page")

    request = MembershipRequest.objects.get()
    assert request.user == person and request.organisation == folk_high_schools
    assert request.status == MembershipRequest.Status.PENDING
    assert request.message == "Jag är ny rektor.\nHälsningar, Sara"

    emails = {email.to: email for email in OutgoingEmail.objects.all()}
    assert set(emails) == {folk_high_school_rep.email, colleague.email}
    swedish = emails[folk_high_school_rep.email]
    assert swedish.subject == "Ny ansökan om att företräda Folkhögskolorna i Skåne"
    assert "Sara Sökande" in swedish.body_text and "Jag är ny rektor." in swedish.body_text
    link = reverse("organisation_requests", args=[folk_high_schools.slug])
    assert link in swedish.body_text and link in swedish.body_html
    english = emails[colleague.email]
    assert "/en" + link in english.body_text

    entry = entries("membership.requested").get()
    assert entry.actor == person and entry.object_id == str(request.pk)
    assert entry.details == {"organisation": "Folkhögskolorna i Skåne", "requester": person.email}
    page = client.get(reverse("my_page")).content.decode()
    assert "Dina ansökningar" in page and "väntar på beslut sedan" in page


def test_an_organisation_without_representatives_leaves_it_to_the_officials(
    client, person, official
):
    organisation = OrganisationFactory(name="Ensam förening")
    client.post(reverse("organisation_join", args=[organisation.slug]), {"message": ""})
    assert MembershipRequest.objects.filter(organisation=organisation).exists()
    assert not OutgoingEmail.objects.exists()
    client.force_login(official)
    page = client.get(reverse("my_page")).content.decode()
    assert "Ansökningar som väntar, alla organisationer" in page
    assert reverse("organisation_requests", args=[organisation.slug]) in page


def test_a_too_long_message_is_refused_and_kept(client, person, folk_high_schools):
    url = reverse("organisation_join", args=[folk_high_schools.slug])
    response = client.post(url, {"message": "å" * 2001})
    html = response.content.decode()
    assert "högst 2000 tecken" in html and 'id="id_message_error"' in html
    assert "å" * 2001 in html
    assert not MembershipRequest.objects.exists()


def test_a_message_of_2000_characters_with_line_breaks_is_taken(client, person, folk_high_schools):
    message = ("x" * 99 + "\r\n") * 20  # 2000 characters as the browser counts them
    client.post(reverse("organisation_join", args=[folk_high_schools.slug]), {"message": message})
    assert len(MembershipRequest.objects.get().message) == 1999  # the last line break stripped


def test_a_second_pending_request_is_refused(client, person, folk_high_schools):
    url = reverse("organisation_join", args=[folk_high_schools.slug])
    client.post(url, {"message": "Första"})
    emails = OutgoingEmail.objects.count()
    html = client.get(url).content.decode()
    assert "Ansökan väntar på beslut" in html and "Skicka ansökan" not in html
    response = client.post(url, {"message": "Andra"})
    assert response.status_code == 409
    assert "redan en ansökan" in response.content.decode()
    assert MembershipRequest.objects.count() == 1
    assert OutgoingEmail.objects.count() == emails
    assert entries("membership.requested").count() == 1
    with pytest.raises(organisations.RequestPending):
        organisations.request_membership(actor=person, organisation=folk_high_schools)


def test_a_declined_person_may_ask_again(client, person, folk_high_schools, official):
    first = MembershipRequest.objects.create(user=person, organisation=folk_high_schools)
    organisations.decide_membership(membership_request=first, actor=official, approve=False)
    client.post(reverse("organisation_join", args=[folk_high_schools.slug]), {"message": ""})
    assert MembershipRequest.objects.filter(status=MembershipRequest.Status.PENDING).count() == 1


def test_a_representative_is_told_they_represent_it_already(
    client, folk_high_school_rep, folk_high_schools
):
    client.force_login(folk_high_school_rep)
    url = reverse("organisation_join", args=[folk_high_schools.slug])
    assert "Du företräder redan Folkhögskolorna i Skåne" in client.get(url).content.decode()
    response = client.post(url, {"message": "Hej"})
    assert response.status_code == 409
    assert "Du företräder redan" in response.content.decode()
    assert not MembershipRequest.objects.exists()


def test_an_unknown_organisation_is_404(client, person):
    assert client.get(reverse("organisation_join", args=["finns-inte"])).status_code == 404
    assert client.get(reverse("organisation_requests", args=["finns-inte"])).status_code == 404


# --- Deciding ----------------------------------------------------------------------------------


@pytest.fixture
def pending(person, folk_high_schools):
    return MembershipRequest.objects.create(
        user=person, organisation=folk_high_schools, message="Jag är ny rektor."
    )


@pytest.mark.parametrize("decider", ["folk_high_school_rep", "official"])
def test_representatives_and_officials_see_the_pending_requests(
    client, request, decider, pending, folk_high_schools
):
    client.force_login(request.getfixturevalue(decider))
    response = client.get(reverse("organisation_requests", args=[folk_high_schools.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sara Sökande" in html and "Jag är ny rektor." in html
    assert reverse("membership_approve", args=[pending.pk]) in html
    assert reverse("membership_decline", args=[pending.pk]) in html


def test_a_representative_approves_and_the_requester_gets_the_role_and_an_email(
    client, folk_high_school_rep, pending, person, folk_high_schools
):
    client.force_login(folk_high_school_rep)
    response = client.post(reverse("membership_approve", args=[pending.pk]), follow=True)
    assert "Sara Sökande företräder nu Folkhögskolorna i Skåne" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == MembershipRequest.Status.APPROVED
    assert pending.decided_by == folk_high_school_rep and pending.decided_at
    assert RoleAssignment.objects.filter(
        user=person, role=Role.ORGANISATION_REPRESENTATIVE, organisation=folk_high_schools
    ).exists()
    assert person.has_perm("kulturportal.act_for_organisation", folk_high_schools)

    email = OutgoingEmail.objects.get(to=person.email)
    assert email.subject == "Du företräder nu Folkhögskolorna i Skåne"
    assert reverse("my_page") in email.body_text

    entry = entries("membership.approved").get()
    assert entry.actor == folk_high_school_rep and entry.object_id == str(pending.pk)
    assert entry.changes == {
        "status": ["pending", "approved"],
        "decided_by": [None, str(folk_high_school_rep)],
    }
    assert entry.details["requester"] == person.email


def test_an_official_declines_and_the_requester_is_told(client, official, pending, person):
    client.force_login(official)
    response = client.post(reverse("membership_decline", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == MembershipRequest.Status.DECLINED
    assert not RoleAssignment.objects.filter(user=person).exists()
    email = OutgoingEmail.objects.get(to=person.email)
    assert "har avslagits" in email.subject and "har avslagits" in email.body_text
    entry = entries("membership.declined").get()
    assert entry.changes["status"] == ["pending", "declined"] and entry.actor == official


def test_a_decided_request_cannot_be_decided_again(client, folk_high_school_rep, official, pending):
    client.force_login(folk_high_school_rep)
    client.post(reverse("membership_approve", args=[pending.pk]))
    client.force_login(official)
    response = client.post(reverse("membership_decline", args=[pending.pk]), follow=True)
    html = response.content.decode()
    assert "redan godkänd" in html and "kan inte beslutas igen" in html
    pending.refresh_from_db()
    assert pending.status == MembershipRequest.Status.APPROVED
    assert pending.decided_by == folk_high_school_rep
    assert OutgoingEmail.objects.filter(to=pending.user.email).count() == 1
    assert not entries("membership.declined").exists()
    with pytest.raises(organisations.AlreadyDecided):
        organisations.decide_membership(membership_request=pending, actor=official, approve=True)


@pytest.mark.parametrize("stranger", ["other_org_rep", "lund_chief", "nobody"])
def test_strangers_get_404_for_another_organisations_requests(
    client, request, stranger, pending, folk_high_schools
):
    client.force_login(request.getfixturevalue(stranger))
    url = reverse("organisation_requests", args=[folk_high_schools.slug])
    assert client.get(url).status_code == 404
    assert client.post(reverse("membership_approve", args=[pending.pk])).status_code == 404
    assert client.post(reverse("membership_decline", args=[pending.pk])).status_code == 404
    pending.refresh_from_db()
    assert pending.status == MembershipRequest.Status.PENDING
    assert not OutgoingEmail.objects.exists()


def test_the_requester_cannot_approve_their_own_request(client, person, pending):
    assert client.post(reverse("membership_approve", args=[pending.pk])).status_code == 404
    assert not RoleAssignment.objects.filter(user=person).exists()


def test_deciding_takes_a_post_only(client, official, pending):
    client.force_login(official)
    assert client.get(reverse("membership_approve", args=[pending.pk])).status_code == 405
    assert client.post(reverse("membership_approve", args=[999999])).status_code == 404


def test_anonymous_deciding_is_sent_to_login(client, pending):
    client.logout()
    response = client.post(reverse("membership_approve", args=[pending.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    pending.refresh_from_db()
    assert pending.status == MembershipRequest.Status.PENDING


def test_approving_someone_who_was_given_the_role_meanwhile_adds_no_second_role(
    official, pending, person, folk_high_schools
):
    RoleAssignment.objects.create(
        user=person, role=Role.ORGANISATION_REPRESENTATIVE, organisation=folk_high_schools
    )
    organisations.decide_membership(membership_request=pending, actor=official, approve=True)
    assert RoleAssignment.objects.filter(user=person, organisation=folk_high_schools).count() == 1


# --- Min sida ----------------------------------------------------------------------------------


def test_a_representative_sees_the_organisation_colleagues_and_waiting_requests(
    client, folk_high_school_rep, folk_high_schools, pending
):
    representative_of(folk_high_schools, first_name="Kollega", last_name="Kollegasson")
    client.force_login(folk_high_school_rep)
    html = client.get(reverse("my_page")).content.decode()
    assert "Din organisation" in html and "Folkhögskolorna i Skåne" in html
    assert "Kollega Kollegasson" in html
    assert "1 ansökan väntar på beslut" in html
    assert reverse("organisation_requests", args=[folk_high_schools.slug]) in html
    assert "Företräder du en organisation?" not in html


def test_a_person_without_a_role_finds_an_organisation_to_join_or_registers_one(
    client, person, folk_high_schools
):
    html = client.get(reverse("my_page")).content.decode()
    assert "Företräder du en organisation?" in html
    assert reverse("organisation_register") in html
    join = reverse("organisation_join", args=[folk_high_schools.slug])
    for typed in ("Folkhögskolorna", "8024001235"):
        found = client.get(reverse("my_page"), {"organisation": typed}).content.decode()
        assert join in found, typed
    missing = client.get(reverse("my_page"), {"organisation": "Finns inte"}).content.decode()
    assert "Ingen organisation matchar ”Finns inte”" in missing


def test_a_culture_chief_gets_no_organisation_panel(client, lund_chief):
    client.force_login(lund_chief)
    html = client.get(reverse("my_page")).content.decode()
    assert 'id="organisation-heading"' not in html


# --- Query counts ------------------------------------------------------------------------------


def test_my_page_of_a_representative_stays_flat(client, assert_flat_queries):
    organisations_ = []
    rep = UserFactory()

    def grow(k):
        for _ in range(k):
            organisation = OrganisationFactory()
            organisations_.append(organisation)
            RoleAssignment.objects.create(
                user=rep, role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation
            )
            representative_of(organisation)
            MembershipRequest.objects.create(user=UserFactory(), organisation=organisation)

    client.force_login(rep)
    assert_flat_queries(reverse("my_page"), grow)


def test_my_page_of_an_official_stays_flat(client, assert_flat_queries):
    official = OfficialFactory()

    def grow(k):
        for _ in range(k):
            MembershipRequest.objects.create(user=UserFactory(), organisation=OrganisationFactory())

    client.force_login(official)
    assert_flat_queries(reverse("my_page"), grow)


def test_the_requests_page_stays_flat(client, assert_flat_queries):
    organisation = OrganisationFactory()
    rep = representative_of(organisation)

    def grow(k):
        for _ in range(k):
            MembershipRequest.objects.create(user=UserFactory(), organisation=organisation)
            decided = MembershipRequest.objects.create(
                user=UserFactory(), organisation=organisation
            )
            MembershipRequest.objects.filter(pk=decided.pk).update(
                status=MembershipRequest.Status.DECLINED, decided_by=rep
            )

    client.force_login(rep)
    assert_flat_queries(reverse("organisation_requests", args=[organisation.slug]), grow)


def test_the_role_factory_makes_representatives_the_panel_counts(client):
    assignment = RoleAssignmentFactory(role=Role.ORGANISATION_REPRESENTATIVE)
    client.force_login(assignment.user)
    html = client.get(reverse("my_page")).content.decode()
    assert assignment.organisation.name in html
    assert "Du är organisationens enda företrädare i portalen." in html


def test_asking_without_a_message_is_a_request_too(client, person, folk_high_schools):
    response = client.post(reverse("organisation_join", args=[folk_high_schools.slug]))
    assert response.status_code == 302
    assert MembershipRequest.objects.get().message == ""
