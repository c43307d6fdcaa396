"""What of the consultations can be found: the rounds (description and questions), the
published responses (only their published, redacted text: never a held-back answer), and
for those who answer for an organisation or a municipality, their own response as it
stands (a draft too), which no one else finds."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from consultations.models import Answer, Question, Response, Round
from consultations.services import respondents_for
from kulturportal import search
from kulturportal.models import Municipality


def round_documents(ids):
    rounds = Round.objects.select_related("plan").prefetch_related("questions").order_by("pk")
    if ids is not None:
        rounds = rounds.filter(pk__in=ids)
    for round in rounds:
        context = [str(round.get_kind_display()), round.theme]
        if round.plan:
            context.append(round.plan.title)
        body = [search.plain_text(round.description)]
        body += [f"{q.text} {q.help_text}" for q in round.questions.all()]
        yield search.Document(
            object_id=round.pk,
            title=round.title,
            url=round.get_absolute_url(),
            context=" ".join(filter(None, context)),
            body="\n".join(filter(None, body)),
            date=round.opens_at,
        )


def published_response_documents(ids):
    """Only what the published-responses page shows: the redacted text of a response that
    is published, and none of the answers held back."""
    responses = (
        Response.objects.published()
        .select_related("round", "organisation", "municipality")
        .order_by("pk")
    )
    if ids is not None:
        responses = responses.filter(pk__in=ids)
    for response in responses.iterator(chunk_size=1000):
        content = response.published_content or {}
        texts = [part.get("text", "") for part in content.get("answers", [])]
        yield search.Document(
            object_id=response.pk,
            title=response.respondent.name,
            url=f"{response.round.get_absolute_url()}svar/#svar-{response.pk}",
            context=f"{response.round.title} {response.registration_number or ''}",
            body="\n".join(filter(None, texts)),
            date=response.round.responses_published_at,
        )


def own_response_documents(ids):
    """The response as its own people see it on the form, draft or not: for them alone."""
    responses = (
        Response.objects.select_related("round", "organisation", "municipality")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("question__position", "pk"))
        )
        .order_by("pk")
    )
    if ids is not None:
        responses = responses.filter(pk__in=ids)
    for response in responses.iterator(chunk_size=1000):
        texts = [answer.value() for answer in response.answers.all()]
        if not any(texts):
            continue
        yield search.Document(
            object_id=response.pk,
            title=response.round.title,
            url=response.form_url(),
            audience=search.OWNER,
            organisation=response.organisation,
            municipality=response.municipality,
            context=f"{response.respondent.name} {response.get_status_display()}",
            body="\n".join(filter(None, texts)),
            date=response.updated_at,
        )


def _published_responses_of(round: Round):
    # Responses carry their round's title; only a published round's are in the index.
    if round.responses_published_at is None:
        return []
    return round.responses.values_list("pk", flat=True)


def answering_for(user) -> search.Owners:
    """Those who may open the response form: the same rule as the form's (services)."""
    organisations, municipalities = set(), set()
    for respondent in respondents_for(user):
        if isinstance(respondent, Municipality):
            municipalities.add(respondent.pk)
        else:
            organisations.add(respondent.pk)
    return organisations, municipalities


def register() -> None:
    search.register(
        search.Kind(
            name="samrad",
            label=_("Samråd och remisser"),
            build=round_documents,
            follows={Round: lambda r: [r.pk], Question: lambda q: [q.round_id]},
            order=30,
        )
    )
    search.register(
        search.Kind(
            name="svar",
            label=_("Publicerade svar"),
            build=published_response_documents,
            follows={
                Response: lambda r: [r.pk],
                Round: _published_responses_of,
            },
            order=40,
        )
    )
    search.register(
        search.Kind(
            name="eget-svar",
            label=_("Era egna svar"),
            build=own_response_documents,
            follows={Response: lambda r: [r.pk]},
            owners=answering_for,
            order=45,
        )
    )
