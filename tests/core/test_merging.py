"""The merge's contract (kulturportal/merging.py), checked with random values: a merged
e-mail equals the templates rendered with the values, and a merged calendar equals
icalendar's rendering of the same event with the values, byte for byte."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event, vCalAddress, vText

from kulturportal.merging import (
    STAND_IN_ATTENDEE,
    STAND_IN_SEQUENCE,
    STAND_IN_UID,
    STAND_IN_URL,
    CalendarMerge,
    MailMerge,
    finish,
)

# What people's names hold: punctuation iCalendar and HTML escape, quotes, emoji (one of
# them joined), combining marks, right-to-left letters and an override, Swedish letters,
# white space of every kind; and any other character but surrogates.
AWKWARD = list(",;\\\"'<>&:^`=\n\r\t \u00a0\u202fåäöÅÄÖé🎭👩‍🎤\u0301\u0308\u05d0\u0627\u202e")
NAMES = st.text(
    alphabet=st.one_of(st.sampled_from(AWKWARD), st.characters(exclude_categories=["Cs"])),
    max_size=200,
)
# Å, Ä and Ö at every offset: a run of ASCII of any length before a long Swedish name, so
# the two-octet letters land on each side of iCalendar's 75-octet fold.
FOLDED = st.builds(lambda n, name: "x" * n + name, st.integers(0, 80), st.just("Åsa Öberg-Ärlig"))
ANY_NAME = st.one_of(NAMES, FOLDED)
# A reply link: what a signed token and a path are made of (no iCalendar TEXT escapes).
LINKS = st.from_regex(
    r"https://kultur\.example\.se/(en/)?svar/[A-Za-z0-9_-]{1,60}:[A-Za-z0-9_-]{1,40}/",
    fullmatch=True,
)


SUBJECT = "Inbjudan till {{ name }} – svara via {{ reply_url }}"
TEXT = "  Hej {{ name }}!\n\nSvara här: {{ reply_url }}\n\n{{ name }}, välkommen.\n"
HTML = '<p>Hej {{ name }}!</p>\n<p><a href="{{ reply_url }}">{{ reply_url }}</a></p>'


def _render(values: dict) -> tuple[str, str, str]:
    text = engines["text"]
    return (
        text.from_string(SUBJECT).render(values),
        text.from_string(TEXT).render(values),
        engines["django"].from_string(HTML).render(values),
    )


@settings(max_examples=300, deadline=None)
@given(name=ANY_NAME, reply_url=LINKS)
def test_a_merged_email_is_the_email_rendered_with_the_values(name, reply_url):
    merge = MailMerge("name", "reply_url")
    merged = merge.fill(
        _render({"name": merge["name"], "reply_url": merge["reply_url"]}),
        {
            "name": name,
            "reply_url": reply_url,
        },
    )
    assert merged == finish(*_render({"name": name, "reply_url": reply_url}))


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(name=ANY_NAME)
def test_a_merged_email_of_the_portal_is_the_portal_rendering(name):
    """The same with a template of the portal's that tests the value ({% if name %}): as
    delivery does, an empty name shares no rendering with a given one."""
    merge = MailMerge("name")
    context = {"invitation": {"name": name}, "meeting": {"title": "Årlig överläggning"}}
    stand_in = {**context, "invitation": {"name": merge["name"] if name else ""}}
    template = "forums/emails/_greeting.txt"
    merged = merge.fill(
        (
            engines["text"].get_template(template).render(stand_in),
            engines["text"].get_template(template).render(stand_in),
            engines["django"].get_template(template).render(stand_in),
        ),
        {"name": name},
    )
    alone = finish(
        engines["text"].get_template(template).render(context),
        engines["text"].get_template(template).render(context),
        engines["django"].get_template(template).render(context),
    )
    assert merged == alone


STAMP = datetime(2027, 3, 26, 8, 0, tzinfo=UTC)


def _calendar(*, uid, sequence, url, attendee) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Region Skåne//Kulturportalen//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", STAMP)
    event.add("dtstart", STAMP + timedelta(days=30))
    event.add("dtend", STAMP + timedelta(days=30, hours=3))
    event.add("summary", "Delregional överläggning, Kristianstad; med dagordning, och mer")
    event.add("description", f"Välj vilket delmöte du kommer till på svarssidan: {url}\n- Ystad")
    event.add("location", "Kulturhuset, Ystad")
    event.add("url", url)
    event.add("attendee", attendee)
    event.add("status", "TENTATIVE")
    calendar.add_component(event)
    return calendar


def _attendee(email: str, name: str) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{email}")
    attendee.params["cn"] = vText(name or email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("TRUE")
    return attendee


ADDRESSES = st.from_regex(
    r"[a-z0-9.]{1,30}@([a-z0-9-]{1,20}\.)?(example\.se|xn--skne-loa\.se)", fullmatch=True
)


@settings(max_examples=300, deadline=None)
@given(
    name=ANY_NAME,
    email=ADDRESSES,
    url=LINKS,
    sequence=st.integers(0, 10**6),
    uid=st.from_regex(r"[a-f0-9-]{8,40}@kulturportal\.skane\.se", fullmatch=True),
)
def test_a_merged_calendar_is_icalendars_rendering_with_the_values(name, email, url, sequence, uid):
    merge = CalendarMerge(
        _calendar(
            uid=STAND_IN_UID,
            sequence=STAND_IN_SEQUENCE,
            url=STAND_IN_URL,
            attendee=vCalAddress(STAND_IN_ATTENDEE),
        )
    )
    attendee = _attendee(email, name)
    merged = merge.fill(uid=uid, sequence=sequence, url=url, attendee=attendee)
    alone = _calendar(uid=uid, sequence=sequence, url=url, attendee=_attendee(email, name))
    assert merged == alone.to_ical().decode()


@pytest.mark.parametrize("value", ["a,b", "a;b", "a\\b", "a\nb"])
def test_a_value_that_text_escaping_would_change_is_refused(value):
    merge = CalendarMerge(
        _calendar(
            uid=STAND_IN_UID,
            sequence=STAND_IN_SEQUENCE,
            url=STAND_IN_URL,
            attendee=vCalAddress(STAND_IN_ATTENDEE),
        )
    )
    attendee = _attendee("a@example.se", "A")
    with pytest.raises(ValueError):
        merge.fill(uid=value, sequence=1, url="https://example.se/", attendee=attendee)
    with pytest.raises(ValueError):
        merge.fill(
            uid="u@example.se", sequence=1, url=f"https://example.se/{value}", attendee=attendee
        )
