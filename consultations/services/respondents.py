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


def existing_or_new(round: Round, respondent) -> Response:
    """The respondent's response, or an unsaved one to show an empty form: looking at the
    form stores nothing."""
    key = (
        {"municipality": respondent}
        if isinstance(respondent, Municipality)
        else {"organisation": respondent}
    )
    return Response.objects.filter(round=round, **key).first() or Response(round=round, **key)


def response_for(round: Round, respondent) -> Response:
    """The respondent's response to the round, a new empty draft if it has none."""
    key = (
        {"municipality": respondent}
        if isinstance(respondent, Municipality)
        else {"organisation": respondent}
    )
    # The round and the respondent the caller holds are the response's: not read again.
    existing = Response.objects.filter(round=round, **key).first()
    if existing is not None:
        existing.round = round
        setattr(existing, *next(iter(key.items())))
        return existing  # the usual case: read without a transaction of its own
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
