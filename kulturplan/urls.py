from django.urls import path

from kulturplan.views import board, manage, overview, plan, priorities
from kulturportal import converters  # noqa: F401 - registers export_format

app_name = "kulturplan"
urlpatterns = [
    path("kulturplan/", plan.plan_current, name="plan_current"),
    path("kulturplan/<slug:slug>/", plan.plan_detail, name="plan_detail"),
    path(
        "kulturplan/<slug:slug>/verksamhetsomraden/<slug:code>/",
        plan.plan_activity_area,
        name="plan_activity_area",
    ),
    path("kulturplan/<slug:slug>/versioner/", plan.plan_diff, name="plan_diff"),
    path("kulturplan/<slug:slug>/pdf/", plan.plan_pdf, name="plan_pdf"),
    path("kulturplan/<slug:slug>/prioriteringar/", overview.overview, name="overview"),
    path(
        "kulturplan/<slug:slug>/prioriteringar.<export_format:fmt>",
        overview.overview_export,
        name="overview_export",
    ),
    path("kulturplan/<slug:slug>/hantera/", manage.manage_plan, name="manage_plan"),
    path("kulturplan/<slug:slug>/hantera/status/", manage.plan_status, name="plan_status"),
    path("kulturplan/<slug:slug>/hantera/version/", manage.plan_version, name="plan_version"),
    path("kulturplan/<slug:slug>/hantera/anmalan/", manage.window_open, name="window_open"),
    path(
        "kulturplan/<slug:slug>/hantera/anmalan/<int:pk>/stang/",
        manage.window_close,
        name="window_close",
    ),
    path("hantera/kulturplaner/ny/", manage.plan_create, name="plan_create"),
    path("kulturplan/<slug:slug>/hantera/avsnitt/ny/", manage.section_edit, name="section_new"),
    path(
        "kulturplan/<slug:slug>/hantera/avsnitt/<int:pk>/ta-bort/",
        manage.section_delete,
        name="section_delete",
    ),
    path(
        "kulturplan/<slug:slug>/hantera/utvecklingsomraden/<int:pk>/ta-bort/",
        manage.area_delete,
        name="area_delete",
    ),
    path(
        "kulturplan/<slug:slug>/hantera/avsnitt/<int:pk>/", manage.section_edit, name="section_edit"
    ),
    path(
        "kulturplan/<slug:slug>/hantera/utvecklingsomraden/ny/", manage.area_edit, name="area_new"
    ),
    path(
        "kulturplan/<slug:slug>/hantera/utvecklingsomraden/<int:pk>/",
        manage.area_edit,
        name="area_edit",
    ),
    path(
        "kulturplan/<slug:slug>/hantera/inrapportering/",
        board.completion_board,
        name="completion_board",
    ),
    path(
        "kulturplan/<slug:slug>/hantera/inrapportering/paminn/",
        board.send_reminders,
        name="send_reminders",
    ),
    path("kommuner/<slug:slug>/prioriteringar/", priorities.priorities, name="priorities"),
]
