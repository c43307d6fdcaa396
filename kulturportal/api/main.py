"""The open-data API's one NinjaAPI, /api/v1/: the core's resources and every app's router.

django-ninja generates the OpenAPI 3 description from the type hints of function views
(the house has no DRF, and its views are functions). Version 1 is a path: a change that
would break a client goes to /api/v2/, and v1 stays as it is.
"""

from django.urls import include, path
from ninja import NinjaAPI

from kulturportal.api import registry
from kulturportal.api.http import api_view

VERSION = "1"
DESCRIPTION = """Öppna data från Kulturportalen, Region Skånes portal för
kultursamverkansmodellen: kommuner och delregioner, organisationer, offentliga möten, de
regionala kulturplanerna med kommunernas prioriteringar, och samråd och remisser med
publicerade svar. Bara det som är offentligt, inga personuppgifter.

Läsbar dokumentation på svenska och engelska: /oppna-data/. Katalog (DCAT-AP-SE):
/api/dcat. Listor sidas med cursor (next); CSV finns med format=csv där en tabell passar."""

_api: NinjaAPI | None = None


def api() -> NinjaAPI:
    """Built once, when the URLs are first loaded: every app has registered by then."""
    global _api
    if _api is None:
        from kulturportal.api import core

        _api = NinjaAPI(
            title="Kulturportalen – öppna data",
            version=VERSION,
            description=DESCRIPTION,
            urls_namespace="api",
            docs_url=None,
            openapi_url="/openapi.json",
        )
        _api.add_router("/", core.index_router)
        registry.register_router("", core.router, order=0)
        for mount in registry.mounts():
            _api.add_router(mount.prefix or "/", mount.router)
    return _api


def urlpatterns() -> list:
    """The API's URLs under the namespace "api", each view wrapped (CORS, rate limit,
    conditional GET)."""
    patterns, app_name, namespace = api().urls
    for pattern in patterns:
        pattern.callback = api_view(pattern.callback)
    return [path("api/v1/", include((patterns, app_name), namespace=namespace))]


def openapi_schema() -> dict:
    return api().get_openapi_schema(path_prefix="/api/v1")


def catalogue_urlpatterns() -> list:
    from kulturportal.api import dcat

    return [path("api/dcat", api_view(dcat.catalogue), name="dcat")]
