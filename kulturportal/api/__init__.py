"""The open-data API (/api/v1/) and its DCAT-AP-SE catalogue (/api/dcat), in the core.

Apps add their routers and datasets from their own `api.py` through the registry (the core
names no app). Shared: cursor pagination (pagination), CORS, rate limit and conditional
GET (http), CSV and links (common). See the README's "Open data" section.
"""

from kulturportal.api.common import (
    CSV_RESPONSE,
    Format,
    ListParams,
    api_url,
    csv_table,
    local,
    one_of,
    page_url,
)
from kulturportal.api.http import last_modified
from kulturportal.api.pagination import Page, paginate
from kulturportal.api.registry import Dataset, Distribution, register_dataset, register_router

__all__ = [
    "CSV_RESPONSE",
    "Dataset",
    "Distribution",
    "Format",
    "ListParams",
    "Page",
    "api_url",
    "csv_table",
    "last_modified",
    "local",
    "one_of",
    "page_url",
    "paginate",
    "register_dataset",
    "register_router",
]
