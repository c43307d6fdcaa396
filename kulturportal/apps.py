from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KulturportalConfig(AppConfig):
    name = "kulturportal"
    verbose_name = _("Kulturportalen")

    def ready(self):
        # Imported for their tasks, which a worker must know (kulturportal/tasks.py).
        from kulturportal import background_exports, collation, emails, pdf  # noqa: F401
        from kulturportal.organisations import panels as organisation_panels

        collation.connect()
        organisation_panels.register()
