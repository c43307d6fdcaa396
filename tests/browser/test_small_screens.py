"""Nothing overflows sideways at 320 px, the narrowest width WCAG's reflow asks for."""

import pytest

from kulturplan.demo import seed_demo
from kulturportal import search

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
    "/sok/?q=bibliotek",
    "/oppna-data/",
    "/organisationer/folkhogskolorna-i-skane/",
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
    search.rebuild()  # the search page with its hits
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


def _clipped(page) -> list[str]:
    """Elements whose own text is cut off: wider than their box with the overflow hidden,
    or running past the screen's edge inside a scroll region other than a matrix's (a
    two-dimensional table may scroll; a list of names may not)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => {
                if (e.closest('.visually-hidden') || e.closest('.matrix-scroll')) return false;
                if (e.getBoundingClientRect().width <= 1) return false;  // hidden but read
                const style = getComputedStyle(e);
                const hides = ['hidden', 'clip'].includes(style.overflowX)
                              || style.textOverflow === 'ellipsis';
                const clipped = hides && e.scrollWidth > e.clientWidth + 1
                                && !e.closest('.table-scroll');
                const pastTheEdge = e.closest('.table-scroll') && e.children.length === 0
                    && e.textContent.trim()
                    && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1;
                return clipped || pastTheEdge;
            })
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                      + (typeof e.className === 'string' && e.className ? '.' + e.className : '')
                      + ': ' + e.textContent.trim().slice(0, 40))"""
    )


def test_the_plans_pages_neither_overflow_nor_clip_at_320_px(journey, site, settings):
    """Defect (issue 20): at 320 px the comparison's area names were clipped on the
    priorities overview (Swedish and English), and the section titles on the plan's
    management page."""
    from tests.browser.journey import log_in

    settings.MFA_REQUIRED_FOR_OFFICIALS = False
    seed_demo()
    page = journey.page
    log_in(journey, "handlaggare@example.se")
    problems = {}
    for path in [
        "/kulturplan/2025-2028/prioriteringar/",
        "/kulturplan/2029-2032/prioriteringar/",
        "/en/kulturplan/2029-2032/prioriteringar/",
        "/kulturplan/2029-2032/hantera/",
        "/kulturplan/2029-2032/hantera/inrapportering/",
        "/en/kulturplan/2029-2032/hantera/",
    ]:
        journey.visit(path)
        page.set_viewport_size(NARROW)
        wide = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        found = (_overflowing(page)[:5] if wide else []) + _clipped(page)[:5]
        if found:
            problems[path] = found
    assert not problems, problems
