"""The follow-up's forms. Numbers are read with Babel (followup/numbers.py): a field left
empty is "not reported", and whatever was typed comes back as typed when something is
wrong, with the reason beside the field."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followup import checks, metrics, numbers
from followup.models import FIRST_YEAR, LAST_YEAR, ReportFile
from followup.services import DecisionLines
from followup.values import ReportValues
from kulturportal.forms import LocalDateTimeInput
from kulturportal.models import ActivityArea, Municipality, Organisation

EXPLANATION_LENGTH = 1000
CONTRIBUTION_LENGTH = 1500


class NumberField(forms.Field):
    """A number in the reader's language; None when left empty."""

    def __init__(self, *, kind: numbers.Kind, **kwargs):
        kwargs.setdefault("required", False)
        attrs = {
            "inputmode": "decimal" if kind.decimals else "numeric",
            "autocomplete": "off",
            "class": "number-input",
            "spellcheck": "false",
        }
        super().__init__(widget=forms.TextInput(attrs=attrs), **kwargs)
        self.kind = kind

    def to_python(self, value):
        return numbers.parse(value, self.kind)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return numbers.show(value)
        return value


# --- The annual report -------------------------------------------------------------------------


def municipal_field(pk: int) -> str:
    return f"municipal__{pk}"


def reach_field(pk: int) -> str:
    return f"reach__{pk}"


def contribution_field(pk: int) -> str:
    return f"area__{pk}"


class ReportForm(forms.Form):
    """The whole report in one form: income, economy and staff, each funded area's
    activity, the municipalities reached, the plan's development areas, the explanations
    the checks ask for and the two files."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    annual_report = forms.FileField(
        label=_("Årsredovisning"),
        required=False,
        help_text=_("PDF, Word eller OpenDocument, högst 15 MB. En ny fil ersätter den förra."),
    )
    activity_report = forms.FileField(
        label=_("Verksamhetsberättelse"),
        required=False,
        help_text=_("PDF, Word eller OpenDocument, högst 15 MB. En ny fil ersätter den förra."),
    )

    def __init__(
        self,
        *args,
        co_financiers: list[Municipality],
        areas: list[ActivityArea],
        municipalities: list[Municipality],
        development_areas: list,
        stored: ReportValues | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.co_financiers = co_financiers
        self.areas = areas
        self.municipalities = municipalities
        self.development_areas = development_areas
        for figure in metrics.INCOME + metrics.ECONOMY:
            self.fields[figure.code] = NumberField(
                kind=figure.kind, label=figure.label, help_text=figure.help_text
            )
        for municipality in co_financiers:
            self.fields[municipal_field(municipality.pk)] = NumberField(
                kind=numbers.MONEY,
                label=_("Bidrag från %(name)s") % {"name": municipality.official_name},
            )
        for area in areas:
            for figure in metrics.activity_figures(area.code):
                self.fields[metrics.metric_field(area.code, figure.code)] = NumberField(
                    kind=figure.kind, label=figure.label
                )
        for municipality in municipalities:
            self.fields[reach_field(municipality.pk)] = NumberField(
                kind=numbers.OCCASIONS, label=municipality.name
            )
        for development_area in development_areas:
            self.fields[contribution_field(development_area.pk)] = forms.CharField(
                label=development_area.title,
                required=False,
                max_length=CONTRIBUTION_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        for key in self.explanation_keys():
            target = "income_state" if key == checks.STATE_GRANT else key.split("__", 1)[1]
            self.fields[checks.explain_field(key)] = forms.CharField(
                label=_("Förklaring till %(field)s") % {"field": self.fields[target].label},
                required=False,
                max_length=EXPLANATION_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["version"].label = ""
        if stored is not None and not self.is_bound:
            self.initial.update(self.initial_from(stored))

    def number_fields(self) -> list[str]:
        return [name for name, f in self.fields.items() if isinstance(f, NumberField)]

    def explanation_keys(self) -> list[str]:
        compared = [
            n
            for n, f in self.fields.items()
            if isinstance(f, NumberField) and n.split("__")[0] != "reach"
        ]
        return [checks.STATE_GRANT, *[checks.jump_key(name) for name in compared]]

    def initial_from(self, stored: ReportValues) -> dict:
        initial: dict = dict(stored.fields)
        initial.update({municipal_field(pk): v for pk, v in stored.municipal_income.items()})
        initial.update({metrics.metric_field(a, m): v for (a, m), v in stored.activity.items()})
        initial.update({reach_field(pk): v for pk, v in stored.reach.items()})
        initial.update({contribution_field(pk): t for pk, t in stored.contributions.items()})
        initial.update({checks.explain_field(k): t for k, t in stored.explanations.items()})
        return initial

    def clean(self):
        data = super().clean()
        self._part_not_above_whole("costs_staff", "costs_total", data)
        for area in self.areas:
            for figure in metrics.activity_figures(area.code):
                if figure.part_of:
                    self._part_not_above_whole(
                        metrics.metric_field(area.code, figure.code),
                        metrics.metric_field(area.code, figure.part_of),
                        data,
                    )
        return data

    def _part_not_above_whole(self, part: str, whole: str, data: dict) -> None:
        if part in self.errors or whole in self.errors:
            return
        part_value, whole_value = data.get(part), data.get(whole)
        if part_value is not None and whole_value is not None and part_value > whole_value:
            self.add_error(
                part,
                _("Delen kan inte vara större än helheten (%(whole)s: %(value)s).")
                % {"whole": self.fields[whole].label, "value": numbers.show(whole_value)},
            )

    def values(self) -> ReportValues:
        """What was posted, as values; call after is_valid()."""
        data = self.cleaned_data
        values = ReportValues()
        for figure in metrics.INCOME + metrics.ECONOMY:
            values.fields[figure.code] = data.get(figure.code)
        for municipality in self.co_financiers:
            amount = data.get(municipal_field(municipality.pk))
            if amount is not None:
                values.municipal_income[municipality.pk] = amount
        for area in self.areas:
            for figure in metrics.activity_figures(area.code):
                value = data.get(metrics.metric_field(area.code, figure.code))
                if value is not None:
                    values.activity[(area.code, figure.code)] = int(value)
        for municipality in self.municipalities:
            occasions = data.get(reach_field(municipality.pk))
            if occasions is not None:
                values.reach[municipality.pk] = int(occasions)
        for development_area in self.development_areas:
            text = (data.get(contribution_field(development_area.pk)) or "").strip()
            if text:
                values.contributions[development_area.pk] = text
        for key in self.explanation_keys():
            text = (data.get(checks.explain_field(key)) or "").strip()
            if text:
                values.explanations[key] = text
        return values

    def file_kinds(self) -> list[tuple[str, str]]:
        return [
            ("annual_report", ReportFile.Kind.ANNUAL_REPORT),
            ("activity_report", ReportFile.Kind.ACTIVITY_REPORT),
        ]


# --- Funding decisions -------------------------------------------------------------------------


def state_field(code: str) -> str:
    return f"state__{code}"


class DecisionForm(forms.Form):
    """A decision by hand: the organisation and year (for a new one), the state grant per
    activity area, the region's grant and each municipality's contribution."""

    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("Namn eller organisationsnummer, till exempel 802002-4598."),
    )
    year = forms.IntegerField(
        label=_("År"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={"invalid": _("Ange ett årtal, till exempel 2026.")},
    )
    region_grant = NumberField(kind=numbers.MONEY, label=_("Region Skånes bidrag, kr"))
    reference = forms.CharField(label=_("Diarienummer"), max_length=50, required=False)
    note = forms.CharField(
        label=_("Anteckning"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, areas, municipalities, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        self.municipalities = municipalities
        self.editing = editing
        if editing:
            del self.fields["organisation"]
            del self.fields["year"]
        for area in areas:
            self.fields[state_field(area.code)] = NumberField(kind=numbers.MONEY, label=area.name)
        for municipality in municipalities:
            self.fields[municipal_field(municipality.pk)] = NumberField(
                kind=numbers.MONEY, label=municipality.name
            )

    def clean_organisation(self):
        text = self.cleaned_data["organisation"]
        found = Organisation.objects.lookup(text, limit=4)
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(
                _("Ingen organisation i portalen heter så eller har det numret.")
            )
        raise forms.ValidationError(
            _("Flera organisationer passar: %(names)s. Skriv hela namnet eller numret.")
            % {"names": ", ".join(o.name for o in found)}
        )

    def lines(self) -> DecisionLines:
        data = self.cleaned_data
        return DecisionLines(
            region_grant=data.get("region_grant") or Decimal(0),
            state={
                area: data[state_field(area.code)]
                for area in self.areas
                if data.get(state_field(area.code)) is not None
            },
            municipal={
                m: data[municipal_field(m.pk)]
                for m in self.municipalities
                if data.get(municipal_field(m.pk)) is not None
            },
        )

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(state_field(area.code)) for area in self.areas):
            self.add_error(
                state_field(self.areas[0].code) if self.areas else None,
                _("Ange statliga medel för minst ett verksamhetsområde."),
            )
        return data


def decision_initial(decision) -> dict:
    initial = {
        "region_grant": decision.region_grant,
        "reference": decision.reference,
        "note": decision.note,
        "version": decision.version,
    }
    for grant in decision.state_grants.all():
        initial[state_field(grant.activity_area.code)] = grant.amount
    for part in decision.municipal_contributions.all():
        initial[municipal_field(part.municipality_id)] = part.amount
    return initial


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil med beslut"),
        help_text=_("Excel (.xlsx) eller semikolonseparerad CSV, högst 2 MB."),
        error_messages={"required": _("Välj en fil att ladda upp.")},
    )


# --- Rounds and reviews ------------------------------------------------------------------------


class RoundForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Sista dag att rapportera"),
        widget=LocalDateTimeInput(),
        error_messages={"invalid": _("Ange datum och tid, till exempel 2026-03-31 23:59.")},
    )
    jump_threshold = forms.IntegerField(
        label=_("Förändring mot förra året som kräver förklaring, procent"),
        min_value=5,
        max_value=500,
        initial=30,
    )

    def __init__(self, *args, years=None, **kwargs):
        super().__init__(*args, **kwargs)
        if years is not None:
            self.fields["year"] = forms.TypedChoiceField(
                label=_("År som rapporteras"),
                choices=[(y, y) for y in years],
                coerce=int,
                error_messages={
                    "invalid_choice": _("Det finns inga beslut för året, eller så är det öppnat.")
                },
            )
            self.order_fields(["year", "deadline", "jump_threshold"])

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if "year" in self.fields and deadline < timezone.now():
            raise forms.ValidationError(_("Sista dagen kan inte ha passerat redan."))
        return deadline


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Kommentar till organisationen"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("När du återsänder rapporten: skriv vad som behöver kompletteras."),
    )
