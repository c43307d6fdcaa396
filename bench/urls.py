"""The portal's URLs plus a baseline view, so the production URLconf has no such route."""

from django.http import HttpResponse
from django.urls import path

from bench.pages import BASELINE_PATH
from kulturportal.urls import urlpatterns as portal_urlpatterns


def baseline(request):
    """The cost of Django and the middleware alone: no template, no database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BASELINE_PATH.strip("/") + "/", baseline), *portal_urlpatterns]
