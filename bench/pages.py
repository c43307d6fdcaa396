"""What the bench drives, who is logged in for it, and the target each page must meet."""

from dataclasses import dataclass

BASELINE_PATH = "/bench/baseline/"  # served by bench/urls.py only
LUND_CHIEF = "kulturchef.lund@example.se"
REGIONAL_OFFICIAL = "handlaggare@example.se"
P95_TARGET_MS = 50


@dataclass(frozen=True)
class Page:
    path: str
    persona: str | None = None  # the demo login whose session the page is fetched with

    @property
    def ratio_target(self) -> float:
        """The least share of the baseline's requests/s the page must reach."""
        return 0.5 if self.persona is None else 0.2


BASELINE = Page(BASELINE_PATH)
PAGES = [
    Page("/"),
    Page("/kommuner/"),
    Page("/kommuner/lund/"),
    Page("/tillganglighet/"),
    Page("/en/kommuner/"),
    Page("/min-sida/", LUND_CHIEF),
    Page("/hantera/inbjudningar/", REGIONAL_OFFICIAL),
]
PERSONAS = sorted({page.persona for page in PAGES if page.persona})
