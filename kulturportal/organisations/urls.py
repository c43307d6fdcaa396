"""Organisations signing up and people asking to represent one."""

from django.urls import path

from kulturportal.organisations import views

urlpatterns = [
    path("organisationer/ny/", views.organisation_register, name="organisation_register"),
    path(
        "organisationer/granska/", views.organisation_review_list, name="organisation_review_list"
    ),
    path("organisationer/granska/<int:pk>/", views.organisation_review, name="organisation_review"),
    path(
        "organisationer/ansokningar/<int:pk>/approve/",
        views.membership_approve,
        name="membership_approve",
    ),
    path(
        "organisationer/ansokningar/<int:pk>/decline/",
        views.membership_decline,
        name="membership_decline",
    ),
    path("organisationer/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("organisationer/<slug:slug>/ansok/", views.organisation_join, name="organisation_join"),
    path(
        "organisationer/<slug:slug>/ansokningar/",
        views.organisation_requests,
        name="organisation_requests",
    ),
]
