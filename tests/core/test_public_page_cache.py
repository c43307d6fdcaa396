import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kulturportal.models import Municipality

pytestmark = pytest.mark.django_db


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    # Without Redis the cache itself lives in the database: its reads don't count.
    data_queries = [q for q in captured if "kulturportal_cache" not in q["sql"]]
    return len(data_queries), response.content.decode()


def test_anonymous_visitors_get_public_pages_from_the_cache(client):
    first, _ = _queries(client, "/kommuner/lund/")
    again, _ = _queries(client, "/kommuner/lund/")
    assert first > 0 and again == 0


def _admin_change(client, obj, **changes):
    """Change `obj` the way officials do: through its admin change form."""
    from django.urls import reverse

    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = changes.get(name, form.initial.get(name))
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_change_shows_at_once(client, lund, official, django_capture_on_commit_callbacks):
    """Officials change a municipality in the admin; the cached page shows it at once."""
    _queries(client, "/kommuner/lund/")
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_change(client, lund, official_name="Lunds kommun – Kulturstaden")
    client.logout()
    client.cookies.clear()
    _, html = _queries(client, "/kommuner/lund/")
    assert "Kulturstaden" in html


def test_a_new_culture_chief_shows_at_once(
    client, official, lund, django_capture_on_commit_callbacks
):
    """A culture chief who accepts a role invitation shows on the cached page at once."""
    from kulturportal import services
    from kulturportal.models import Role, RoleInvitation

    _queries(client, "/kommuner/lund/")
    invitation = services.invite_to_role(
        actor=official, email="ny.chef@example.se", role=Role.CULTURE_CHIEF, municipality=lund
    )
    key, key_hash = RoleInvitation.new_key()
    RoleInvitation.objects.filter(pk=invitation.pk).update(key_hash=key_hash)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_invitation(
            key=key,
            actor=None,
            first_name="Nina",
            last_name="Nyström",
            password="ett-langt-losenord",
        )
    _, html = _queries(client, "/kommuner/lund/")
    assert "Nina Nyström" in html


def test_logins_do_not_empty_the_cache(client, lund_chief, password):
    _queries(client, "/kommuner/")
    client.post("/konto/login/", {"login": lund_chief.email, "password": password})
    client.logout()
    client.cookies.pop("messages", None)
    queries, _ = _queries(client, "/kommuner/")
    assert queries == 0


def test_languages_are_cached_apart(client):
    _queries(client, "/kommuner/")
    _, html = _queries(client, "/en/kommuner/")
    assert '<html lang="en">' in html


def test_logged_in_people_are_never_served_the_anonymous_page(client, lund_chief):
    _queries(client, "/")
    client.force_login(lund_chief)
    _, html = _queries(client, "/")
    assert "Min sida" in html


def test_sub_region_regrouping_shows_at_once(client, official, django_capture_on_commit_callbacks):
    """Officials move Ystad from Sydost to Nordost in the admin: the cached list regroups it
    under Nordost and the cached municipality page names Nordost as its sub-region."""
    from kulturportal.models import SubRegion

    ystad = Municipality.objects.get(code="1286")
    detail = ystad.get_absolute_url()
    assert _sub_region_of("Ystad", _queries(client, "/kommuner/")[1]) == "Sydost"
    assert "<dd>Sydost</dd>" in _queries(client, detail)[1]
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        _admin_change(client, ystad, sub_region=SubRegion.objects.get(slug="nordost"))
    client.logout()
    client.cookies.clear()  # the admin's "changed" message would make the page uncached
    assert _sub_region_of("Ystad", _queries(client, "/kommuner/")[1]) == "Nordost"
    assert "<dd>Nordost</dd>" in _queries(client, detail)[1]


def _sub_region_of(name: str, html: str) -> str:
    import re

    heading = ""
    for found_heading, found_name in re.findall(r"<h2[^>]*>([^<]+)</h2>|>([^<]+)</a></li>", html):
        heading = found_heading or heading
        if found_name == name:
            return heading
    raise AssertionError(f"{name} not listed")


# --- Audit item 5: the key holds only the parameters a page reads ----------------------------


def _cached_pages() -> int:
    from django.core.cache import cache

    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):
        return len(cache._cache.get_client().keys("*public-page:*"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM kulturportal_cache")
        return sum(1 for (key,) in cursor.fetchall() if "public-page:" in key)


def test_unknown_query_parameters_create_no_cache_entries(client):
    for n in range(50):
        assert client.get(f"/overlaggningar/?utm={n}&fbclid=x{n}").status_code == 200
    assert _cached_pages() == 1
    queries, _ = _queries(client, "/overlaggningar/")
    assert queries == 0  # the same entry serves the page without parameters


def test_invalid_filter_values_are_served_but_not_cached(client):
    for n in range(20):
        assert client.get(f"/overlaggningar/?ar={n}&typ=nope{n}").status_code == 200
    assert _cached_pages() == 0


def test_each_valid_filter_has_its_own_entry(client):
    client.get("/overlaggningar/?typ=arlig")
    client.get("/overlaggningar/?typ=arlig&utm=1")
    client.get("/overlaggningar/?delregion=nordost")
    assert _cached_pages() == 2


def test_a_lost_generation_counter_never_brings_back_a_stale_page(client, lund):
    """Found while moving these tests off signals: with the counter evicted (the cache Redis
    evicts under memory pressure), invalidating restarted it at 2, the number a page might
    already be cached under, and that stale page was served again."""
    from django.core.cache import cache

    from kulturportal import caching

    caching.invalidate_public_pages()  # the counter now stands at 2
    _queries(client, "/kommuner/lund/")  # cached under 2
    cache.delete(caching.GENERATION_KEY)  # evicted
    Municipality.objects.filter(pk=lund.pk).update(official_name="Lunds kommun – Ny")
    caching.invalidate_public_pages()
    _, html = _queries(client, "/kommuner/lund/")
    assert "Lunds kommun – Ny" in html
