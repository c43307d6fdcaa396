"""Numbers the way the reader's language writes them (Babel), and a dictionary lookup."""

from django import template
from django.utils.translation import gettext as _

from followup import numbers

register = template.Library()


@register.filter
def number(value, decimals=None):
    """1234567 → "1 234 567" in Swedish, "1,234,567" in English; "" for None."""
    return numbers.show(value, decimals=None if decimals in (None, "") else int(decimals))


@register.filter
def kronor(value):
    """An amount with its currency; "" for None (not reported)."""
    if value is None or value == "":
        return ""
    return _("%(amount)s kr") % {"amount": numbers.show(value, decimals=0)}


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
