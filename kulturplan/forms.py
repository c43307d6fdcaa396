from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from kulturplan.models import ActivityArea, CulturePlan, DevelopmentArea, Section
from kulturplan.services import Line
from kulturportal.forms import LocalDateTimeInput
from kulturportal.models import FULL_NAME_MAX_LENGTH


class UniqueInPlanMixin:
    """A short name (slug) is unique within the plan; the message names what it is for."""

    taken_message = ""

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        model = self._meta.model
        taken = model.objects.filter(plan=self.instance.plan, slug=slug).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise ValidationError(self.taken_message)
        return slug


class SectionForm(UniqueInPlanMixin, forms.ModelForm):
    taken_message = _("Planen har redan ett avsnitt med det ankaret.")

    class Meta:
        model = Section
        fields = ["title", "slug", "position", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        help_texts = {"slug": _("Används i sidans adress, till exempel #strategier.")}


class DevelopmentAreaForm(UniqueInPlanMixin, forms.ModelForm):
    taken_message = _("Planen har redan ett utvecklingsområde med det kortnamnet.")
    activity_areas = forms.ModelMultipleChoiceField(
        label=_("Verksamhetsområden"),
        queryset=ActivityArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst ett verksamhetsområde.")},
    )

    class Meta:
        model = DevelopmentArea
        fields = ["title", "slug", "position", "description", "activity_areas"]
        widgets = {"description": forms.Textarea(attrs={"rows": 10})}


class PlanForm(forms.ModelForm):
    copy_from = forms.ModelChoiceField(
        label=_("Börja från texten i"),
        queryset=CulturePlan.objects.all(),
        required=False,
        empty_label=_("Ingen: börja med en tom plan"),
        help_text=_("Avsnitten och utvecklingsområdena kopieras; kommunernas prioriteringar inte."),
    )

    class Meta:
        model = CulturePlan
        fields = ["title", "slug", "starts_year", "ends_year"]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_year"), data.get("ends_year")
        if starts and ends and ends < starts:
            self.add_error("ends_year", _("Sista året kan inte komma före det första."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"))

    def __init__(self, *args, plan: CulturePlan, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(CulturePlan.Status.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in plan.next_statuses()]


class VersionForm(forms.Form):
    note = forms.CharField(label=_("Vad är nytt i versionen?"), max_length=300, required=False)


class WindowForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Öppnar"), widget=LocalDateTimeInput())
    closes_at = forms.DateTimeField(label=_("Stänger"), widget=LocalDateTimeInput())

    def clean(self):
        data = super().clean()
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("Anmälan måste stänga efter att den har öppnat."))
        return data


# --- The culture chief's priorities ----------------------------------------------------------


class PriorityLineForm(forms.Form):
    """One development area of the plan: prioritised or not, its rank and why."""

    development_area = forms.ModelChoiceField(
        label=_("Utvecklingsområde"),
        queryset=DevelopmentArea.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Utvecklingsområdet hör inte till den här planen.")},
    )
    chosen = forms.BooleanField(label=_("Kommunen prioriterar området"), required=False)
    rank = forms.IntegerField(
        label=_("Rang"),
        required=False,
        min_value=1,
        help_text=_("1 är viktigast."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "rank-input"}),
    )
    motivation = forms.CharField(
        label=_("Motivering"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact_name = forms.CharField(
        label=_("Kontaktperson"), max_length=FULL_NAME_MAX_LENGTH, required=False
    )
    contact_email = forms.EmailField(label=_("Kontaktpersonens e-post"), required=False)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["development_area"].queryset = areas
        self.area = self.initial.get("development_area")

    def clean(self):
        data = super().clean()
        if not data.get("chosen"):
            # What was typed in a row not ticked would be dropped without a word.
            if data.get("rank") is not None:
                self.add_error(
                    "rank", _("Kryssa i området om det ska ha en rang, eller ta bort rangen.")
                )
            if (data.get("motivation") or "").strip():
                self.add_error(
                    "motivation",
                    _("Kryssa i området om motiveringen ska sparas, eller ta bort den."),
                )
            return data
        if data.get("rank") is None and "rank" not in self.errors:
            self.add_error("rank", _("Ange vilken rang området har."))
        if not (data.get("motivation") or "").strip():
            self.add_error("motivation", _("Skriv varför kommunen prioriterar området."))
        return data


class BasePriorityFormSet(BaseFormSet):
    """The plan's development areas, one form each; the chosen ones ranked 1, 2, 3 … n."""

    def __init__(self, *args, areas=None, submitting=False, **kwargs):
        self.areas = areas
        self.submitting = submitting
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "areas": self.areas}

    def clean(self):
        if any(form.errors for form in self.forms):
            return
        chosen = [form for form in self.forms if form.cleaned_data.get("chosen")]
        if self.submitting and not chosen:
            raise forms.ValidationError(
                _("Kryssa i minst ett utvecklingsområde innan du skickar in."), code="none"
            )
        self._check_areas_once(chosen)
        self._check_ranks(chosen)

    def _check_areas_once(self, chosen):
        seen = set()
        for form in chosen:
            area = form.cleaned_data["development_area"]
            if area.pk in seen:
                form.add_error("chosen", _("Samma utvecklingsområde finns två gånger."))
            seen.add(area.pk)

    def _check_ranks(self, chosen):
        ranks = [form.cleaned_data["rank"] for form in chosen]
        for form in chosen:
            rank = form.cleaned_data["rank"]
            if ranks.count(rank) > 1:
                form.add_error(
                    "rank",
                    _("Två områden har rang %(rank)s. Ge varje område en egen rang.")
                    % {"rank": rank},
                )
            elif rank > len(chosen):
                form.add_error(
                    "rank",
                    _(
                        "Rangordningen har en lucka: med %(count)s valda områden går rangen "
                        "från 1 till %(count)s."
                    )
                    % {"count": len(chosen)},
                )

    def lines(self) -> list[Line]:
        chosen = [f.cleaned_data for f in self.forms if f.cleaned_data.get("chosen")]
        return [
            Line(
                development_area=data["development_area"],
                rank=data["rank"],
                motivation=data["motivation"].strip(),
                contact_name=data["contact_name"].strip(),
                contact_email=data["contact_email"],
            )
            for data in sorted(chosen, key=lambda d: d["rank"])
        ]

    def error_items(self):
        """(field id, label, message) for the error summary at the top of the page."""
        items = []
        for form in self.forms:
            # The row's own area when the posted one was refused (another plan's, say).
            area = getattr(form, "cleaned_data", {}).get("development_area") or form.area
            title = area.title if area else ""
            for name, errors in form.errors.items():
                field = form[name] if name in form.fields else None
                for error in errors:
                    label = f"{title}, {field.label}" if field is not None else title
                    items.append((field.auto_id if field is not None else "", label, error))
        return items


PriorityFormSet = formset_factory(
    PriorityLineForm, formset=BasePriorityFormSet, extra=0, max_num=200, absolute_max=200
)


def priority_initial(areas, priorities, defaults: dict) -> list[dict]:
    """One row per development area, filled from the working copy where there is one."""
    by_area = {p.development_area_id: p for p in priorities}
    rows = []
    for area in areas:
        priority = by_area.get(area.pk)
        rows.append(
            {
                "development_area": area,
                "chosen": priority is not None,
                "rank": priority.rank if priority else None,
                "motivation": priority.motivation if priority else "",
                "contact_name": priority.contact_name if priority else defaults.get("name", ""),
                "contact_email": priority.contact_email if priority else defaults.get("email", ""),
            }
        )
    return rows
