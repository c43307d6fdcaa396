"""The bodies that take part: their kinds, consultation bodies' members, and people's
requests to represent one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kulturportal.collation import swedish
from kulturportal.models.base import TimestampedModel
from kulturportal.models.places import Municipality
from kulturportal.validators import normalise_org_number, validate_org_number


class OrganisationKind(models.TextChoices):
    REGION = "region", _("Region Skåne")
    MUNICIPAL_ADMINISTRATION = "municipal", _("Kommunal förvaltning")
    MUNICIPAL_ASSOCIATION = "skanes_kommuner", _("Skånes Kommuner")
    CULTURAL_INSTITUTION = "institution", _("Kulturinstitution")
    CONSULTATION_BODY = "omradeskollegium", _("Områdeskollegium")
    INTEREST_ORGANISATION = "interest", _("Intresseorganisation")
    INDEPENDENT_CULTURAL_LIFE = "independent", _("Fria professionella kulturlivet")
    POPULAR_EDUCATION = "folkbildning", _("Folkbildning")
    CIVIL_SOCIETY = "civil_society", _("Civilsamhälle och idéburen sektor")
    STATE_AGENCY = "state_agency", _("Statlig myndighet")


class OrganisationQuerySet(models.QuerySet):
    def approved(self):
        """Those that take part: entered by the region, or registered and approved."""
        return self.filter(status=Organisation.Status.APPROVED)

    def lookup(self, text: str, limit: int = 6) -> list["Organisation"]:
        """The organisations a name or an organisation number points at, best first: an
        exact number, else an exact name, else up to `limit` names containing the text."""
        text = text.strip()
        digits = "".join(c for c in text if c.isdigit())
        if len(digits) == 10:
            match = self.filter(org_number=f"{digits[:6]}-{digits[6:]}").first()
            if match:
                return [match]
        exact = self.filter(name__iexact=text).first()
        if exact:
            return [exact]
        return list(self.filter(name__icontains=text).order_by(swedish("name"))[:limit])

    def co_financed_institutions(self):
        return self.filter(
            kind=OrganisationKind.CULTURAL_INSTITUTION, co_financing_municipalities__isnull=False
        ).distinct()


class Organisation(TimestampedModel):
    class Status(models.TextChoices):
        # A person's registration waits for an official: until then the organisation may
        # write drafts but answers nothing, and no invitation or board reaches it.
        PENDING = "pending", _("Väntar på granskning")
        APPROVED = "approved", _("Godkänd")
        REFUSED = "refused", _("Avslagen")

    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn"), max_length=200, unique=True)
    kind = models.CharField(_("typ"), max_length=30, choices=OrganisationKind.choices)
    org_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_org_number],
        help_text=_("Tio siffror, till exempel 232100-0255."),
    )
    email = models.EmailField(_("e-post"), blank=True)
    website = models.URLField(_("webbplats"), blank=True)
    host_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_institutions",
        verbose_name=_("värdkommun"),
    )
    co_financing_municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="co_financed_institutions",
        verbose_name=_("medfinansierande kommuner"),
    )
    activity_areas = models.JSONField(
        _("verksamhetsområden"),
        default=list,
        blank=True,
        help_text=_("Koder för de verksamhetsområden institutionen arbetar inom."),
    )

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPROVED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granskad av"),
    )
    reviewed_at = models.DateTimeField(_("granskad"), null=True, blank=True)
    review_note = models.TextField(_("motivering"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = [swedish("name")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation_detail", args=[self.slug])

    def clean(self):
        if self.org_number:
            self.org_number = normalise_org_number(self.org_number)

    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


def public_hosted_institutions() -> models.Prefetch:
    """A municipality's institutions as the public sees them: approved ones, by name (a
    registration waiting for review is not public)."""
    return models.Prefetch(
        "hosted_institutions", queryset=Organisation.objects.approved().order_by("name")
    )


class BodyMembership(TimestampedModel):
    """A member organisation of a consultation body (områdeskollegium). In the core because
    both the forums (meetings of a body) and the consultations (a round's audience) use it."""

    body = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="members",
        limit_choices_to={"kind": OrganisationKind.CONSULTATION_BODY},
        verbose_name=_("områdeskollegium"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="body_memberships",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("medlem i områdeskollegium")
        verbose_name_plural = _("medlemmar i områdeskollegier")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "organisation"], name="one_membership_per_body"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} i {self.body}"


class MembershipRequest(TimestampedModel):
    """A signed-up person asks to represent an existing organisation; a representative of it
    or a regional official decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på beslut")
        APPROVED = "approved", _("Godkänd")
        DECLINED = "declined", _("Avslagen")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership_requests",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="membership_requests",
        verbose_name=_("organisation"),
    )
    message = models.TextField(_("meddelande"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutad av"),
    )
    decided_at = models.DateTimeField(_("beslutad"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ansökan om att företräda en organisation")
        verbose_name_plural = _("ansökningar om att företräda organisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(status="pending"),
                name="one_pending_request_per_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"
