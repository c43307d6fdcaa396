"""The open data's readable documentation, /oppna-data/: every endpoint with its parameters
and fields, read from the same OpenAPI description the API serves, so the two never
disagree; and what a client needs to know (licence, paging, caching, limits)."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from kulturportal.api import main, registry
from kulturportal.caching import public_page


@require_safe
@public_page
def open_data(request):
    schema = main.openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    endpoints = []
    for path, operations in schema.get("paths", {}).items():
        operation = operations.get("get")
        if operation is None:
            continue
        endpoints.append(
            {
                "path": path,
                "id": operation.get("operationId", path),
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "tag": (operation.get("tags") or [""])[0],
                "parameters": [
                    {
                        "name": p["name"],
                        "where": p["in"],
                        "required": p.get("required", False),
                        "type": _type(p.get("schema", {}), components),
                        "description": p.get("description")
                        or p.get("schema", {}).get("description", ""),
                    }
                    for p in operation.get("parameters", [])
                ],
                "fields": _fields(operation, components),
                "csv": "text/csv" in _content(operation),
            }
        )
    return render(
        request,
        "kulturportal/open_data.html",
        {
            "endpoints": endpoints,
            "api_root": request.build_absolute_uri(reverse("api:index")),
            "openapi_url": reverse("api:openapi-json"),
            "dcat_url": reverse("dcat"),
            "licence": settings.OPEN_DATA_LICENSE,
            "rate_limit": settings.API_RATE_LIMIT,
            "datasets": registry.datasets(),
        },
    )


def _content(operation: dict) -> dict:
    return operation.get("responses", {}).get("200", {}).get("content", {})


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema


def _type(schema: dict, components: dict) -> str:
    if "anyOf" in schema:
        kinds = [_type(s, components) for s in schema["anyOf"] if s.get("type") != "null"]
        return " | ".join(kinds) + (" | null" if len(kinds) < len(schema["anyOf"]) else "")
    if "$ref" in schema:
        resolved = _resolve(schema, components)
        if "enum" in resolved:
            return "enum: " + ", ".join(str(v) for v in resolved["enum"])
        return resolved.get("title", "object")
    if "enum" in schema:
        return "enum: " + ", ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}), components)}"
    kind = schema.get("type", "object")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _fields(operation: dict, components: dict) -> list[dict]:
    """The fields of what one item (or the one resource) holds."""
    schema = _resolve(_content(operation).get("application/json", {}).get("schema", {}), components)
    properties = schema.get("properties", {})
    if "items" in properties and "next" in properties:  # a page: describe its items
        schema = _resolve(properties["items"].get("items", {}), components)
        properties = schema.get("properties", {})
    elif schema.get("type") == "array":
        properties = _resolve(schema.get("items", {}), components).get("properties", {})
    return [
        {
            "name": name,
            "type": _type(field, components),
            "description": field.get("description", ""),
        }
        for name, field in properties.items()
    ]
