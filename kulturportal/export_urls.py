"""Background exports: the progress page and the file (kulturportal/export_views.py)."""

from django.urls import path

from kulturportal import export_views

urlpatterns = [
    path("exporter/<str:token>/", export_views.export_progress, name="export_progress"),
    path("exporter/<str:token>/fil/", export_views.export_download, name="export_download"),
]
