from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KulturplanConfig(AppConfig):
    name = "kulturplan"
    verbose_name = _("Regional kulturplan")
