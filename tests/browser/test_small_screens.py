"""Nothing overflows sideways at 320 px, the narrowest width WCAG's reflow asks for."""

import pytest

from kulturplan.demo import seed_demo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NARROW = {"width": 320, "height": 640}
PAGES = [
    "/",
    "/tillganglighet/",
    "/personuppgifter/",
    "/kommuner/",
    "/kommuner/lund/",
    "/overlaggningar/",
    "/kulturplan/",
    "/kulturplan/2029-2032/prioriteringar/",
    "/konto/login/",
]


def _overflowing(page) -> list[str]:
    """The elements sticking out past the right edge, as tag#id.class."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                         && !e.closest('.table-scroll'))
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                      + (typeof e.className === 'string' && e.className
                         ? '.' + e.className : ''))"""
    )


def test_no_page_overflows_at_320_px(journey, site):
    """Defect (issue 11): the start page's and the accessibility statement's headings ran
    past the edge at 320 px."""
    seed_demo()
    page = journey.page
    problems = {}
    for path in PAGES:
        journey.visit(path)
        page.set_viewport_size(NARROW)
        wide = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        if wide:
            problems[path] = _overflowing(page)[:5]
    assert not problems, problems


def test_the_meeting_management_pages_fit_at_320_px(journey, site, settings):
    """The meeting form, the audience forms, the send page (with the framed e-mail) and
    the replies page (issue 11, section 4) fit a 320 px screen too."""
    from forums.demo import seed_forums
    from forums.models import Meeting
    from tests.browser.journey import log_in

    settings.MFA_REQUIRED_FOR_OFFICIALS = False
    seed_forums()
    round_ = Meeting.objects.get(forum_type="delregional")
    annual = Meeting.objects.get(forum_type="arlig")
    page = journey.page
    log_in(journey, "handlaggare@example.se")
    problems = {}
    for path in [
        "/overlaggningar/ny/",
        f"/overlaggningar/{round_.pk}/andra/",
        f"/overlaggningar/{annual.pk}/andra/",
        f"/overlaggningar/{round_.pk}/malgrupp/",
        f"/overlaggningar/{round_.pk}/skicka/",
        f"/overlaggningar/{annual.pk}/svar/",
    ]:
        journey.visit(path)
        page.set_viewport_size(NARROW)
        wide = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        if wide:
            problems[path] = _overflowing(page)[:5]
    assert not problems, problems


def _wide_pages(journey, paths) -> dict:
    page = journey.page
    problems = {}
    for path in paths:
        journey.visit(path)
        page.set_viewport_size(NARROW)
        wide = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        if wide:
            problems[path] = _overflowing(page)[:5]
    return problems


def test_the_follow_up_pages_fit_at_320_px(journey, site, settings):
    """The follow-up (issue 21): the public map and chart, an organisation's figures, the
    report form, and the officials' pages, with the demo's two years."""
    from followup import demo as followup_demo
    from followup.models import AnnualReport, FundingDecision
    from tests.browser.journey import log_in

    settings.MFA_REQUIRED_FOR_OFFICIALS = False
    seed_demo()
    followup_demo.seed_demo()
    earlier, current = followup_demo.years()
    submitted = AnnualReport.objects.filter(round__year=current, status="submitted").first()
    decision = FundingDecision.objects.filter(year=current).first()
    problems = _wide_pages(
        journey,
        [
            "/uppfoljning/",
            f"/uppfoljning/{current}/?omrade=teater-dans-musik",
            f"/uppfoljning/{earlier}/organisationer/regionmuseet-skane/",
            "/kulturplan/2025-2028/",
        ],
    )
    log_in(journey, "operan@example.se")
    problems |= _wide_pages(journey, [f"/uppfoljning/{current}/rapport/malmo-opera/"])
    journey.click(journey.page.get_by_role("button", name="Logga ut"))
    log_in(journey, "handlaggare@example.se")
    problems |= _wide_pages(
        journey,
        [
            "/uppfoljning/hantera/",
            f"/uppfoljning/hantera/beslut/ar/{current}/",
            "/uppfoljning/hantera/beslut/ny/",
            f"/uppfoljning/hantera/beslut/{decision.pk}/",
            "/uppfoljning/hantera/import/",
            f"/uppfoljning/{current}/hantera/",
            f"/uppfoljning/{current}/hantera/inrapportering/",
            submitted.review_url(),
            f"/uppfoljning/{current}/hantera/omradesfordelning/",
        ],
    )
    assert not problems, problems
