"""The follow-up's e-mails to the organisations, as unsaved outbox rows with dedupe keys (the
services queue them in their own transaction): the receipt of a submitted report, and the
official's decision on it."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from followup import metrics, numbers
from followup.checks import Finding
from followup.models import AnnualReport, ReportContent, ReportFile, ReportReview
from followup.values import ReportValues
from kulturportal.emails import templated_email


def _language(person) -> str:
    return getattr(person, "preferred_language", "") or "sv"


def form_url(report: AnnualReport, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(
            "followup:report_form", args=[report.round.year, report.organisation.slug]
        )


def figure_rows(values: ReportValues, language: str) -> list[tuple[str, str]]:
    """The report's main figures as (label, value) in the recipient's language; "ej
    redovisat" for what was left empty."""
    with translation.override(language):
        rows = []
        for figure in metrics.INCOME + metrics.ECONOMY:
            value = values.fields.get(figure.code)
            shown = _("ej redovisat") if value is None else numbers.show(value, language=language)
            if value is not None and figure.kind is numbers.MONEY:
                shown += " kr"
            rows.append((str(figure.label), shown))
        total = sum(values.municipal_income.values())
        if values.municipal_income:
            rows.append((_("Kommunernas bidrag"), numbers.show(total, language=language) + " kr"))
        if values.reach:
            rows.append(
                (
                    _("Tillfällen i Skånes kommuner"),
                    _("%(occasions)s i %(count)s kommuner")
                    % {
                        "occasions": numbers.show(values.total_occasions(), language=language),
                        "count": len(values.reach),
                    },
                )
            )
        return rows


def receipt_email(
    report: AnnualReport,
    submitted: ReportContent,
    values: ReportValues,
    found: list[Finding],
    files: list[ReportFile],
    person,
):
    language = _language(person)
    return templated_email(
        to=person.email,
        name="followup/emails/receipt",
        context={
            "report": report,
            "organisation": report.organisation,
            "round": report.round,
            "submission": submitted,
            "rows": figure_rows(values, language),
            "findings": found,
            "files": files,
            "recipient": person,
            "form_url": form_url(report, language),
        },
        language=language,
        dedupe_key=f"followup-receipt:{submitted.pk}:{person.pk}",
    )


def decision_email(report: AnnualReport, review: ReportReview, person):
    language = _language(person)
    name = (
        "followup/emails/approved"
        if review.decision == ReportReview.Decision.APPROVED
        else "followup/emails/returned"
    )
    return templated_email(
        to=person.email,
        name=name,
        context={
            "report": report,
            "organisation": report.organisation,
            "round": report.round,
            "review": review,
            "recipient": person,
            "form_url": form_url(report, language),
        },
        language=language,
        dedupe_key=f"followup-{review.decision}:{review.pk}:{person.pk}",
    )
