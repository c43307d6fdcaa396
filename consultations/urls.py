from django.urls import path, register_converter

from consultations.views import outreach, public, responding, review, rounds
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
    path("samrad/", public.round_list, name="round_list"),
    path("samrad/<slug:slug>/", public.round_detail, name="round_detail"),
    path("samrad/<slug:slug>/underlag/<int:pk>/", public.round_document, name="round_document"),
    path("samrad/<slug:slug>/svar/", public.published_responses, name="published_responses"),
    path("samrad/<slug:slug>/redogorelse/", public.report, name="report"),
    path("samrad/<slug:slug>/redogorelse/pdf/", public.report_pdf, name="report_pdf"),
    path("samrad/<slug:slug>/svara/", responding.respond_choose, name="respond_choose"),
    path(
        "samrad/<slug:slug>/svara/<respondent_kind:kind>/<slug:respondent_slug>/",
        responding.respond,
        name="respond",
    ),
    path(
        "samrad/<slug:slug>/svara/<respondent_kind:kind>/<slug:respondent_slug>/aterkalla/",
        responding.respond_withdraw,
        name="respond_withdraw",
    ),
    path(
        "samrad/<slug:slug>/svara/<respondent_kind:kind>/<slug:respondent_slug>/"
        "bilagor/<int:pk>/ta-bort/",
        responding.attachment_remove,
        name="attachment_remove",
    ),
    path("samrad/bilagor/<int:pk>/", responding.attachment_download, name="attachment_download"),
    path("hantera/samrad/", rounds.manage_rounds, name="manage_rounds"),
    path("hantera/samrad/ny/", rounds.round_create, name="round_create"),
    path("samrad/<slug:slug>/hantera/", rounds.round_manage, name="round_manage"),
    path("samrad/<slug:slug>/hantera/underlag/", rounds.document_add, name="document_add"),
    path("samrad/<slug:slug>/hantera/fragor/ny/", rounds.question_edit, name="question_new"),
    path("samrad/<slug:slug>/hantera/fragor/<int:pk>/", rounds.question_edit, name="question_edit"),
    path(
        "samrad/<slug:slug>/hantera/fragor/<int:pk>/ta-bort/",
        rounds.question_delete,
        name="question_delete",
    ),
    path("samrad/<slug:slug>/hantera/svar/", review.manage_responses, name="manage_responses"),
    path(
        "samrad/<slug:slug>/hantera/svar.<export_format:fmt>",
        review.responses_export,
        name="responses_export",
    ),
    path(
        "samrad/<slug:slug>/hantera/svar/<int:pk>/", review.manage_response, name="manage_response"
    ),
    path(
        "samrad/<slug:slug>/hantera/svar/<int:pk>/etiketter/",
        review.response_tags,
        name="response_tags",
    ),
    path(
        "samrad/<slug:slug>/hantera/svar/<int:pk>/anteckning/",
        review.response_note,
        name="response_note",
    ),
    path(
        "samrad/<slug:slug>/hantera/svar/<int:pk>/stallningstagande/",
        review.response_disposition,
        name="response_disposition",
    ),
    path(
        "samrad/<slug:slug>/hantera/svar/<int:pk>/publicering/",
        review.response_publication,
        name="response_publication",
    ),
    path("samrad/<slug:slug>/hantera/per-fraga/", review.by_question, name="by_question"),
    path("samrad/<slug:slug>/hantera/per-utvecklingsomrade/", review.by_area, name="by_area"),
    path(
        "samrad/<slug:slug>/hantera/remissinstanser/",
        outreach.referral_board,
        name="referral_board",
    ),
    path("samrad/<slug:slug>/hantera/remissinstanser/paminn/", outreach.remind, name="remind"),
    path("samrad/<slug:slug>/hantera/inbjudan/", outreach.invitation, name="invitation"),
    path("samrad/<slug:slug>/hantera/publicering/", outreach.publication, name="publication"),
    path("samrad/<slug:slug>/hantera/redogorelse/", outreach.report_manage, name="report_manage"),
]
