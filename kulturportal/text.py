import re
import unicodedata

# Swedish alphabetical order puts å, ä and ö after z; databases' default collations often don't.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def swedish_sort_key(text: str) -> str:
    return text.lower().translate(_SWEDISH_ORDER)


def strip_hidden(text: str) -> str:
    """Drop control, bidirectional and zero-width characters: a name is shown to others,
    and U+202E can make "Anna" read as something else."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf")).strip()


def clean_name(text: str) -> str:
    """A person's name as every mail and calendar client shows it alike: a line break or
    tab made a space, other hidden characters dropped (strip_hidden), a literal `\\n`,
    `\\r` or `\\t` (pasted from another system) read as the space it stood for, other
    backslashes and carets (`^`, RFC 6868's escape in calendar parameters) dropped,
    straight double quotes made typographic (”), and white space collapsed."""
    text = re.sub(r"\\[nrt]", " ", text).replace("\\", "").replace("^", "")
    text = "".join(" " if char.isspace() else char for char in text.replace('"', "”"))
    return " ".join(strip_hidden(text).split())


def person_label(user) -> str:
    """How a person is shown in pickers: the name as plain text, and the address."""
    name = strip_hidden(user.get_full_name())
    return f"{name} <{user.email}>" if name else user.email
