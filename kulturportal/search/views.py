"""The search page, /sok/: one box, results across the portal, filterable by kind."""

from django.shortcuts import render
from django.urls import translate_url
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from kulturportal import search

PARAMS = ("q", "typ", "ordning", "sida")


@require_safe
def search_page(request):
    """Not cached: every query is its own, and a logged-in person's results are hers."""
    text = request.GET.get("q", "").strip()
    try:
        page = int(request.GET.get("sida", "1"))
    except ValueError:
        page = 1
    results = search.search(
        request.user,
        text,
        kind=request.GET.get("typ", ""),
        order=request.GET.get("ordning", search.RELEVANCE),
        page=page,
    )
    language = get_language() or "sv"
    if not language.startswith("sv"):
        for hit in results.hits:
            hit.url = translate_url(hit.url, language)
    return render(
        request,
        "kulturportal/search.html",
        {
            "q": text,
            "results": results,
            "searched": bool(text),
            "orders": [(search.RELEVANCE, "relevance"), (search.NEWEST, "newest")],
        },
    )
