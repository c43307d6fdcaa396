from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Överläggningar och nätverk")

    def ready(self):
        from forums import email_samples, inbound, panels  # noqa: F401 - samples register

        panels.register()
        inbound.register()
