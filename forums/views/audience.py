"""Officials choose the audience by rule and see whom it reaches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from forums import services
from forums.forms import (
    AUDIENCE_FIELDS,
    AudienceRuleForm,
)
from forums.models import (
    Audience,
)
from forums.views.access import meeting_for_official
from kulturportal.text import person_label


@login_required
@require_http_methods(["GET", "POST"])
def meeting_audience(request, pk):
    """One small form per kind of rule, each with only its own fields."""
    meeting = meeting_for_official(request, pk)
    if request.method != "POST":
        return _render_audience(request, meeting)
    kind = request.POST.get("kind", "")
    if kind not in AUDIENCE_FIELDS:
        messages.error(request, _("Välj vilken sorts målgrupp du vill lägga till."))
        return _render_audience(request, meeting)
    form = AudienceRuleForm(request.POST, kind=kind)
    if not form.is_valid():
        return _render_audience(request, meeting, form)
    pasted = form.pasted
    if pasted is None or pasted.pairs:
        rule = form.save(commit=False)
        services.add_audience_rule(
            meeting=meeting, rule=rule, save_m2m=form.save_m2m, actor=request.user
        )
    if pasted is None or not pasted.to_mend:
        messages.success(request, _("Målgruppen är uppdaterad."))
        _duplicates_message(request, pasted)
        return redirect("forums:meeting_audience", pk=meeting.pk)
    # The good addresses are saved; the box keeps only what to mend, and each problem
    # names its line as it was pasted (issue 20: "Rad 1" for line 2 misled).
    if pasted.pairs:
        messages.warning(
            request,
            ngettext(
                "%(count)s adress lades till. Rätta raderna nedan (radnumren är de i texten du "
                "klistrade in).",
                "%(count)s adresser lades till. Rätta raderna nedan (radnumren är de i texten du "
                "klistrade in).",
                len(pasted.pairs),
            )
            % {"count": len(pasted.pairs)},
        )
    _duplicates_message(request, pasted)
    return _render_audience(request, meeting, _pasted_to_mend(pasted))


def _pasted_to_mend(pasted) -> AudienceRuleForm:
    form = AudienceRuleForm({"emails": "\n".join(pasted.to_mend)}, kind=Audience.EMAILS)
    form.is_valid()
    form.add_error("emails", pasted.to_mend_problems or _("Rätta raderna."))
    return form


def _duplicates_message(request, pasted) -> None:
    if pasted and pasted.duplicates:
        messages.info(
            request,
            ngettext(
                "%(count)s adress stod med mer än en gång och lades till en gång.",
                "%(count)s adresser stod med mer än en gång och lades till en gång.",
                pasted.duplicates,
            )
            % {"count": pasted.duplicates},
        )


def _render_audience(request, meeting, bound=None):
    forms = [
        bound if bound is not None and bound.kind == kind else AudienceRuleForm(kind=kind)
        for kind in AUDIENCE_FIELDS
    ]
    rules = meeting.audience_rules.select_related("network", "organisation").prefetch_related(
        "sub_regions", "people"
    )
    return render(
        request,
        "forums/meeting_audience.html",
        {
            "meeting": meeting,
            "forms": forms,
            "rules": [(rule, _rule_details(rule)) for rule in rules],
            "recipient_count": len(services.resolve_audience(meeting)),
        },
    )


def _rule_details(rule) -> dict:
    """What the rule list shows of a rule: only its own kind's fields."""
    kind = rule.kind
    names = {
        Audience.MUNICIPAL_POLITICIANS: lambda: [r.name for r in rule.sub_regions.all()],
        Audience.NETWORK: lambda: [str(rule.network)] if rule.network else [],
        Audience.BODY: lambda: [str(rule.organisation)] if rule.organisation else [],
        Audience.CO_FINANCIERS: lambda: [str(rule.organisation)] if rule.organisation else [],
        Audience.PEOPLE: lambda: [person_label(p) for p in rule.people.all()],
    }
    if kind == Audience.EMAILS:
        lines = [line for line in rule.emails.splitlines() if line.strip()]
        return {"names": [], "pasted": lines}
    return {"names": names.get(kind, list)(), "pasted": []}


@login_required
@require_POST
def audience_rule_delete(request, pk, rule_pk):
    meeting = meeting_for_official(request, pk)
    services.remove_audience_rule(meeting=meeting, rule_pk=rule_pk, actor=request.user)
    messages.success(request, _("Regeln är borttagen."))
    return redirect("forums:meeting_audience", pk=meeting.pk)
