"""How long the portal keeps personal data, and the task that deletes it when its time is up.

Each rule says what it deletes, after how long and why; the privacy page shows them to the
people concerned and the README's retention table to the developers (a test holds the two
to the rules). The core's rules are here; an app adds its own in a `retention` module with
`RULES`, found like its demo data, so the core names no app. The beat task runs them all
daily; each deletes only what is due, so a second run deletes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kulturportal import audit, services
from kulturportal.discovery import app_modules
from kulturportal.models import (
    InboundEmail,
    MembershipRequest,
    OutgoingEmail,
    RoleAssignment,
    RoleInvitation,
    User,
)
from kulturportal.tasks import task

audit.register_actions(
    {"retention.deleted": _("Raderat när lagringstiden gått ut")},
    details={"deleted": _("Antal"), "days": _("Lagringstid i dagar")},
)


@dataclass(frozen=True)
class Rule:
    name: str
    what: Promise
    kept: Promise
    why: Promise
    # Deletes what is due at `now`; returns how many it deleted.
    apply: Callable[[datetime], int]
    # The rule's days, when its setting is not in RETENTION_DAYS under its name.
    days: Callable[[], int] | None = None


def days(name: str) -> int:
    return settings.RETENTION_DAYS[name]


def _recorded(model, name: str, deleted: int) -> int:
    """One entry a rule and run that deleted something: the log says what went, and when."""
    if deleted:
        audit.record(
            "retention.deleted",
            model,
            actor=None,
            details={"deleted": deleted, "days": days(name)},
        )
    return deleted


def own_rows(queryset) -> int:
    """Delete and count the rule's own rows: what goes with them (an e-mail's attachments)
    is not another e-mail."""
    _total, by_model = queryset.delete()
    return by_model.get(queryset.model._meta.label, 0)


@transaction.atomic
def forget_outgoing_email(now: datetime) -> int:
    cutoff = now - timedelta(days=days("outgoing_email"))
    done = Q(status__in=[OutgoingEmail.Status.SENT, OutgoingEmail.Status.FAILED])
    deleted = own_rows(OutgoingEmail.objects.filter(done, updated_at__lt=cutoff))
    return _recorded(OutgoingEmail, "outgoing_email", deleted)


@transaction.atomic
def forget_inbound_email(now: datetime) -> int:
    cutoff = now - timedelta(days=days("inbound_email"))
    deleted = own_rows(InboundEmail.objects.filter(created_at__lt=cutoff))
    return _recorded(InboundEmail, "inbound_email", deleted)


@transaction.atomic
def forget_role_invitations(now: datetime) -> int:
    """Invitations never accepted: the address and the role offered, once the link is dead."""
    cutoff = now - timedelta(days=days("role_invitations"))
    unused = RoleInvitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff)
    deleted = own_rows(unused)
    return _recorded(RoleInvitation, "role_invitations", deleted)


@transaction.atomic
def forget_membership_requests(now: datetime) -> int:
    cutoff = now - timedelta(days=days("membership_requests"))
    decided = MembershipRequest.objects.exclude(status=MembershipRequest.Status.PENDING)
    deleted = own_rows(decided.filter(decided_at__lt=cutoff))
    return _recorded(MembershipRequest, "membership_requests", deleted)


def forget_sessions(now: datetime) -> int:
    deleted = own_rows(Session.objects.filter(expire_date__lt=now))
    return deleted  # a login's cookie; no entry for the log


def forget_inactive_accounts(now: datetime) -> int:
    """Accounts without a role for the time the privacy page promises, not logged in since.
    One still holding something (a meeting it organises) is left for an official to see
    to: the account list shows it."""
    cutoff = now - timedelta(days=days("inactive_accounts"))
    deleted = 0
    for user in _inactive_accounts(cutoff):
        try:
            services.delete_account(user=user, actor=None)
        except services.AccountInUse:
            continue
        deleted += 1
    return deleted  # each deletion has its own entry (account.deleted)


def _inactive_accounts(cutoff: datetime):
    held = RoleAssignment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=cutoff.date())
    ).values("user_id")
    logged_in = Q(last_login__gte=cutoff) | Q(last_login__isnull=True, date_joined__gte=cutoff)
    return (
        User.objects.filter(is_staff=False, is_superuser=False)
        .exclude(pk__in=held)
        .exclude(logged_in)
        .order_by("pk")
    )


CORE_RULES = [
    Rule(
        "outgoing_email",
        _("E-post som portalen har skickat (mottagare, ämne och text)"),
        _("%(days)s dagar efter att det skickades"),
        _("För att kunna svara på frågor om vad som skickades och till vem."),
        forget_outgoing_email,
    ),
    Rule(
        "inbound_email",
        _("E-post till portalen, till exempel svar på kalenderinbjudningar"),
        _("%(days)s dagar efter att det kom in"),
        _("För att kunna utreda ett svar som inte registrerades."),
        forget_inbound_email,
    ),
    Rule(
        "role_invitations",
        _("Inbjudningar till en roll som aldrig antogs (e-postadress och roll)"),
        _("%(days)s dagar efter att länken slutade gälla"),
        _("För att kunna svara på frågor om en inbjudan som inte kom fram."),
        forget_role_invitations,
    ),
    Rule(
        "membership_requests",
        _("Ansökningar om att företräda en organisation, med meddelandet"),
        _("%(days)s dagar efter beslutet"),
        _("För att kunna förklara ett beslut om den som ansökte frågar."),
        forget_membership_requests,
    ),
    Rule(
        "sessions",
        _("Inloggningar (en kaka i din webbläsare och en rad hos oss)"),
        _("Tills inloggningen gått ut"),
        _("För att du ska förbli inloggad medan du arbetar."),
        forget_sessions,
    ),
    Rule(
        "inactive_accounts",
        _("Konton utan roll som inte har använts"),
        _("%(days)s dagar utan roll och utan inloggning"),
        _("Ett konto behövs bara så länge du har en uppgift i portalen."),
        forget_inactive_accounts,
    ),
]


def rules() -> list[Rule]:
    found = list(CORE_RULES)
    for module in app_modules("retention"):
        found.extend(module.RULES)
    return found


def kept_for(rule: Rule) -> str:
    """The rule's time in words, with its days from the settings."""
    days_kept = rule.days() if rule.days else settings.RETENTION_DAYS.get(rule.name, "")
    return str(rule.kept) % {"days": days_kept}


@task(soft_time_limit=600, time_limit=660)
def apply_retention() -> dict[str, int]:
    """Run by beat once a day: every rule, each in its own transaction, so one that fails
    leaves the others done. Safe to run again at once: nothing more is due."""
    now = timezone.now()
    return {rule.name: rule.apply(now) for rule in rules()}
