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


LONG_ADDRESS = "anna-karin.lindqvist-akerstrom@kulturforvaltningen.helsingborg.se"
OTHER_LONG_ADDRESS = "kommunikationsavdelningen.kulturnamnden@regionskane-exempel.se"


def _narrow_problems(journey, paths) -> dict:
    page, problems = journey.page, {}
    for path in paths:
        journey.visit(path)
        page.set_viewport_size(NARROW)
        wide = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        if wide:
            problems[path] = _overflowing(page)[:5] or page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.scrollWidth > e.clientWidth + 1 && !e.closest('.table-scroll')
                                 && getComputedStyle(e).overflowX !== 'auto')
                    .slice(-3).map(e => e.tagName.toLowerCase() + '.' + e.className)"""
            )
    return problems


def test_the_audience_and_manage_pages_fit_at_320_px_with_long_addresses(journey, site, settings):
    """Defect (issue 20, item 19): /malgrupp/ and /hantera/ ran to 331 and 322 px: a pasted
    address and an invitee's address in the history cannot break at 320 px."""
    from forums import services
    from forums.demo import seed_forums
    from forums.models import Audience, AudienceRule, Meeting
    from kulturportal.models import User
    from tests.browser.journey import log_in

    settings.MFA_REQUIRED_FOR_OFFICIALS = False
    seed_forums()
    round_ = Meeting.objects.get(forum_type="delregional")
    AudienceRule.objects.create(
        meeting=round_,
        kind=Audience.EMAILS,
        emails=f"Anna-Karin Lindqvist-Åkerström <{LONG_ADDRESS}>\n{OTHER_LONG_ADDRESS}",
    )
    people = AudienceRule.objects.create(meeting=round_, kind=Audience.PEOPLE)
    people.people.set(User.objects.all()[:4])
    services.schedule_and_invite(
        meeting=round_, actor=User.objects.get(email="handlaggare@example.se")
    )
    invitation = round_.invitations.get(email=LONG_ADDRESS)
    services.record_reply(
        invitation=invitation, response="accepted", session=round_.sessions.first(), actor=None
    )
    log_in(journey, "handlaggare@example.se")
    problems = _narrow_problems(
        journey,
        [
            f"/overlaggningar/{round_.pk}/malgrupp/",
            f"/overlaggningar/{round_.pk}/hantera/",
            f"/en/overlaggningar/{round_.pk}/malgrupp/",
            f"/en/overlaggningar/{round_.pk}/hantera/",
            f"/overlaggningar/{round_.pk}/stall-in/",
        ],
    )
    assert not problems, problems


def test_the_pages_issue_20_added_fit_at_320_px(journey, site, settings):
    """The attendance page with its walk-in form, cancelling with a reason and its
    confirmation, the adjuster's page, published minutes, the reply page of a round and
    Min sida with its minutes panel."""
    from datetime import timedelta

    from django.utils import timezone

    from forums import services
    from forums.demo import seed_forums
    from forums.models import Adjustment, Meeting, Minutes
    from kulturportal.models import User
    from tests.browser.journey import log_in

    settings.MFA_REQUIRED_FOR_OFFICIALS = False
    seed_forums()
    official = User.objects.get(email="handlaggare@example.se")
    lund = User.objects.get(email="kulturchef.lund@example.se")
    round_ = Meeting.objects.get(forum_type="delregional")
    annual = Meeting.objects.get(forum_type="arlig")
    services.schedule_and_invite(meeting=round_, actor=official)
    chief = round_.invitations.get(email=lund.email)
    services.record_reply(
        invitation=chief, response="accepted", session=round_.sessions.last(), actor=None
    )
    Meeting.objects.filter(pk=annual.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    minutes = Minutes.objects.create(
        meeting=annual, text="## Närvarande\n\n- Lund\n- Malmö\n\n## Beslut\n\nVi ses i mars."
    )
    services.send_minutes_for_review(minutes=minutes, adjusters=[lund], actor=official)

    log_in(journey, "handlaggare@example.se")
    problems = _narrow_problems(
        journey,
        [
            f"/overlaggningar/{annual.pk}/narvaro/",
            f"/overlaggningar/{annual.pk}/minnesanteckningar/",
            f"/overlaggningar/{round_.pk}/stall-in/",
            f"/overlaggningar/{round_.pk}/hantera/",
        ],
    )
    # The confirmation step of cancelling, reached by the form's own button.
    journey.visit(f"/overlaggningar/{round_.pk}/stall-in/")
    journey.page.fill("textarea[name=reason]", "Lokalen är inte tillgänglig. " * 10)
    journey.click(journey.page.locator("main form button[type=submit]").first)
    journey.page.set_viewport_size(NARROW)
    assert "Ja, ställ in mötet" in journey.page.content()
    if journey.page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    ):
        problems["cancel confirmation"] = _overflowing(journey.page)[:5]
    journey.page.set_viewport_size({"width": 1280, "height": 800})
    journey.page.context.clear_cookies()

    log_in(journey, lund.email)
    problems |= _narrow_problems(
        journey,
        [
            "/min-sida/",
            f"/overlaggningar/{annual.pk}/minnesanteckningar/justera/",
            chief.reply_path(),
        ],
    )
    Adjustment.objects.update(approved_at=timezone.now())
    services.publish_minutes(minutes=minutes, actor=official)
    problems |= _narrow_problems(journey, [annual.get_absolute_url(), round_.get_absolute_url()])
    assert not problems, problems


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
    problems = _narrow_problems(
        journey,
        [
            "/uppfoljning/",
            f"/uppfoljning/{current}/?omrade=teater-dans-musik",
            f"/uppfoljning/{earlier}/organisationer/regionmuseet-skane/",
            "/kulturplan/2025-2028/",
        ],
    )
    log_in(journey, "operan@example.se")
    problems |= _narrow_problems(journey, [f"/uppfoljning/{current}/rapport/malmo-opera/"])
    journey.click(journey.page.get_by_role("button", name="Logga ut"))
    log_in(journey, "handlaggare@example.se")
    problems |= _narrow_problems(
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


def test_min_sida_fits_at_320_px_with_a_100_letter_name(journey, site):
    """Defect (found in the issue 20 run): "Inloggad som <a 100-letter name>" ran past the
    edge of Min sida at 320 px: a name without a break must still wrap."""
    from kulturportal.demo import DEMO_PASSWORD
    from tests.browser.journey import log_in
    from tests.factories import UserFactory

    seed_demo()
    person = UserFactory(first_name="Å" + "a" * 99, last_name="B" * 100)
    person.set_password(DEMO_PASSWORD)
    person.save()
    log_in(journey, person.email)
    assert not _narrow_problems(journey, ["/min-sida/", "/konto/email/"])
