from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KulturportalConfig(AppConfig):
    name = "kulturportal"
    verbose_name = _("Kulturportalen")

    def ready(self):
        from kulturportal import models
        from kulturportal.caching import connect_invalidation

        connect_invalidation(
            models.SubRegion,
            models.Municipality,
            models.Organisation,
            models.RoleAssignment,
            models.User,
            m2m_through=[models.Organisation.co_financing_municipalities.through],
        )
