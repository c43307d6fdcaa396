from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Överläggningar och nätverk")

    def ready(self):
        from forums import models
        from kulturportal.caching import connect_invalidation

        connect_invalidation(
            models.Meeting,
            models.MeetingSession,
            models.AgendaItem,
            models.MeetingDocument,
            models.Minutes,
            models.Network,
        )
