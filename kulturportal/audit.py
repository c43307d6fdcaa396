"""The audit log: who did what, to which object, with which changes, from where.

Every service that changes something calls `record()` inside its own transaction, so the
entry commits or rolls back with the change. We keep an explicit table rather than a
library: signal-based history libraries miss bulk writes (`bulk_create`, `update()`), and
PostgreSQL triggers would leave the embedded SQLite default without a log; an explicit call
also records intent ("invitations sent to 33") that no row-level diff shows.

Who acted is told, never guessed: every service that writes takes `actor` as a keyword
(views pass request.user; tasks and commands the person who asked, or None for the
system), as pretix's log_action(user=…) and Zulip's acting_user. Only the client's address
comes from the request (AuditContextMiddleware), for the entries that request causes.
"""

from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kulturportal.models import (
    AUDIT_ACTION_LABELS,
    AUDIT_CHANGED_MODELS,
    AUDIT_DETAIL_LABELS,
    AUDIT_DETAIL_VALUE_LABELS,
    AUDIT_VALUE_LABELS,
    AuditEntry,
)

SYSTEM = "system"


def register_actions(
    labels: dict,
    details: dict | None = None,
    changes_of: dict | None = None,
    value_labels: dict | None = None,
    detail_values: dict | None = None,
) -> None:
    """Each app names its actions for the history pages, e.g. {"meeting.changed": …}, the
    detail keys worth showing there, the model whose fields an action's changes name when
    it is not the logged object's ({"invitation.replied": Invitation}), and the labels of
    coded values in a field without choices ({(Round, "groups"): Group.choices}) and of the
    codes a detail lists ({"figures": {"reach": …}})."""
    AUDIT_ACTION_LABELS.update(labels)
    AUDIT_DETAIL_LABELS.update(details or {})
    AUDIT_CHANGED_MODELS.update(changes_of or {})
    AUDIT_VALUE_LABELS.update({key: dict(choices) for key, choices in (value_labels or {}).items()})
    for key, words in (detail_values or {}).items():
        AUDIT_DETAIL_VALUE_LABELS.setdefault(key, {}).update(words)


register_actions(
    {
        "role.invited": _("Inbjuden till en roll"),
        "role.accepted": _("Rollen antagen"),
        "account.deleted": _("Kontot borttaget"),
    },
    details={"email": _("E-post"), "role": _("Roll"), "scope": _("Gäller")},
)


# The client's address, for the entries a request causes: the one thing a service cannot be
# told by its caller without every view passing it along (AuditContextMiddleware).
_client_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)


def record(
    action: str,
    obj: models.Model | type[models.Model],
    *,
    actor,
    changes: dict | None = None,
    details: dict | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. `actor` is the person the service acts for (the view's
    request.user, the task's requester), or None for the system; an anonymous visitor is
    recorded by `actor_label` alone (the reply link's invitee, say). `obj` may be a model
    class when the entry is about many of its rows (the retention task's deletions)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=actor_label or (_label(actor) if actor else SYSTEM),
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk) if isinstance(obj, models.Model) else "",
        object_repr=_repr(obj),
        changes=changes or {},
        details=jsonable(details or {}),
        ip_address=_client_address.get(),
    )


def _repr(obj) -> str:
    # A model class stands for its rows as a whole (the retention task's deletions).
    if isinstance(obj, models.Model):
        return str(obj)[:300]
    return str(obj._meta.verbose_name_plural)[:300]


def person(actor):
    """The actor as a person to store in a column (submitted_by, sent_by): None for the
    system and for an anonymous visitor."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def snapshot(obj: models.Model, fields) -> dict:
    return {name: jsonable(getattr(obj, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for each field whose value changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _label(user) -> str:
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{name} <{user.email}>" if name and name != user.email else user.email


def jsonable(value):
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        # One form for one instant: the same meeting time read from the database (UTC) and
        # from a form (Stockholm) must not look like a change.
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class AuditContextMiddleware:
    """Remember the client's address for the audit entries this request causes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from allauth.account.adapter import get_adapter

        try:
            ip = get_adapter().get_client_ip(request)
        except Exception:  # e.g. fewer X-Forwarded-For hops than TRUSTED_PROXY_COUNT
            ip = None  # the log then says no address rather than the page failing
        token = _client_address.set(ip)
        try:
            return self.get_response(request)
        finally:
            _client_address.reset(token)
