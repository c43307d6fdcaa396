"""Every response of a round as a spreadsheet, built in the background by the core
(kulturportal.background_exports) and written through the core exporter, so formulas in
people's text are neutralised. Rows are read in chunks: memory stays flat with the count."""

import gc

from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.filters import filtered_responses
from consultations.models import Disposition, Response, Round
from kulturportal.background_exports import ExportRows

EXPORT_NAME = "consultations.responses"
CHUNK = 500


def export_filename(round: Round, fmt: str) -> str:
    return f"svar-{round.slug}-{timezone.localdate():%Y%m%d}.{fmt}"


def build(params: dict) -> ExportRows:
    round = Round.objects.get(pk=params["round"])
    questions = list(round.questions.all())
    _form, responses = filtered_responses(round, params.get("filters") or {})
    headers = [
        _("Diarienummer"),
        _("Svarande"),
        _("Typ"),
        _("Kommun"),
        _("Delregion"),
        _("Status"),
        _("Inskickat"),
        _("Version"),
        _("Etiketter"),
        _("Ställningstagande"),
        _("Motivering"),
        _("Bilagor"),
    ]
    for number, question in enumerate(questions, start=1):
        headers += [
            f"{number}. {question.text}",
            _("Ställningstagande fråga %(n)s") % {"n": number},
        ]
    return ExportRows(
        headers=headers,
        rows=_rows(responses, questions),
        total=responses.count(),  # type: ignore[attr-defined]
        sheet_title=_("Svar"),
        widths=[14, 30, 18, 16, 18, 12, 18, 8, 20, 18, 40, 30] + [60, 30] * len(questions),
    )


def _rows(responses, questions):
    all_dispositions = Disposition.objects.all()
    # The list's own prefetches are replaced by those the export needs; only the export
    # reads the submitted content.
    responses = (
        responses.select_related("current_submission")
        .prefetch_related(None)
        .prefetch_related("tags", _dispositions(all_dispositions))
    )
    for count, response in enumerate(responses.iterator(chunk_size=CHUNK), start=1):
        yield _row(response, questions)
        # The prefetched rows point back at their response: cycles that only the garbage
        # collector frees. Dropped and collected per chunk, memory stays flat with the count.
        response._prefetched_objects_cache = {}
        response.all_dispositions = []
        if count % CHUNK == 0:
            gc.collect()


def _dispositions(queryset):
    from django.db.models import Prefetch

    return Prefetch("dispositions", queryset, to_attr="all_dispositions")


def _row(response: Response, questions) -> list:
    content = response.current_submission.content if response.current_submission else {}
    answers = {item["question"]: item for item in content.get("answers", [])}
    dispositions = {d.question_id: d for d in response.all_dispositions}  # type: ignore[attr-defined]
    overall = dispositions.get(None)
    respondent = response.respondent
    municipality = response.municipality or getattr(respondent, "host_municipality", None)
    row = [
        response.registration_number or "",
        str(respondent),
        _("Kommun") if response.municipality_id else respondent.get_kind_display(),
        municipality.name if municipality else "",
        str(response.municipality.sub_region) if response.municipality else "",
        response.get_status_display(),
        timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M")
        if response.submitted_at
        else "",
        response.current_submission.number if response.current_submission else "",
        ", ".join(t.name for t in response.tags.all()),
        overall.get_outcome_display() if overall else "",
        overall.reason if overall else "",
        ", ".join(a["filename"] for a in content.get("attachments", [])),
    ]
    for question in questions:
        item = answers.get(question.pk, {})
        disposition = dispositions.get(question.pk)
        row += [
            item.get("text") or "\n".join(item.get("choices", [])),
            disposition.get_outcome_display() if disposition else "",
        ]
    return row
