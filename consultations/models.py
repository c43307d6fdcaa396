"""Consultation rounds (samråd) and referrals (remiss), the responses to them, and what the
officials made of each response."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kulturportal.models import Municipality, Organisation, OrganisationKind, TimestampedModel


class Group(models.TextChoices):
    """The five consultation groups of the model."""

    BODIES = "omradeskollegier", _("Områdeskollegierna")
    INTEREST = "interest", _("Kulturlivets intresseorganisationer")
    INDEPENDENT = "independent", _("Det fria professionella kulturlivet")
    POPULAR_EDUCATION = "folkbildning", _("Folkbildningens organisationer")
    CIVIL_SOCIETY = "civil_society", _("Kulturlivet inklusive idéburen sektor")


# The organisation kinds each group reaches; the bodies' member organisations are reached
# through the bodies (kulturportal.BodyMembership).
GROUP_KINDS = {
    Group.BODIES: [OrganisationKind.CONSULTATION_BODY],
    Group.INTEREST: [OrganisationKind.INTEREST_ORGANISATION],
    Group.INDEPENDENT: [OrganisationKind.INDEPENDENT_CULTURAL_LIFE],
    Group.POPULAR_EDUCATION: [OrganisationKind.POPULAR_EDUCATION],
    Group.CIVIL_SOCIETY: [OrganisationKind.CIVIL_SOCIETY, OrganisationKind.CULTURAL_INSTITUTION],
}


class RoundQuerySet(models.QuerySet):
    def visible(self):
        return self.exclude(opens_at__isnull=True)


class Round(TimestampedModel):
    class Kind(models.TextChoices):
        REFERRAL = "referral", _("Remiss")
        CONSULTATION = "consultation", _("Samråd")

    class Status(models.TextChoices):
        FORTHCOMING = "forthcoming", _("Kommande")
        OPEN = "open", _("Öppen för svar")
        CLOSED = "closed", _("Stängd")
        REPORTED = "reported", _("Redovisad")

    # What an official edits on the round's form; the history also follows what the
    # services set (a referral addresses the municipalities; the report's summary).
    EDITABLE_FIELDS = [
        "kind",
        "title",
        "slug",
        "plan",
        "theme",
        "description",
        "opens_at",
        "closes_at",
        "groups",
        "registration_prefix",
        "contact_name",
        "contact_email",
    ]
    AUDITED_FIELDS = [*EDITABLE_FIELDS, "addresses_municipalities", "report_summary"]

    kind = models.CharField(_("typ"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("rubrik"), max_length=200)
    slug = models.SlugField(_("kortnamn"), max_length=100, unique=True)
    plan = models.ForeignKey(
        "kulturplan.CulturePlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_rounds",
        verbose_name=_("kulturplan"),
    )
    theme = models.CharField(_("tema"), max_length=200, blank=True)
    description = models.TextField(_("beskrivning"), help_text=_("Markdown."))
    opens_at = models.DateTimeField(_("öppnar"))
    closes_at = models.DateTimeField(_("sista svarsdag"))
    groups = models.JSONField(_("samrådsgrupper"), default=list, blank=True)
    # A referral is addressed to the 33 municipalities and these organisations; anyone may
    # answer either kind of round.
    addresses_municipalities = models.BooleanField(_("riktas till kommunerna"), default=False)
    addressed_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("remissinstanser")
    )
    registration_prefix = models.CharField(
        _("diarieprefix"), max_length=10, default="KN", help_text=_("Till exempel KN.")
    )
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), blank=True)
    responses_published_at = models.DateTimeField(_("svaren publicerade"), null=True, blank=True)
    report_summary = models.TextField(_("inledning till redogörelsen"), blank=True)
    report_published_at = models.DateTimeField(_("redogörelsen publicerad"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at"]
        verbose_name = _("samråd eller remiss")
        verbose_name_plural = _("samråd och remisser")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opening"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:round_detail", args=[self.slug])

    def status(self, moment=None) -> str:
        moment = moment or timezone.now()
        if self.report_published_at:
            return self.Status.REPORTED
        if moment < self.opens_at:
            return self.Status.FORTHCOMING
        if moment < self.closes_at:
            return self.Status.OPEN
        return self.Status.CLOSED

    def get_status_display(self, moment=None) -> str:
        return str(self.Status(self.status(moment)).label)

    def is_open(self, moment=None) -> bool:
        return self.status(moment) == self.Status.OPEN

    def has_closed(self, moment=None) -> bool:
        return (moment or timezone.now()) >= self.closes_at

    def is_referral(self) -> bool:
        return self.kind == self.Kind.REFERRAL

    def group_labels(self) -> list[str]:
        return [str(Group(code).label) for code in self.groups if code in Group.values]


class RoundDocument(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titel"), max_length=200)
    file = models.FileField(_("fil"), upload_to="samrad/underlag/%Y/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("storlek"))
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("underlag")
        verbose_name_plural = _("underlag")

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Fritext")
        SINGLE = "single", _("Ett val")
        MULTIPLE = "multiple", _("Flera val")
        RANKING = "ranking", _("Rangordning")
        FILE = "file", _("Fil")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    text = models.CharField(_("fråga"), max_length=500)
    help_text = models.TextField(_("förklaring"), blank=True, max_length=2000)
    kind = models.CharField(_("svarstyp"), max_length=10, choices=Kind.choices, default="text")
    choices = models.JSONField(_("alternativ"), default=list, blank=True)
    required = models.BooleanField(_("obligatorisk"), default=False)
    max_length = models.PositiveIntegerField(_("högsta antal tecken"), default=6000)
    development_area = models.ForeignKey(
        "kulturplan.DevelopmentArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("utvecklingsområde"),
    )
    section = models.ForeignKey(
        "kulturplan.Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("avsnitt i planen"),
    )

    class Meta:
        ordering = ["round", "position", "pk"]
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")

    def __str__(self):
        return self.text

    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE, self.Kind.RANKING)

    def choice_lines(self, choices: list[str]) -> list[str]:
        """The chosen options as they are shown anywhere: a ranking numbered in its order
        ("1. Dans"), written into the text so no list marker can be lost or misplaced."""
        if self.kind == self.Kind.RANKING:
            return [f"{number}. {choice}" for number, choice in enumerate(choices, start=1)]
        return list(choices)

    def answer_text(self, text: str, choices: list[str]) -> str:
        """An answer as one text: what was typed, else the choices a line each."""
        return text or "\n".join(self.choice_lines(choices))


class Tag(models.Model):
    name = models.CharField(_("namn"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("etikett")
        verbose_name_plural = _("etiketter")

    def __str__(self):
        return self.name


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=Response.Status.SUBMITTED)

    def seen_by_officials(self):
        """Responses submitted at least once (withdrawn ones too): a draft never sent is
        the organisation's own and does not exist for Region Skåne."""
        return self.filter(current_submission__isnull=False)

    def publishable(self):
        """Submitted with consent and not held back: what may be quoted publicly."""
        return self.submitted().filter(publish_consent=True, held_back=False)

    def with_respondent(self):
        return self.select_related("organisation__host_municipality", "municipality__sub_region")

    def published(self):
        return self.publishable().filter(round__responses_published_at__isnull=False)


class Response(TimestampedModel):
    """One organisation's or one municipality's response to one round, written together by
    its representatives; `version` rises with every save so a stale form is noticed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inskickat")
        WITHDRAWN = "withdrawn", _("Återkallat")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_responses",
        verbose_name=_("organisation"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_responses",
        verbose_name=_("kommun"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(default=0, editable=False)
    registration_number = models.CharField(
        _("diarienummer"), max_length=20, unique=True, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("inskickat"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("återkallat"), null=True, blank=True)
    current_submission = models.ForeignKey(
        "Submission", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    has_draft_changes = models.BooleanField(_("ändringar som inte skickats in"), default=False)
    consent_to_publish = models.BooleanField(_("får publiceras på portalen"), default=True)
    # As submitted: a later draft's checkbox does not change what may be published.
    publish_consent = models.BooleanField(_("samtycke i det inskickade svaret"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("senast ändrat av"),
    )
    # Publication: what an official reviewed and decided.
    held_back = models.BooleanField(_("hålls tillbaka"), default=False)
    held_back_reason = models.CharField(_("skäl att hålla tillbaka"), max_length=500, blank=True)
    # {question id: reason} for answers held back while the rest is published.
    held_back_parts = models.JSONField(_("svar som hålls tillbaka"), default=dict, blank=True)
    kept_findings = models.JSONField(
        _("granskade uppgifter som får stå kvar"), default=list, blank=True
    )
    # The redacted text as published, made when the official publishes (services).
    published_content = models.JSONField(null=True, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="responses")

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("svar")
        verbose_name_plural = pgettext_lazy("plural", "svar")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, municipality__isnull=False)
                | Q(organisation__isnull=False, municipality__isnull=True),
                name="response_has_one_respondent",
            ),
            models.UniqueConstraint(
                fields=["round", "organisation"], name="one_response_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["round", "municipality"], name="one_response_per_municipality"
            ),
        ]

    def __str__(self):
        return f"{self.respondent} – {self.round}"

    @property
    def respondent(self):
        return self.organisation or self.municipality

    def respondent_kind(self) -> str:
        return "kommun" if self.municipality_id else "organisation"

    def respondent_slug(self) -> str:
        return self.respondent.slug

    def form_url(self) -> str:
        return reverse(
            "consultations:respond",
            args=[self.round.slug, self.respondent_kind(), self.respondent_slug()],
        )

    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN


def text_hash(value: str) -> str:
    """What a form remembers of an answer as it was shown, to tell later whether this
    person changed it and whether someone else did meanwhile."""
    return hashlib.sha256(value.replace("\r\n", "\n").encode()).hexdigest()[:16]


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("svar"), blank=True)
    # Chosen options, in order (the order matters for a ranking).
    choices = models.JSONField(_("val"), default=list, blank=True)
    updated_at = models.DateTimeField(_("ändrat"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrat av"),
    )

    class Meta:
        ordering = ["question__position", "question_id"]
        verbose_name = _("svar på fråga")
        verbose_name_plural = _("svar på frågor")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.response}: {self.question}"

    def value(self) -> str:
        """What the form shows and compares: the text, or the chosen options one per line."""
        return "\n".join(self.choices) if self.choices else self.text

    def is_empty(self) -> bool:
        return not self.text.strip() and not self.choices


class Attachment(models.Model):
    """A file sent with a response. Removing it deletes the file for everyone; the row
    stays (removed_at) so a submitted version can still say which files it had."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="attachments")
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to="samrad/svar/%Y/")
    filename = models.CharField(_("filnamn"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("storlek"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self):
        return self.filename

    def is_removed(self) -> bool:
        return self.removed_at is not None

    def was_submitted(self) -> bool:
        """Part of a version the organisation sent: only then is it Region Skåne's too."""
        return any(
            item.get("id") == self.pk
            for content in self.response.submissions.values_list("content", flat=True)
            for item in content.get("attachments", [])
        )


class Submission(models.Model):
    """One submitted version of a response, frozen: the answers and the files as they were."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("inskickad"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("inskickad av"),
    )
    submitted_by_label = models.CharField(max_length=300, blank=True)
    content = models.JSONField(_("innehåll"))
    # Set when the receipts are in the outbox; a sweep finds any the task did not reach.
    receipts_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["response", "-number"]
        verbose_name = _("inskickad version")
        verbose_name_plural = _("inskickade versioner")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "number"], name="one_response_submission_number"
            ),
        ]

    def __str__(self):
        return f"{self.response} v{self.number}"


class RegistrationSequence(models.Model):
    """The last registration number given per prefix and year; the row is locked while a
    number is taken, so numbers are unique and without gaps even when two submit at once."""

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_sequence_per_year"),
        ]

    def __str__(self):
        return f"{self.prefix} {self.year}: {self.last}"


class Note(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("anteckning"), max_length=4000)
    created_at = models.DateTimeField(_("skriven"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("anteckning")
        verbose_name_plural = _("anteckningar")

    def __str__(self):
        return self.text[:60]


class Disposition(models.Model):
    """What was done with a response, or with one of its answers: "we asked, you said, we
    did"."""

    class Outcome(models.TextChoices):
        TAKEN = "taken", _("Beaktat")
        PARTLY = "partly", _("Delvis beaktat")
        NOT_TAKEN = "not_taken", _("Inte beaktat")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="dispositions")
    # None: the response as a whole; else its answer to this question.
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dispositions",
        verbose_name=_("fråga"),
    )
    outcome = models.CharField(_("ställningstagande"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("motivering"), max_length=2000)
    section = models.ForeignKey(
        "kulturplan.Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("avsnitt i planen"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("ändrat"), auto_now=True)

    class Meta:
        ordering = ["response", "question__position", "pk"]
        verbose_name = _("ställningstagande")
        verbose_name_plural = _("ställningstaganden")
        constraints = [
            models.UniqueConstraint(
                fields=["response"],
                condition=Q(question__isnull=True),
                name="one_disposition_per_response",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(question__isnull=False),
                name="one_disposition_per_answer",
            ),
        ]

    def __str__(self):
        return f"{self.response}: {self.get_outcome_display()}"
