"""The forums' retention rules, run by the core's daily task (kulturportal/retention.py)."""

from django.utils.translation import gettext_lazy as _

from forums.services import forget_needs, retention_days
from kulturportal.retention import Rule

RULES = [
    Rule(
        "meeting_needs",
        _("Kost, tillgänglighet och meddelanden till arrangören i svar på inbjudningar"),
        _("%(days)s dagar efter mötet"),
        _("Uppgifterna behövs för att ordna mötet, inte efteråt; de kan röra hälsa."),
        lambda now: forget_needs(now=now),
        days=retention_days,
    ),
]
