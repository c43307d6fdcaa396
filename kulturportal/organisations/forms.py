"""Forms of the organisation sign-up and of asking to represent an organisation."""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from kulturportal.collation import swedish
from kulturportal.models import Municipality, Organisation
from kulturportal.organisations.services import REGISTRABLE_KINDS, name_problem
from kulturportal.validators import normalise_org_number, validate_org_number

MESSAGE_MAX_LENGTH = 2000
DUPLICATE_NUMBER = _(
    "Organisationsnumret %(number)s är redan registrerat för %(name)s. Du kan ansöka om att "
    "företräda organisationen i stället."
)


class OrganisationRegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Organisationens namn"),
        max_length=200,
        error_messages={"required": _("Skriv organisationens namn.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    org_number = forms.CharField(
        label=_("Organisationsnummer"),
        max_length=20,
        help_text=_("Tio siffror, till exempel 802400-1235."),
        error_messages={"required": _("Skriv organisationens organisationsnummer.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        # Beside a number registered already: a link to ask to represent that organisation.
        template_name="kulturportal/organisations/_org_number_field.html",
    )
    kind = forms.ChoiceField(
        label=_("Typ av organisation"),
        choices=[(kind.value, kind.label) for kind in REGISTRABLE_KINDS],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Välj vilken typ av organisation det är."),
            "invalid_choice": _("Välj en av typerna i listan."),
        },
    )
    host_municipality = forms.ModelChoiceField(
        label=_("Kommun"),
        queryset=Municipality.objects.order_by(swedish("name")),
        required=False,
        empty_label=_("Ingen särskild kommun"),
        help_text=_("Kommunen där organisationen har sitt säte, om den hör hemma i en kommun."),
    )
    email = forms.EmailField(
        label=_("Organisationens e-postadress"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = forms.URLField(
        label=_("Webbplats"),
        required=False,
        assume_scheme="https",
        help_text=_("Till exempel https://www.exempel.se"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set when the number belongs to an organisation registered already.
        self.existing_organisation: Organisation | None = None

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        problem = name_problem(name)
        if problem == "formula":
            raise forms.ValidationError(
                _("Namnet får inte börja med =, +, - eller @. Skriv namnet som i registret.")
            )
        if problem == "hidden":
            raise forms.ValidationError(
                _("Namnet innehåller osynliga styrtecken. Skriv det med vanliga tecken.")
            )
        if not name:
            raise forms.ValidationError(_("Skriv organisationens namn."))
        return name

    def clean_org_number(self):
        number = self.cleaned_data["org_number"].strip()
        validate_org_number(number)
        number = normalise_org_number(number)
        existing = Organisation.objects.filter(org_number=number).first()
        if existing:
            self.existing_organisation = existing
            raise forms.ValidationError(
                DUPLICATE_NUMBER,
                code="duplicate",
                params={"number": number, "name": existing.name},
            )
        return number

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def add_duplicate(self, existing: Organisation) -> None:
        """Another person registered the number between the check and the save."""
        self.existing_organisation = existing
        self.add_error(
            "org_number",
            forms.ValidationError(
                DUPLICATE_NUMBER,
                code="duplicate",
                params={"number": existing.org_number, "name": existing.name},
            ),
        )


def _strip_invisible(text: str) -> str:
    """Drop bidirectional and zero-width characters, keep the line breaks."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip()


class MessageField(forms.CharField):
    """Line breaks arrive as CR LF but count as one character in the browser's maxlength:
    normalised before the length is checked, 2 000 typed characters are 2 000 here too."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class MembershipRequestForm(forms.Form):
    message = MessageField(
        label=_("Meddelande till organisationens företrädare (frivilligt)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_(
            "Berätta gärna vem du är och vilken roll du har i organisationen. Högst 2 000 tecken."
        ),
        error_messages={
            "max_length": _(
                "Meddelandet får vara högst %(limit_value)d tecken långt. "
                "Nu är det %(show_value)d tecken."
            )
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_message(self):
        return _strip_invisible(self.cleaned_data["message"])


class OrganisationSearchForm(forms.Form):
    """On Min sida: find the organisation to ask to represent, by name or number."""

    organisation = forms.CharField(
        label=_("Organisationens namn eller organisationsnummer"),
        max_length=200,
        required=False,
    )


class OrganisationReviewForm(forms.Form):
    """An official's decision on an organisation a person registered."""

    decision = forms.ChoiceField(
        label=_("Beslut"),
        choices=[("approve", _("Godkänn")), ("refuse", _("Avslå"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj om organisationen godkänns eller avslås.")},
    )
    note = forms.CharField(
        label=_("Motivering till den som registrerade"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Behövs när du avslår. Skickas med beskedet."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("note", "").strip():
            self.add_error("note", _("Skriv varför organisationen inte godkänns."))
        return data
