"""Lists of municipalities and people in Swedish order: Å, Ä and Ö come after Z, in that
order, on PostgreSQL (whatever the database's collation) and on SQLite alike."""

import pytest

from kulturportal.collation import swedish
from kulturportal.models import Municipality, User

pytestmark = pytest.mark.django_db


def test_municipalities_sort_a_ring_a_umlaut_o_umlaut_after_z():
    """Defect (issue 11): with the C collation Ängelholm came before Åstorp."""
    names = list(Municipality.objects.order_by(swedish("name")).values_list("name", flat=True))
    assert names[-4:] == ["Åstorp", "Ängelholm", "Örkelljunga", "Östra Göinge"]
    assert names.index("Vellinge") < names.index("Ystad") < names.index("Åstorp")


def test_the_listing_of_a_sub_region_is_in_swedish_order():
    north_west = [
        m.name for m in Municipality.objects.for_listing() if m.sub_region.slug == "nordvast"
    ]
    assert north_west[-3:] == ["Åstorp", "Ängelholm", "Örkelljunga"]


def test_the_municipality_page_lists_them_in_swedish_order(client):
    html = client.get("/kommuner/").content.decode()
    assert html.index("Åstorp") < html.index("Ängelholm") < html.index("Örkelljunga")


def test_people_sort_by_surname_in_swedish_order():
    for last in ("Östberg", "Ängström", "Åberg", "Zetterlund"):
        User.objects.create_user(f"{last.lower()}@example.se", last_name=last)
    surnames = [u.last_name for u in User.objects.all()]
    assert surnames == ["Zetterlund", "Åberg", "Ängström", "Östberg"]


def test_case_does_not_split_the_alphabet():
    for last in ("åkesson", "Zorn", "Öhman", "ahl"):
        User.objects.create_user(f"{last.lower()}@example.se", last_name=last)
    assert [u.last_name for u in User.objects.all()] == ["ahl", "Zorn", "åkesson", "Öhman"]
