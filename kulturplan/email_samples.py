"""Sample contexts for the plan's e-mails, for `manage.py render_emails`; no database."""

from django.conf import settings

from kulturplan.models import CulturePlan, RegistrationWindow
from kulturportal.email_samples import register, sample_time, sample_user
from kulturportal.models import Municipality


def _reminder() -> dict:
    plan = CulturePlan(pk=1, title="Regional kulturplan för Skåne 2029–2032", slug="2029-2032")
    municipality = Municipality(pk=1, name="Ystad", slug="ystad", code="1286")
    return {
        "plan": plan,
        "window": RegistrationWindow(
            plan=plan, opens_at=sample_time(1, 8), closes_at=sample_time(28, 16)
        ),
        "municipality": municipality,
        "recipient": sample_user(pk=5, email="kulturchef.ystad@example.se", first_name="Ylva"),
        "form_url": f"{settings.SITE_URL}/kommuner/ystad/prioriteringar/",
    }


register("kulturplan/emails/priorities_reminder", _reminder)
