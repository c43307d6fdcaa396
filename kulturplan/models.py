"""The regional culture plan: its text, its development areas and the municipalities'
priorities among them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kulturportal.models import (
    FULL_NAME_MAX_LENGTH,
    ActivityArea,
    Municipality,
    TimestampedModel,
)


class CulturePlanQuerySet(models.QuerySet):
    def current(self):
        """The adopted plan whose period holds this year, else the latest adopted one."""
        adopted = self.filter(status=CulturePlan.Status.ADOPTED).order_by("-starts_year")
        year = timezone.localdate().year
        return adopted.filter(starts_year__lte=year, ends_year__gte=year).first() or (
            adopted.first()
        )


class CulturePlan(TimestampedModel):
    """One plan period. Its text is edited while it is a draft or in consultation; adopting
    locks it. Plans are public from the start: a draft says so on every page."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        CONSULTATION = "consultation", _("På remiss")
        ADOPTED = "adopted", _("Antagen")
        ARCHIVED = "archived", _("Arkiverad")

    # Where each status may go next; an adopted plan goes back only through a new period.
    TRANSITIONS = {
        Status.DRAFT: (Status.CONSULTATION, Status.ADOPTED),
        Status.CONSULTATION: (Status.DRAFT, Status.ADOPTED),
        Status.ADOPTED: (Status.ARCHIVED,),
        Status.ARCHIVED: (),
    }

    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("kortnamn"), unique=True, help_text=_("Till exempel 2025-2028."))
    starts_year = models.PositiveSmallIntegerField(_("första år"))
    ends_year = models.PositiveSmallIntegerField(_("sista år"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The number of the version being written; saved versions below it are kept as copies.
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    summary = models.TextField(_("sammanfattning"), blank=True)
    adopted_on = models.DateField(_("antagen"), null=True, blank=True)

    objects = CulturePlanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_year"]
        verbose_name = _("kulturplan")
        verbose_name_plural = _("kulturplaner")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_year__gte=F("starts_year")), name="plan_period_ordered"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kulturplan:plan_detail", args=[self.slug])

    @property
    def period(self) -> str:
        return f"{self.starts_year}–{self.ends_year}"

    @property
    def is_locked(self) -> bool:
        """An adopted or archived plan's text is what was decided: it is never edited."""
        return self.status in (self.Status.ADOPTED, self.Status.ARCHIVED)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def next_statuses(self) -> tuple[str, ...]:
        return self.TRANSITIONS[self.Status(self.status)]

    def previous_plan(self):
        return (
            CulturePlan.objects.filter(starts_year__lt=self.starts_year)
            .order_by("-starts_year")
            .first()
        )


class Section(TimestampedModel):
    """A part of the plan's text, in Markdown: background and goals, strategies, follow-up."""

    plan = models.ForeignKey(CulturePlan, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    title = models.CharField(_("rubrik"), max_length=200)
    slug = models.SlugField(_("ankare"), max_length=100)
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown: # rubrik, *kursiv*, **fet**, - lista.")
    )

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("avsnitt")
        verbose_name_plural = pgettext_lazy("plural", "avsnitt")
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="section_slug_per_plan"),
        ]

    def __str__(self):
        return self.title


class DevelopmentArea(TimestampedModel):
    """An utvecklingsområde: what the plan wants to develop, across one or more activity
    areas. The same slug in two periods is the same area, for comparisons."""

    plan = models.ForeignKey(
        CulturePlan, on_delete=models.CASCADE, related_name="development_areas"
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    title = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn"), max_length=100)
    description = models.TextField(_("beskrivning"), blank=True, help_text=_("Markdown."))
    activity_areas = models.ManyToManyField(
        ActivityArea, related_name="development_areas", verbose_name=_("verksamhetsområden")
    )

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("utvecklingsområde")
        verbose_name_plural = _("utvecklingsområden")
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="development_area_slug_per_plan"),
        ]

    def __str__(self):
        return self.title


class PlanVersion(models.Model):
    """A saved version of the plan's text, frozen as it stood; the diff compares these."""

    plan = models.ForeignKey(CulturePlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    created_at = models.DateTimeField(_("sparad"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sparad av"),
    )
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    # {"sections": [{"slug", "title", "body"}], "development_areas": [{"slug", "title",
    #  "description", "activity_areas": [code]}]}
    content = models.JSONField(_("innehåll"))

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("version av planen")
        verbose_name_plural = _("versioner av planen")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_version_number"),
        ]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class RegistrationWindowQuerySet(models.QuerySet):
    def open_at(self, moment=None):
        moment = moment or timezone.now()
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)

    def open_now(self):
        """The window open now (the one closing first, should two overlap), or None."""
        return self.open_at().select_related("plan").order_by("closes_at").first()

    def latest(self):
        return self.select_related("plan").order_by("-closes_at").first()


class RegistrationWindow(TimestampedModel):
    """When the municipalities may register and revise their priorities for a plan."""

    plan = models.ForeignKey(
        CulturePlan, on_delete=models.CASCADE, related_name="registration_windows"
    )
    opens_at = models.DateTimeField(_("öppnar"))
    closes_at = models.DateTimeField(_("stänger"))

    objects = RegistrationWindowQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-opens_at"]
        verbose_name = _("anmälningsperiod")
        verbose_name_plural = _("anmälningsperioder")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="window_closes_after_opening"
            ),
        ]

    def __str__(self):
        return f"{self.plan}: {self.opens_at:%Y-%m-%d}–{self.closes_at:%Y-%m-%d}"

    def is_open(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.opens_at <= moment < self.closes_at

    def has_closed(self, moment=None) -> bool:
        return (moment or timezone.now()) >= self.closes_at


class RegistrationQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(current_submission__isnull=False)


class Registration(TimestampedModel):
    """A municipality's priorities for one plan: the working copy its people edit, and the
    submissions it has sent in. The public sees the latest submission, never the draft."""

    plan = models.ForeignKey(CulturePlan, on_delete=models.CASCADE, related_name="registrations")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="plan_registrations"
    )
    # Raised by every save: a form based on an older version is refused, never saved over.
    version = models.PositiveIntegerField(default=0, editable=False)
    current_submission = models.ForeignKey(
        "Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("senast inskickad"),
    )
    # True while the working copy holds changes not yet submitted.
    has_draft_changes = models.BooleanField(_("ändringar som inte skickats in"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("senast ändrad av"),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("kommunens prioriteringar")
        verbose_name_plural = _("kommunernas prioriteringar")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "municipality"], name="one_registration_per_plan"
            ),
        ]

    def __str__(self):
        return f"{self.municipality}: {self.plan}"

    @property
    def is_submitted(self) -> bool:
        return self.current_submission_id is not None


class PriorityLine(models.Model):
    """What a prioritised area says: the working copy's lines and the submitted ones."""

    rank = models.PositiveSmallIntegerField(_("rang"))
    motivation = models.TextField(_("motivering"))
    contact_name = models.CharField(_("kontaktperson"), max_length=FULL_NAME_MAX_LENGTH, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.rank}. {self.development_area}"


class Priority(PriorityLine):
    """One development area the municipality prioritises, in the working copy."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="priorities"
    )
    development_area = models.ForeignKey(
        DevelopmentArea, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["registration", "rank"]
        verbose_name = _("prioritering")
        verbose_name_plural = _("prioriteringar")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "development_area"], name="priority_area_once"
            ),
            models.UniqueConstraint(fields=["registration", "rank"], name="priority_rank_once"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="priority_rank_positive"),
        ]


class Submission(models.Model):
    """What a municipality sent in, kept as it was; each revision is a new one."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="submissions"
    )
    number = models.PositiveSmallIntegerField(_("inskickning"))
    submitted_at = models.DateTimeField(_("inskickad"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inskickad av"),
    )

    class Meta:
        ordering = ["registration", "-number"]
        verbose_name = _("inskickning")
        verbose_name_plural = _("inskickningar")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "number"], name="one_submission_number"
            ),
        ]

    def __str__(self):
        return f"{self.registration} #{self.number}"


class SubmittedPriority(PriorityLine):
    """One line of a submission, frozen: the overview and the PDF read these."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="lines")
    development_area = models.ForeignKey(
        DevelopmentArea, on_delete=models.CASCADE, related_name="submitted_priorities"
    )

    class Meta:
        ordering = ["submission", "rank"]
        verbose_name = _("inskickad prioritering")
        verbose_name_plural = _("inskickade prioriteringar")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "development_area"], name="submitted_area_once"
            ),
        ]
