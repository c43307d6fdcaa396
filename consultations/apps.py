from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Samråd och remisser")

    def ready(self):
        # services: its receipts module defines tasks, which a worker must know.
        from consultations import email_samples, exporting, panels, rules, services  # noqa: F401
        from kulturportal import background_exports

        panels.register()
        background_exports.register(exporting.EXPORT_NAME, exporting.build)
        from consultations import search

        search.register()
        from consultations import api

        api.register()
