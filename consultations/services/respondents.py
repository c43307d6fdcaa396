"""Who answers for whom: an organisation through its representatives, a municipality through
its culture chief (or a municipal official); and the response each writes to a round."""

from django.db import IntegrityError, transaction
from django.urls import reverse

from consultations.models import (
    Response,
    Round,
)
from kulturportal.models import (
    Municipality,
    Organisation,
    Role,
    RoleAssignment,
    User,
)

# Anyone with one of these roles in a municipality may answer for it (the culture chief,
# usually); the regional roles answer for no one.
ANSWERS_FOR_MUNICIPALITY = {Role.CULTURE_CHIEF, Role.MUNICIPAL_OFFICIAL}


def respondents_for(user) -> list[Organisation | Municipality]:
    """The organisations and municipalities this person may answer for."""
    if not user.is_authenticated:
        return []
    found: dict[tuple[str, int], Organisation | Municipality] = {}
    for assignment in user.active_roles:
        if assignment.role == Role.ORGANISATION_REPRESENTATIVE and assignment.organisation_id:
            found[("o", assignment.organisation_id)] = assignment.organisation
        elif assignment.role in ANSWERS_FOR_MUNICIPALITY and assignment.municipality_id:
            found[("m", assignment.municipality_id)] = assignment.municipality
    return sorted(found.values(), key=lambda r: r.name)


def may_answer_for(user, respondent) -> bool:
    return any(r == respondent and type(r) is type(respondent) for r in respondents_for(user))


def form_url(round: Round, respondent) -> str:
    kind = "kommun" if isinstance(respondent, Municipality) else "organisation"
    return reverse("consultations:respond", args=[round.slug, kind, respondent.slug])


def _respondent_key(respondent) -> dict:
    if isinstance(respondent, Municipality):
        return {"municipality": respondent}
    return {"organisation": respondent}


def existing_or_new(round: Round, respondent) -> Response:
    """The respondent's response, or an unsaved one to show an empty form: looking at the
    form stores nothing."""
    key = _respondent_key(respondent)
    found = Response.objects.filter(round=round, **key).first()
    if found is None:
        return Response(round=round, **key)
    # The round and the respondent the caller holds are the response's: not read again.
    for field, value in {"round": round, **key}.items():
        setattr(found, field, value)
    return found


def response_for(round: Round, respondent) -> Response:
    """The respondent's response to the round, a new empty draft if it has none."""
    response = existing_or_new(round, respondent)
    if response.pk:
        return response  # the usual case: read without a transaction of its own
    key = _respondent_key(respondent)
    try:
        with transaction.atomic():
            response, _created = Response.objects.get_or_create(round=round, **key)
    except IntegrityError:  # Two representatives opened the form at the same moment.
        response = Response.objects.get(round=round, **key)
    return response


def people_of(response: Response) -> list[User]:
    """The representatives (or the municipality's people) who get the receipt."""
    if response.municipality_id:
        roles = RoleAssignment.objects.active().filter(
            municipality_id=response.municipality_id, role__in=ANSWERS_FOR_MUNICIPALITY
        )
    else:
        roles = RoleAssignment.objects.active().filter(
            organisation_id=response.organisation_id, role=Role.ORGANISATION_REPRESENTATIVE
        )
    return list(User.objects.filter(is_active=True, pk__in=roles.values("user")).order_by("email"))
