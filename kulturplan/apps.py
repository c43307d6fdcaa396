from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KulturplanConfig(AppConfig):
    name = "kulturplan"
    verbose_name = _("Regional kulturplan")

    def ready(self):
        from kulturplan import email_samples, panels, rules  # noqa: F401 - they register

        panels.register()
        from kulturplan import search

        search.register()
        from kulturplan import api

        api.register()
