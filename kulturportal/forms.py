from django import forms
from django.contrib.auth import password_validation
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from kulturportal.collation import swedish
from kulturportal.models import NAME_PART_MAX_LENGTH, Municipality, Organisation, Role, User
from kulturportal.text import clean_name


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, in the server's time zone (Europe/Stockholm)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ShortListIterator(ModelChoiceIterator):
    """The choices read with one plain query. Django's own iterator reads them with
    .iterator(), which on PostgreSQL is a server-side cursor: DECLARE, FETCH and CLOSE,
    three round trips and more for a list as short as the 33 municipalities."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ShortListChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for a short list (municipalities, sub-regions)."""

    iterator = ShortListIterator


class AccessibleFormRenderer(TemplatesSetting):
    """Every form starts with an error summary that links to the fields in error.

    Django itself ties each error to its field (aria-invalid, aria-describedby).
    """

    form_template_name = "forms/div.html"


class NameForm(forms.Form):
    first_name = forms.CharField(
        label=_("Förnamn"),
        max_length=NAME_PART_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Efternamn"),
        max_length=NAME_PART_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def clean_first_name(self):
        return clean_name(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return clean_name(self.cleaned_data["last_name"])


class SignupNameForm(NameForm):
    """The name fields allauth's sign-up form adds to e-mail and password."""

    field_order = ["first_name", "last_name"]

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


class RoleInvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-postadress"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    municipality = ShortListChoiceField(
        label=_("Kommun"),
        queryset=Municipality.objects.order_by(swedish("name")),
        required=False,
        help_text=_("För kommunala roller: kulturchef, politiker, tjänsteperson, samordnare."),
    )
    # A text field, not a list: there are thousands of organisations.
    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=200,
        help_text=_("För företrädare för en organisation: namnet eller organisationsnumret."),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_organisation(self):
        text = self.cleaned_data["organisation"].strip()
        return find_organisation(text) if text else None

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in Role.municipal():
            if not data.get("municipality"):
                self.add_error("municipality", _("Välj vilken kommun rollen gäller."))
            data["organisation"] = None
        elif role == Role.ORGANISATION_REPRESENTATIVE:
            if not data.get("organisation"):
                self.add_error("organisation", _("Välj vilken organisation personen företräder."))
            data["municipality"] = None
        elif role:
            data["municipality"] = data["organisation"] = None
        return data


def find_organisation(text: str) -> Organisation:
    """The one organisation a name or organisation number points at, or a Swedish error."""
    candidates = Organisation.objects.lookup(text)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise forms.ValidationError(
            _(
                "Ingen organisation heter ”%(text)s”. Kontrollera stavningen eller skriv "
                "organisationsnumret."
            ),
            params={"text": text},
        )
    names = ", ".join(c.name for c in candidates[:5])
    raise forms.ValidationError(
        _("Flera organisationer matchar: %(names)s. Skriv hela namnet eller organisationsnumret."),
        params={"names": names},
    )


class AcceptInvitationForm(NameForm):
    """A newcomer's name and password when accepting a role invitation."""

    password1 = forms.CharField(
        label=_("Lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minst tio tecken. Undvik vanliga ord och lösenord som bara är siffror."),
    )
    password2 = forms.CharField(
        label=_("Lösenord igen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Lösenorden är inte likadana."))
        elif password1:
            candidate = User(
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Ditt lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Skriv ditt lösenord för att bekräfta att du vill ta bort kontot."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Lösenordet stämmer inte."))
        return password
