import unicodedata

# Swedish alphabetical order puts å, ä and ö after z; databases' default collations often don't.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def swedish_sort_key(text: str) -> str:
    return text.lower().translate(_SWEDISH_ORDER)


def strip_hidden(text: str) -> str:
    """Drop control, bidirectional and zero-width characters: a name is shown to others,
    and U+202E can make "Anna" read as something else."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf")).strip()


def person_label(user) -> str:
    """How a person is shown in pickers: the name as plain text, and the address."""
    name = strip_hidden(user.get_full_name())
    return f"{name} <{user.email}>" if name else user.email
