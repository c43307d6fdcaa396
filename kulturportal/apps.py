from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KulturportalConfig(AppConfig):
    name = "kulturportal"
    verbose_name = _("Kulturportalen")

    def ready(self):
        from kulturportal import collation, organisation_panels

        collation.connect()
        organisation_panels.register()
