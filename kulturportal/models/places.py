"""Skåne's sub-regions and 33 municipalities, and the seven activity areas of the model."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kulturportal.collation import swedish
from kulturportal.models.base import TimestampedModel


class SubRegion(TimestampedModel):
    """A group of municipalities for the sub-regional deliberations; editable by officials."""

    name = models.CharField(_("namn"), max_length=100, unique=True)
    slug = models.SlugField(_("kortnamn"), unique=True)
    meeting_town = models.CharField(_("mötesort"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("delregion")
        verbose_name_plural = _("delregioner")

    def __str__(self):
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("sub_region").order_by("sub_region__position", swedish("name"))


class Municipality(TimestampedModel):
    code = models.CharField(
        _("kommunkod"),
        max_length=4,
        unique=True,
        help_text=_("SCB:s fyrsiffriga kommunkod."),
    )
    name = models.CharField(_("namn"), max_length=100)
    official_name = models.CharField(_("officiellt namn"), max_length=100)
    slug = models.SlugField(_("kortnamn"), unique=True)
    sub_region = models.ForeignKey(
        SubRegion,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("delregion"),
    )
    seat_lat = models.DecimalField(_("latitud"), max_digits=5, decimal_places=2, null=True)
    seat_lon = models.DecimalField(_("longitud"), max_digits=5, decimal_places=2, null=True)
    culture_email = models.EmailField(_("kulturförvaltningens e-post"), blank=True)
    culture_phone = models.CharField(_("kulturförvaltningens telefon"), max_length=40, blank=True)
    culture_website = models.URLField(_("kulturförvaltningens webbplats"), blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = [swedish("name")]
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^12[0-9]{2}$"), name="municipality_code_skane"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("municipality_detail", args=[self.slug])


# The seven activity areas of the model (förordning 2010:2012): the code stays for ever (a
# URL, an import file, a stored submission name it), the names are the state's own.
ACTIVITY_AREAS = [
    (
        "teater-dans-musik",
        "Professionell teater-, dans- och musikverksamhet",
        "Professional theatre, dance and music",
    ),
    (
        "museer-kulturmiljo",
        "Museiverksamhet och kulturmiljöarbete",
        "Museums and cultural environment work",
    ),
    (
        "bibliotek-litteratur",
        "Biblioteksverksamhet och läs- och litteraturfrämjande",
        "Libraries and the promotion of reading and literature",
    ),
    (
        "bild-och-form",
        "Professionell bild- och formverksamhet",
        "Professional visual arts and design",
    ),
    ("arkiv", "Regional enskild arkivverksamhet", "Regional private archives"),
    ("film", "Filmkulturell verksamhet", "Film culture"),
    ("hemslojd", "Främjande av hemslöjd", "Promotion of handicraft"),
]
ACTIVITY_AREA_CODES = [code for code, _sv, _en in ACTIVITY_AREAS]


class ActivityArea(models.Model):
    """One of the seven activity areas, a row each (loaded by a data migration from
    ACTIVITY_AREAS): development areas of the plan, organisations and funding point at them."""

    code = models.CharField(
        _("kod"),
        max_length=30,
        unique=True,
        choices=[(code, name_sv) for code, name_sv, _en in ACTIVITY_AREAS],
        editable=False,
    )
    name_sv = models.CharField(_("namn på svenska"), max_length=200)
    name_en = models.CharField(_("namn på engelska"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("verksamhetsområde")
        verbose_name_plural = _("verksamhetsområden")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "sv").startswith("en") else self.name_sv
