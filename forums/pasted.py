"""Pasted lists of invitees, as Outlook and Gmail copy them.

    Anna Andersson <anna@lund.se>; "Berg, Bo" <bo@x.se>
    cecilia@ystad.se, 'Dag Dahl' <dag@malmo.se>

One or many a line, separated by commas or semicolons (a comma inside a quoted name or
inside <…> is part of it). Each entry is a bare address or a name with the address in angle
brackets; the name is kept. A rule stores what was kept as one `Namn <adress>` a line
(`format_pasted`), which `parse_pasted` reads back unchanged.
"""

import re
from dataclasses import dataclass, field
from email.utils import quote, unquote

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kulturportal.emails import normalise_address
from kulturportal.models import FULL_NAME_MAX_LENGTH
from kulturportal.text import clean_name

# RFC 5321's limit, and Invitation.email's: Django's validator takes up to 320 characters.
ADDRESS_MAX_LENGTH = 254
_BRACKETED = re.compile(r"^(?P<name>.*?)\s*<(?P<address>[^<>]*)>\s*$", re.DOTALL)
_NEEDS_QUOTES = re.compile(r'[,;"<>()@\\:]')


@dataclass
class Pasted:
    """What a pasted text holds: the good (name, address) pairs in order, a message per
    problem (naming its line), the entries to mend (one line of the box per pasted line
    that had any) and how many addresses were there twice."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    to_mend: list[str] = field(default_factory=list)
    duplicates: int = 0
    # The problems of the entries to mend (not the duplicates), numbered as pasted.
    to_mend_problems: list[str] = field(default_factory=list)


def parse_pasted(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, address) pairs, addresses in lower case and each once; and the problems, each
    naming its line ("Rad 2: …") and quoting what is wrong there."""
    pasted = read_pasted(text)
    return pasted.pairs, pasted.problems


def read_pasted(text: str) -> Pasted:
    pasted, seen = Pasted(), set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        bad = []
        for raw in split_entries(line):
            name, address = parse_entry(raw)
            if address is None:
                bad.append(raw)
                problem = _("Rad %(line)s: ”%(address)s” är inte en e-postadress.") % {
                    "line": number,
                    "address": raw,
                }
                pasted.problems.append(problem)
                pasted.to_mend_problems.append(problem)
            elif address in seen:
                pasted.duplicates += 1
                pasted.problems.append(
                    _("Rad %(line)s: %(address)s står redan med.")
                    % {"line": number, "address": address}
                )
            else:
                seen.add(address)
                pasted.pairs.append((name, address))
        if bad:
            pasted.to_mend.append(", ".join(bad))
    return pasted


def split_entries(line: str) -> list[str]:
    """The entries of one line: split at commas and semicolons outside quotes and <…>."""
    entries: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    depth = 0
    for char in line:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char == "<":
            depth += 1
        elif not quoted and char == ">" and depth:
            depth -= 1
        elif not quoted and not depth and char in ",;":
            entries.append("".join(current))
            current = []
            continue
        current.append(char)
    entries.append("".join(current))
    return [entry.strip() for entry in entries if entry.strip()]


def parse_entry(raw: str) -> tuple[str, str | None]:
    """(name, address) of one entry; the address is None when there is none to use."""
    name, address = "", raw.strip()
    bracketed = _BRACKETED.match(address)
    if bracketed:
        name, address = bracketed["name"], bracketed["address"]
    elif re.search(r"\s", address):
        # "Anna Andersson anna@lund.se" or "anna@lund.se\tAnna Andersson", as table rows copy.
        name, address = _name_and_address(address)
    address = _clean_address(address)
    if not _is_address(address):
        return "", None
    name = _clean_name(name)
    return ("" if name.lower() == address else name), address


def _name_and_address(text: str) -> tuple[str, str]:
    first, rest = text.split(None, 1)
    before, last = text.rsplit(None, 1)
    if _is_address(_clean_address(last)):
        return before, last
    if _is_address(_clean_address(first)):
        return rest, first
    return "", text


def _clean_address(address: str) -> str:
    address = address.strip().strip("<>").strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    return address.lower()


def _is_address(address: str) -> bool:
    """A valid address that fits its column in the form it is stored (IDNA makes it longer)."""
    too_long = len(normalise_address(address)) > ADDRESS_MAX_LENGTH
    if not address or too_long or any(c.isspace() for c in address):
        return False
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _clean_name(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        name = unquote(name) if name[0] == '"' else name[1:-1]
    return clean_name(name)[:FULL_NAME_MAX_LENGTH]  # Invitation.name


def format_entry(name: str, address: str) -> str:
    """One line of a stored list: `Namn <adress>`, the name quoted if it must be."""
    if not name:
        return address
    if _NEEDS_QUOTES.search(name):
        name = f'"{quote(name)}"'
    return f"{name} <{address}>"


def format_pasted(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(format_entry(name, address) for name, address in pairs)
