"""One rendering for many recipients: e-mails and calendar entries that differ per person
only in a few plain values are rendered once, with stand-ins, and each person's values are
put in afterwards. Rendering is most of what a message costs; a meeting sent to thousands
renders a handful of times (bench/fanout.py measures it). Text surgery is right only while
its contract holds, so all of it is here, behind this one door, and
tests/core/test_merging.py checks the contract with random values (Hypothesis) against the
libraries' own rendering.

The contract
------------
E-mail (MailMerge):
- What may be substituted: plain values (a name, a link) that a template prints as they
  are: `{{ value }}`, never through a filter (|upper, |truncatechars, |default would see
  the stand-in, not the value). A value the template tests ({% if name %}) decides which
  rendering is shared: a caller keys its renderings on it (delivery renders an empty name
  apart from a given one) and gives an empty value no stand-in.
- A stand-in is letters and digits only, so no escaping or whitespace rule touches it.
- How: raw into the subject and the text (their engine does not escape), HTML-escaped into
  the HTML (django.utils.html.escape, as autoescaping does); then the same finishing as a
  rendering gets (the subject's white space collapsed to single spaces, the bodies
  stripped), so the result equals rendering the templates with the real values.

Calendar (CalendarMerge):
- What may be substituted: the event's UID, its SEQUENCE, one URL (in the URL property and
  wherever the text quotes it, as the description does) and the ATTENDEE (address and
  parameters). Everything else (time, place, summary, description, organiser) is shared.
- The UID and the URL must hold no character that iCalendar's TEXT escaping changes
  (backslash, semicolon, comma, newline): they are put in as they are. fill() refuses
  such a value rather than produce a calendar that differs.
- The ATTENDEE is rendered by icalendar itself (parameters quoted and escaped as it does).
- Lines are kept unfolded until the values are in, then folded at 75 octets by
  icalendar's own folding, so a long name or a multi-byte letter folds exactly where
  rendering the whole calendar would have folded it.
"""

import secrets

from django.utils.html import escape
from icalendar import Calendar, vCalAddress
from icalendar.parser import Contentline


def finish(subject: str, text: str, html: str) -> tuple[str, str, str]:
    """What a rendered e-mail gets before it is stored: the subject on one line with
    single spaces, the bodies without surrounding white space."""
    return " ".join(subject.split()), text.strip(), html.strip()


class MailMerge:
    """Stand-ins for `names`; render the templates once with them (unfinished), then
    fill() each recipient's values."""

    def __init__(self, *names: str):
        salt = secrets.token_hex(6)
        self.placeholders = {name: f"mailmerge{salt}{name.replace('_', '')}" for name in names}

    def __getitem__(self, name: str) -> str:
        return self.placeholders[name]

    def fill(self, rendered: tuple[str, str, str], values: dict) -> tuple[str, str, str]:
        """`rendered`: subject, text and HTML as the templates gave them, not finished."""
        subject, text, html = rendered
        for name, placeholder in self.placeholders.items():
            value = str(values[name])
            subject = subject.replace(placeholder, value)
            text = text.replace(placeholder, value)
            html = html.replace(placeholder, escape(value))
        return finish(subject, text, html)


# What stands in for one person's own values in a shared calendar.
STAND_IN_UID = "own-uid@calendar-merge.invalid"
STAND_IN_SEQUENCE = 987654321
STAND_IN_URL = "https://calendar-merge.invalid/own-page"
STAND_IN_ATTENDEE = "mailto:own-attendee@calendar-merge.invalid"
TEXT_ESCAPED = ("\\", ";", ",", "\n", "\r")


class CalendarMerge:
    """A calendar built with the stand-ins above, kept as unfolded lines; fill() gives
    one person's calendar."""

    def __init__(self, calendar: Calendar):
        self.lines = calendar.to_ical().decode().replace("\r\n ", "").split("\r\n")

    def fill(self, *, uid: str, sequence: int, url: str, attendee: vCalAddress) -> str:
        for value in (uid, url):
            if any(char in value for char in TEXT_ESCAPED):
                raise ValueError(f"{value!r} would be escaped in iCalendar text")
        folded = []
        for line in self.lines:
            if line.startswith("ATTENDEE") and STAND_IN_ATTENDEE in line:
                line = Contentline.from_parts("ATTENDEE", attendee.params, attendee)
            elif line == f"SEQUENCE:{STAND_IN_SEQUENCE}":
                line = f"SEQUENCE:{sequence}"
            elif line == f"UID:{STAND_IN_UID}":
                line = f"UID:{uid}"
            elif STAND_IN_URL in line:
                line = line.replace(STAND_IN_URL, url)
            folded.append(Contentline(line).to_ical().decode() if line else line)
        return "\r\n".join(folded)
