"""iTIP REPLY messages built the way Outlook and Google Calendar build them (RFC 5546).

Outlook: a multipart/alternative with text/plain and `text/calendar; method=REPLY`, base64,
the ATTENDEE with PARTSTAT and CN, COMMENT when the person typed a note, the subject
"Accepted: …". Google: a multipart/mixed with the alternative and an `invite.ics` attached
as application/ics, ATTENDEE with CUTYPE, ROLE, X-NUM-GUESTS, the subject
"Accepted: … @ …".
"""

from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage

STAMP = "%Y%m%dT%H%M%SZ"


def reply_calendar(
    *,
    uid: str,
    attendee: str,
    partstat: str,
    sequence: int = 0,
    comment: str = "",
    google=False,
    dtstamp: datetime | None = None,
) -> str:
    """Google puts the person's note on the ATTENDEE (X-RESPONSE-COMMENT), Outlook in a
    COMMENT of the event."""
    now = (dtstamp or datetime.now(UTC)).astimezone(UTC).strftime(STAMP)
    if google:
        note = f';X-RESPONSE-COMMENT="{comment}"' if comment else ""
        attendee_line = (
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};"
            f"CN={attendee}{note};X-NUM-GUESTS=0:mailto:{attendee}"
        )
        prodid = "-//Google Inc//Google Calendar 70.9054//EN"
    else:
        attendee_line = f'ATTENDEE;PARTSTAT={partstat};CN="Lena Lundberg":mailto:{attendee}'
        prodid = "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN"
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{prodid}",
        "VERSION:2.0",
        "METHOD:REPLY",
        "BEGIN:VEVENT",
        attendee_line,
        *([f"COMMENT:{comment}"] if comment and not google else []),
        "DTSTART:20270210T090000Z",
        "DTEND:20270210T120000Z",
        f"DTSTAMP:{now}",
        "ORGANIZER;CN=Region Skåne:mailto:svar@kulturportal.example.se",
        f"SEQUENCE:{sequence}",
        f"UID:{uid}",
        "SUMMARY:Möte",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def reply_message(
    *,
    attendee: str,
    calendar: str,
    google=False,
    verb="Accepted",
    sender: str | None = None,
    headers: dict | None = None,
) -> bytes:
    """`sender` is the From: address (the attendee's unless told); `headers` come first,
    as a receiving server prepends Authentication-Results."""
    message = EmailMessage()
    for name, value in (headers or {}).items():
        message[name] = value
    message["From"] = f"Lena Lundberg <{sender or attendee}>"
    message["To"] = "Region Skåne <svar@kulturportal.example.se>"
    message["Subject"] = f"{verb}: Möte"
    message.set_content(f"{verb}: Möte")
    message.add_alternative(
        calendar.encode(), maintype="text", subtype="calendar", params={"method": "REPLY"}
    )
    if google:
        message.make_mixed()
        message.add_attachment(
            calendar.encode(), maintype="application", subtype="ics", filename="invite.ics"
        )
    return message.as_bytes(policy=policy.SMTP)  # CRLF, as on the wire


def plain_message(*, sender: str, subject: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "svar@kulturportal.example.se"
    message["Subject"] = subject
    message.set_content(body)
    return message.as_bytes(policy=policy.SMTP)  # CRLF, as on the wire
