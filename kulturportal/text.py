# Swedish alphabetical order puts å, ä and ö after z; databases' default collations often don't.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def swedish_sort_key(text: str) -> str:
    return text.lower().translate(_SWEDISH_ORDER)
