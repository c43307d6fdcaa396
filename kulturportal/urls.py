from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from kulturportal import health, views
from kulturportal.api import main as api_main
from kulturportal.api import views as api_views
from kulturportal.search import views as search_views

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Kulturportalen"
admin.site.site_title = "Kulturportalen"

# Swedish pages live at /…, their English versions at /en/…: a plain link switches language,
# so public pages need no form (and no CSRF cookie) and can be cached.
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("kommuner/", views.municipality_list, name="municipality_list"),
    path("kommuner/<slug:slug>/", views.municipality_detail, name="municipality_detail"),
    path("min-sida/", views.my_page, name="my_page"),
    path("hantera/inbjudningar/", views.invite_person, name="invite_person"),
    path("konto/inbjudan/<str:key>/", views.accept_invitation, name="accept_invitation"),
    path("konto/mina-uppgifter/", views.export_my_data, name="export_my_data"),
    path("konto/radera/", views.delete_account, name="delete_account"),
    path("konto/", include("allauth.urls")),
    path("", include("kulturportal.organisations.urls")),
    path("", include("kulturportal.export_urls")),
    path("", include("forums.urls")),
    path("", include("kulturplan.urls")),
    path("", include("consultations.urls")),
    path("sok/", search_views.search_page, name="search"),
    path("oppna-data/", api_views.open_data, name="open_data"),
    path("", include("followup.urls")),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("personuppgifter/", views.privacy, name="privacy"),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
urlpatterns += [
    path("healthz", health.healthz, name="healthz"),
]
# The open data: machines' URLs, the same in every language; v1 never breaks.
urlpatterns += [
    *api_main.urlpatterns(),
    *api_main.catalogue_urlpatterns(),
]
