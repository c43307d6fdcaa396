from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.utils.translation import gettext as _

from kulturportal.emails import queue_email


class AccountAdapter(DefaultAccountAdapter):
    """allauth's e-mails (verification, login codes, password reset) go through our outbox."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = SimpleNamespace(name=_("Kulturportalen"), domain=urlsplit(settings.SITE_URL).netloc)
        full_context = {
            "request": allauth_context.request,
            "email": email,
            "current_site": site,
            **context,
        }
        message = self.render_mail(template_prefix, email, full_context)
        html = next(
            (
                body
                for body, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        queue_email(to=email, subject=message.subject, body_text=message.body, body_html=html)
