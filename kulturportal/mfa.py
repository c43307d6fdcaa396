"""Who must use two-step verification (MFA), and the views open before it is set up
(RequireMfaForOfficialsMiddleware closes every other page for such a person)."""

from kulturportal.models import Role


def open_before_mfa(view):
    """Mark a view an official may reach before setting up two-step verification."""
    view.open_before_mfa = True
    return view


def is_open_before_mfa(view_func) -> bool:
    module = getattr(view_func, "__module__", "") or ""
    return module.startswith("allauth.") or getattr(view_func, "open_before_mfa", False)


def must_use_mfa(user) -> bool:
    return user.is_staff or user.has_role(Role.REGIONAL_OFFICIAL)
