"""Networks: who takes part in a forum between the meetings, and who asked to join."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kulturportal.models import Municipality, Role, TimestampedModel


class NetworkQuerySet(models.QuerySet):
    def with_member_counts(self):
        return self.annotate(member_count=Count("memberships", distinct=True))

    def visible_to(self, user, *, official: bool):
        """The networks a person may see, in one query: all for an official; otherwise
        those whose role the person holds, or that list the person as an active member."""
        if official:
            return self
        if not user.is_authenticated:
            return self.none()
        roles = {assignment.role for assignment in user.active_roles}
        today = timezone.localdate()
        member_of = NetworkMembership.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today, user=user
        ).values("network")
        return self.filter(Q(member_role__in=roles) | Q(pk__in=member_of))


class Network(TimestampedModel):
    """A network of officials. Regional networks follow a role; thematic ones list members."""

    class Form(models.TextChoices):
        REGIONAL = "regional", _("Regionalt nätverk")
        THEMATIC = "thematic", _("Tematiskt nätverk")

    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn"), max_length=200, unique=True)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    description = models.TextField(_("beskrivning"), blank=True)
    member_role = models.CharField(
        _("medlemmar följer rollen"),
        max_length=30,
        choices=Role.choices,
        blank=True,
        help_text=_("Alla med rollen är medlemmar, till exempel alla kulturchefer."),
    )
    # A thematic network grows from the municipalities that share a development area.
    development_area = models.ForeignKey(
        "kulturplan.DevelopmentArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="networks",
        verbose_name=_("utvecklingsområde"),
    )

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["form", "name"]
        verbose_name = _("nätverk")
        verbose_name_plural = pgettext_lazy("plural", "nätverk")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forums:network_detail", args=[self.slug])


class NetworkMembershipQuerySet(models.QuerySet):
    def active(self):
        today = timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)


class NetworkMembership(TimestampedModel):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField(_("mandat från"), default=timezone.localdate)
    ends_on = models.DateField(_("mandat till"), null=True, blank=True)

    objects = NetworkMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("medlemskap i nätverk")
        verbose_name_plural = pgettext_lazy("plural", "medlemskap i nätverk")
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="one_membership_per_network"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="network_mandate_ends_after_start",
            ),
        ]
