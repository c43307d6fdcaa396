"""The plan's world: the demo people and the two demo plans (2025–2028 adopted; 2029–2032 a
draft whose registration window is open now, in which Lund has not submitted), the personas
logged in, and the priorities form as a browser would post it."""

from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.utils import timezone

from kulturplan import demo as plan_demo
from kulturplan import services
from kulturplan.models import CulturePlan, Registration, RegistrationWindow
from kulturportal.models import Role, RoleAssignment
from tests.factories import UserFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(year, month, day, hour=0, minute=0, second=0) -> datetime:
    """A moment on the Swedish clock."""
    return datetime(year, month, day, hour, minute, second, tzinfo=STOCKHOLM)


# --- The plans -------------------------------------------------------------------------------


@pytest.fixture
def plans(demo):
    """Both demo plans, as `manage.py seed_demo` makes them."""
    plan_demo.seed_demo()
    return CulturePlan.objects.get(slug="2025-2028"), CulturePlan.objects.get(slug="2029-2032")


@pytest.fixture
def adopted_plan(plans):
    return plans[0]


@pytest.fixture
def draft_plan(plans):
    return plans[1]


@pytest.fixture
def window(draft_plan):
    """The draft plan's registration window, open now."""
    window = draft_plan.registration_windows.get()
    assert window.is_open()
    return window


@pytest.fixture
def close_window():
    """Move a window into the past: it closed an hour ago."""

    def close(window: RegistrationWindow) -> RegistrationWindow:
        now = timezone.now()
        RegistrationWindow.objects.filter(pk=window.pk).update(
            opens_at=now - timedelta(days=20), closes_at=now - timedelta(hours=1)
        )
        window.refresh_from_db()
        return window

    return close


@pytest.fixture
def lund_registration(draft_plan, lund):
    """Lund's (empty) registration in the draft plan: nothing saved, nothing submitted."""
    assert not Registration.objects.filter(plan=draft_plan, municipality=lund).exists()
    return services.registration_for(draft_plan, lund)


def area(plan, slug):
    return plan.development_areas.get(slug=slug)


def lines(plan, chosen: dict[str, tuple[int, str]]) -> list[services.Line]:
    """{area slug: (rank, motivation)} as the service's lines."""
    return [
        services.Line(development_area=area(plan, slug), rank=rank, motivation=motivation)
        for slug, (rank, motivation) in chosen.items()
    ]


@pytest.fixture
def save_as():
    """Save (or submit) priorities through the service, as someone."""

    def save(user, registration, chosen, *, submit=False, base_version=None, **kwargs):
        registration.refresh_from_db()
        return services.save_priorities(
            registration=registration,
            lines=lines(registration.plan, chosen),
            base_version=registration.version if base_version is None else base_version,
            submit=submit,
            actor=user,
            **kwargs,
        )

    return save


# --- The people ------------------------------------------------------------------------------


@pytest.fixture
def lund_official(lund, demo):
    """Lund's municipal official: prepares the draft with the culture chief, may not submit."""
    user = UserFactory(email="tjansteperson.lund@example.se", first_name="Tove", last_name="Lind")
    RoleAssignment.objects.create(user=user, role=Role.MUNICIPAL_OFFICIAL, municipality=lund)
    return user


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def lund_client(lund_chief):
    return _logged_in(lund_chief)


@pytest.fixture
def lund_official_client(lund_official):
    return _logged_in(lund_official)


@pytest.fixture
def malmo_client(malmo_chief):
    return _logged_in(malmo_chief)


@pytest.fixture
def official_client(official, settings):
    """The regional official, with TOTP, as production requires of officials."""
    settings.MFA_REQUIRED_FOR_OFFICIALS = True
    TOTP.activate(official, generate_totp_secret())
    return _logged_in(official)


# --- The priorities form ---------------------------------------------------------------------

PRIORITIES_URL = "/kommuner/{slug}/prioriteringar/"


@pytest.fixture
def priorities_form():
    """The priorities form as the browser posts it: one row per development area of the
    plan, in the plan's order. `chosen` is {area slug: (rank, motivation)}; `rows` overrides
    any field of a row by area slug, e.g. {"lasande": {"development_area": 99}}."""

    def build(
        plan,
        chosen: dict[str, tuple[object, str]],
        *,
        version,
        button="save",
        rows: dict[str, dict] | None = None,
        contact=("Lena Lundberg", "kulturchef.lund@example.se"),
    ) -> dict:
        areas = list(plan.development_areas.all())
        data = {
            "omrade-TOTAL_FORMS": str(len(areas)),
            "omrade-INITIAL_FORMS": str(len(areas)),
            "omrade-MIN_NUM_FORMS": "0",
            "omrade-MAX_NUM_FORMS": "200",
            "version": str(version),
            button: "1",
        }
        for index, development_area in enumerate(areas):
            prefix = f"omrade-{index}-"
            rank, motivation = chosen.get(development_area.slug, ("", ""))
            row = {
                "development_area": str(development_area.pk),
                "rank": str(rank),
                "motivation": motivation,
                "contact_name": contact[0],
                "contact_email": contact[1],
            }
            if development_area.slug in chosen:
                row["chosen"] = "on"
            row.update((rows or {}).get(development_area.slug, {}))
            data.update({prefix + name: value for name, value in row.items()})
        return data

    return build


# --- Reading pages ---------------------------------------------------------------------------


class Page(HTMLParser):
    """The tags of a page, with their attributes, and what each textarea holds."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.textareas: dict[str, str] = {}
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "textarea":
            self._textarea = attributes.get("name", "")
            self.textareas[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            # As in a browser: a newline right after <textarea> is not part of the value.
            text = self.textareas[self._textarea]
            self.textareas[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self.textareas[self._textarea] += data

    def value(self, name: str) -> str | None:
        """The value of the input called `name`."""
        for tag, attributes in self.tags:
            if tag == "input" and attributes.get("name") == name:
                return attributes.get("value", "")
        return None

    def checked(self, name: str) -> bool:
        return any(
            tag == "input" and a.get("name") == name and "checked" in a for tag, a in self.tags
        )


@pytest.fixture
def page():
    return Page
