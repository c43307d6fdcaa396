from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Överläggningar och nätverk")

    def ready(self):
        # services: delivery and reminders define tasks, which a worker must know.
        from forums import email_samples, inbound, panels, services  # noqa: F401

        panels.register()
        inbound.register()
        from forums import search

        search.register()
        from forums import api

        api.register()
