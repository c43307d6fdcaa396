"""Numbers as people type them: "1 234 567", "1 234,50", with ordinary, non-breaking or
narrow no-break spaces between the thousands, read with Babel's parser for the page's
language (CLDR's rules for Swedish and English), never with a home-made regular expression.

An empty field is "not reported" (None), which is not 0. A negative number, a number with
more decimals than the kind allows, or one beyond what the kind can plausibly be, is
refused with a message in the reader's language, to be shown beside the field.

    parse("1 234,50", MONEY)        -> Decimal("1234.50")
    parse("", COUNT)                -> None
    show(Decimal("1234567"))        -> "1 234 567" (with the locale's own space)
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Every kind of space people (or Word, or Excel) put between thousands.
SPACES = (" ", "\u00a0", "\u202f", "\u2009", "\u2007")
# A hyphen, the minus sign CLDR gives Swedish, and the dash Word turns a hyphen into.
MINUS_SIGNS = ("-", "\u2212", "\u2013", "\u2012")
CURRENCY_SUFFIXES = ("kronor", "kr.", "kr", "sek", ":-")


@dataclass(frozen=True)
class Kind:
    """What a field holds: how many decimals it may have and the most it can plausibly be."""

    name: str
    decimals: int
    maximum: Decimal
    too_large: Any  # a lazily translated message


MONEY = Kind(
    "money",
    2,
    Decimal("10000000000"),
    _("Beloppet är orimligt stort. Ange det i kronor, till exempel 1 234 567."),
)
COUNT = Kind(
    "count",
    0,
    Decimal("50000000"),
    _("Antalet är orimligt stort. Kontrollera siffran."),
)
FTE = Kind(
    "fte",
    2,
    Decimal("5000"),
    _("Antalet årsarbetare är orimligt stort. Ange heltidstjänster, till exempel 12,5."),
)
OCCASIONS = Kind(
    "occasions",
    0,
    Decimal("20000"),
    _("Antalet tillfällen är orimligt stort för en kommun. Kontrollera siffran."),
)


def locale_name(language: str | None = None) -> str:
    language = (language or get_language() or "sv")[:2]
    return "en_GB" if language == "en" else "sv_SE"


def parse(text: str | None, kind: Kind, *, language: str | None = None) -> Decimal | None:
    """The number typed, or None for an empty field; ValidationError with a reason."""
    if text is None:
        return None
    locale = locale_name(language)
    cleaned = str(text).strip()
    lowered = cleaned.lower()
    for suffix in CURRENCY_SUFFIXES:
        if kind is MONEY and lowered.endswith(suffix):
            cleaned = cleaned[: -len(suffix)].strip()
            break
    if not cleaned:
        return None
    if cleaned[0] in MINUS_SIGNS:
        raise ValidationError(_("Siffran kan inte vara negativ."), code="negative")
    group = get_group_symbol(locale)
    if group.isspace():
        # Swedish groups with a non-breaking space; people type an ordinary one, or paste
        # a narrow one from a document: all mean the same.
        for space in SPACES:
            cleaned = cleaned.replace(space, group)
    elif any(space in cleaned for space in SPACES):
        cleaned = "".join(c for c in cleaned if c not in SPACES)
    if get_decimal_symbol(locale) == "," and "." in cleaned:
        # Babel would read "1.234" as one point two three four; a Swede who typed it meant
        # a thousand and more, or copied an English number. Neither is safe to guess.
        raise ValidationError(
            _(
                "Skriv decimaler med kommatecken och tusental med mellanslag, till exempel "
                "1 234,50."
            ),
            code="invalid",
        )
    try:
        value = parse_decimal(cleaned, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation):
        raise ValidationError(_example_message(kind), code="invalid") from None
    return check(value, kind)


def check(value: Decimal, kind: Kind) -> Decimal:
    """The limits of a kind, for a number read elsewhere (a spreadsheet's numeric cell)."""
    if not value.is_finite():
        raise ValidationError(_example_message(kind), code="invalid")
    if value < 0:
        raise ValidationError(_("Siffran kan inte vara negativ."), code="negative")
    if value > kind.maximum:
        raise ValidationError(kind.too_large, code="too_large")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > kind.decimals:
        if kind.decimals == 0:
            raise ValidationError(_("Ange ett heltal, utan decimaler."), code="decimals")
        raise ValidationError(_("Ange högst två decimaler."), code="decimals")
    return value.quantize(Decimal(1).scaleb(-kind.decimals)) if kind.decimals else value


def _example_message(kind: Kind) -> str:
    if kind.decimals == 0:
        return str(_("Skriv ett heltal, till exempel 1 234."))
    return str(_("Skriv en siffra, till exempel 1 234 567 eller 1 234,50."))


def show(value, *, language: str | None = None, decimals: int | None = None) -> str:
    """A number as the reader's language writes it; "" for None."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if decimals is None:
        exponent = number.normalize().as_tuple().exponent
        decimals = min(2, -exponent) if isinstance(exponent, int) and exponent < 0 else 0
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(number, format=pattern, locale=locale_name(language))
