from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KulturportalConfig(AppConfig):
    name = "kulturportal"
    verbose_name = _("Kulturportalen")

    def ready(self):
        # Imported for their tasks, which a worker must know (kulturportal/tasks.py).
        from kulturportal import background_exports, collation, emails, panels, pdf  # noqa: F401
        from kulturportal.api import dcat as api_dcat
        from kulturportal.organisations import panels as organisation_panels
        from kulturportal.search import core_kinds as search_kinds
        from kulturportal.search import querying as search_querying

        collation.connect()
        search_querying.connect()
        search_kinds.register_kinds()
        api_dcat.register_core_datasets()
        organisation_panels.register()
        panels.register_link(_("Start"), "home", order=10)
        panels.register_link(_("Kommuner"), "municipality_list", order=50)
        panels.register_link(_("Min sida"), "my_page", order=90, logged_in=True)
