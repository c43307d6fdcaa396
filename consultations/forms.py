from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from consultations.models import Disposition, Group, Question, Response, Round, text_hash
from consultations.services import Posted
from kulturportal.forms import LocalDateTimeInput
from kulturportal.text import strip_hidden

REQUIRED_MARK = _("(obligatorisk)")
RANKS_MESSAGE = _("Ge alternativen rang 1, 2, 3 och så vidare, utan luckor och utan dubbletter.")
RANKING_HELP = _("1 är viktigast. Lämna tomt det du inte vill rangordna.")


class ResponseForm(forms.Form):
    """One field per question, each with the hash of the text it was opened with. Nothing
    is required here: a draft may be incomplete; submission checks the required answers."""

    consent_to_publish = forms.BooleanField(
        label=_("Svaret får publiceras på portalen när samrådet har stängt"),
        required=False,
        help_text=_(
            "Namn, e-postadresser, telefonnummer och personnummer på privatpersoner tas bort "
            "före publicering. Svaret är en allmän handling även om du inte kryssar i."
        ),
    )
    # What the consent box showed when the form was opened: only a change is stored.
    consent_shown = forms.CharField(widget=forms.HiddenInput, required=False)
    attachment = forms.FileField(
        label=_("Bifoga en fil"),
        required=False,
        help_text=_("PDF, Word eller OpenDocument, högst 15 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,application/pdf"}),
    )

    def __init__(self, *args, round: Round, response: Response, conflicts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.file_errors: dict[str, list[str]] = {}
        self.questions = list(round.questions.all())
        answers = {a.question_id: a for a in response.answers.all()} if response.pk else {}
        theirs = {c.question.pk: c.theirs for c in conflicts or []}
        self.fields["consent_to_publish"].initial = response.consent_to_publish
        self.fields["consent_shown"].initial = "1" if response.consent_to_publish else "0"
        for question in self.questions:
            if question.kind == Question.Kind.FILE:
                continue
            answer = answers.get(question.pk)
            shown = answer.value() if answer else ""
            # After a conflict the base is what is stored now: saving again is a decision.
            base = theirs.get(question.pk, shown)
            self.fields[f"q{question.pk}"] = self._field_for(question, answer)
            self.fields[f"base{question.pk}"] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=text_hash(base)
            )

    def _field_for(self, question: Question, answer) -> forms.Field:
        # Nothing is required of a draft; the label says what submission will ask for.
        label = f"{question.text} {REQUIRED_MARK}" if question.required else question.text
        # Django's field template marks help text safe: an official's text is escaped here.
        help_text = escape(question.help_text)
        if question.kind == Question.Kind.RANKING:
            help_text = f"{help_text} {RANKING_HELP}".strip()
        common = {"label": label, "required": False, "help_text": help_text}
        options = [(choice, choice) for choice in question.choices]
        if question.kind == Question.Kind.SINGLE:
            return forms.ChoiceField(
                choices=options,
                widget=forms.RadioSelect,
                initial=answer.choices[0] if answer and answer.choices else None,
                **common,
            )
        if question.kind == Question.Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=options,
                widget=forms.CheckboxSelectMultiple,
                initial=answer.choices if answer else [],
                **common,
            )
        if question.kind == Question.Kind.RANKING:
            return RankingField(
                options=question.choices,
                initial="\n".join(answer.choices) if answer else "",
                **common,
            )
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 8}),
            max_length=question.max_length,
            initial=answer.text if answer else "",
            strip=False,
            error_messages={
                "max_length": _("Svaret får vara högst %(limit_value)d tecken (nu %(show_value)d).")
            },
            **common,
        )

    def file_questions(self):
        return [q for q in self.questions if q.kind == Question.Kind.FILE]

    def rows(self):
        """(question, bound field or None) in the round's order, for the template."""
        return [
            (q, self[f"q{q.pk}"] if f"q{q.pk}" in self.fields else None) for q in self.questions
        ]

    def posted(self) -> list[Posted]:
        posted = []
        for question in self.questions:
            name = f"q{question.pk}"
            if name not in self.fields:
                continue
            value = self.cleaned_data.get(name)
            if question.kind == Question.Kind.SINGLE:
                choices = [value] if value else []
            elif question.kind in (Question.Kind.MULTIPLE, Question.Kind.RANKING):
                choices = list(value or [])
            else:
                choices = []
            text = "\n".join(choices) if question.has_choices() else strip_hidden(value or "")
            posted.append(
                Posted(
                    question=question,
                    value=text,
                    choices=choices,
                    base_hash=self.cleaned_data.get(f"base{question.pk}") or "",
                )
            )
        return posted


class RankingWidget(forms.MultiWidget):
    template_name = "consultations/widgets/ranking.html"

    def __init__(self, options: list[str], attrs=None):
        self.options = options
        choices = [("", "–")] + [(str(i), str(i)) for i in range(1, len(options) + 1)]
        widgets = [forms.Select(choices=choices) for _option in options]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        order = [line for line in (value or "").split("\n") if line]
        return [str(order.index(o) + 1) if o in order else "" for o in self.options]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for option, widget in zip(self.options, context["widget"]["subwidgets"], strict=True):
            widget["option"] = option
        return context


class RankingField(forms.MultiValueField):
    """Rank some or all of the options 1, 2, 3 … without gaps; the value is the ranked
    options in order."""

    def __init__(self, *, options: list[str], **kwargs):
        self.options = options
        fields = [forms.CharField(required=False) for _option in options]
        super().__init__(fields, widget=RankingWidget(options), require_all_fields=False, **kwargs)

    def compress(self, data_list):
        ranks = {}
        for option, rank in zip(self.options, data_list or [], strict=False):
            if rank:
                if not str(rank).isdigit():
                    raise ValidationError(RANKS_MESSAGE, code="ranks")
                ranks[option] = int(rank)
        if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
            raise ValidationError(RANKS_MESSAGE, code="ranks")
        return [option for option, _rank in sorted(ranks.items(), key=lambda item: item[1])]


class RoundForm(forms.ModelForm):
    groups = forms.MultipleChoiceField(
        label=_("Samrådsgrupper"),
        choices=Group.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("För ett samråd: vilka av modellens fem grupper som bjuds in."),
    )

    class Meta:
        model = Round
        fields = Round.EDITABLE_FIELDS
        widgets = {
            "opens_at": LocalDateTimeInput,
            "closes_at": LocalDateTimeInput,
            "description": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "opens_at": _("Svensk tid (Europe/Stockholm)."),
            "closes_at": _("Svensk tid (Europe/Stockholm). Svar efter den tiden tas inte emot."),
            "slug": _("Används i adressen: /samrad/kortnamn/."),
        }

    def clean_slug(self):
        slug = slugify(self.cleaned_data["slug"])
        if Round.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Det finns redan en omgång med det kortnamnet."))
        return slug

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "closes_at", _("Sista svarsdagen måste komma efter att omgången öppnar.")
            )
        if data.get("kind") == Round.Kind.CONSULTATION and not data.get("groups"):
            self.add_error("groups", _("Välj minst en samrådsgrupp för ett samråd."))
        return data


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Alternativ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ett alternativ per rad, för ett val, flera val och rangordning."),
    )

    class Meta:
        model = Question
        fields = [
            "position",
            "text",
            "help_text",
            "kind",
            "required",
            "max_length",
            "development_area",
            "section",
        ]

    def __init__(self, *args, round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.round = round
        self.fields["choices_text"].initial = "\n".join(self.instance.choices)
        plan = round.plan
        self.fields["development_area"].queryset = (
            plan.development_areas.all()
            if plan
            else self.fields["development_area"].queryset.none()
        )
        self.fields["section"].queryset = (
            plan.sections.all() if plan else self.fields["section"].queryset.none()
        )

    def clean(self):
        data = super().clean()
        options = [
            line.strip() for line in data.get("choices_text", "").splitlines() if line.strip()
        ]
        if data.get("kind") in (
            Question.Kind.SINGLE,
            Question.Kind.MULTIPLE,
            Question.Kind.RANKING,
        ):
            if len(options) < 2:
                self.add_error("choices_text", _("Skriv minst två alternativ, ett per rad."))
            if len(set(options)) != len(options):
                self.add_error("choices_text", _("Samma alternativ står två gånger."))
        self.instance.choices = options if data.get("kind") != Question.Kind.TEXT else []
        return data


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    file = forms.FileField(label=_("Fil"), help_text=_("PDF, Word eller OpenDocument."))


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Etiketter"),
        required=False,
        max_length=600,
        help_text=_("Skilj etiketterna åt med kommatecken, till exempel: barn och unga, lokaler."),
    )

    def names(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["tags"].split(",") if name.strip()]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Ny anteckning"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DispositionForm(forms.ModelForm):
    class Meta:
        model = Disposition
        fields = ["outcome", "reason", "section"]
        widgets = {
            "outcome": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        plan = round.plan
        self.fields["outcome"].choices = Disposition.Outcome.choices  # no blank radio
        self.fields["section"].queryset = (
            plan.sections.all() if plan else self.fields["section"].queryset.none()
        )
        self.fields["section"].required = False
        self.fields["section"].empty_label = _("Inget avsnitt")


class FilterForm(forms.Form):
    """The officials' filters on the list of responses; every field is optional."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    group = forms.ChoiceField(label=_("Samrådsgrupp"), required=False)
    kind = forms.ChoiceField(label=_("Typ av organisation"), required=False)
    municipality = forms.ChoiceField(label=_("Kommun"), required=False)
    tag = forms.ChoiceField(label=_("Etikett"), required=False)
    disposition = forms.ChoiceField(label=_("Ställningstagande"), required=False)
    q = forms.CharField(label=_("Sök svarande"), required=False, max_length=100)

    def __init__(self, *args, municipalities, tags, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        from kulturportal.models import OrganisationKind

        everything = [("", _("Alla"))]
        self.fields["status"].choices = everything + list(statuses)
        self.fields["group"].choices = everything + list(Group.choices)
        self.fields["kind"].choices = [
            *everything,
            ("kommun", _("Kommun")),
            *list(OrganisationKind.choices),
        ]
        # (slug, name) pairs and tag names: the list renders them, nothing else of the rows.
        self.fields["municipality"].choices = everything + list(municipalities)
        self.fields["tag"].choices = everything + [(name, name) for name in tags]
        self.fields["disposition"].choices = [
            *everything,
            ("none", _("Inget ännu")),
            *list(Disposition.Outcome.choices),
        ]


class PublicationReviewForm(forms.Form):
    held_back = forms.BooleanField(label=_("Håll tillbaka hela svaret"), required=False)
    reason = forms.CharField(
        label=_("Skäl"),
        required=False,
        max_length=500,
        help_text=_("Krävs när svaret hålls tillbaka. Skälet sparas i loggen."),
    )

    def clean(self):
        data = super().clean()
        if data.get("held_back") and not data.get("reason", "").strip():
            self.add_error("reason", _("Skriv varför svaret hålls tillbaka."))
        return data
