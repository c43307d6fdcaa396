import pytest
from django.urls import reverse

from kulturportal.models import Municipality, SubRegion

# Independent of the CSV the migration reads: SCB's codes for Skåne county.
EXPECTED_CODES = {
    "1214": "Svalöv",
    "1230": "Staffanstorp",
    "1231": "Burlöv",
    "1233": "Vellinge",
    "1256": "Östra Göinge",
    "1257": "Örkelljunga",
    "1260": "Bjuv",
    "1261": "Kävlinge",
    "1262": "Lomma",
    "1263": "Svedala",
    "1264": "Skurup",
    "1265": "Sjöbo",
    "1266": "Hörby",
    "1267": "Höör",
    "1270": "Tomelilla",
    "1272": "Bromölla",
    "1273": "Osby",
    "1275": "Perstorp",
    "1276": "Klippan",
    "1277": "Åstorp",
    "1278": "Båstad",
    "1280": "Malmö",
    "1281": "Lund",
    "1282": "Landskrona",
    "1283": "Helsingborg",
    "1284": "Höganäs",
    "1285": "Eslöv",
    "1286": "Ystad",
    "1287": "Trelleborg",
    "1290": "Kristianstad",
    "1291": "Simrishamn",
    "1292": "Ängelholm",
    "1293": "Hässleholm",
}


@pytest.mark.django_db
def test_all_33_municipalities_are_loaded_with_their_scb_codes():
    loaded = dict(Municipality.objects.values_list("code", "name"))
    assert loaded == EXPECTED_CODES


@pytest.mark.django_db
def test_four_default_sub_regions_each_with_municipalities():
    sub_regions = SubRegion.objects.all()
    assert [s.meeting_town for s in sub_regions] == [
        "Helsingborg",
        "Kristianstad",
        "Ystad",
        "Malmö",
    ]
    assert all(s.municipalities.exists() for s in sub_regions)
    assert Municipality.objects.get(code="1283").sub_region.slug == "nordvast"


@pytest.mark.django_db
def test_sub_region_of_a_municipality_can_be_changed():
    ystad = Municipality.objects.get(code="1286")
    ystad.sub_region = SubRegion.objects.get(slug="sydvast")
    ystad.save()
    assert Municipality.objects.get(code="1286").sub_region.slug == "sydvast"


@pytest.mark.django_db
def test_municipality_list_shows_all_33_grouped_by_sub_region(client):
    response = client.get(reverse("municipality_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in EXPECTED_CODES.values():
        assert f">{name}</a>" in html
    assert html.count('<h2 id="sub-region-') == 4
    assert "33 kommuner" in html


@pytest.mark.django_db
def test_municipality_list_uses_swedish_alphabetical_order(client):
    html = client.get(reverse("municipality_list")).content.decode()
    # Nordväst holds Åstorp, Ängelholm and Örkelljunga: å, ä, ö come last, in that order.
    positions = [
        html.index(f">{name}</a>") for name in ("Svalöv", "Åstorp", "Ängelholm", "Örkelljunga")
    ]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_municipality_page_shows_code_sub_region_and_culture_chief(client, lund_chief):
    response = client.get(reverse("municipality_detail", args=["lund"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lunds kommun" in html
    assert "1281" in html
    assert "Lena Lundberg" in html


@pytest.mark.django_db
def test_unknown_municipality_is_404(client):
    assert client.get("/kommuner/stockholm/").status_code == 404
