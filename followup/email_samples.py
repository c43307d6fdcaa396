"""Sample contexts for the follow-up's e-mails, for `manage.py render_emails`; no database."""

from django.conf import settings

from followup.checks import Finding
from followup.models import AnnualReport, ReportContent, ReportFile, ReportingRound, ReportReview
from kulturportal.boards import Contact
from kulturportal.email_samples import register, sample_time, sample_user
from kulturportal.models import Organisation

FORM_URL = f"{settings.SITE_URL}/uppfoljning/2025/rapport/malmo-opera/"


def _round() -> ReportingRound:
    return ReportingRound(pk=1, year=2025, deadline=sample_time(31, 23, 59), jump_threshold=30)


def _report() -> AnnualReport:
    organisation = Organisation(pk=1, name="Malmö Opera", slug="malmo-opera")
    return AnnualReport(pk=1, round=_round(), organisation=organisation)


def _receipt() -> dict:
    report = _report()
    submission = ReportContent(
        pk=1,
        report=report,
        number=2,
        submitted_at=sample_time(20, 14, 5),
        submitted_by_label="Olle Operasson <operan@example.se>",
    )
    return {
        "report": report,
        "organisation": report.organisation,
        "round": report.round,
        "submission": submission,
        "rows": [
            ("Statliga medel genom kultursamverkansmodellen", "42 000 000 kr"),
            ("Region Skånes bidrag", "118 500 000 kr"),
            ("Egna intäkter", "ej redovisat"),
            ("Tillfällen i Skånes kommuner", "412 i 19 kommuner"),
        ],
        "findings": [
            Finding(
                "jump__income_own",
                "income_own",
                "Siffran har ökat med 45 % jämfört med 2024 (41 000 000 → 59 450 000). "
                "Skriv en kort förklaring.",
                "Jubileumssäsongen <sålde> fler biljetter.",
            )
        ],
        "files": [
            ReportFile(kind=ReportFile.Kind.ANNUAL_REPORT, filename="arsredovisning-2025.pdf"),
            ReportFile(kind=ReportFile.Kind.ACTIVITY_REPORT, filename="verksamhet-2025.pdf"),
        ],
        "recipient": sample_user(pk=9, email="operan@example.se", first_name="Olle"),
        "form_url": FORM_URL,
    }


def _review(decision: str, comment: str) -> dict:
    report = _report()
    official = sample_user(
        pk=2, email="hanna.berg@example.se", first_name="Hanna", last_name="Berg"
    )
    review = ReportReview(
        pk=1,
        report=report,
        content=ReportContent(number=2),
        decision=decision,
        comment=comment,
        decided_by=official,
    )
    return {
        "report": report,
        "organisation": report.organisation,
        "round": report.round,
        "review": review,
        "recipient": sample_user(pk=9, email="operan@example.se", first_name="Olle"),
        "form_url": FORM_URL,
    }


def _returned() -> dict:
    return _review(
        ReportReview.Decision.RETURNED,
        "Publiksiffran för barn och unga saknas. Fyll i den & skicka in igen.",
    )


def _approved() -> dict:
    return _review(ReportReview.Decision.APPROVED, "")


def _reminder() -> dict:
    report = _report()
    return {
        "round": report.round,
        "organisation": report.organisation,
        "recipient": Contact("operan@example.se", "Olle Operasson", "sv", "Olle"),
        "returned": False,
        "form_url": FORM_URL,
    }


def _round_opened() -> dict:
    report = _report()
    return {
        "round": report.round,
        "organisation": report.organisation,
        "recipient": Contact("operan@example.se", "Olle Operasson", "sv", "Olle"),
        "form_url": FORM_URL,
    }


register("followup/emails/receipt", _receipt)
register("followup/emails/returned", _returned)
register("followup/emails/approved", _approved)
register("followup/emails/reminder", _reminder)
register("followup/emails/round_opened", _round_opened)
