"""Sample contexts for every e-mail the portal sends, for `manage.py render_emails`.

Each app registers its own e-mails here from its AppConfig.ready(), so the core never
imports a feature app:

    register("forums/emails/meeting_invitation", lambda: {"meeting": ..., "reply_url": ...})

A name is either a template set of our own, the path of <name>_subject.txt, <name>.txt and
<name>.html in the app that sends it (forums/emails/meeting_invitation; the core's own are
emails/<name>), or an allauth prefix such as "account/email/login_code". A factory returns a fresh
context built from unsaved model instances; it must not write to the database.
"""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kulturportal.models import Municipality, Role, RoleInvitation, User

ALLAUTH_PREFIX = "account/email/"

ContextFactory = Callable[[], dict]

_registry: dict[str, ContextFactory] = {}


def register(name: str, context_factory: ContextFactory) -> None:
    """Register the sample context of one e-mail; registering the same name twice is an error."""
    known = _registry.get(name)
    if known is not None and known is not context_factory:
        raise ValueError(f"An e-mail sample named {name!r} is registered already.")
    _registry[name] = context_factory


def samples() -> dict[str, ContextFactory]:
    """Every registered e-mail, by name, in name order."""
    return dict(sorted(_registry.items()))


def is_allauth(name: str) -> bool:
    return name.startswith(ALLAUTH_PREFIX)


# --- Shared sample data ---------------------------------------------------------------------


def sample_time(day: int, hour: int, minute: int = 0) -> datetime:
    """A fixed time in March 2026, so renderings stay the same from one run to the next."""
    return timezone.make_aware(datetime(2026, 3, day, hour, minute))


def sample_user(**fields) -> User:
    values = {
        "pk": 1,
        "email": "karin.lind@example.se",
        "first_name": "Karin",
        "last_name": "Lind",
        "preferred_language": "sv",
    }
    return User(**{**values, **fields})


# --- The core's own e-mails -----------------------------------------------------------------


def _role_invitation() -> dict:
    official = sample_user(
        pk=2, email="hanna.berg@example.se", first_name="Hanna", last_name="Berg"
    )
    lund = Municipality(pk=1, code="1281", name="Lund", official_name="Lunds kommun", slug="lund")
    invitation = RoleInvitation(
        pk=1,
        email="ny.kulturchef@example.se",
        role=Role.CULTURE_CHIEF,
        municipality=lund,
        invited_by=official,
        expires_at=sample_time(26, 12),
    )
    return {
        "invitation": invitation,
        "invited_by": official,
        "url": settings.SITE_URL + reverse("accept_invitation", args=["exempelnyckel"]),
        "valid_days": settings.ROLE_INVITATION_VALID_DAYS,
    }


# allauth's account e-mails that this portal can send: e-mail verification (mandatory, by
# link), password reset by link, login by code, and the two that prevent enumeration.
# Change notifications (ACCOUNT_EMAIL_NOTIFICATIONS) and reset by code are switched off.


def _confirmation() -> dict:
    key = "MQ:1tExempel:nyckel"
    return {
        "email": "karin.lind@example.se",
        "user": sample_user(),
        "key": key,
        "activate_url": settings.SITE_URL + reverse("account_confirm_email", args=[key]),
    }


def _password_reset_key() -> dict:
    url = settings.SITE_URL + reverse(
        "account_reset_password_from_key", kwargs={"uidb36": "1", "key": "cx9-exempelnyckel"}
    )
    return {
        "email": "karin.lind@example.se",
        "user": sample_user(),
        "password_reset_url": url,
        "uid": "1",
        "key": "cx9-exempelnyckel",
    }


def _login_code() -> dict:
    return {"email": "karin.lind@example.se", "code": "Q7K2ZM"}


def _unknown_account() -> dict:
    return {
        "email": "okand@example.se",
        "signup_url": settings.SITE_URL + reverse("account_signup"),
    }


def _account_already_exists() -> dict:
    return {
        "email": "karin.lind@example.se",
        "signup_url": settings.SITE_URL + reverse("account_signup"),
        "password_reset_url": settings.SITE_URL + reverse("account_reset_password"),
    }


register("emails/role_invitation", _role_invitation)
register(ALLAUTH_PREFIX + "email_confirmation_signup", _confirmation)
register(ALLAUTH_PREFIX + "email_confirmation", _confirmation)
register(ALLAUTH_PREFIX + "password_reset_key", _password_reset_key)
register(ALLAUTH_PREFIX + "login_code", _login_code)
register(ALLAUTH_PREFIX + "unknown_account", _unknown_account)
register(ALLAUTH_PREFIX + "account_already_exists", _account_already_exists)
