"""Sample contexts for the organisation e-mails, for `manage.py render_emails`; no database."""

from django.conf import settings
from django.urls import reverse

from kulturportal.email_samples import register, sample_time, sample_user
from kulturportal.models import MembershipRequest, Organisation, OrganisationKind


def _organisation() -> Organisation:
    return Organisation(
        pk=1,
        name="Folkhögskolorna i Skåne",
        slug="folkhogskolorna-i-skane",
        kind=OrganisationKind.POPULAR_EDUCATION,
        org_number="802400-1235",
    )


def _membership_request(**fields) -> MembershipRequest:
    return MembershipRequest(
        pk=1,
        user=sample_user(
            pk=3, email="olle.nyberg@example.se", first_name="Olle", last_name="Nyberg"
        ),
        organisation=_organisation(),
        message="Jag är ny verksamhetschef och ska svara på remisser för organisationen.\n"
        "Hälsningar, Olle",
        created_at=sample_time(3, 9, 15),
        **fields,
    )


def _membership_request_email() -> dict:
    membership_request = _membership_request()
    return {
        "membership_request": membership_request,
        "organisation": membership_request.organisation,
        "requester": membership_request.user,
        "recipient": sample_user(),
        "url": settings.SITE_URL
        + reverse("organisation_requests", args=[membership_request.organisation.slug]),
    }


def _membership_decided() -> dict:
    membership_request = _membership_request(
        status=MembershipRequest.Status.APPROVED, decided_at=sample_time(4, 10)
    )
    return {
        "membership_request": membership_request,
        "organisation": membership_request.organisation,
        "approved": True,
        "recipient": membership_request.user,
        "url": settings.SITE_URL + reverse("my_page"),
    }


def _organisation_reviewed() -> dict:
    organisation = _organisation()
    return {
        "organisation": organisation,
        "approved": False,
        "note": "Organisationsnumret hör till en annan förening. Ansök om att företräda den.",
        "recipient": sample_user(),
        "url": settings.SITE_URL + reverse("my_page"),
    }


register("emails/membership_request", _membership_request_email)
register("emails/organisation_reviewed", _organisation_reviewed)
register("emails/membership_decided", _membership_decided)
