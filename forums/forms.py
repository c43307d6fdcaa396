from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from forums import pasted
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
from kulturportal import uploads
from kulturportal.collation import swedish
from kulturportal.forms import LocalDateTimeInput
from kulturportal.models import Municipality, Organisation, OrganisationKind, SubRegion, User
from kulturportal.text import clean_name, person_label

MAX_DOCUMENT_BYTES = uploads.MAX_UPLOAD_BYTES
DEFAULT_TOWNS = ["Helsingborg", "Kristianstad", "Ystad", "Malmö"]


NOTIFY_CHOICES = [
    ("yes", _("Skicka uppdateringen till de inbjudna")),
    ("no", _("Skicka inget e-post (till exempel för ett rättat stavfel)")),
]


class NotifyField(forms.ChoiceField):
    """Whether a change is sent: a choice about this save, never a change of the meeting."""

    def has_changed(self, initial, data) -> bool:
        return False


class MeetingForm(forms.ModelForm):
    # The version this form was opened at; a save based on an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = Meeting.EDITABLE_FIELDS
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "forum_type": _("Eller välj ett nätverk, för en nätverksträff."),
            "network": _("Bara för nätverksträffar."),
            "starts_at": _("Svensk tid. För en delregional omgång: räknas fram ur delmötena."),
            "institution": _("För överläggningar om samfinansierade institutioner."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["forum_type"].required = False
        self.fields["forum_type"].choices = [("", _("Välj överläggningsform")), *ForumType.choices]
        self.fields["host_municipality"].queryset = Municipality.objects.order_by(swedish("name"))
        self.fields["host_municipality"].empty_label = _("Ingen värdkommun")
        self.fields["institution"].queryset = Organisation.objects.filter(
            kind=OrganisationKind.CULTURAL_INSTITUTION
        ).order_by(swedish("name"))
        self.fields["institution"].empty_label = _("Välj institution")
        self.fields["network"].queryset = Network.objects.order_by("name")
        self.fields["network"].empty_label = _("Välj nätverk")
        if self.instance.pk and self.instance.is_scheduled:
            self.fields["notify"] = NotifyField(
                label=_("Ska de inbjudna få veta om ändringen?"),
                choices=NOTIFY_CHOICES,
                initial="yes",
                widget=forms.RadioSelect,
                error_messages={"required": _("Välj om de inbjudna ska få ett e-postmeddelande.")},
            )

    @property
    def notify(self) -> bool:
        """Whether a change of a sent meeting is e-mailed to the invitees (the default)."""
        return self.cleaned_data.get("notify", "yes") != "no"

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
    can_delete_extra=False,
)

AgendaFormSet = inlineformset_factory(
    Meeting,
    AgendaItem,
    fields=["title", "presenter", "duration_minutes"],
    labels={"title": _("Rubrik")},
    extra=1,
    can_delete=True,
    can_delete_extra=False,
)


def session_initial() -> list[dict]:
    return [{"town": town} for town in DEFAULT_TOWNS]


# Which of a rule's fields each kind of rule uses (forums.services._resolve_rule reads them);
# the other fields are not shown, and not stored.
AUDIENCE_FIELDS = {
    Audience.CULTURE_CHIEFS: [],
    Audience.MUNICIPAL_POLITICIANS: ["sub_regions"],
    Audience.NETWORK: ["network"],
    Audience.BODY: ["organisation"],
    Audience.CO_FINANCIERS: ["organisation"],
    Audience.SKANES_KOMMUNER: [],
    Audience.REGIONAL_POLITICIANS: [],
    Audience.PEOPLE: ["people"],
    Audience.EMAILS: ["emails"],
}
AUDIENCE_HELP = {
    Audience.CULTURE_CHIEFS: _("Kulturcheferna i Skånes 33 kommuner."),
    Audience.MUNICIPAL_POLITICIANS: _("Kulturpolitikerna i kommunerna i de delregioner du väljer."),
    Audience.NETWORK: _("Alla som är medlemmar i nätverket när inbjudan skickas."),
    Audience.BODY: _("Företrädarna för kollegiets medlemsorganisationer."),
    Audience.CO_FINANCIERS: _(
        "Kulturchefer och kulturpolitiker i kommunerna som medfinansierar institutionen."
    ),
    Audience.SKANES_KOMMUNER: _("Företrädarna för Skånes Kommuner."),
    Audience.REGIONAL_POLITICIANS: _("Ledamöterna i Region Skånes kulturnämnd."),
    Audience.PEOPLE: _("Personer med konto i portalen."),
    Audience.EMAILS: _("Adresser som du klistrar in, till exempel från Outlook eller Gmail."),
}


class AudienceRuleForm(forms.ModelForm):
    """One kind of rule: only that kind's own fields are shown and saved. The page has one
    such form per kind, each posting its kind in a hidden field."""

    organisation = forms.ModelChoiceField(
        label=_("Områdeskollegium"),
        queryset=Organisation.objects.none(),
        empty_label=_("Välj områdeskollegium"),
    )
    people = forms.ModelMultipleChoiceField(
        label=_("Personer"),
        queryset=User.objects.verified().order_by(swedish("last_name"), swedish("first_name")),
        help_text=_("Bara personer som har bekräftat sin e-postadress."),
        error_messages={"required": _("Välj minst en person.")},
    )

    class Meta:
        model = AudienceRule
        fields = ["sub_regions", "network", "organisation", "people", "emails"]
        widgets = {
            "sub_regions": forms.CheckboxSelectMultiple,
            "emails": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"emails": _("E-postadresser")}
        help_texts = {
            "sub_regions": _("Lämna tomt för alla kommuner."),
            # Help texts are shown as HTML: the example's <…> must read as text.
            "emails": escape(
                _(
                    "En eller flera per rad, med eller utan namn: "
                    "Anna Andersson <anna@lund.se>; bo@ystad.se"
                )
            ),
        }
        error_messages = {
            "network": {"required": _("Välj ett nätverk.")},
            "emails": {"required": _("Klistra in minst en e-postadress.")},
        }

    def __init__(self, *args, kind: str, **kwargs):
        # Ids of their own: the page holds one form per kind.
        kwargs.setdefault("auto_id", f"id_{kind}_%s")
        super().__init__(*args, **kwargs)
        self.kind = self.instance.kind = kind
        for name in set(self.fields) - set(AUDIENCE_FIELDS[kind]):
            del self.fields[name]
        self._set_up_fields(kind)
        self.pasted: pasted.Pasted | None = None

    def _set_up_fields(self, kind: str) -> None:
        if "sub_regions" in self.fields:
            self.fields["sub_regions"].queryset = SubRegion.objects.all()
        if "network" in self.fields:
            self.fields["network"].queryset = Network.objects.order_by("name")
            self.fields["network"].required = True
            self.fields["network"].empty_label = _("Välj nätverk")
        if "people" in self.fields:
            self.fields["people"].label_from_instance = person_label
        if "emails" in self.fields:
            self.fields["emails"].required = True
            # Kept as pasted: a blank first line stripped would shift every line number.
            self.fields["emails"].strip = False
        if kind == Audience.BODY:
            self._organisations(OrganisationKind.CONSULTATION_BODY, _("Välj ett områdeskollegium."))
        elif kind == Audience.CO_FINANCIERS:
            field = self._organisations(
                OrganisationKind.CULTURAL_INSTITUTION, _("Välj en institution.")
            )
            field.label, field.empty_label = _("Institution"), _("Välj institution")

    def _organisations(self, organisation_kind: str, required: str):
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.filter(kind=organisation_kind).order_by(
            swedish("name")
        )
        field.error_messages = {**field.error_messages, "required": required}
        return field

    @property
    def heading(self) -> str:
        return Audience(self.kind).label

    @property
    def help(self) -> str:
        return AUDIENCE_HELP[self.kind]

    def clean_emails(self):
        self.pasted = pasted.read_pasted(self.cleaned_data["emails"])
        if not self.pasted.pairs and not self.pasted.problems:
            raise forms.ValidationError(_("Klistra in minst en e-postadress."))
        return pasted.format_pasted(self.pasted.pairs)


class SendForm(forms.Form):
    """The send page's one field: a note at the top of the invitation."""

    cover_note = forms.CharField(
        label=_("Följebrev (visas överst i inbjudan)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Valfritt. Högst 2 000 tecken."),
        error_messages={
            "max_length": _(
                "Följebrevet får vara högst %(limit_value)d tecken (nu %(show_value)d)."
            )
        },
    )


class CancelForm(forms.Form):
    """Why the meeting is cancelled (sent to the invitees), then a confirmation."""

    reason = forms.CharField(
        label=_("Anledning (skickas till de inbjudna)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Valfritt. Högst 1 000 tecken. Till exempel om ett nytt datum kommer."),
        error_messages={
            "max_length": _(
                "Anledningen får vara högst %(limit_value)d tecken (nu %(show_value)d)."
            )
        },
    )
    # Set by the confirmation step's button: cancelling cannot be undone.
    bekrafta = forms.CharField(required=False, widget=forms.HiddenInput)

    @property
    def confirmed(self) -> bool:
        return self.is_valid() and self.cleaned_data["bekrafta"] == "ja"


class WalkInForm(forms.Form):
    """Someone at the door: added to the meeting and marked present."""

    name = forms.CharField(
        label=_("Namn"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label=_("E-postadress"),
        max_length=254,
        help_text=_("Minnesanteckningarna skickas hit när de publiceras."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommun"),
        queryset=Municipality.objects.order_by(swedish("name")),
        required=False,
        empty_label=_("Ingen kommun"),
        help_text=_("Har personen ett konto med en kommunal roll gäller rollens kommun."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_walk_in_%s")
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Skriv personens namn.")
        self.fields["email"].error_messages["required"] = _("Skriv personens e-postadress.")
        self.fields["email"].error_messages["invalid"] = _(
            "Skriv en e-postadress, till exempel namn@kommun.se."
        )


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
        widgets = {
            "response": forms.RadioSelect,
            "session": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"response": _("Kommer du?"), "session": _("Vilket delmöte kommer du till?")}
        help_texts = {
            "substitute_name": _("Om någon annan från din kommun kommer i ditt ställe."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance.meeting
        days = settings.FORUMS_NEEDS_RETENTION_DAYS
        for name, example in (
            ("dietary_needs", _("Till exempel vegetarisk kost eller allergier.")),
            ("access_needs", _("Till exempel hörslinga eller tillgänglig entré.")),
            ("comment", _("Valfritt. Arrangören läser det, till exempel om du kommer senare.")),
        ):
            self.fields[name].help_text = format_lazy(
                "{} {}",
                example,
                ngettext_lazy(
                    "Uppgiften raderas %(days)d dag efter mötet.",
                    "Uppgiften raderas %(days)d dagar efter mötet.",
                    "days",
                )
                % {"days": days},
            )
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

    def clean_substitute_name(self):
        return clean_name(self.cleaned_data["substitute_name"])

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


class ChangesRequestForm(forms.Form):
    """An adjuster's request for changes to the minutes, sent to the official."""

    comment = forms.CharField(
        label=_("Vad behöver ändras?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Tjänstepersonen får din kommentar och skickar anteckningarna till dig igen."),
        error_messages={
            "required": _("Skriv vad som behöver ändras."),
            "max_length": _(
                "Kommentaren får vara högst %(limit_value)d tecken (nu %(show_value)d)."
            ),
        },
    )


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
