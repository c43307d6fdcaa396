from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Årlig uppföljning")

    def ready(self):
        # services: the reporting and review modules register their audit actions and
        # the reminder's task, which a worker must know.
        from followup import api, email_samples, panels, rules, services  # noqa: F401

        panels.register()
        api.register()
