"""A test's walk through the site: every page it reaches is photographed and checked."""

import re
from urllib.parse import urlsplit

import pytest

from kulturportal.demo import DEMO_PASSWORD
from tests.browser.checks import TALLY, HtmlBatch, axe_violations, describe_axe

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 740}


class Journey:
    def __init__(self, page, base_url: str, out_dir, axe_source: str, html: HtmlBatch):
        self.page = page
        self.base_url = base_url
        self.out_dir = out_dir
        self.axe_source = axe_source
        self.html = html
        self.steps = 0

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def visit(self, path: str, status: int = 200):
        """Open a path by address, as if typed or bookmarked."""
        response = self.page.goto(self.base_url + path)
        return self.arrived(response, status)

    def click(self, locator, status: int = 200):
        """Click a link or a submit button and check the page it leads to."""
        return self.navigate(locator.click, status)

    def navigate(self, action, status: int = 200):
        """Run what leads to another page (a click, a key press) and check that page."""
        with self.page.expect_navigation() as navigation:
            action()
        return self.arrived(navigation.value, status)

    def arrived(self, response, status: int):
        assert response is not None, f"no response for {self.page.url}"
        assert response.status == status, (
            f"{response.request.method} {response.url} answered {response.status}, "
            f"expected {status}"
        )
        self.check_page(response)
        return response

    def check_page(self, response) -> None:
        self.steps += 1
        name = f"{self.steps:02d}-{_slug(self.path)}"
        problems, found = [], 0
        for label, size in (("1280", DESKTOP), ("375", MOBILE)):
            self.page.set_viewport_size(size)
            self.page.screenshot(path=self.out_dir / f"{name}-{label}.png", full_page=True)
            # Layout differs by width (wrapping, target sizes), so axe looks at both.
            violations = axe_violations(self.page, self.axe_source)
            found += len(violations)
            if violations:
                problems.append(describe_axe(violations, f"{self.page.url} at {label} px"))
        self.page.set_viewport_size(DESKTOP)
        TALLY.axe_pages += 1
        TALLY.axe_violations += found
        # What the server sent, not the DOM after scripts: that is what vnu should judge.
        self.html.add(self.out_dir / f"{name}.html", response.text(), self.page.url)
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)


def log_in(journey: Journey, email: str, password: str = DEMO_PASSWORD):
    """Log in through the real form; returns the response of the page it lands on."""
    journey.visit("/konto/login/")
    form = journey.page.locator("main form")
    form.locator("[name=login]").fill(email)
    form.locator("[name=password]").fill(password)
    return journey.click(form.locator("button[type=submit]"))


def has_focus(page, selector: str) -> bool:
    return page.evaluate("(selector) => document.activeElement.matches(selector)", selector)


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
