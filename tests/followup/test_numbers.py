"""Numbers as people type them, read with Babel: spaces of every kind between thousands, a
comma before the öre; empty is "not reported", not 0; negatives and absurd values refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from followup import numbers


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 234 567", Decimal("1234567")),
        ("1\u00a0234\u00a0567", Decimal("1234567")),  # non-breaking spaces (Word, the web)
        ("1\u202f234,50", Decimal("1234.50")),  # narrow no-break space (CLDR, macOS)
        ("1 234,50", Decimal("1234.50")),
        ("1234,5", Decimal("1234.50")),
        ("  42 000 000 kr ", Decimal("42000000")),
        ("0", Decimal("0")),
    ],
)
def test_swedish_money_is_read_as_a_swede_writes_it(typed, expected):
    assert numbers.parse(typed, numbers.MONEY, language="sv") == expected


def test_an_empty_field_is_not_reported_and_zero_is_zero():
    assert numbers.parse("", numbers.COUNT, language="sv") is None
    assert numbers.parse("   ", numbers.MONEY, language="sv") is None
    assert numbers.parse("0", numbers.COUNT, language="sv") == 0


@pytest.mark.parametrize(
    ("typed", "kind", "code"),
    [
        ("-5", numbers.COUNT, "negative"),
        ("\u2212 1 000", numbers.MONEY, "negative"),  # the minus sign CLDR gives Swedish
        ("–300", numbers.MONEY, "negative"),  # Word's dash
        ("12,5", numbers.COUNT, "decimals"),  # half a performance
        ("1,234", numbers.MONEY, "decimals"),  # three decimals of a krona
        ("1.234", numbers.MONEY, "invalid"),  # a thousand, or one point two? Not guessed.
        ("12 3 4", numbers.COUNT, "invalid"),
        ("tolv", numbers.COUNT, "invalid"),
        ("1 000 000 000 000", numbers.MONEY, "too_large"),
        ("60 000 000", numbers.COUNT, "too_large"),
        ("10 000", numbers.FTE, "too_large"),
        ("25 000", numbers.OCCASIONS, "too_large"),
    ],
)
def test_what_cannot_be_right_is_refused_with_a_reason(typed, kind, code):
    with pytest.raises(ValidationError) as refused:
        numbers.parse(typed, kind, language="sv")
    assert refused.value.code == code
    assert str(refused.value.messages[0])  # a sentence for beside the field


def test_english_pages_read_english_numbers():
    assert numbers.parse("1,234,567.50", numbers.MONEY, language="en") == Decimal("1234567.50")
    with pytest.raises(ValidationError):
        numbers.parse("1 234,50", numbers.MONEY, language="en")


def test_numbers_are_shown_the_way_they_are_read_back():
    shown = numbers.show(Decimal("1234567"), language="sv")
    assert shown == "1\u00a0234\u00a0567"
    assert numbers.parse(shown, numbers.MONEY, language="sv") == Decimal("1234567")
    assert numbers.show(Decimal("12.50"), language="sv") == "12,5"
    assert numbers.show(None) == ""
