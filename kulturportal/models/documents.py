"""Files the portal makes: PDFs (kulturportal/pdf.py) and spreadsheets built in the
background (kulturportal/background_exports.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RenderedDocument(models.Model):
    """A PDF made from an ordinary template, keyed by a hash of everything that went in.

    The same inputs find the same row and its stored file; changed inputs make a new row.
    The bytes live in the database, so the web and the worker containers need no shared
    volume (kulturportal/pdf.py).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        RENDERING = "rendering", _("Skapas")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckad")

    key = models.CharField(_("nyckel"), max_length=64, unique=True, editable=False)
    title = models.CharField(_("titel"), max_length=300)
    filename = models.CharField(_("filnamn"), max_length=200)
    lang = models.CharField(_("språk"), max_length=10, default="sv")
    html = models.TextField(_("HTML"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    content = models.BinaryField(_("PDF"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("antal sidor"), null=True, blank=True)
    render_seconds = models.FloatField(_("tid för hela uppgiften (s)"), null=True, blank=True)
    weasyprint_seconds = models.FloatField(_("tid i WeasyPrint (s)"), null=True, blank=True)
    error = models.TextField(_("fel"), blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    # When the status last changed: how long a render has waited, run or been failed.
    status_changed_at = models.DateTimeField(_("status ändrad"), default=timezone.now)
    rendered_at = models.DateTimeField(_("renderad"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("renderat dokument")
        verbose_name_plural = _("renderade dokument")

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED


class ExportFile(models.Model):
    """A spreadsheet too big to build during a request: a task writes it to a file, and the
    person who asked for it downloads it from a progress page
    (kulturportal/background_exports.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        RUNNING = "running", _("Skapas")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckad")

    token = models.CharField(max_length=43, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("beställd av"),
    )
    # The registered builder that makes the rows, and the arguments it is given.
    builder = models.CharField(_("export"), max_length=100)
    params = models.JSONField(default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4)
    filename = models.CharField(_("filnamn"), max_length=200)
    title = models.CharField(_("titel"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("fil"), upload_to="exports/%Y/%m/", blank=True)
    rows_total = models.PositiveIntegerField(_("rader totalt"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rader klara"), default=0)
    error = models.TextField(_("fel"), blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exporter")

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"
