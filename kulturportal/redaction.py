"""Finding and redacting private persons' personal data in texts an official is to publish.

Consultation responses are organisations' answers, but they carry personal data of private
persons: a contact person's name, e-mail address and phone number, now and then an identity
number. Before an official publishes a response, `redact` replaces what it finds with a
placeholder ("[telefonnummer borttaget]") in the active language; the official reviews the
findings and may `keep` some (a public official's work phone number, say). Pure Python, no
database: the caller passes the names the portal knows and stores the result.

Each detector, why it is as it is, and what it misses (false negatives) or takes wrongly
(false positives):

Personnummer and samordningsnummer
    Six or eight digits (with or without century), then "-", "+", a dash variant (word
    processors turn "-" into "–"), a space or nothing, then four digits; the digits must not
    run on into other digits or letters ("2025-811218-9876" is a reference, not an identity
    number). A candidate counts only if `stdnum.se.personnummer` accepts it: a real date and a
    valid Luhn check digit. A samordningsnummer (day of month + 60) is checked the same way,
    with the day taken back by 60 for the date and the Luhn check on the digits as written
    (stdnum's personnummer does not know samordningsnummer). So an organisation number
    (third digit ≥ 2, a "month" of 20 or more), a date ("2027-03-15"), a range of years
    ("2025–2028") and nine in ten random 10-digit numbers are left alone.
    Misses: a number with a typo (fails its checksum), one written with other spacing
    ("811218 - 9876", "81 12 18-9876") or hidden characters in it, and the six birth-date
    digits alone. Takes wrongly: any 10- or 12-digit reference number (an invoice, a bank
    account) that happens to start with a valid date and pass the Luhn check. A bare
    10-digit number that is also a valid phone number ("0701234567") is taken as a phone
    number: either way it is removed.

E-mail addresses
    A plain pattern: a local part of letters, digits and ". _ % + ' -", an "@", and a domain
    of at least two labels ending in a top-level domain of two letters or more; letters
    include å, ä, ö and other Unicode letters (internationalised domains). Angle brackets,
    "mailto:" and a full stop after the address are not part of the finding.
    Misses: obfuscated addresses ("anna (at) exempel.se", "anna@exempel punkt se") and
    quoted local parts. Takes wrongly: nothing that is not an address, but it removes
    functional addresses too (registrator@…, info@…): those are for `keep`.

Phone numbers
    Google's libphonenumber (the `phonenumbers` package), `PhoneNumberMatcher` with region
    "SE" and leniency VALID: it knows the Swedish number plan (area codes of two to four
    digits, mobile 07x, 020/077x service numbers), the separators people write (spaces,
    hyphens, en dashes, parentheses, "+46" and "0046") and foreign numbers in international
    form, and VALID rejects what only looks like a number: dates, years, sums of money,
    clock times, diarienummer and organisation numbers. Opening hours ("08.00–12.00"),
    which it takes for a Stockholm number, are left alone.
    Misses: a local number without its area code ("12 34 56"), a foreign number written
    without its country code, and numbers written in words or with letters in them.
    Takes wrongly: nothing that is not a phone number, but an organisation's switchboard
    number is removed like a private one (use `keep`).

Names
    1. The names the caller knows (`known_names`: representatives and others the portal
       has), each as a whole: case-insensitive, on word boundaries, any whitespace between
       the parts, with a Swedish genitive ending ("Folke Föreningssons", "Lars'") included.
       A known name of a single word is ignored, and parts of a known name are not looked
       for on their own: "Lund" or "Anna" alone would remove place names and every other
       Anna. So a text that says "Folke Föreningsson" once and then "Föreningsson menar…"
       keeps the second.
    2. A heuristic for names the portal does not know: a common first name from
       kulturportal/data/first_names.txt followed by one to three capitalised words on the
       same line or the next ("Anna Svensson", "Lars-Erik Nilsson", "Karin Maria Ek"; up
       to four words, so a second surname is not left behind), with particles such as
       "von", "af", "de" allowed before a surname ("Eva von Platen").
       Organisations and places that merely start with a capital ("Malmö Live", "Region
       Skåne", "Lunds universitet") do not start with a first name and are left alone;
       neither is one that does start with a first name when one of its words says
       it is an institution ("Anna Lindh Foundation", "Hans Majestät", "Carl
       Larsson-gården"), or when a name in the genitive is followed by a word for a place
       or an institution named after someone ("Gustav Adolfs torg", "Karl Johans gata").
       Misses: a first name that is not on the list, a name standing alone ("Anna" or
       "Svensson"), surname first ("Svensson, Anna"), a middle initial ("Anna K. Svensson"),
       names in capitals ("ANNA SVENSSON") or in lower case, and other people mentioned by
       role ("min granne"). Takes wrongly: names of public figures and historical persons
       ("Selma Lagerlöf"), of works and things named after people, and the start of a
       sentence where a first name that is also a word ("Per", "Bo", "Hans", "Liv") is
       followed by a capitalised word.

Overlapping findings are resolved by taking the longest (an e-mail address over the digits
in it); `keep` is applied after that. The placeholders contain nothing any detector finds, so
redacting a redacted text changes nothing. The text is otherwise passed through unchanged:
HTML in it stays HTML, and escaping it is the caller's job.
"""

from __future__ import annotations

import bisect
import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.se import personnummer

PERSONNUMMER = "personnummer"
EMAIL = "email"
PHONE = "phone"
NAME = "name"

# Without the brackets, so a translation cannot lose them: they are added in `redact`.
_PLACEHOLDERS = {
    PERSONNUMMER: _("personnummer borttaget"),
    EMAIL: _("e-postadress borttagen"),
    PHONE: _("telefonnummer borttaget"),
    NAME: _("namn borttaget"),
}

FIRST_NAMES_FILE = Path(__file__).resolve().parent / "data" / "first_names.txt"
MUNICIPALITIES_FILE = Path(__file__).resolve().parent / "data" / "municipalities.csv"


@dataclass(frozen=True)
class Finding:
    kind: str  # "personnummer" | "email" | "phone" | "name"
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Redacted:
    text: str
    # The findings that were replaced (not those kept), at their positions in the ORIGINAL
    # text, sorted and non-overlapping.
    findings: tuple[Finding, ...]


def placeholder(kind: str) -> str:
    """What a finding of this kind is replaced with, in the active language."""
    return f"[{_PLACEHOLDERS[kind]}]"


def find_personal_data(text: str, *, known_names: Iterable[str] = ()) -> list[Finding]:
    """Every finding in `text`, sorted by position, overlaps resolved (the longest wins)."""
    candidates = [
        *_identity_numbers(text),
        *_emails(text),
        *_phone_numbers(text),
        *_known_names(text, known_names),
        *_heuristic_names(text),
    ]
    return _resolve_overlaps(candidates)


def redact(text: str, *, known_names: Iterable[str] = (), keep: Iterable[str] = ()) -> Redacted:
    """`text` with each finding replaced by a placeholder, except those whose text is in
    `keep` (matched as the same number, address or name: "040-12 34 56" keeps "040 12 34 56"
    too, and "Anna Svensson" keeps "ANNA SVENSSON")."""
    kept = _keep_keys(keep)
    findings = tuple(
        f
        for f in find_personal_data(text, known_names=known_names)
        if _key(f.kind, f.text) not in kept
    )
    pieces: list[str] = []
    position = 0
    for finding in findings:
        pieces += [text[position : finding.start], placeholder(finding.kind)]
        position = finding.end
    pieces.append(text[position:])
    return Redacted(text="".join(pieces), findings=findings)


# Personnummer and samordningsnummer

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"
_SEPARATORS = f"-+{_DASHES}/._"
# YY(YY) MM DD, a single space allowed between the pairs ("8112 18"), a separator or none,
# then the serial, a space allowed in its middle ("98 76"). Letters may touch it
# ("T811218-9876"), digits may not: then it is part of a longer number.
_IDENTITY_NUMBER = re.compile(
    rf"(?<!\d)(?<!\d[{_SEPARATORS}])(?P<date>(?:\d{{2}})?\d{{2}} ?\d{{2}} ?\d{{2}})"
    rf"(?P<sep>[{_SEPARATORS} ]?)(?P<serial>\d{{2}} ?\d{{2}})(?!\d)(?![{_SEPARATORS}]\d)"
)


def is_identity_number(candidate: str) -> bool:
    """A valid personnummer or samordningsnummer: a real date and the right check digit."""
    number = candidate.strip()
    for separator in _DASHES + "/._":
        number = number.replace(separator, "-")
    number = personnummer.compact(number.replace(" ", ""))
    if personnummer.is_valid(number):
        return True
    if len(number) not in (11, 13) or number[-5] not in "-+":
        return False
    date, serial = number[:-5], number[-4:]
    if not (date + serial).isdigit() or not 61 <= int(date[-2:]) <= 91:
        return False
    try:
        personnummer.get_birth_date(f"{date[:-2]}{int(date[-2:]) - 60:02d}{number[-5:]}")
    except ValidationError:
        return False
    return luhn.is_valid((date + serial)[-10:])


def _identity_numbers(text: str) -> Iterable[Finding]:
    for match in _IDENTITY_NUMBER.finditer(text):
        if is_identity_number(_as_written(match)):
            yield Finding(PERSONNUMMER, match.start(), match.end(), match.group())


def _as_written(match: re.Match) -> str:
    """The candidate in the form stdnum reads: the date, a dash (or the "+" of someone
    over a hundred), the serial; the spaces and other separators taken out."""
    date, separator, serial = (match.group(g).replace(" ", "") for g in ("date", "sep", "serial"))
    return f"{date}{'+' if separator == '+' else '-'}{serial}"


# E-mail addresses

_EMAIL = re.compile(
    r"(?<![\w.%+'-])[\w%+'-]+(?:\.[\w%+'-]+)*@(?:[^\W_][\w-]*\.)+[^\W\d_]{2,}(?![\w-])"
)


# "anna (at) example.se", "anna[at]example[dot]se", "anna (snabel-a) example (punkt) se":
# the "at" only in brackets, so "Kultur at hela Skåne" is not an address.
_AT = r"\s*[(\[{]\s*(?:at|snabel-?a)\s*[)\]}]\s*"
_DOT = r"(?:\.|\s*[(\[{]\s*(?:dot|punkt)\s*[)\]}]\s*)"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.%+'-])[\w%+'-]+(?:\.[\w%+'-]+)*{_AT}(?:[^\W_][\w-]*{_DOT})+[^\W\d_]{{2,}}(?![\w-])",
    re.IGNORECASE,
)


def _emails(text: str) -> Iterable[Finding]:
    for pattern in (_EMAIL, _OBFUSCATED_EMAIL):
        for match in pattern.finditer(text):
            yield Finding(EMAIL, match.start(), match.end(), match.group())


# Phone numbers


# Opening hours look like a Stockholm number to libphonenumber ("08.00–12.00").
_CLOCK_RANGE = re.compile(rf"\d{{1,2}}[.:]\d{{2}}\s*[{_DASHES}-]\s*\d{{1,2}}[.:]\d{{2}}")


def _phone_numbers(text: str) -> Iterable[Finding]:
    matcher = phonenumbers.PhoneNumberMatcher(text, "SE", leniency=phonenumbers.Leniency.VALID)
    for match in matcher:
        if not _CLOCK_RANGE.fullmatch(match.raw_string):
            yield Finding(PHONE, match.start, match.end, match.raw_string)


# Names

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# Between the words of one name: spaces, or a line break (not a blank line).
_GAP = re.compile(r"[ \t\u00a0]+|[ \t\u00a0]*\r?\n[ \t\u00a0]*")
_GENITIVE = r"(?:s|:s|['’]s?)?"


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_PARTICLES = _word_set(
    "von af av van der den de del della di da du dos das la le ten ter zu bin ibn al el"
)
# Capitalised words that make a run of them an institution's or a place's name, not a
# person's ("Anna Lindh Foundation", "Hans Majestät"). None is a common surname.
_INSTITUTION_WORDS = _word_set(
    """
    ab hb kb aktiebolag kommun kommunen region regionen landsting län teater teatern opera
    operan museum museet konsthall konsthallen galleri galleriet bibliotek biblioteket arkiv
    arkivet kyrka kyrkan kapell kapellet församling församlingen torg torget gata gatan väg
    vägen gränd plats platsen allé skola skolan gymnasium gymnasiet folkhögskola universitet
    högskola akademi akademien institut institutet stiftelse stiftelsen fond fonden förening
    föreningen förbund förbundet sällskap sällskapet förlag förlaget bokhandel festival
    festivalen center centret centrum huset gården hemmet salen scenen arena live studio
    kören orkester orkestern ensemble ensemblen bandet trio kvartett kvintett priset
    stipendiet sjukhus majestät excellens foundation institute society prize award orchestra
    choir quartet school college street square church centre theatre theater gallery
    """
)
# Lower-case words that, after a name in the genitive, make it a place or an institution
# named after a person ("Gustav Adolfs torg", "Karl Johans gata", "Anna Svenssons
# minnesfond"); not words for what a person has ("Anna Svenssons hus" is redacted).
_NAMED_AFTER_WORDS = _word_set(
    """
    torg torget gata gatan väg vägen gränd plats platsen park parken allé kyrka kyrkan
    kapell församling skola skolan gymnasium gymnasiet folkhögskola stiftelse stiftelsen
    fond fonden minnesfond minnesfonden sällskap sällskapet museum museet stipendium
    stipendiet pris priset
    """
)


@functools.cache
def first_names() -> frozenset[str]:
    """The bundled list of common first names, case-folded."""
    lines = FIRST_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().casefold() for line in lines if line.strip() and not line.startswith("#")
    )


def _known_names(text: str, names: Iterable[str]) -> Iterable[Finding]:
    split = [name.split() for name in names]
    whole = {r"\s+".join(re.escape(part) for part in parts) for parts in split if len(parts) >= 2}
    if not whole:
        return
    # The longest first, so "Anna Maria Svensson" is not taken as "Anna Maria".
    alternatives = "|".join(sorted(whole, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives}){_GENITIVE}(?!\w)", re.IGNORECASE)
    for match in pattern.finditer(text):
        yield Finding(NAME, match.start(), match.end(), match.group())
    yield from _known_name_parts(text, split)


def _known_name_parts(text: str, names: list[list[str]]) -> Iterable[Finding]:
    """The first names and surnames of the people the portal knows, one at a time, as a
    name is written (capitalised): "Gretas text …, reviderad av Folke". Not a part that is
    a municipality's name ("Lund") or shorter than three letters."""
    parts = {
        part
        for parts in names
        if len(parts) >= 2
        for part in parts
        if len(part) >= 3 and part[:1].isupper() and part.casefold() not in _place_names()
    }
    if not parts:
        return
    alternatives = "|".join(re.escape(part) for part in sorted(parts, key=len, reverse=True))
    for match in re.finditer(rf"(?<!\w)(?:{alternatives}){_GENITIVE}(?!\w)", text):
        yield Finding(NAME, match.start(), match.end(), match.group())


@functools.cache
def _place_names() -> frozenset[str]:
    """Skåne's municipalities by name, case-folded: a surname like "Lund" is kept."""
    with MUNICIPALITIES_FILE.open(encoding="utf-8") as rows:
        return frozenset(row["name"].casefold() for row in csv.DictReader(rows))


def _is_name_word(word: str) -> bool:
    """Capitalised, each part of a double name too ("Lars-Erik"), and not an acronym."""
    parts = re.split(r"[-'’]", word)
    return all(part[:1].isupper() for part in parts) and any(c.islower() for c in word)


def _is_first_name(word: str) -> bool:
    return _is_name_word(word) and re.split(r"[-'’]", word)[0].casefold() in first_names()


def _is_institution_word(word: str) -> bool:
    folded = word.casefold()
    return folded in _INSTITUTION_WORDS or (
        folded.endswith("s") and folded[:-1] in _INSTITUTION_WORDS
    )


def _heuristic_names(text: str) -> Iterable[Finding]:
    words = list(_WORD.finditer(text))

    def adjacent(a: int, b: int) -> bool:
        return bool(_GAP.fullmatch(text, words[a].end(), words[b].start()))

    i = 0
    while i < len(words):
        if not _is_first_name(words[i].group()):
            i += 1
            continue
        last, k, capitalised = i, i + 1, 1
        while capitalised < 4 and k < len(words) and adjacent(k - 1, k):
            word = words[k].group()
            if _is_name_word(word):
                last, capitalised = k, capitalised + 1
                k += 1
            elif word.casefold() in _PARTICLES and k - last <= 2:
                k += 1  # Counts only if a capitalised word follows.
            else:
                break
        if capitalised < 2:
            i += 1
            continue
        named_after = (
            last + 1 < len(words)
            and adjacent(last, last + 1)
            and words[last].group().endswith("s")
            and words[last + 1].group() in _NAMED_AFTER_WORDS
        )
        if named_after or any(_is_institution_word(w.group()) for w in words[i + 1 : last + 1]):
            i = last + 1
            continue
        start, end = words[i].start(), words[last].end()
        yield Finding(NAME, start, end, text[start:end])
        i = last + 1


# Overlaps and keep


def _tie_rank(finding: Finding) -> int:
    """Between findings of the same span: a bare ten-digit number that is a valid phone
    number is more likely to be one than a personnummer."""
    if finding.kind == PERSONNUMMER and finding.text.isdigit() and len(finding.text) == 10:
        return 2
    return {PERSONNUMMER: 0, EMAIL: 0, PHONE: 1, NAME: 3}[finding.kind]


def _resolve_overlaps(candidates: Iterable[Finding]) -> list[Finding]:
    # The chosen ones never overlap, so sorted by start they are sorted by end too, and a
    # candidate need only be checked against its neighbours there.
    starts: list[int] = []
    chosen: list[Finding] = []
    ordered = sorted(set(candidates), key=lambda f: (f.start - f.end, _tie_rank(f), f.start))
    for finding in ordered:
        at = bisect.bisect_right(starts, finding.start)
        if at > 0 and chosen[at - 1].end > finding.start:
            continue
        if at < len(chosen) and chosen[at].start < finding.end:
            continue
        starts.insert(at, finding.start)
        chosen.insert(at, finding)
    return chosen


def _name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _phone_key(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "SE")
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _identity_key(text: str) -> str:
    return "".join(c for c in text if c.isdigit())[-10:]


def _key(kind: str, text: str) -> tuple[str, str | None]:
    if kind == PHONE:
        return kind, _phone_key(text)
    if kind == PERSONNUMMER:
        return kind, _identity_key(text)
    return kind, _name_key(text)


def _keep_keys(keep: Iterable[str]) -> set[tuple[str, str | None]]:
    keys: set[tuple[str, str | None]] = set()
    for text in keep:
        keys |= {(EMAIL, _name_key(text)), (NAME, _name_key(text))}
        if is_identity_number(text):
            keys.add((PERSONNUMMER, _identity_key(text)))
        if (phone := _phone_key(text)) is not None:
            keys.add((PHONE, phone))
    return keys
