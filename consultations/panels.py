"""What the consultations show on the pages the core gathers (kulturportal.panels)."""

from datetime import timedelta

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations import services
from consultations.models import Disposition, Response, Round
from kulturportal import panels
from kulturportal.models import Municipality, Organisation
from kulturportal.rules import may


def open_rounds(request) -> dict | None:
    now = timezone.now()
    rounds = list(Round.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at"))
    if not rounds:
        return None
    return {"rounds": rounds}


def my_responses(request) -> dict | None:
    """For those who answer for an organisation or a municipality: the open rounds and
    their response to each, and what became of every response they have sent."""
    respondents = services.respondents_for(request.user)
    if not respondents:
        return None
    organisations = [r.pk for r in respondents if not isinstance(r, Municipality)]
    municipalities = [r.pk for r in respondents if isinstance(r, Municipality)]
    mine = Q(organisation__in=organisations) | Q(municipality__in=municipalities)
    # The respondents are already loaded with the roles: set them on the responses rather
    # than join the organisation and the municipality (and theirs) into every row.
    known = {(type(r), r.pk): r for r in respondents}
    responses = list(
        Response.objects.filter(mine).select_related("round").order_by("-round__closes_at", "pk")
    )
    # What became of a response is shown once its round's report is out: only those
    # responses need their dispositions.
    reported = []
    for response in responses:
        if response.municipality_id:
            response.municipality = known[(Municipality, response.municipality_id)]
        else:
            response.organisation = known[(Organisation, response.organisation_id)]
        if response.round.report_published_at:
            reported.append(response)
        else:
            response.all_dispositions = []
    if reported:
        prefetch_related_objects(
            reported,
            Prefetch(
                "dispositions",
                Disposition.objects.select_related("section__plan", "question"),
                to_attr="all_dispositions",
            ),
        )
    now = timezone.now()
    open_rounds = list(Round.objects.filter(opens_at__lte=now, closes_at__gt=now))
    by_round = {}
    for response in responses:
        by_round.setdefault(response.round_id, {})[response.respondent] = response
    tasks = [
        (round, respondent, by_round.get(round.pk, {}).get(respondent))
        for round in open_rounds
        for respondent in respondents
    ]
    return {
        "tasks": [
            (round, respondent, response, services.form_url(round, respondent))
            for round, respondent, response in tasks
        ],
        "history": [r for r in responses if r.status != Response.Status.DRAFT],
    }


def officials_links(request) -> dict | None:
    if not may(request.user, "consultations.manage"):
        return None
    now = timezone.now()
    return {"rounds": list(Round.objects.filter(closes_at__gt=now - timedelta(days=90)))}


def register() -> None:
    panels.register_link(_("Samråd"), "consultations:round_list", order=40)
    panels.register(panels.HOME, "consultations/panels/home.html", open_rounds, order=15)
    panels.register(panels.MY_PAGE, "consultations/panels/my_page.html", my_responses, order=8)
    panels.register(
        panels.MY_PAGE_MANAGE, "consultations/panels/manage_links.html", officials_links, order=30
    )
