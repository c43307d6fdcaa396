"""What each app adds to the open-data API: its router (endpoints) and its datasets (the
DCAT catalogue's entries), registered from its AppConfig.ready(). The core names no app;
an app that lands later (the annual follow-up) adds its `api.py` the same way."""

from collections.abc import Callable
from dataclasses import dataclass, field

from ninja import Router


@dataclass(frozen=True)
class Mount:
    prefix: str  # "/meetings"
    router: Router
    order: int
    # The router's collections for the API's index: {"meetings": "meeting_list"}.
    collections: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Distribution:
    """A way to get a dataset: an API endpoint (its URL name under "api:") or a download
    page of the portal (a URL name, with arguments)."""

    title_sv: str
    title_en: str
    url_name: str
    media_type: str = "application/json"
    args: tuple = ()
    is_api: bool = True
    query: str = ""  # "format=csv"


@dataclass(frozen=True)
class Dataset:
    """One dataset of the DCAT-AP-SE catalogue (/api/dcat)."""

    identifier: str  # stable, part of the dataset's IRI
    title_sv: str
    title_en: str
    description_sv: str
    description_en: str
    # An EU frequency (http://publications.europa.eu/resource/authority/frequency/…).
    frequency: str
    keywords_sv: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()
    # EU data themes (…/authority/data-theme/…): culture is EDUC, the public sector GOVE.
    themes: tuple[str, ...] = ("EDUC", "GOVE")
    distributions: tuple[Distribution, ...] = ()
    # Extra distributions worked out from the data (one download per plan, say).
    more_distributions: Callable[[], list[Distribution]] | None = field(default=None)
    order: int = 100


_mounts: list[Mount] = []
_datasets: list[Dataset] = []


def register_router(
    prefix: str, router: Router, *, collections: dict[str, str] | None = None, order: int = 100
) -> None:
    """Mount an app's router under /api/v1/<prefix>; `collections` names its lists (their
    URL names) for the API's index."""
    if any(m.prefix == prefix for m in _mounts):
        return  # ready() may run twice in tests
    _mounts.append(Mount(prefix, router, order, tuple((collections or {}).items())))


def mounts() -> list[Mount]:
    return sorted(_mounts, key=lambda m: (m.order, m.prefix))


def register_dataset(dataset: Dataset) -> None:
    if any(d.identifier == dataset.identifier for d in _datasets):
        return
    _datasets.append(dataset)


def datasets() -> list[Dataset]:
    return sorted(_datasets, key=lambda d: (d.order, d.identifier))
