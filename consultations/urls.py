from django.urls import path, register_converter

from consultations import views
from kulturportal import converters  # noqa: F401 - registers export_format


class RespondentKind:
    regex = "organisation|kommun"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RespondentKind, "respondent_kind")

app_name = "consultations"
urlpatterns = [
    path("samrad/", views.round_list, name="round_list"),
    path("samrad/<slug:slug>/", views.round_detail, name="round_detail"),
    path("samrad/<slug:slug>/underlag/<int:pk>/", views.round_document, name="round_document"),
    path("samrad/<slug:slug>/svar/", views.published_responses, name="published_responses"),
    path("samrad/<slug:slug>/redogorelse/", views.report, name="report"),
    path("samrad/<slug:slug>/redogorelse/pdf/", views.report_pdf, name="report_pdf"),
    path("samrad/<slug:slug>/svara/", views.respond_choose, name="respond_choose"),
    path(
        "samrad/<slug:slug>/svara/<respondent_kind:kind>/<slug:respondent_slug>/",
        views.respond,
        name="respond",
    ),
    path(
        "samrad/<slug:slug>/svara/<respondent_kind:kind>/<slug:respondent_slug>/aterkalla/",
        views.respond_withdraw,
        name="respond_withdraw",
    ),
    path(
        "samrad/<slug:slug>/svara/<respondent_kind:kind>/<slug:respondent_slug>/"
        "bilagor/<int:pk>/ta-bort/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("samrad/bilagor/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("hantera/samrad/", views.manage_rounds, name="manage_rounds"),
    path("hantera/samrad/ny/", views.round_create, name="round_create"),
    path("samrad/<slug:slug>/hantera/", views.round_manage, name="round_manage"),
    path("samrad/<slug:slug>/hantera/underlag/", views.document_add, name="document_add"),
    path("samrad/<slug:slug>/hantera/fragor/ny/", views.question_edit, name="question_new"),
    path("samrad/<slug:slug>/hantera/fragor/<int:pk>/", views.question_edit, name="question_edit"),
    path(
        "samrad/<slug:slug>/hantera/fragor/<int:pk>/ta-bort/",
        views.question_delete,
        name="question_delete",
    ),
    path("samrad/<slug:slug>/hantera/svar/", views.manage_responses, name="manage_responses"),
    path(
        "samrad/<slug:slug>/hantera/svar.<export_format:fmt>",
        views.responses_export,
        name="responses_export",
    ),
    path(
        "samrad/<slug:slug>/hantera/svar/<int:pk>/", views.manage_response, name="manage_response"
    ),
    path(
        "samrad/<slug:slug>/hantera/svar/<int:pk>/etiketter/",
        views.response_tags,
        name="response_tags",
    ),
    path(
        "samrad/<slug:slug>/hantera/svar/<int:pk>/anteckning/",
        views.response_note,
        name="response_note",
    ),
    path(
        "samrad/<slug:slug>/hantera/svar/<int:pk>/stallningstagande/",
        views.response_disposition,
        name="response_disposition",
    ),
    path(
        "samrad/<slug:slug>/hantera/svar/<int:pk>/publicering/",
        views.response_publication,
        name="response_publication",
    ),
    path("samrad/<slug:slug>/hantera/per-fraga/", views.by_question, name="by_question"),
    path("samrad/<slug:slug>/hantera/per-utvecklingsomrade/", views.by_area, name="by_area"),
    path(
        "samrad/<slug:slug>/hantera/remissinstanser/",
        views.referral_board,
        name="referral_board",
    ),
    path("samrad/<slug:slug>/hantera/remissinstanser/paminn/", views.remind, name="remind"),
    path("samrad/<slug:slug>/hantera/inbjudan/", views.invitation, name="invitation"),
    path("samrad/<slug:slug>/hantera/publicering/", views.publication, name="publication"),
    path("samrad/<slug:slug>/hantera/redogorelse/", views.report_manage, name="report_manage"),
]
