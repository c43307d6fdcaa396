from django.urls import path

from kulturplan import views
from kulturportal import converters  # noqa: F401 - registers export_format

app_name = "kulturplan"
urlpatterns = [
    path("kulturplan/", views.plan_current, name="plan_current"),
    path("kulturplan/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path(
        "kulturplan/<slug:slug>/verksamhetsomraden/<slug:code>/",
        views.plan_activity_area,
        name="plan_activity_area",
    ),
    path("kulturplan/<slug:slug>/versioner/", views.plan_diff, name="plan_diff"),
    path("kulturplan/<slug:slug>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("kulturplan/<slug:slug>/prioriteringar/", views.overview, name="overview"),
    path(
        "kulturplan/<slug:slug>/prioriteringar.<export_format:fmt>",
        views.overview_export,
        name="overview_export",
    ),
    path("kulturplan/<slug:slug>/hantera/", views.manage_plan, name="manage_plan"),
    path("kulturplan/<slug:slug>/hantera/status/", views.plan_status, name="plan_status"),
    path("kulturplan/<slug:slug>/hantera/version/", views.plan_version, name="plan_version"),
    path("kulturplan/<slug:slug>/hantera/anmalan/", views.window_open, name="window_open"),
    path(
        "kulturplan/<slug:slug>/hantera/anmalan/<int:pk>/stang/",
        views.window_close,
        name="window_close",
    ),
    path("hantera/kulturplaner/ny/", views.plan_create, name="plan_create"),
    path("kulturplan/<slug:slug>/hantera/avsnitt/ny/", views.section_edit, name="section_new"),
    path(
        "kulturplan/<slug:slug>/hantera/avsnitt/<int:pk>/ta-bort/",
        views.section_delete,
        name="section_delete",
    ),
    path(
        "kulturplan/<slug:slug>/hantera/utvecklingsomraden/<int:pk>/ta-bort/",
        views.area_delete,
        name="area_delete",
    ),
    path(
        "kulturplan/<slug:slug>/hantera/avsnitt/<int:pk>/", views.section_edit, name="section_edit"
    ),
    path("kulturplan/<slug:slug>/hantera/utvecklingsomraden/ny/", views.area_edit, name="area_new"),
    path(
        "kulturplan/<slug:slug>/hantera/utvecklingsomraden/<int:pk>/",
        views.area_edit,
        name="area_edit",
    ),
    path(
        "kulturplan/<slug:slug>/hantera/inrapportering/",
        views.completion_board,
        name="completion_board",
    ),
    path(
        "kulturplan/<slug:slug>/hantera/inrapportering/paminn/",
        views.send_reminders,
        name="send_reminders",
    ),
    path("kommuner/<slug:slug>/prioriteringar/", views.priorities, name="priorities"),
]
