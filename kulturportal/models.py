"""The shared core: sub-regions, municipalities, organisations, people and their roles."""

import hashlib
import secrets
from datetime import date, timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kulturportal.collation import swedish
from kulturportal.validators import normalise_org_number, validate_org_number


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        abstract = True


class ActivityArea(models.TextChoices):
    """The seven activity areas of the model (förordning 2010:2012)."""

    PERFORMING_ARTS = "teater-dans-musik", _("Professionell teater-, dans- och musikverksamhet")
    MUSEUMS = "museer-kulturmiljo", _("Museiverksamhet och kulturmiljöarbete")
    LIBRARIES = "bibliotek-litteratur", _("Biblioteksverksamhet och läs- och litteraturfrämjande")
    VISUAL_ARTS = "bild-och-form", _("Professionell bild- och formverksamhet")
    ARCHIVES = "arkiv", _("Regional enskild arkivverksamhet")
    FILM = "film", _("Filmkulturell verksamhet")
    HANDICRAFT = "hemslojd", _("Främjande av hemslöjd")


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

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = [swedish("name")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self):
        return self.name

    def clean(self):
        if self.org_number:
            self.org_number = normalise_org_number(self.org_number)


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


class User(AbstractBaseUser, PermissionsMixin):
    """A person. E-mail is the login; there is no username."""

    email = models.EmailField(_("e-postadress"), unique=True)
    first_name = models.CharField(_("förnamn"), max_length=100, blank=True)
    last_name = models.CharField(_("efternamn"), max_length=100, blank=True)
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
        return f"{self.first_name} {self.last_name}".strip()

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


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self):
        return self.filter(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=timezone.now())

    def stale_claims(self, older_than: timedelta):
        return self.filter(
            status=OutgoingEmail.Status.SENDING, claimed_at__lt=timezone.now() - older_than
        )


class OutgoingEmail(TimestampedModel):
    """One e-mail to one recipient. A task claims the row before sending, so a retried or
    duplicated task sends nothing; only a worker killed between the server's acceptance and
    the row marked sent leaves it to go a second time (kulturportal/tasks.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Köad")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickad")
        FAILED = "failed", _("Misslyckad")

    to = models.EmailField(_("mottagare"))
    subject = models.CharField(_("ämne"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    from_email = models.CharField(_("avsändare"), max_length=300, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # An iCalendar invitation (text/calendar) and its iTIP method: REQUEST or CANCEL.
    calendar = models.TextField(blank=True)
    calendar_method = models.CharField(max_length=10, blank=True)
    # A caller that must never queue the same message twice names it here.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    last_error = models.TextField(_("senaste fel"), blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class InboundEmail(TimestampedModel):
    """A message the portal received (kulturportal/inbound.py): kept whole, whatever became
    of it, so nothing sent to the portal is ever lost."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Mottaget")
        APPLIED = "applied", _("Registrerat")
        FORWARDED = "forwarded", _("Vidarebefordrat")
        FAILED = "failed", _("Kunde inte hanteras")

    sender = models.CharField(_("avsändare"), max_length=300, blank=True)
    recipients = models.TextField(_("mottagare"), blank=True)
    subject = models.CharField(_("ämne"), max_length=300, blank=True)
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    raw = models.BinaryField()
    outcome = models.CharField(
        _("utfall"), max_length=10, choices=Outcome.choices, default=Outcome.RECEIVED
    )
    note = models.TextField(_("anteckning"), blank=True)
    forwarded_to = models.EmailField(_("vidarebefordrat till"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inkommande e-post")
        verbose_name_plural = _("inkommande e-post")

    def __str__(self):
        return f"{self.sender}: {self.subject}"


def _readable(value):
    """An ISO date-time from the log, shown as people read it: 10 februari 2027, 09.30."""
    from django.utils.dateparse import parse_datetime
    from django.utils.formats import date_format

    if value is None or value == "":
        return "–"
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
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            rows.append((str(label), "" if value is True else shown))
        return rows

    def change_rows(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for the history pages."""
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        rows = []
        for name, (before, after) in self.changes.items():
            try:
                label = str(model._meta.get_field(name).verbose_name) if model else name
            except Exception:
                label = name
            rows.append((label, _readable(before), _readable(after)))
        return rows


class OutgoingAttachment(models.Model):
    """A file sent with an outbox e-mail (a receipt's PDF, say), stored with the row so it
    commits, and is sent or retried, together with it."""

    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self):
        return self.filename


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
