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
        subject, text, html = self.render_message(template_prefix, email, context)
        queue_email(to=email, subject=subject, body_text=text, body_html=html)

    def render_message(
        self, template_prefix: str, email: str, context: dict
    ) -> tuple[str, str, str]:
        """Subject, text and HTML (empty if the e-mail has none) of one of allauth's e-mails."""
        message = self.render_mail(template_prefix, email, self.mail_context(email, context))
        html = next(
            (
                body
                for body, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        return message.subject, message.body, html

    def mail_context(self, email: str, context: dict) -> dict:
        site = SimpleNamespace(name=_("Kulturportalen"), domain=urlsplit(settings.SITE_URL).netloc)
        return {
            "request": allauth_context.request,
            "email": email,
            # The footer of templates/account/email/base_message.txt, as in our own e-mails.
            "sender": {
                "name": settings.EMAIL_SENDER_NAME,
                "contact": settings.EMAIL_CONTACT_ADDRESS,
            },
            **context,
            # Last: allauth's own context names the site by the request's host
            # ("127.0.0.1:8000"); the portal is Kulturportalen, at its configured address.
            "current_site": site,
        }
