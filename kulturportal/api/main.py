"""The open-data API's one NinjaAPI, /api/v1/: the core's resources and every app's router.

django-ninja generates the OpenAPI 3 description from the type hints of function views
(the house has no DRF, and its views are functions). Version 1 is a path: a change that
would break a client goes to /api/v2/, and v1 stays as it is.
"""

import json

from django.urls import include, path
from ninja import NinjaAPI
from ninja.responses import NinjaJSONEncoder

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

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
    "required": ["detail"],
}
TOO_MANY = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "retry_after": {"type": "integer"}},
    "required": ["detail", "retry_after"],
}


def _json(description: str, schema: dict, **extra) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
        **extra,
    }


class OpenDataAPI(NinjaAPI):
    """NinjaAPI, with the answers every operation may give written into its description:
    a refused parameter (422), an unknown resource or cursor (404), and the rate
    limit (429 with Retry-After), so that a client (and schemathesis) knows them all."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                parameters = {p["name"]: p for p in operation.get("parameters", [])}
                responses = operation.setdefault("responses", {})
                responses.setdefault(422, _json("En parameter har fel form.", VALIDATION_ERROR))
                responses.setdefault(
                    429,
                    _json(
                        "För många anrop: vänta så många sekunder som Retry-After säger.",
                        TOO_MANY,
                        headers={"Retry-After": {"schema": {"type": "integer"}}},
                    ),
                )
                if "cursor" in parameters or any(p["in"] == "path" for p in parameters.values()):
                    responses.setdefault(
                        404,
                        _json("Finns inte (eller en cursor som inte leder någonstans).", ERROR),
                    )
        return schema


def api() -> NinjaAPI:
    """Built once, when the URLs are first loaded: every app has registered by then."""
    global _api
    if _api is None:
        from kulturportal.api import core

        _api = OpenDataAPI(
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
    """The description as a client reads it (JSON: status codes as strings)."""
    schema = api().get_openapi_schema(path_prefix="/api/v1")
    return json.loads(json.dumps(schema, cls=NinjaJSONEncoder))


def catalogue_urlpatterns() -> list:
    from kulturportal.api import dcat

    return [path("api/dcat", api_view(dcat.catalogue), name="dcat")]
