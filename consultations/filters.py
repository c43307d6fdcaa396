"""The officials' filters on a round's responses: one definition for the list and for the
export, so a download holds exactly what the list showed."""

from django.db.models import Prefetch, Q

from consultations.forms import FilterForm
from consultations.models import GROUP_KINDS, Disposition, Group, Response, Round, Tag
from kulturportal.models import BodyMembership, Municipality

# What the officials can see a response be: never a draft (consultations.models).
OFFICIAL_STATUSES = [
    (value, label) for value, label in Response.Status.choices if value != Response.Status.DRAFT
]


def filtered_responses(round: Round, data) -> tuple[FilterForm, object]:
    """The round's responses narrowed by the officials' filters, respondent loaded. Only
    those ever submitted: a draft is not Region Skåne's."""
    form = FilterForm(
        data or None,
        municipalities=Municipality.objects.for_listing().values_list("slug", "name"),
        tags=Tag.objects.filter(responses__round=round).distinct().values_list("name", flat=True),
        statuses=OFFICIAL_STATUSES,
    )
    responses = (
        Response.objects.seen_by_officials()
        .filter(round=round)
        .with_respondent()
        .prefetch_related(
            "tags", Prefetch("dispositions", Disposition.objects.filter(question=None))
        )
        .order_by("organisation__name", "municipality__name", "pk")
    )
    if not form.is_bound:
        return form, responses  # No filters: everything.
    if not form.is_valid():
        return form, responses.none()
    data = form.cleaned_data
    if data["status"]:
        responses = responses.filter(status=data["status"])
    if data["group"]:
        in_group = Q(organisation__kind__in=GROUP_KINDS.get(data["group"], []))
        if data["group"] == Group.BODIES:
            # As the round's audience: the bodies' member organisations with the bodies.
            in_group |= Q(organisation__in=BodyMembership.objects.values("organisation"))
        responses = responses.filter(in_group)
    if data["kind"] == "kommun":
        responses = responses.filter(municipality__isnull=False)
    elif data["kind"]:
        responses = responses.filter(organisation__kind=data["kind"])
    if data["municipality"]:
        responses = responses.filter(
            Q(municipality__slug=data["municipality"])
            | Q(organisation__host_municipality__slug=data["municipality"])
        )
    if data["tag"]:
        responses = responses.filter(tags__name=data["tag"])
    if data["disposition"] == "none":
        overall = Disposition.objects.filter(question__isnull=True).values("response")
        responses = responses.exclude(pk__in=overall)
    elif data["disposition"]:
        responses = responses.filter(
            dispositions__question__isnull=True, dispositions__outcome=data["disposition"]
        )
    if data["q"]:
        responses = responses.filter(
            Q(organisation__name__icontains=data["q"])
            | Q(municipality__name__icontains=data["q"])
            | Q(registration_number__icontains=data["q"])
        )
    return form, responses
