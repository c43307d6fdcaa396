"""The annual follow-up: funding decisions, reporting rounds, the funded organisations'
annual reports (a working copy and every submitted version), their files and reviews.

Money is in kronor with öre (two decimals). An empty figure is "not reported" and stored as
NULL, or as no row at all in the tables of per-municipality and per-area figures; 0 is a
reported zero.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kulturplan.models import DevelopmentArea
from kulturportal.collation import swedish
from kulturportal.models import ActivityArea, Municipality, Organisation, TimestampedModel

FIRST_YEAR = 2000
LAST_YEAR = 2100
MONEY = {"max_digits": 14, "decimal_places": 2}
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


def _zero_or_more(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__gte": 0}), name=name)


# --- Funding decisions ----------------------------------------------------------------------


class FundingDecisionQuerySet(models.QuerySet):
    def with_lines(self):
        """The organisation, the state grant per area and the municipalities' contributions,
        in three queries whatever the number of decisions."""
        return self.select_related("organisation").prefetch_related(
            models.Prefetch("state_grants", StateGrant.objects.select_related("activity_area")),
            models.Prefetch(
                "municipal_contributions",
                MunicipalContribution.objects.select_related("municipality"),
            ),
        )

    def for_year(self, year: int):
        return self.filter(year=year).with_lines().order_by(swedish("organisation__name"))


class FundingDecision(TimestampedModel):
    """Region Skåne's decision for one organisation and year: the state grant through the
    model split over activity areas, the region's own grant, and each co-financing
    municipality's contribution."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="funding_decisions",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(_("år"), validators=YEAR_VALIDATORS)
    region_grant = models.DecimalField(_("Region Skånes bidrag"), default=Decimal(0), **MONEY)
    reference = models.CharField(_("diarienummer"), max_length=50, blank=True)
    note = models.TextField(_("anteckning"), max_length=1000, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )

    objects = FundingDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-year", swedish("organisation__name")]
        verbose_name = _("bidragsbeslut")
        verbose_name_plural = _("bidragsbeslut")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="one_decision_per_organisation_and_year"
            ),
            _zero_or_more("region_grant", "decision_region_grant_not_negative"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}"

    # Read from the prefetched lines (with_lines), so a list of decisions costs no more.
    @property
    def state_total(self) -> Decimal:
        return sum((g.amount for g in self.state_grants.all()), Decimal(0))

    @property
    def municipal_total(self) -> Decimal:
        return sum((c.amount for c in self.municipal_contributions.all()), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.state_total + self.region_grant + self.municipal_total

    def areas(self) -> list[ActivityArea]:
        grants = sorted(self.state_grants.all(), key=lambda g: g.activity_area.position)
        return [g.activity_area for g in grants]

    def main_area(self) -> ActivityArea | None:
        """The area with most of the state grant (the first in the model's order on a tie)."""
        grants = sorted(
            self.state_grants.all(), key=lambda g: (-g.amount, g.activity_area.position)
        )
        return grants[0].activity_area if grants else None


class StateGrant(TimestampedModel):
    decision = models.ForeignKey(
        FundingDecision, on_delete=models.CASCADE, related_name="state_grants"
    )
    activity_area = models.ForeignKey(
        ActivityArea,
        on_delete=models.PROTECT,
        related_name="state_grants",
        verbose_name=_("verksamhetsområde"),
    )
    amount = models.DecimalField(_("statliga medel"), **MONEY)

    class Meta:
        ordering = ["activity_area__position"]
        verbose_name = _("statliga medel per verksamhetsområde")
        verbose_name_plural = _("statliga medel per verksamhetsområde")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "activity_area"], name="one_state_grant_per_area"
            ),
            _zero_or_more("amount", "state_grant_not_negative"),
        ]


class MunicipalContribution(TimestampedModel):
    decision = models.ForeignKey(
        FundingDecision, on_delete=models.CASCADE, related_name="municipal_contributions"
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="funding_contributions",
        verbose_name=_("kommun"),
    )
    amount = models.DecimalField(_("kommunens bidrag"), **MONEY)

    class Meta:
        ordering = [swedish("municipality__name")]
        verbose_name = _("kommunalt bidrag")
        verbose_name_plural = _("kommunala bidrag")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "municipality"], name="one_contribution_per_municipality"
            ),
            _zero_or_more("amount", "municipal_contribution_not_negative"),
        ]


class DecisionImport(TimestampedModel):
    """An uploaded spreadsheet of decisions, kept between its preview and its import."""

    token = models.CharField(max_length=64, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(_("fil"), max_length=200)
    content = models.BinaryField()
    imported_at = models.DateTimeField(_("importerad"), null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import av bidragsbeslut")
        verbose_name_plural = _("importer av bidragsbeslut")


# --- Reporting rounds -------------------------------------------------------------------------


class ReportingRound(TimestampedModel):
    """The yearly collection of the funded organisations' reports about one year."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True, validators=YEAR_VALIDATORS)
    deadline = models.DateTimeField(_("sista dag"))
    jump_threshold = models.PositiveSmallIntegerField(
        _("förändring som kräver förklaring (procent)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(500)],
        help_text=_("En siffra som ändrats mer än så mot förra året behöver en kort förklaring."),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("öppnad av"),
    )
    confirmed_at = models.DateTimeField(_("områdesfördelningen bekräftad"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bekräftad av"),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("rapportering")
        verbose_name_plural = _("rapporteringar")

    def __str__(self):
        return str(_("Uppföljning %(year)s") % {"year": self.year})

    def get_absolute_url(self):
        return reverse("followup:round_manage", args=[self.year])

    def is_past_deadline(self, moment=None) -> bool:
        return (moment or timezone.now()) > self.deadline


# --- Annual reports ---------------------------------------------------------------------------


class AnnualReportQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=AnnualReport.Status.APPROVED, approved_submission__isnull=False)

    def submitted_or_approved(self):
        return self.filter(status__in=[AnnualReport.Status.SUBMITTED, AnnualReport.Status.APPROVED])


class AnnualReport(TimestampedModel):
    """One organisation's report for one round: written together by its representatives
    (the working copy, content number 0), submitted as numbered versions, reviewed by an
    official, who approves one or returns it for completion (komplettering)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inskickad")
        RETURNED = "returned", _("Återsänd för komplettering")
        APPROVED = "approved", _("Godkänd")

    round = models.ForeignKey(
        ReportingRound, on_delete=models.PROTECT, related_name="reports", verbose_name=_("år")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="annual_reports",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Raised by every save: a form based on an older version is refused.
    version = models.PositiveIntegerField(default=0, editable=False)
    has_draft_changes = models.BooleanField(default=False)
    current_submission = models.ForeignKey(
        "ReportContent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="current_of",
    )
    approved_submission = models.ForeignKey(
        "ReportContent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_of",
    )
    submitted_at = models.DateTimeField(_("senast inskickad"), null=True, blank=True)
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("senast sparad av"),
    )

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        ordering = ["-round__year", swedish("organisation__name")]
        verbose_name = _("årsrapport")
        verbose_name_plural = _("årsrapporter")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="one_report_per_organisation_and_round"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.round.year}"

    def form_url(self) -> str:
        return reverse("followup:report_form", args=[self.round.year, self.organisation.slug])

    def review_url(self) -> str:
        return reverse("followup:review", args=[self.round.year, self.pk])

    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def is_editable(self) -> bool:
        """Representatives revise the report until it is approved."""
        return self.status != self.Status.APPROVED

    def is_done(self) -> bool:
        """Reported, as the completion board counts: submitted or approved."""
        return self.status in (self.Status.SUBMITTED, self.Status.APPROVED)


class ReportContent(TimestampedModel):
    """The figures of a report: number 0 is the working copy the representatives edit,
    1, 2, 3 … each submitted version, kept as it was sent."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="contents")
    number = models.PositiveSmallIntegerField(_("version"), default=0)
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inskickad av"),
    )
    submitted_by_label = models.CharField(max_length=300, blank=True)
    income_state = models.DecimalField(null=True, blank=True, **MONEY)
    income_region = models.DecimalField(null=True, blank=True, **MONEY)
    income_other_public = models.DecimalField(null=True, blank=True, **MONEY)
    income_own = models.DecimalField(null=True, blank=True, **MONEY)
    costs_total = models.DecimalField(null=True, blank=True, **MONEY)
    costs_staff = models.DecimalField(null=True, blank=True, **MONEY)
    staff_fte = models.DecimalField(null=True, blank=True, max_digits=8, decimal_places=2)
    # The organisation's short explanations, by check: {"state_grant": "…", …}
    explanations = models.JSONField(default=dict, blank=True)
    # What the checks found when this version was submitted, with the explanations given.
    findings = models.JSONField(default=list, blank=True)
    files = models.ManyToManyField("ReportFile", blank=True, related_name="contents")

    class Meta:
        ordering = ["report", "-number"]
        verbose_name = _("rapportinnehåll")
        verbose_name_plural = _("rapportinnehåll")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_content_per_number"),
            models.CheckConstraint(
                condition=Q(costs_staff__isnull=True)
                | Q(costs_total__isnull=True)
                | Q(costs_staff__lte=F("costs_total")),
                name="staff_costs_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.report} v{self.number}"

    @property
    def is_working_copy(self) -> bool:
        return self.number == 0


class MunicipalIncome(models.Model):
    content = models.ForeignKey(
        ReportContent, on_delete=models.CASCADE, related_name="municipal_income"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content", "municipality"], name="one_income_per_municipality"
            ),
            _zero_or_more("amount", "municipal_income_not_negative"),
        ]

    def __str__(self):
        return f"{self.municipality_id}: {self.amount}"


class ActivityFigure(models.Model):
    """One area-specific figure: performances, audience, visits … (followup/metrics.py)."""

    content = models.ForeignKey(
        ReportContent, on_delete=models.CASCADE, related_name="activity_figures"
    )
    activity_area = models.ForeignKey(ActivityArea, on_delete=models.PROTECT, related_name="+")
    metric = models.CharField(max_length=40)
    value = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content", "activity_area", "metric"], name="one_value_per_metric"
            ),
        ]

    def __str__(self):
        return f"{self.metric}: {self.value}"


class Reach(models.Model):
    """How many times the organisation's activity took place in a municipality."""

    content = models.ForeignKey(ReportContent, on_delete=models.CASCADE, related_name="reach")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="followup_reach"
    )
    occasions = models.PositiveIntegerField(_("tillfällen"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content", "municipality"], name="one_reach_per_municipality"
            ),
        ]

    def __str__(self):
        return f"{self.municipality_id}: {self.occasions}"


class AreaContribution(models.Model):
    """What the organisation did for one of the plan's development areas."""

    content = models.ForeignKey(
        ReportContent, on_delete=models.CASCADE, related_name="contributions"
    )
    development_area = models.ForeignKey(
        DevelopmentArea, on_delete=models.PROTECT, related_name="followup_contributions"
    )
    description = models.TextField(max_length=1500)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content", "development_area"], name="one_contribution_per_area"
            ),
        ]

    def __str__(self):
        return self.description[:60]


def report_file_path(instance: "ReportFile", filename: str) -> str:
    return f"uppfoljning/{instance.report.round.year}/{instance.report_id}/{filename}"


class ReportFile(TimestampedModel):
    class Kind(models.TextChoices):
        ANNUAL_REPORT = "annual_report", _("Årsredovisning")
        ACTIVITY_REPORT = "activity_report", _("Verksamhetsberättelse")

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=report_file_path, max_length=300)
    filename = models.CharField(_("filnamn"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "created_at"]
        verbose_name = _("fil till årsrapport")
        verbose_name_plural = _("filer till årsrapporter")

    def __str__(self):
        return self.filename

    def download_url(self) -> str:
        return reverse("followup:report_file", args=[self.pk])


class ReportReview(TimestampedModel):
    """An official's decision on a submitted version: approved, or returned with a comment."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Godkänd")
        RETURNED = "returned", _("Återsänd för komplettering")

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="reviews")
    content = models.ForeignKey(ReportContent, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(_("beslut"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("kommentar"), max_length=4000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("granskning")
        verbose_name_plural = _("granskningar")
