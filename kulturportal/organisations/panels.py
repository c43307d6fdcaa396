"""The organisation panel on Min sida (kulturportal.panels).

A representative sees the organisations they represent, the other representatives and how
many requests wait; a person without a role finds an organisation to ask to represent, or
registers one; a regional official sees the requests that wait, in every organisation.
"""

from django.db.models import Count

from kulturportal import panels
from kulturportal.models import MembershipRequest, Organisation, Role, RoleAssignment
from kulturportal.organisations import email_samples  # noqa: F401 - registers the samples
from kulturportal.organisations.forms import OrganisationSearchForm
from kulturportal.rules import may
from kulturportal.text import swedish_sort_key

OFFICIALS_LIST_LIMIT = 20


def my_organisations(request) -> dict | None:
    user = request.user
    represented = list(
        {
            a.organisation_id: a.organisation
            for a in user.active_roles
            if a.role == Role.ORGANISATION_REPRESENTATIVE
        }.values()
    )
    is_official = may(user, "kulturportal.manage_portal")
    has_no_role = not user.active_roles
    my_pending = list(
        user.membership_requests.filter(status=MembershipRequest.Status.PENDING)
        .select_related("organisation")
        .order_by("created_at")
    )
    if not (represented or is_official or has_no_role or my_pending):
        return None
    context = {
        "organisations": _with_colleagues_and_counts(user, represented),
        "my_pending": my_pending,
        "offer_sign_up": has_no_role,
    }
    if has_no_role:
        context.update(_search(request))
    if is_official:
        waiting = MembershipRequest.objects.filter(status=MembershipRequest.Status.PENDING)
        context["waiting_total"] = waiting.count()
        context["registrations_waiting"] = Organisation.objects.filter(
            status=Organisation.Status.PENDING
        ).count()
        context["waiting"] = list(
            waiting.select_related("user", "organisation").order_by("created_at")[
                :OFFICIALS_LIST_LIMIT
            ]
        )
    return context


def _with_colleagues_and_counts(user, represented: list[Organisation]) -> list[dict]:
    """Each organisation with its other representatives and its pending requests: two
    queries, however many organisations and people."""
    if not represented:
        return []
    colleagues: dict[int, list] = {org.pk: [] for org in represented}
    assignments = (
        RoleAssignment.objects.active()
        .filter(
            role=Role.ORGANISATION_REPRESENTATIVE,
            organisation__in=represented,
            user__is_active=True,
        )
        .exclude(user=user)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    seen = set()
    for assignment in assignments:
        key = (assignment.organisation_id, assignment.user_id)
        if key not in seen:
            seen.add(key)
            colleagues[assignment.organisation_id].append(assignment.user)
    counts = dict(
        MembershipRequest.objects.filter(
            status=MembershipRequest.Status.PENDING, organisation__in=represented
        )
        .values_list("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    return [
        {
            "organisation": org,
            "colleagues": colleagues[org.pk],
            "pending_count": counts.get(org.pk, 0),
        }
        for org in sorted(represented, key=lambda o: swedish_sort_key(o.name))
    ]


def _search(request) -> dict:
    form = OrganisationSearchForm(request.GET or None)
    text = form.cleaned_data["organisation"].strip() if form.is_valid() else ""
    return {
        "search_form": form,
        "search_text": text,
        "search_results": Organisation.objects.approved().lookup(text) if text else [],
    }


def register() -> None:
    panels.register(
        panels.MY_PAGE, "kulturportal/organisations/my_page_panel.html", my_organisations, order=1
    )
