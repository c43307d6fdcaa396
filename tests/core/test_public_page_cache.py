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


def test_a_change_shows_at_once(client, lund):
    _queries(client, "/kommuner/lund/")
    lund.official_name = "Lunds kommun – Kulturstaden"
    lund.save()
    _, html = _queries(client, "/kommuner/lund/")
    assert "Kulturstaden" in html


def test_a_new_culture_chief_shows_at_once(client, lund_chief):
    _queries(client, "/kommuner/malmo/")
    _, html = _queries(client, "/kommuner/lund/")
    assert "Lena Lundberg" in html
    lund_chief.last_name = "Lundgren"
    lund_chief.save()
    _, html = _queries(client, "/kommuner/lund/")
    assert "Lena Lundgren" in html


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


def test_sub_region_regrouping_shows_at_once(client):
    _queries(client, "/kommuner/")
    Municipality.objects.filter(code="1286").update(name="Ystad")  # .update() sends no signal
    ystad = Municipality.objects.get(code="1286")
    ystad.name = "Ystad kommun"
    ystad.save()
    _, html = _queries(client, "/kommuner/")
    assert "Ystad kommun" in html


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
