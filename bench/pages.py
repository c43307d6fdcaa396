"""What the bench drives, who is logged in for it, and the target each page must meet."""

import os
from dataclasses import dataclass

BASELINE_PATH = "/bench/baseline/"  # served by bench/urls.py only
LUND_CHIEF = "kulturchef.lund@example.se"
REGIONAL_OFFICIAL = "handlaggare@example.se"
P95_TARGET_MS = 50


# Placeholders in a page's path, found in each scale's database by bench/probe.py.
PUBLIC_MEETING = "<public-meeting>"  # the next public sub-regional round of the volume
BUSIEST_MEETING = "<busiest-meeting>"  # the volume meeting with the most invitations
BIGGEST_PLAN = "<biggest-plan>"  # the volume plan with the most development areas
BIGGEST_ROUND = "<biggest-round>"  # the volume consultation round with the most responses


@dataclass(frozen=True)
class Page:
    path: str  # may hold a placeholder above; the report shows it as written here
    persona: str | None = None  # the demo login whose session the page is fetched with
    who: str = ""  # told apart in the report when one path is driven for two personas

    @property
    def key(self) -> str:
        """The page's name in the figures: its path, and whose page it is if that differs."""
        return f"{self.path} ({self.who})" if self.who else self.path

    @property
    def ratio_target(self) -> float:
        """The least share of the baseline's requests/s the page must reach at 8 connections:
        a public page is served from the cache; a logged-in one is rendered (issue 23: a
        well-built 50-row Django page reaches about 0.19)."""
        return 0.5 if self.persona is None else 0.1

    @property
    def p95_at_one(self) -> bool:
        """Whether the p95 target holds for one request at a time (a logged-in page, whose
        service time it is) or at 8 connections (a public page, served from the cache)."""
        return self.persona is not None


BASELINE = Page(BASELINE_PATH)
PAGES = [
    Page("/"),
    Page("/kommuner/"),
    Page("/kommuner/lund/"),
    Page("/tillganglighet/"),
    Page("/en/kommuner/"),
    Page("/min-sida/", REGIONAL_OFFICIAL, who="official"),
    Page("/min-sida/", LUND_CHIEF, who="Lund's chief"),
    Page("/hantera/inbjudningar/", REGIONAL_OFFICIAL),
    Page("/overlaggningar/"),
    Page(f"/overlaggningar/{PUBLIC_MEETING}/"),
    Page(f"/overlaggningar/{BUSIEST_MEETING}/svar/", REGIONAL_OFFICIAL),
    Page("/kulturplan/2029-2032/"),
    Page("/kulturplan/2029-2032/prioriteringar/"),
    Page(f"/kulturplan/{BIGGEST_PLAN}/"),
    Page(f"/kulturplan/{BIGGEST_PLAN}/prioriteringar/"),
    Page("/kommuner/lund/prioriteringar/", LUND_CHIEF),
    Page("/kulturplan/2029-2032/hantera/inrapportering/", REGIONAL_OFFICIAL),
    Page(f"/samrad/{BIGGEST_ROUND}/hantera/svar/", REGIONAL_OFFICIAL),
]
# The consultations' pages, which `BENCH_ONLY=consultations` drives alone.
CONSULTATION_PAGES = [page for page in PAGES if page.path.startswith("/samrad/")]
# The six logged-in pages of issue 23 (Min sida twice: the official's and Lund's chief's), whose
# before/after table `BENCH_ONLY=pages` measures on its own.
ISSUE_PAGES = [page for page in PAGES if page.persona]
PERSONAS = sorted({page.persona for page in PAGES if page.persona})


def pages_to_drive() -> list[Page]:
    """The pages this run drives: all of them, or the part BENCH_ONLY names."""
    only = os.environ.get("BENCH_ONLY", "")
    if only == "pages":
        return ISSUE_PAGES
    if only == "consultations":
        return CONSULTATION_PAGES
    return PAGES


def resolve(path: str) -> str:
    """The path with its placeholder replaced by a meeting's key, a plan's or a round's
    slug. Needs Django set up."""
    if PUBLIC_MEETING in path:
        return path.replace(PUBLIC_MEETING, str(_public_meeting()))
    if BUSIEST_MEETING in path:
        return path.replace(BUSIEST_MEETING, str(_busiest_meeting()))
    if BIGGEST_PLAN in path:
        return path.replace(BIGGEST_PLAN, _biggest_plan())
    if BIGGEST_ROUND in path:
        return path.replace(BIGGEST_ROUND, biggest_round().slug)
    return path


def _biggest_plan() -> str:
    from django.db.models import Count

    from kulturplan.models import CulturePlan

    plan = (
        CulturePlan.objects.filter(slug__startswith="volym-")
        .annotate(areas=Count("development_areas"))
        .order_by("-areas", "-starts_year")
        .first()
    )
    if plan is None:
        raise SystemExit("No plan in the volume: did seed_volume run?")
    return plan.slug


def _volume_meetings():
    from forums.models import Meeting
    from kulturportal.volume import VOLUME_DOMAIN

    return Meeting.objects.filter(organiser__email__endswith="@" + VOLUME_DOMAIN)


def _public_meeting() -> int:
    from django.utils import timezone

    from forums.models import ForumType

    upcoming = _volume_meetings().public().filter(starts_at__gte=timezone.now())
    rounds = upcoming.filter(forum_type=ForumType.SUB_REGIONAL)
    meeting = (rounds if rounds.exists() else upcoming).order_by("starts_at", "pk").first()
    if meeting is None:
        raise SystemExit("No public upcoming meeting in the volume: did seed_volume run?")
    return meeting.pk


def _busiest_meeting() -> int:
    from django.db.models import Count

    busiest = (
        _volume_meetings()
        .annotate(invited=Count("invitations"))
        .order_by("-invited", "starts_at", "pk")
        .first()
    )
    if busiest is None:
        raise SystemExit("No meeting in the volume: did seed_volume run?")
    return busiest.pk


def invitations(path: str) -> int:
    """How many the meeting in a resolved path invited. Needs Django set up."""
    from forums.models import Invitation

    pk = int(path.split("/overlaggningar/", 1)[1].split("/", 1)[0])
    return Invitation.objects.filter(meeting_id=pk).count()


def biggest_round():
    """The volume round with the most responses. Needs Django set up."""
    from django.db.models import Count

    from consultations.models import Round
    from consultations.volume import volume_rounds

    round = (
        volume_rounds().annotate(n=Count("responses")).order_by("-n", "slug").first()
        or Round.objects.annotate(n=Count("responses")).order_by("-n", "slug").first()
    )
    if round is None:
        raise SystemExit("No consultation round in the database: did seed_volume run?")
    return round
