"""The officials' reading of the responses: tags, notes and dispositions (what was done
with each)."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from consultations.models import (
    Disposition,
    Note,
    Question,
    Response,
    Tag,
)
from kulturportal import audit
from kulturportal.caching import invalidate_public_pages_on_commit

audit.register_actions(
    {
        "response.tagged": gettext_lazy("Etiketter ändrade"),
        "response.noted": gettext_lazy("Anteckning skriven"),
        "response.disposed": gettext_lazy("Ställningstagande sparat"),
    },
    details={"tags": gettext_lazy("Etiketter"), "question": gettext_lazy("Fråga")},
)


@transaction.atomic
def set_tags(*, response: Response, names: list[str], actor) -> Response:
    before = sorted(t.name for t in response.tags.all())
    tags = []
    for name in {n.strip()[:60] for n in names if n.strip()}:
        tag, _created = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    response.tags.set(tags)
    after = sorted(t.name for t in tags)
    if before != after:
        audit.record("response.tagged", response, actor=actor, changes={"tags": [before, after]})
    return response


@transaction.atomic
def add_note(*, response: Response, text: str, actor) -> Note:
    note = Note.objects.create(response=response, author=audit.person(actor), text=text)
    audit.record("response.noted", response, actor=actor, details={"note": text[:300]})
    return note


@transaction.atomic
def set_disposition(
    *, response: Response, question: Question | None, outcome: str, reason: str, section, actor
) -> Disposition:
    disposition = Disposition.objects.filter(response=response, question=question).first()
    before = audit.snapshot(disposition, ["outcome", "reason", "section"]) if disposition else {}
    disposition = disposition or Disposition(response=response, question=question)
    disposition.outcome = outcome
    disposition.reason = reason
    disposition.section = section
    disposition.decided_by = audit.person(actor)
    disposition.save()
    audit.record(
        "response.disposed",
        response,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(disposition, ["outcome", "reason", "section"])),
        details={"question": question.text if question else ""},
    )
    invalidate_public_pages_on_commit()
    return disposition
