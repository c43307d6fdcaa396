"""The follow-up's rows of the permission matrix, and the arguments for their URLs.

The world: the follow-up's demo (two years of decisions, the earlier year's reports
approved, the current year's a mix), and the folk high schools funded in the current year
with a draft report and a file of their own: their representative is a persona, the other
representative is the same role for an organisation that is not funded.
"""

from tests.matrix import (
    LOGGED_IN_READ_ONLY,
    OFFICIALS,
    OFFICIALS_REDIRECT,
    PUBLIC,
    READ_ONLY,
    answers,
    before_mfa,
)

OFFICIALS_BAD_INPUT = {**OFFICIALS, "official": "400"}
# The render waits for the worker (202), which in a test transaction never comes.
PDF_GET = answers("202", official_without_mfa="M")
# The folk high schools' own report: its representative, and no one else (404).
FOLK_FORM = answers("404", anonymous="L", folk_high_school_rep="200", official_without_mfa="M")
# An empty POST lacks the form's version: refused as bad input.
FOLK_POST = answers("404", anonymous="L", folk_high_school_rep="400", official_without_mfa="M")
FOLK_REDIRECT = answers("404", anonymous="L", folk_high_school_rep="R", official_without_mfa="M")

ROWS = {
    # The public side: approved figures only
    "followup:overview_current": (PUBLIC, READ_ONLY),
    "followup:overview": (PUBLIC, READ_ONLY),
    "followup:organisation_figures": (PUBLIC, READ_ONLY),
    "followup:compilation_export": (PUBLIC, READ_ONLY),
    "followup:compilation_pdf": (PDF_GET, answers("R", official_without_mfa="M")),
    # A funded organisation's report: its own representatives
    "followup:report_form": (FOLK_FORM, FOLK_POST),
    "followup:report_file_remove": (LOGGED_IN_READ_ONLY, FOLK_REDIRECT),
    # A draft's file: the organisation's own, not yet the officials'
    "followup:report_file": (FOLK_FORM, LOGGED_IN_READ_ONLY),
    # Regional officials
    "followup:manage": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "followup:round_open": (LOGGED_IN_READ_ONLY, OFFICIALS_BAD_INPUT),
    "followup:decision_new": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "followup:decision_edit": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "followup:decision_delete": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "followup:decisions": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "followup:decisions_export": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "followup:import_upload": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "followup:import_preview": (OFFICIALS, OFFICIALS_REDIRECT),
    "followup:round_manage": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "followup:board": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "followup:remind": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "followup:review": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "followup:approve": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "followup:return_report": (LOGGED_IN_READ_ONLY, OFFICIALS_BAD_INPUT),
    "followup:distribution": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "followup:distribution_export": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "followup:distribution_confirm": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
}

# The open data: the same for everyone (before MFA too).
ROWS.update(
    {
        name: before_mfa(PUBLIC, READ_ONLY)
        for name in ("api:followup_years", "api:followup_reports", "api:followup_compilation")
    }
)

ADMIN_ROWS: dict = {}


def build_world() -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from followup import demo, services
    from followup.models import AnnualReport, FundingDecision, ReportingRound
    from kulturportal.models import Organisation, User
    from tests.followup import world

    demo.seed_demo()
    earlier, current = demo.years()
    official = User.objects.get(email="handlaggare@example.se")
    folk = Organisation.objects.get(name="Folkhögskolorna i Skåne")
    world.funded(folk, current, state={"bibliotek-litteratur": 1_000_000}, actor=official)
    report = services.report_for(ReportingRound.objects.get(year=current), folk)
    file = services.add_file(
        report=report,
        upload=SimpleUploadedFile("arsredovisning.pdf", world.PDF, "application/pdf"),
        kind="annual_report",
        actor=User.objects.get(email="forening@example.se"),
    )
    csv = "organisationsnummer;år;källa;verksamhetsområde;kommun;belopp\n".encode()
    stored = services.upload_decisions(
        upload=SimpleUploadedFile("beslut.csv", csv + b"802400-1235;2030;region;;;100\n"),
        actor=official,
    )
    return {
        "followup_years": (earlier, current),
        "followup_folk_file": file,
        "followup_import": stored,
        "followup_decision": FundingDecision.objects.get(year=current, organisation=folk),
        "followup_submitted": AnnualReport.objects.filter(
            round__year=current, status=AnnualReport.Status.SUBMITTED
        ).first(),
    }


def url_kwargs(name: str, world: dict) -> dict | None:
    earlier, current = world["followup_years"]
    api = {
        "api:followup_years": {},
        "api:followup_reports": {"year": earlier},
        "api:followup_compilation": {},
    }
    if name in api:
        return api[name]
    if not name.startswith("followup:"):
        return None
    folk = {"year": current, "slug": "folkhogskolorna-i-skane"}
    submitted = {"year": current, "pk": world["followup_submitted"].pk}
    by_name = {
        "followup:overview_current": {},
        "followup:compilation_pdf": {},
        "followup:manage": {},
        "followup:round_open": {},
        "followup:decision_new": {},
        "followup:import_upload": {},
        "followup:overview": {"year": earlier},
        "followup:organisation_figures": {"year": earlier, "slug": "malmo-opera"},
        "followup:compilation_export": {"fmt": "csv"},
        "followup:report_form": folk,
        "followup:report_file_remove": {**folk, "pk": world["followup_folk_file"].pk},
        "followup:report_file": {"pk": world["followup_folk_file"].pk},
        "followup:decision_edit": {"pk": world["followup_decision"].pk},
        "followup:decision_delete": {"pk": world["followup_decision"].pk},
        "followup:decisions": {"year": current},
        "followup:decisions_export": {"year": current, "fmt": "xlsx"},
        "followup:import_preview": {"token": world["followup_import"].token},
        "followup:review": submitted,
        "followup:approve": submitted,
        "followup:return_report": submitted,
    }
    return by_name.get(name, {"year": current})
