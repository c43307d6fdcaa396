from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from forums.models import (
    AgendaItem,
    Audience,
    AudienceRule,
    ForumType,
    Invitation,
    Meeting,
    MeetingDocument,
    MeetingSession,
    Minutes,
    Network,
)
from forums.services import parse_pasted_emails
from kulturportal import uploads
from kulturportal.collation import swedish
from kulturportal.forms import LocalDateTimeInput
from kulturportal.models import Municipality, Organisation, OrganisationKind, SubRegion, User
from kulturportal.text import person_label

MAX_DOCUMENT_BYTES = uploads.MAX_UPLOAD_BYTES
DEFAULT_TOWNS = ["Helsingborg", "Kristianstad", "Ystad", "Malmö"]


class MeetingForm(forms.ModelForm):
    # The version this form was opened at; a save based on an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = Meeting.EDITABLE_FIELDS
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "forum_type": _("Välj en överläggningsform, eller ett nätverk nedan."),
            "network": _("För nätverksträffar. Lämna överläggningsform tom."),
            "starts_at": _(
                "Svensk tid. För en delregional överläggning: tiden för hela "
                "omgången; varje delmöte har sin egen tid nedan."
            ),
            "institution": _("Krävs för överläggningar om samfinansierade institutioner."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["forum_type"].required = False
        self.fields["host_municipality"].queryset = Municipality.objects.order_by(swedish("name"))
        self.fields["institution"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.CULTURAL_INSTITUTION
        ).order_by("name")
        self.fields["network"].queryset = Network.objects.order_by("name")

    def clean(self):
        data = super().clean()
        forum_type, network = data.get("forum_type"), data.get("network")
        if bool(forum_type) == bool(network):
            self.add_error("forum_type", _("Välj antingen en överläggningsform eller ett nätverk."))
        if forum_type == ForumType.INSTITUTIONS and not data.get("institution"):
            self.add_error("institution", _("Välj vilken kulturinstitution överläggningen gäller."))
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("Mötet måste sluta efter att det har börjat."))
        if starts_at and self._schedules_in_past(starts_at):
            self.add_error("starts_at", _("Tiden har redan varit. Välj en tid i framtiden."))
        return data

    def _schedules_in_past(self, starts_at) -> bool:
        moved = "starts_at" in self.changed_data
        return starts_at <= timezone.now() and (self.instance.pk is None or moved)


class SessionForm(forms.ModelForm):
    class Meta:
        model = MeetingSession
        fields = ["town", "place", "starts_at", "ends_at"]
        widgets = {"starts_at": LocalDateTimeInput(), "ends_at": LocalDateTimeInput()}

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("Delmötet måste sluta efter att det har börjat."))
        return data


class BaseSessionFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, forum_type="", **kwargs):
        super().__init__(*args, **kwargs)
        self.forum_type = forum_type

    def clean(self):
        super().clean()
        if self.forum_type != ForumType.SUB_REGIONAL:
            return
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise forms.ValidationError(
                _("En delregional överläggning behöver minst ett delmöte med ort och tid.")
            )


SessionFormSet = inlineformset_factory(
    Meeting,
    MeetingSession,
    form=SessionForm,
    formset=BaseSessionFormSet,
    extra=0,
    can_delete=True,
)

AgendaFormSet = inlineformset_factory(
    Meeting,
    AgendaItem,
    fields=["title", "presenter", "duration_minutes"],
    extra=3,
    can_delete=True,
)


def session_initial() -> list[dict]:
    return [{"town": town} for town in DEFAULT_TOWNS]


class AudienceRuleForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label=_("Institution eller områdeskollegium"),
        queryset=Organisation.objects.filter(
            kind__in=[OrganisationKind.CULTURAL_INSTITUTION, OrganisationKind.CONSULTATION_BODY]
        ).order_by("name"),
        required=False,
    )
    people = forms.ModelMultipleChoiceField(
        label=_("Personer"),
        queryset=User.objects.verified().order_by(swedish("last_name"), swedish("first_name")),
        required=False,
        help_text=_("Bara personer som har bekräftat sin e-postadress."),
    )

    class Meta:
        model = AudienceRule
        fields = ["kind", "sub_regions", "network", "organisation", "people", "emails"]
        widgets = {
            "sub_regions": forms.CheckboxSelectMultiple,
            "emails": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "sub_regions": _("För kulturpolitiker: lämna tomt för alla kommuner."),
            "emails": _("En adress per rad."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_regions"].queryset = SubRegion.objects.all()
        self.fields["people"].label_from_instance = person_label
        self.valid_emails: list[str] = []

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        required = {
            Audience.NETWORK: ("network", _("Välj ett nätverk.")),
            Audience.BODY: ("organisation", _("Välj ett områdeskollegium.")),
            Audience.CO_FINANCIERS: ("organisation", _("Välj en institution.")),
            Audience.PEOPLE: ("people", _("Välj minst en person.")),
            Audience.EMAILS: ("emails", _("Klistra in minst en e-postadress.")),
        }
        if kind in required:
            field, message = required[kind]
            if not data.get(field):
                self.add_error(field, message)
        body = data.get("organisation")
        if kind == Audience.BODY and body and body.kind != OrganisationKind.CONSULTATION_BODY:
            self.add_error("organisation", _("Välj ett områdeskollegium."))
        if kind == Audience.EMAILS and data.get("emails"):
            self.valid_emails, problems = parse_pasted_emails(data["emails"])
            self.email_problems = problems
        return data


class DocumentForm(forms.ModelForm):
    class Meta:
        model = MeetingDocument
        fields = ["title", "file"]
        help_texts = {"file": _("PDF, Word eller OpenDocument, högst 20 MB.")}

    def clean_file(self):
        return validate_document(self.cleaned_data["file"])


def validate_document(upload, types=uploads.DOCUMENT_TYPES):
    try:
        return uploads.check_document(upload, types=types)
    except ValidationError as error:
        raise forms.ValidationError(error.messages) from None


def _session_label(session) -> str:
    when = date_format(timezone.localtime(session.starts_at), "l j F Y, H.i")
    place = f", {session.place}" if session.place else ""
    return f"{session.town}: {when}{place}"


class ReplyForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = Invitation.REPLY_FIELDS
        widgets = {"response": forms.RadioSelect, "session": forms.RadioSelect}
        labels = {"response": _("Kommer du?"), "session": _("Vilket delmöte kommer du till?")}
        help_texts = {
            "dietary_needs": _("Till exempel vegetarisk kost eller allergier."),
            "access_needs": _("Till exempel hörslinga eller tillgänglig entré."),
            "substitute_name": _("Om någon annan från din kommun kommer i ditt ställe."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance.meeting
        self.fields["response"].choices = [
            c for c in Invitation.Response.choices if c[0] != Invitation.Response.NEEDS_ACTION
        ]
        sessions = meeting.sessions.all()
        if meeting.is_sub_regional_round() and sessions:
            self.fields["session"].queryset = sessions
            self.fields["session"].empty_label = None
            self.fields["session"].label_from_instance = _session_label
        else:
            del self.fields["session"]

    def clean(self):
        data = super().clean()
        # Whether a session must be chosen is the service's rule (record_reply), not repeated.
        if data.get("substitute_email") and not data.get("substitute_name"):
            self.add_error("substitute_name", _("Skriv ersättarens namn."))
        return data


class MinutesForm(forms.ModelForm):
    adjusters = forms.ModelMultipleChoiceField(
        label=_("Justerare"),
        queryset=User.objects.verified().order_by(swedish("last_name"), swedish("first_name")),
        required=False,
        help_text=_("Högst två. Lämna tomt för att publicera utan justering."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adjusters"].label_from_instance = person_label

    class Meta:
        model = Minutes
        fields = ["text", "file"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}
        help_texts = {"file": _("Eller ladda upp anteckningarna som PDF.")}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            validate_document(upload, types=uploads.PDF_ONLY)
        return upload

    def clean(self):
        data = super().clean()
        if len(data.get("adjusters") or []) > 2:
            self.add_error("adjusters", _("Välj högst två justerare."))
        if not data.get("text") and not data.get("file"):
            self.add_error("text", _("Skriv anteckningarna eller ladda upp en PDF."))
        return data


class MeetingFilterForm(forms.Form):
    typ = forms.ChoiceField(label=_("Form"), required=False)
    ar = forms.TypedChoiceField(label=_("År"), required=False, coerce=int, empty_value=None)
    delregion = forms.ModelChoiceField(
        label=_("Delregion"),
        queryset=SubRegion.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("Alla delregioner"),
    )

    def __init__(self, *args, years=(), networks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["typ"].choices = (
            [("", _("Alla former och nätverk"))]
            + list(ForumType.choices)
            + [(f"natverk-{n.slug}", n.name) for n in networks]
        )
        self.fields["ar"].choices = [("", _("Alla år"))] + [(y, y) for y in years]
