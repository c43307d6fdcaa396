"""Issue 20, item 11: Subject headers as mail programs read them.

Defect: every encoded Subject started with an empty folded line (`Subject: ` then the
encoded words on the next line), which Python's parser reads as a leading space, and 70
of 317 encoded Subject lines were 80 octets, over RFC 5322's 78. Django's EmailMessage
encodes a non-ASCII subject without knowing the header's name; the outbox builds the
header itself now (kulturportal/emails.py).
"""

import random
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from kulturportal.emails import _build_message
from kulturportal.models import OutgoingEmail

pytestmark = pytest.mark.django_db

WORDS = [
    "Inbjudan", "Ändrat", "Inställt", "Påminnelse", "Delregional", "överläggning",
    "Kulturchefsnätverket", "Skåne", "Malmö", "Höör", "Ängelholm", "barn-", "och",
    "ungdomskultur", "2027", "–", "”citat”", "Bekräftat:", "Årlig", "kulturpolitisk",
    "Regionala", "kulturplanen", "Överläggning", "om", "samfinansierade", "institutioner",
    "Kristianstad,", "12", "mars,", "Ystad", "1.", "🎭", "Svar:", "a" * 30,
]  # fmt: skip


def _subjects(count: int) -> list[str]:
    rng = random.Random(20)
    subjects = ["Kort", "Ett ämne bara i ASCII som blir ganska långt när man skriver på " * 2]
    while len(subjects) < count:
        words = rng.choices(WORDS, k=rng.randint(1, 40))
        subjects.append(" ".join(words)[:300])
    return subjects


def test_320_subjects_fold_within_78_octets_without_an_empty_first_line(db):
    problems = []
    for subject in _subjects(320):
        email = OutgoingEmail(
            pk=1, to="a@example.se", subject=subject, body_text="x", created_at=timezone.now()
        )
        raw = _build_message(email).message().as_bytes(linesep="\r\n")
        head = raw.split(b"\r\n\r\n", 1)[0]
        lines = head.split(b"\r\n")
        start = next(n for n, line in enumerate(lines) if line.startswith(b"Subject:"))
        end = start + 1
        while end < len(lines) and lines[end][:1] in (b" ", b"\t"):
            end += 1
        header = lines[start:end]
        if header[0].strip() == b"Subject:":
            problems.append(("empty first line", subject))
        if any(len(line) > 78 for line in header):
            problems.append((f"{max(map(len, header))} octets", subject))
        parsed = message_from_bytes(raw, policy=policy.default)["Subject"]
        if str(parsed) != subject:
            problems.append((f"reads back as {str(parsed)!r}", subject))
    assert not problems, (f"{len(problems)} problems", problems[:3])
