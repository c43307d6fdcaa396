from django.urls import path

from followup.views import manage, public, reporting, rounds
from kulturportal import converters  # noqa: F401 - registers export_format

app_name = "followup"
urlpatterns = [
    # The public side: approved figures only
    path("uppfoljning/", public.overview_current, name="overview_current"),
    path(
        "uppfoljning/sammanstallning.<export_format:fmt>",
        public.compilation_export,
        name="compilation_export",
    ),
    path("uppfoljning/sammanstallning/pdf/", public.compilation_pdf, name="compilation_pdf"),
    path("uppfoljning/<int:year>/", public.overview, name="overview"),
    path(
        "uppfoljning/<int:year>/organisationer/<slug:slug>/",
        public.organisation_figures,
        name="organisation_figures",
    ),
    # A funded organisation's annual report
    path("uppfoljning/<int:year>/rapport/<slug:slug>/", reporting.report_form, name="report_form"),
    path(
        "uppfoljning/<int:year>/rapport/<slug:slug>/filer/<int:pk>/ta-bort/",
        reporting.report_file_remove,
        name="report_file_remove",
    ),
    path("uppfoljning/filer/<int:pk>/", reporting.report_file, name="report_file"),
    # Regional officials
    path("uppfoljning/hantera/", manage.manage, name="manage"),
    path("uppfoljning/hantera/oppna/", rounds.round_open, name="round_open"),
    path("uppfoljning/hantera/beslut/ny/", manage.decision_new, name="decision_new"),
    path("uppfoljning/hantera/beslut/<int:pk>/", manage.decision_edit, name="decision_edit"),
    path(
        "uppfoljning/hantera/beslut/<int:pk>/ta-bort/",
        manage.decision_delete,
        name="decision_delete",
    ),
    path("uppfoljning/hantera/beslut/ar/<int:year>/", manage.decisions, name="decisions"),
    path(
        "uppfoljning/hantera/beslut/ar/<int:year>.<export_format:fmt>",
        manage.decisions_export,
        name="decisions_export",
    ),
    path("uppfoljning/hantera/import/", manage.import_upload, name="import_upload"),
    path("uppfoljning/hantera/import/<str:token>/", manage.import_preview, name="import_preview"),
    path("uppfoljning/<int:year>/hantera/", rounds.round_manage, name="round_manage"),
    path("uppfoljning/<int:year>/hantera/inrapportering/", rounds.board, name="board"),
    path("uppfoljning/<int:year>/hantera/inrapportering/paminn/", rounds.remind, name="remind"),
    path("uppfoljning/<int:year>/hantera/rapporter/<int:pk>/", rounds.review, name="review"),
    path(
        "uppfoljning/<int:year>/hantera/rapporter/<int:pk>/godkann/",
        rounds.approve,
        name="approve",
    ),
    path(
        "uppfoljning/<int:year>/hantera/rapporter/<int:pk>/komplettering/",
        rounds.return_report,
        name="return_report",
    ),
    path(
        "uppfoljning/<int:year>/hantera/omradesfordelning/",
        rounds.distribution,
        name="distribution",
    ),
    path(
        "uppfoljning/<int:year>/hantera/omradesfordelning.xlsx",
        rounds.distribution_export,
        name="distribution_export",
    ),
    path(
        "uppfoljning/<int:year>/hantera/omradesfordelning/bekrafta/",
        rounds.distribution_confirm,
        name="distribution_confirm",
    ),
]
