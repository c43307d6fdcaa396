"""The audit log's entries (kulturportal/audit.py writes them)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


def _readable(value, choices: dict | None = None):
    """A value from the log as people read it: a choice by its label, an ISO date-time as
    10 februari 2027, 09.30."""
    if value is None or value == "":
        return "–"
    if choices and isinstance(value, list):
        return ", ".join(choices.get(str(item), str(item)) for item in value) or "–"
    if choices and str(value) in choices:
        return choices[str(value)]
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    moment = parse_datetime(value) if isinstance(value, str) and "T" in value else None
    if moment is None:
        return value
    return date_format(timezone.localtime(moment), "j F Y, H.i")


# Action code → what the history pages call it; filled by kulturportal.audit.register_actions.
AUDIT_ACTION_LABELS: dict[str, str] = {}
# Detail key → its label on the history pages; keys without one are kept but not shown.
AUDIT_DETAIL_LABELS: dict[str, str] = {}
# Action code → the model whose fields its changes name, when not the entry's own (a reply
# is logged on the meeting, with the invitation's fields).
AUDIT_CHANGED_MODELS: dict[str, type] = {}
# (model, field) → {code: label} for a field whose values are codes but that has no choices
# of its own (a list of a round's consultation groups).
AUDIT_VALUE_LABELS: dict[tuple[type, str], dict] = {}
# Detail key → {code: label} for a detail that lists codes (the figures a save changed), so
# the history speaks the reader's language whatever language the writer had.
AUDIT_DETAIL_VALUE_LABELS: dict[str, dict] = {}


class AuditEntryQuerySet(models.QuerySet):
    def about(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).select_related("actor")


class AuditEntry(models.Model):
    """One thing someone did, appended by the service that did it; never changed or deleted.

    `changes` maps each changed field to [before, after]; `details` holds what is not a field
    (how many invitations went out, which file was uploaded).
    """

    created_at = models.DateTimeField(_("tid"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vem"),
    )
    # Kept when the person's account is deleted, so the record still says who it was.
    actor_label = models.CharField(_("vem (text)"), max_length=300, blank=True)
    action = models.CharField(_("händelse"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, verbose_name=_("typ")
    )
    object_id = models.CharField(_("id"), max_length=64)
    object_repr = models.CharField(_("vad"), max_length=300)
    changes = models.JSONField(_("ändringar"), default=dict, blank=True)
    details = models.JSONField(_("detaljer"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        verbose_name = _("händelse i loggen")
        verbose_name_plural = _("händelselogg")

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.action} {self.object_repr}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")

    def get_action_label(self) -> str:
        return str(AUDIT_ACTION_LABELS.get(self.action, self.action))

    def detail_rows(self) -> list[tuple[str, object]]:
        """(label, value) of the details worth showing: no empty counts, no False flags."""
        rows = []
        for key, value in self.details.items():
            label = AUDIT_DETAIL_LABELS.get(key)
            if label is None or value in (False, None, 0, "", []):
                continue
            words = AUDIT_DETAIL_VALUE_LABELS.get(key, {})
            if isinstance(value, list):
                shown = ", ".join(str(words.get(item, item)) for item in value)
            else:
                shown = words.get(value, value)
            rows.append((str(label), "" if value is True else shown))
        return rows

    def change_rows(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for the history pages, in words: a field's name and
        a choice's label in the reader's language, never a code."""
        model = AUDIT_CHANGED_MODELS.get(self.action) or (
            ContentType.objects.get_for_id(self.content_type_id).model_class()
        )
        rows = []
        for name, (before, after) in self.changes.items():
            try:
                field = model._meta.get_field(name) if model else None
            except Exception:
                field = None
            label = str(field.verbose_name) if field is not None else name
            labels = AUDIT_VALUE_LABELS.get((model, name)) or dict(
                getattr(field, "flatchoices", [])
            )
            choices = {str(k): str(v) for k, v in labels.items()}
            rows.append((label, _readable(before, choices), _readable(after, choices)))
        return rows
