"""The consultations' rows of the permission matrix, and the arguments for their URLs."""

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
# Those who answer for exactly one organisation or municipality are sent on to its form;
# the politician and the official answer for no one and are told how to get a role.
CHOOSE = answers(
    "R",
    anonymous="L",
    nobody="200",
    official="200",
    ystad_politician="200",
    official_without_mfa="M",
)
# The folk high schools' own response: its representative, and no one else (404).
FOLK_FORM = answers("404", anonymous="L", folk_high_school_rep="200", official_without_mfa="M")
FOLK_POST = answers("404", anonymous="L", folk_high_school_rep="R", official_without_mfa="M")
# A draft's file: its own people only; the officials see files once they are submitted
# (issue 20: a draft is the organisation's own).
FOLK_FILE = answers("404", anonymous="L", folk_high_school_rep="200", official_without_mfa="M")

ROWS = {
    # The public side
    "consultations:round_list": (PUBLIC, READ_ONLY),
    "consultations:round_detail": (PUBLIC, READ_ONLY),
    "consultations:round_document": (PUBLIC, READ_ONLY),
    "consultations:published_responses": (PUBLIC, READ_ONLY),
    "consultations:report": (PUBLIC, READ_ONLY),
    "consultations:report_pdf": (PDF_GET, answers("R", official_without_mfa="M")),
    # Responding
    "consultations:respond_choose": (CHOOSE, LOGGED_IN_READ_ONLY),
    "consultations:respond": (FOLK_FORM, FOLK_POST),
    "consultations:respond_withdraw": (LOGGED_IN_READ_ONLY, FOLK_POST),
    "consultations:attachment_remove": (LOGGED_IN_READ_ONLY, FOLK_POST),
    "consultations:attachment_download": (FOLK_FILE, LOGGED_IN_READ_ONLY),
    # Regional officials
    "consultations:manage_rounds": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "consultations:round_create": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "consultations:round_manage": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "consultations:document_add": (LOGGED_IN_READ_ONLY, OFFICIALS_BAD_INPUT),
    "consultations:question_new": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "consultations:question_edit": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "consultations:question_delete": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "consultations:manage_responses": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "consultations:responses_export": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "consultations:manage_response": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "consultations:response_tags": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "consultations:response_note": (LOGGED_IN_READ_ONLY, OFFICIALS_BAD_INPUT),
    "consultations:response_disposition": (LOGGED_IN_READ_ONLY, OFFICIALS_BAD_INPUT),
    "consultations:response_publication": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "consultations:by_question": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "consultations:by_area": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "consultations:referral_board": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "consultations:remind": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "consultations:publication": (OFFICIALS, OFFICIALS_REDIRECT),
    "consultations:invitation": (OFFICIALS, OFFICIALS_REDIRECT),
    "consultations:report_manage": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
}

# The open data: the same for everyone (before MFA too).
ROWS.update(
    {
        name: before_mfa(PUBLIC, READ_ONLY)
        for name in ("api:round_list", "api:round_detail", "api:round_responses")
    }
)

ADMIN_ROWS: dict = {}


def build_world() -> dict:
    """The demo's rounds, and a draft from the folk high schools with a file attached."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consultations import demo, services
    from consultations.models import Response, Round
    from kulturportal.models import Organisation, User

    demo.seed_demo()
    open_round = Round.objects.get(slug="kulturplan-2029-2032")
    reported = Round.objects.get(slug="kulturplan-2025-2028")
    folk = Organisation.objects.get(name="Folkhögskolorna i Skåne")
    response = services.response_for(open_round, folk)
    attachment = services.add_attachment(
        response=response,
        upload=SimpleUploadedFile("yttrande.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        actor=User.objects.get(email="forening@example.se"),
    )
    return {
        "open_round": open_round,
        "reported_round": reported,
        "folk": folk,
        "folk_response": response,
        "folk_attachment": attachment,
        # Keys of their own: the apps' worlds share one dict (forums has a "document").
        "round_submitted": Response.objects.submitted().filter(round=reported).first(),
        "round_question": open_round.questions.first(),
        "round_document": open_round.documents.first(),
    }


def url_kwargs(name: str, world: dict) -> dict | None:
    api = {
        "api:round_list": {},
        "api:round_detail": {"slug": world["open_round"].slug},
        "api:round_responses": {"slug": world["reported_round"].slug},
    }
    if name in api:
        return api[name]
    if not name.startswith("consultations:"):
        return None
    open_slug = world["open_round"].slug
    reported = world["reported_round"].slug
    folk = {"slug": open_slug, "kind": "organisation", "respondent_slug": world["folk"].slug}
    by_name = {
        "consultations:round_list": {},
        "consultations:manage_rounds": {},
        "consultations:round_create": {},
        "consultations:round_document": {"slug": open_slug, "pk": world["round_document"].pk},
        "consultations:published_responses": {"slug": reported},
        "consultations:report": {"slug": reported},
        "consultations:report_pdf": {"slug": reported},
        "consultations:respond": folk,
        "consultations:respond_withdraw": folk,
        "consultations:attachment_remove": {**folk, "pk": world["folk_attachment"].pk},
        "consultations:attachment_download": {"pk": world["folk_attachment"].pk},
        "consultations:question_edit": {"slug": open_slug, "pk": world["round_question"].pk},
        "consultations:question_delete": {"slug": open_slug, "pk": world["round_question"].pk},
        "consultations:responses_export": {"slug": reported, "fmt": "xlsx"},
    }
    response_pages = {
        "manage_response",
        "response_tags",
        "response_note",
        "response_disposition",
        "response_publication",
    }
    if name.removeprefix("consultations:") in response_pages:
        return {"slug": reported, "pk": world["round_submitted"].pk}
    return by_name.get(name, {"slug": open_slug})
