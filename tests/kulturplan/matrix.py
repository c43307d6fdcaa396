"""The plan's rows of the permission matrix, and the arguments for their URLs."""

from tests.matrix import (
    LOGGED_IN_READ_ONLY,
    OFFICIALS,
    OFFICIALS_REDIRECT,
    PUBLIC,
    READ_ONLY,
    answers,
    before_mfa,
)

# The render waits for the worker (202), which in a test transaction never comes.
PDF_GET = answers("202", official_without_mfa="M")
# Lund's page: its culture chief and the officials; everyone else 404, not a hint.
LUNDS_PAGE = answers(
    "404", anonymous="L", official="200", lund_chief="200", official_without_mfa="M"
)
# An empty form from Lund's culture chief is refused as bad input (400); the official may
# read Lund's priorities but not change them (403).
LUNDS_FORM = answers(
    "404", anonymous="L", official="403", lund_chief="400", official_without_mfa="M"
)
OFFICIALS_BAD_INPUT = {**OFFICIALS, "official": "400"}

ROWS = {
    # The public side
    "kulturplan:plan_current": (PUBLIC, READ_ONLY),
    "kulturplan:plan_detail": (PUBLIC, READ_ONLY),
    "kulturplan:plan_activity_area": (PUBLIC, READ_ONLY),
    "kulturplan:plan_diff": (PUBLIC, READ_ONLY),
    "kulturplan:plan_pdf": (PDF_GET, answers("R", official_without_mfa="M")),
    "kulturplan:overview": (PUBLIC, READ_ONLY),
    "kulturplan:overview_export": (PUBLIC, READ_ONLY),
    # A municipality's own priorities
    "kulturplan:priorities": (LUNDS_PAGE, LUNDS_FORM),
    # Regional officials manage the plan
    "kulturplan:manage_plan": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "kulturplan:plan_status": (LOGGED_IN_READ_ONLY, OFFICIALS_BAD_INPUT),
    "kulturplan:plan_version": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "kulturplan:window_open": (LOGGED_IN_READ_ONLY, OFFICIALS_BAD_INPUT),
    "kulturplan:window_close": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "kulturplan:section_new": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "kulturplan:section_edit": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "kulturplan:area_new": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "kulturplan:area_edit": (OFFICIALS, OFFICIALS_BAD_INPUT),
    "kulturplan:completion_board": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "kulturplan:send_reminders": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    # On the forums' side: a thematic network from shared priorities (an empty form: 404)
    "forums:network_from_priorities": (LOGGED_IN_READ_ONLY, {**OFFICIALS, "official": "404"}),
}

# The open data: the same for everyone (before MFA too).
API_NAMES = (
    "plan_list",
    "plan_detail",
    "plan_sections",
    "plan_development_areas",
    "plan_version",
    "plan_priorities",
)
ROWS.update({f"api:{name}": before_mfa(PUBLIC, READ_ONLY) for name in API_NAMES})

ADMIN_ROWS: dict = {}


def build_world() -> dict:
    """The demo's two plans: 2025–2028 adopted, 2029–2032 a draft with its window open."""
    from kulturplan.demo import seed_demo
    from kulturplan.models import CulturePlan

    seed_demo()
    draft = CulturePlan.objects.get(slug="2029-2032")
    adopted = CulturePlan.objects.get(slug="2025-2028")
    return {
        "draft_plan": draft,
        "adopted_plan": adopted,
        "section": draft.sections.first(),
        "area": draft.development_areas.first(),
        "closed_window": adopted.registration_windows.first(),
    }


def url_kwargs(name: str, world: dict) -> dict | None:
    if name.removeprefix("api:") in API_NAMES and name.startswith("api:"):
        if name == "api:plan_list":
            return {}
        if name == "api:plan_version":
            return {"slug": world["adopted_plan"].slug, "number": 1}
        return {"slug": world["draft_plan"].slug}
    if not name.startswith("kulturplan:") and name != "forums:network_from_priorities":
        return None
    draft = world["draft_plan"].slug
    by_name = {
        "kulturplan:plan_current": {},
        "kulturplan:plan_create": {},
        "kulturplan:section_delete": {"slug": draft, "pk": world["section"].pk},
        "kulturplan:area_delete": {"slug": draft, "pk": world["area"].pk},
        "forums:network_from_priorities": {},
        "kulturplan:plan_activity_area": {"slug": draft, "code": "film"},
        "kulturplan:overview_export": {"slug": draft, "fmt": "csv"},
        "kulturplan:priorities": {"slug": "lund"},
        "kulturplan:window_close": {
            "slug": world["adopted_plan"].slug,
            "pk": world["closed_window"].pk,
        },
        "kulturplan:section_edit": {"slug": draft, "pk": world["section"].pk},
        "kulturplan:area_edit": {"slug": draft, "pk": world["area"].pk},
    }
    return by_name.get(name, {"slug": draft})


ROWS.update(
    {
        "kulturplan:plan_create": (OFFICIALS, OFFICIALS_BAD_INPUT),
        "kulturplan:section_delete": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
        "kulturplan:area_delete": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    }
)
