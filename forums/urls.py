from django.urls import path

from forums.views import audience, minutes, networks, planning, public, replies, reply, sending

app_name = "forums"

urlpatterns = [
    path("overlaggningar/", public.meeting_list, name="meeting_list"),
    path("overlaggningar/ny/", planning.meeting_create, name="meeting_create"),
    path("overlaggningar/kalender/<str:forum_type>.ics", public.forum_feed, name="forum_feed"),
    path("overlaggningar/<int:pk>/", public.meeting_detail, name="meeting_detail"),
    path("overlaggningar/<int:pk>/kalender.ics", public.meeting_ics, name="meeting_ics"),
    path("overlaggningar/<int:pk>/hantera/", planning.meeting_manage, name="meeting_manage"),
    path("overlaggningar/<int:pk>/andra/", planning.meeting_edit, name="meeting_edit"),
    path("overlaggningar/<int:pk>/malgrupp/", audience.meeting_audience, name="meeting_audience"),
    path(
        "overlaggningar/<int:pk>/malgrupp/<int:rule_pk>/ta-bort/",
        audience.audience_rule_delete,
        name="audience_rule_delete",
    ),
    path("overlaggningar/<int:pk>/skicka/", sending.meeting_send, name="meeting_send"),
    path(
        "overlaggningar/<int:pk>/skicka/forhandsvisning/",
        sending.meeting_send_preview,
        name="meeting_send_preview",
    ),
    path("overlaggningar/<int:pk>/stall-in/", planning.meeting_cancel, name="meeting_cancel"),
    path("overlaggningar/<int:pk>/handlingar/", planning.document_upload, name="document_upload"),
    path(
        "overlaggningar/<int:pk>/handlingar/<int:document_pk>/",
        public.document_download,
        name="document_download",
    ),
    path("overlaggningar/<int:pk>/svar/", replies.meeting_replies, name="meeting_replies"),
    path("overlaggningar/<int:pk>/svar.csv", replies.replies_csv, name="replies_csv"),
    path("overlaggningar/<int:pk>/svar.xlsx", replies.replies_xlsx, name="replies_xlsx"),
    path(
        "overlaggningar/<int:pk>/svar/<int:invitation_pk>/skicka-igen/",
        replies.invitation_resend,
        name="invitation_resend",
    ),
    path("overlaggningar/<int:pk>/namnskyltar/", replies.meeting_badges, name="meeting_badges"),
    path("overlaggningar/<int:pk>/narvaro/", replies.meeting_attendance, name="meeting_attendance"),
    path(
        "overlaggningar/<int:pk>/narvaro/pa-plats/",
        replies.attendance_walk_in,
        name="attendance_walk_in",
    ),
    path("overlaggningar/<int:pk>/minnesanteckningar/", minutes.minutes_edit, name="minutes_edit"),
    path(
        "overlaggningar/<int:pk>/minnesanteckningar/justera/",
        minutes.minutes_review,
        name="minutes_review",
    ),
    path(
        "overlaggningar/<int:pk>/minnesanteckningar.pdf", public.minutes_file, name="minutes_file"
    ),
    path("natverk/", networks.network_list, name="network_list"),
    path(
        "natverk/fran-prioriteringar/",
        networks.network_from_priorities,
        name="network_from_priorities",
    ),
    path("natverk/<slug:slug>/", networks.network_detail, name="network_detail"),
    path("natverk/<slug:slug>/kalender.ics", public.network_feed, name="network_feed"),
    path("svar/<str:signed_token>/", reply.reply, name="reply"),
]
