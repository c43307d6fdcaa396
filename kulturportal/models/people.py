"""People, their roles (what a person is, and for whom) and invitations to take a role."""

import hashlib
import secrets
from datetime import date, timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kulturportal.collation import swedish
from kulturportal.models.base import TimestampedModel
from kulturportal.models.organisations import Organisation
from kulturportal.models.places import Municipality


class UserManager(BaseUserManager):
    use_in_migrations = True

    def verified(self):
        """Active people who have confirmed an e-mail address: those others may pick."""
        return self.filter(is_active=True, emailaddress__verified=True).distinct()

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


NAME_PART_MAX_LENGTH = 100
# A column that takes a full name: first and last name at their longest, and the space.
FULL_NAME_MAX_LENGTH = 2 * NAME_PART_MAX_LENGTH + 1


def full_name(first_name: str, last_name: str) -> str:
    """A person's name as the portal shows it (User.get_full_name), also for rows read as
    plain values."""
    return f"{first_name} {last_name}".strip()


class User(AbstractBaseUser, PermissionsMixin):
    """A person. E-mail is the login; there is no username."""

    email = models.EmailField(_("e-postadress"), unique=True)
    first_name = models.CharField(_("förnamn"), max_length=NAME_PART_MAX_LENGTH, blank=True)
    last_name = models.CharField(_("efternamn"), max_length=NAME_PART_MAX_LENGTH, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("språk"), max_length=5, choices=settings.LANGUAGES, default="sv"
    )
    is_staff = models.BooleanField(_("får använda administrationen"), default=False)
    is_active = models.BooleanField(_("aktiv"), default=True)
    date_joined = models.DateTimeField(_("registrerad"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = [swedish("last_name"), swedish("first_name"), "email"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return full_name(self.first_name, self.last_name)

    def get_short_name(self):
        return self.first_name or self.email

    @cached_property
    def active_roles(self) -> list["RoleAssignment"]:
        """The roles in force today, loaded once per request."""
        return list(self.role_assignments.active().select_related("municipality", "organisation"))

    def has_role(self, role, *, municipality=None, organisation=None) -> bool:
        return any(
            assignment.role == role
            and (municipality is None or assignment.municipality_id == municipality.pk)
            and (organisation is None or assignment.organisation_id == organisation.pk)
            for assignment in self.active_roles
        )


class Role(models.TextChoices):
    REGIONAL_OFFICIAL = "regional_official", _("Regional tjänsteperson")
    REGIONAL_POLITICIAN = "regional_politician", _("Regional politiker (kulturnämnden)")
    MUNICIPAL_POLITICIAN = "municipal_politician", _("Kommunal kulturpolitiker")
    CULTURE_CHIEF = "culture_chief", _("Kulturchef")
    MUNICIPAL_OFFICIAL = "municipal_official", _("Kommunal tjänsteperson")
    YOUTH_CULTURE_COORDINATOR = "youth_coordinator", _("Samordnare för barn- och ungkultur")
    ORGANISATION_REPRESENTATIVE = "org_representative", _("Företrädare för organisation")

    @classmethod
    def regional(cls):
        return {cls.REGIONAL_OFFICIAL, cls.REGIONAL_POLITICIAN}

    @classmethod
    def municipal(cls):
        return {
            cls.MUNICIPAL_POLITICIAN,
            cls.CULTURE_CHIEF,
            cls.MUNICIPAL_OFFICIAL,
            cls.YOUTH_CULTURE_COORDINATOR,
        }


_REGIONAL_ROLES = sorted(r.value for r in Role.regional())
_MUNICIPAL_ROLES = sorted(r.value for r in Role.municipal())
# Each role is tied to exactly one kind of scope: the region, a municipality or an organisation.
ROLE_SCOPE_CONDITION = (
    Q(role__in=_REGIONAL_ROLES, municipality__isnull=True, organisation__isnull=True)
    | Q(role__in=_MUNICIPAL_ROLES, municipality__isnull=False, organisation__isnull=True)
    | Q(
        role=Role.ORGANISATION_REPRESENTATIVE,
        municipality__isnull=True,
        organisation__isnull=False,
    )
)


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)

    def reachable(self, on: date | None = None):
        """Roles in force that invitations, reminders and boards reach: not those of an
        organisation still waiting for (or refused) approval."""
        return self.active(on).filter(
            Q(organisation__isnull=True) | Q(organisation__status=Organisation.Status.APPROVED)
        )


class RoleAssignment(TimestampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("person"),
    )
    role = models.CharField(_("roll"), max_length=30, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("kommun"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("organisation"),
    )
    starts_on = models.DateField(_("från och med"), default=timezone.localdate)
    ends_on = models.DateField(_("till och med"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("rolltilldelning")
        verbose_name_plural = _("rolltilldelningar")
        constraints = [
            models.CheckConstraint(condition=ROLE_SCOPE_CONDITION, name="role_scope_matches_role"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="role_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.scope_label()}"

    def scope_label(self) -> str:
        scope = self.municipality or self.organisation
        if scope:
            return f"{self.get_role_display()}, {scope}"
        return f"{self.get_role_display()}, Region Skåne"


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class RoleInvitationQuerySet(models.QuerySet):
    def find_by_key(self, key: str):
        return self.select_related("municipality", "organisation").filter(key_hash=_hash_key(key))


class RoleInvitation(TimestampedModel):
    """An official's invitation for a person to take a role; the link carries a secret key."""

    email = models.EmailField(_("e-postadress"))
    role = models.CharField(_("roll"), max_length=30, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("kommun")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("inbjuden av"),
    )
    expires_at = models.DateTimeField(_("giltig till"))
    accepted_at = models.DateTimeField(_("accepterad"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepterad av"),
    )

    objects = RoleInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inbjudan till roll")
        verbose_name_plural = _("inbjudningar till roller")
        constraints = [
            models.CheckConstraint(condition=ROLE_SCOPE_CONDITION, name="invitation_scope_matches"),
        ]

    def __str__(self):
        return f"{self.email}: {self.get_role_display()}"

    @classmethod
    def new_key(cls) -> tuple[str, str]:
        key = secrets.token_urlsafe(32)
        return key, _hash_key(key)

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.ROLE_INVITATION_VALID_DAYS)

    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    def scope(self):
        return self.municipality or self.organisation
