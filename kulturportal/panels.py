"""Pages that gather several areas (the start page, a municipality, Min sida) show panels
that the feature apps contribute, so the core names no app.

Each app registers its panels from its AppConfig.ready(); a page asks for its panels and
includes each panel's template with the context the panel computed (`panel.x` in the
template). A panel whose context function returns None is left out (nothing to show, or
not for this person).
"""

from collections.abc import Callable
from dataclasses import dataclass

HOME = "home"
MUNICIPALITY = "municipality"
MY_PAGE = "my_page"
MY_PAGE_MANAGE = "my_page.manage"  # links in the officials' "Hantera portalen" list
PLAN_OVERVIEW = "plan_overview"  # the priorities overview: what the other apps make of it


@dataclass(frozen=True)
class Panel:
    page: str
    template: str
    context: Callable[..., dict | None]
    order: int = 100


@dataclass(frozen=True)
class Shown:
    template: str
    context: dict


_registry: list[Panel] = []


def register(page: str, template: str, context: Callable[..., dict | None], order: int = 100):
    _registry.append(Panel(page, template, context, order))


def for_page(page: str, request, **kwargs) -> list[Shown]:
    shown = []
    for panel in sorted((p for p in _registry if p.page == page), key=lambda p: p.order):
        context = panel.context(request, **kwargs)
        if context is not None:
            shown.append(Shown(panel.template, context))
    return shown
