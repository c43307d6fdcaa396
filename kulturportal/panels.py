"""Pages that gather several areas (the start page, a municipality, Min sida) show panels
that the feature apps contribute, and the main menu shows the links they contribute, so the
core names no app (in code or in a template).

Each app registers its panels from its AppConfig.ready(); a page asks for its panels and
includes each panel's template with the context the panel computed (`panel.x` in the
template). A panel whose context function returns None is left out (nothing to show, or
not for this person).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

HOME = "home"
MUNICIPALITY = "municipality"
MY_PAGE = "my_page"
MY_PAGE_MANAGE = "my_page.manage"  # links in the officials' "Hantera portalen" list
PLAN_OVERVIEW = "plan_overview"  # the priorities overview: what the other apps make of it
# The plan's development areas (kwargs: plan, areas): the page includes each panel inside
# every area with `area=area`, so a panel's context holds what it has for all of them.
DEVELOPMENT_AREA = "development_area"
# One meeting's page (kwargs: meeting), among its documents: e.g. the latest figures of the
# institution a deliberation is about.
MEETING = "meeting"


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


# --- The main menu ---------------------------------------------------------------------


@dataclass(frozen=True)
class MenuLink:
    label: str  # lazy: translated when the page is drawn
    url_name: str  # the URL's name, with its app's namespace
    order: int
    logged_in: bool = False  # shown only to a person who is logged in


_menu: list[MenuLink] = []


def register_link(label, url_name: str, *, order: int, logged_in: bool = False) -> None:
    """Add a link to the main menu, from an app's AppConfig.ready(): its label, the URL's
    name and its place (the start page is 10, Min sida 90)."""
    _menu.append(MenuLink(label, url_name, order, logged_in))


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    current: bool


def menu(request) -> list[MenuItem]:
    """The main menu for this request: its links in order, the page's own marked current."""
    logged_in = request.user.is_authenticated
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else ""
    return [
        MenuItem(str(link.label), reverse(link.url_name), link.url_name == here)
        for link in sorted(_menu, key=lambda link: link.order)
        if logged_in or not link.logged_in
    ]


def menu_context(request) -> dict:
    """A context processor: `menu` on every page (templates/base.html draws it)."""
    return {"menu": menu(request)}
