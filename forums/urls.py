from django.urls import path

from forums import views

app_name = "forums"

urlpatterns = [
    path("overlaggningar/", views.meeting_list, name="meeting_list"),
    path("overlaggningar/ny/", views.meeting_create, name="meeting_create"),
    path("overlaggningar/kalender/<str:forum_type>.ics", views.forum_feed, name="forum_feed"),
    path("overlaggningar/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("overlaggningar/<int:pk>/kalender.ics", views.meeting_ics, name="meeting_ics"),
    path("overlaggningar/<int:pk>/hantera/", views.meeting_manage, name="meeting_manage"),
    path("overlaggningar/<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("overlaggningar/<int:pk>/malgrupp/", views.meeting_audience, name="meeting_audience"),
    path(
        "overlaggningar/<int:pk>/malgrupp/<int:rule_pk>/ta-bort/",
        views.audience_rule_delete,
        name="audience_rule_delete",
    ),
    path("overlaggningar/<int:pk>/skicka/", views.meeting_send, name="meeting_send"),
    path(
        "overlaggningar/<int:pk>/skicka/forhandsvisning/",
        views.meeting_send_preview,
        name="meeting_send_preview",
    ),
    path("overlaggningar/<int:pk>/stall-in/", views.meeting_cancel, name="meeting_cancel"),
    path("overlaggningar/<int:pk>/handlingar/", views.document_upload, name="document_upload"),
    path(
        "overlaggningar/<int:pk>/handlingar/<int:document_pk>/",
        views.document_download,
        name="document_download",
    ),
    path("overlaggningar/<int:pk>/svar/", views.meeting_replies, name="meeting_replies"),
    path("overlaggningar/<int:pk>/svar.csv", views.replies_csv, name="replies_csv"),
    path("overlaggningar/<int:pk>/svar.xlsx", views.replies_xlsx, name="replies_xlsx"),
    path(
        "overlaggningar/<int:pk>/svar/<int:invitation_pk>/skicka-igen/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("overlaggningar/<int:pk>/namnskyltar/", views.meeting_badges, name="meeting_badges"),
    path("overlaggningar/<int:pk>/narvaro/", views.meeting_attendance, name="meeting_attendance"),
    path("overlaggningar/<int:pk>/minnesanteckningar/", views.minutes_edit, name="minutes_edit"),
    path(
        "overlaggningar/<int:pk>/minnesanteckningar/justera/",
        views.minutes_review,
        name="minutes_review",
    ),
    path("overlaggningar/<int:pk>/minnesanteckningar.pdf", views.minutes_file, name="minutes_file"),
    path("natverk/", views.network_list, name="network_list"),
    path(
        "natverk/fran-prioriteringar/",
        views.network_from_priorities,
        name="network_from_priorities",
    ),
    path("natverk/<slug:slug>/", views.network_detail, name="network_detail"),
    path("natverk/<slug:slug>/kalender.ics", views.network_feed, name="network_feed"),
    path("svar/<str:signed_token>/", views.reply, name="reply"),
]
