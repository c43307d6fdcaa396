from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KulturportalConfig(AppConfig):
    name = "kulturportal"
    verbose_name = _("Kulturportalen")
