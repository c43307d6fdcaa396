"""The invitee's reply through the personal link, without logging in."""

from django.core import signing
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from forums import services
from forums.forms import (
    ReplyForm,
)
from forums.models import (
    Invitation,
    Meeting,
)


@never_cache
@require_http_methods(["GET", "POST"])
def reply(request, signed_token):
    invitation = _invitation_from_link(signed_token)
    if invitation is None:
        return render(
            request,
            "forums/reply_problem.html",
            {
                "problem": _(
                    "Länken fungerar inte. Kontrollera att du har kopierat hela länken "
                    "från e-postmeddelandet."
                ),
            },
            status=404,
        )
    meeting = invitation.meeting
    if not meeting.is_open_for_replies():
        problem = (
            _("Mötet är inställt. Du behöver inte svara.")
            if meeting.status == Meeting.Status.CANCELLED
            else _("Mötet har redan börjat, så svaret kan inte längre ändras.")
        )
        return render(
            request,
            "forums/reply_problem.html",
            {
                "problem": problem,
                "meeting": meeting,
                "invitation": invitation,
            },
            status=410,
        )
    # What is stored, for the page to say: validating the form writes the posted answer onto
    # its instance, which is not saved if the reply is refused.
    stored = {"has_replied": invitation.has_replied, "answer": invitation.get_response_display()}
    form = ReplyForm(request.POST or None, instance=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.record_reply(
                invitation=invitation,
                **{k: v for k, v in form.cleaned_data.items() if k in ReplyForm.Meta.fields},
                actor=request.user,
            )
        except services.ReplyRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            return render(
                request,
                "forums/reply_thanks.html",
                {
                    "invitation": invitation,
                    "meeting": meeting,
                },
            )
    return render(
        request,
        "forums/reply.html",
        {
            "invitation": invitation,
            "meeting": meeting,
            "form": form,
            "stored": stored,
            "sessions": meeting.sessions.all(),
            "agenda": meeting.agenda_items.all(),
        },
    )


def _invitation_from_link(signed_token: str):
    try:
        token = Invitation.token_from_signed(signed_token)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("meeting", "session")
        .prefetch_related(Prefetch("meeting__sessions"))
        .filter(token=token)
        .first()
    )
