"""The public priorities overview: the matrix, the map, the comparison, the downloads, the
cache, and the officials' suggested thematic networks."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from forums.models import Network, NetworkMembership
from kulturplan import services
from kulturplan.demo import seed_demo
from kulturplan.models import (
    ActivityArea,
    CulturePlan,
    DevelopmentArea,
    Registration,
    SubmittedPriority,
)
from kulturportal.models import Municipality, Role, RoleAssignment, SubRegion

pytestmark = pytest.mark.django_db

OVERVIEW = "/kulturplan/2029-2032/prioriteringar/"
FROM_PRIORITIES = "/natverk/fran-prioriteringar/"
SVG = "{http://www.w3.org/2000/svg}"
# In the demo's draft every municipality but these nine has submitted.
MISSING_IN_DEMO = 9


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False


@pytest.fixture
def demo_plans(demo):
    """The demo's plans: 2025–2028 adopted, 2029–2032 a draft with its window open."""
    seed_demo()
    return (
        CulturePlan.objects.get(slug="2029-2032"),
        CulturePlan.objects.get(slug="2025-2028"),
    )


@pytest.fixture
def draft(demo_plans):
    return demo_plans[0]


@pytest.fixture
def adopted(demo_plans):
    return demo_plans[1]


def municipality(name: str) -> Municipality:
    return Municipality.objects.get(name=name)


def prioritise(plan, municipality, slugs, *, submit=True, moment=None) -> Registration:
    """Replace the municipality's priorities in the plan with `slugs`, ranked in order."""
    registration = services.registration_for(plan, municipality)
    registration.refresh_from_db()
    lines = [
        services.Line(
            development_area=plan.development_areas.get(slug=slug),
            rank=rank,
            motivation=f"Viktigt för {municipality.name}.",
        )
        for rank, slug in enumerate(slugs, start=1)
    ]
    return services.save_priorities(
        registration=registration,
        lines=lines,
        base_version=registration.version,
        submit=submit,
        moment=moment,
        actor=None,
    )


def new_area(plan, slug, title) -> DevelopmentArea:
    area = DevelopmentArea(plan=plan, slug=slug, title=title, position=99, description="Ny.")
    return services.save_development_area(
        area=area, activity_areas=ActivityArea.objects.all()[:1], actor=None
    )


def submitted_ranks(plan) -> dict[int, dict[int, int]]:
    """{municipality pk: {area pk: rank}} from each municipality's latest submission,
    worked out here independently of kulturplan.overview."""
    latest = dict(
        Registration.objects.filter(plan=plan, current_submission__isnull=False).values_list(
            "current_submission", "municipality"
        )
    )
    ranks: dict[int, dict[int, int]] = {m: {} for m in latest.values()}
    for submission, area, rank in SubmittedPriority.objects.filter(
        submission__in=list(latest)
    ).values_list("submission", "development_area", "rank"):
        ranks[latest[submission]][area] = rank
    return ranks


def sharing(plan, area) -> set[int]:
    """The municipalities whose latest submission has the area."""
    return {m for m, ranks in submitted_ranks(plan).items() if area.pk in ranks}


# --- Reading the page ------------------------------------------------------------------------


class _Rows(HTMLParser):
    """(class of the <tr>, [text of each cell]) for every row of the first matching table."""

    def __init__(self, table_class: str | None):
        super().__init__()
        self.table_class = table_class  # None: the first table
        self.depth = 0  # inside the wanted table when > 0
        self.done = False
        self.rows: list[tuple[str, list[str]]] = []
        self.cell: list[str] | None = None

    def _wanted(self, attrs) -> bool:
        if self.done:
            return False
        return self.table_class is None or self.table_class in (attrs.get("class") or "").split()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            if self.depth or self._wanted(attrs):
                self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append((attrs.get("class") or "", []))
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
            self.done = not self.depth
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, table_class: str | None = "matrix") -> list[tuple[str, list[str]]]:
    parser = _Rows(table_class)
    parser.feed(html)
    return parser.rows


def page(client, path=OVERVIEW, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def svg_of(html: str) -> ET.Element:
    found = re.search(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert found, "no map on the page"
    return ET.fromstring(found.group(0))  # noqa: S314 - the portal's own output


def tiles(root: ET.Element) -> dict[str, ET.Element]:
    """The tiles of the map by municipality code."""
    found = [g for g in root.iter(f"{SVG}g") if "tile" in (g.get("class") or "").split()]
    return {g.get("data-code"): g for g in found}


def tile_class(tile: ET.Element) -> str:
    classes = tile.get("class").split()
    classes.remove("tile")
    (css_class,) = classes
    return css_class


# --- The matrix ------------------------------------------------------------------------------


def test_all_33_are_listed_by_sub_region_with_totals_that_match_the_submissions(client, draft):
    lund, malmo, trelleborg = (
        municipality("Lund"),
        municipality("Malmö"),
        municipality("Trelleborg"),
    )
    # Malmö sends in twice: only the latest submission counts.
    prioritise(draft, malmo, ["lasande", "digital-utveckling", "barn-och-unga"])
    prioritise(draft, malmo, ["kultur-och-halsa"])
    # Lund only saves a draft, and Trelleborg too: neither is public.
    prioritise(draft, lund, ["delaktighet", "lasande"], submit=False)
    prioritise(draft, trelleborg, ["film-i-hela-skane"], submit=False)
    # A municipality that has submitted and then saves a draft still shows its submission.
    vellinge = municipality("Vellinge")
    prioritise(draft, vellinge, ["hemslojd-och-hantverk", "barn-och-unga"])
    prioritise(draft, vellinge, ["lasande"], submit=False)

    html = page(client)
    rows = table_rows(html)
    areas = list(draft.development_areas.all())
    header = rows[0][1]
    assert header == ["Kommun", *[a.title for a in areas]]

    ranks = submitted_ranks(draft)
    by_name = {m.name: m for m in Municipality.objects.select_related("sub_region")}
    groups: dict[str, list[str]] = {}
    current = None
    listed = []
    for css_class, cells in rows[1:]:
        if css_class == "group-row":
            current = cells[0]
            groups[current] = []
            continue
        if css_class == "total-row" or cells[0] == "Summa Skåne":
            label = cells[0]
            totals = [int(c) for c in cells[1:]]
            if label == "Summa Skåne":
                members = list(by_name.values())
            else:
                assert label == f"Summa {current.split(' (')[0]}"
                members = [by_name[name] for name in groups[current]]
            expected = [sum(1 for m in members if a.pk in ranks.get(m.pk, {})) for a in areas]
            assert totals == expected, label
            continue
        name = cells[0].removesuffix(" (ej inskickat)")
        listed.append(name)
        groups[current].append(name)
        m = by_name[name]
        assert cells[0].endswith("(ej inskickat)") == (m.pk not in ranks), name
        shown = [None if c == "–" else int(c) for c in cells[1:]]
        assert shown == [ranks.get(m.pk, {}).get(a.pk) for a in areas], name

    assert sorted(listed) == sorted(by_name) and len(listed) == 33
    sub_regions = list(SubRegion.objects.order_by("position"))
    assert [g.split(" (")[0] for g in groups] == [s.name for s in sub_regions]
    for heading, names in groups.items():
        sub_region = next(s for s in sub_regions if heading.startswith(s.name))
        assert {by_name[n].sub_region_id for n in names} == {sub_region.pk}, heading
        submitted = sum(1 for n in names if by_name[n].pk in ranks)
        assert heading == f"{sub_region.name} ({submitted} av {len(names)} har skickat in)"

    # The drafts are nowhere: Lund and Trelleborg not submitted, Vellinge as it sent in.
    assert lund.pk not in ranks and trelleborg.pk not in ranks
    kultur_och_halsa = draft.development_areas.get(slug="kultur-och-halsa")
    assert ranks[malmo.pk] == {kultur_och_halsa.pk: 1}
    assert len(ranks[vellinge.pk]) == 2
    assert f"{33 - MISSING_IN_DEMO} av 33 kommuner har skickat in" in html


# --- The map ---------------------------------------------------------------------------------


def test_the_map_has_33_labelled_tiles_and_lunds_rank(client, draft):
    prioritise(draft, municipality("Lund"), ["barn-och-unga", "lasande"])
    html = page(client, omrade="barn-och-unga")
    root = svg_of(html)
    assert html.count("<polygon") == 33
    assert len(list(root.iter(f"{SVG}polygon"))) == 33
    drawn = tiles(root)
    assert len(drawn) == 33
    names = set(Municipality.objects.values_list("name", flat=True))
    titles = []
    for tile in drawn.values():
        title = tile.find(f"{SVG}title")
        text = tile.find(f"{SVG}text")
        assert title is not None and title.text, tile.get("data-code")
        assert text is not None and "".join(text.itertext()).strip(), tile.get("data-code")
        titles.append(title.text)
    assert {t.split(":")[0] for t in titles} == names
    lund = drawn["1281"]
    assert tile_class(lund) == "rank-1"
    assert lund.find(f"{SVG}title").text == "Lund: rang 1"
    # Those who have not submitted are "missing"; the rest ranked or "none".
    ranks = submitted_ranks(draft)
    area = draft.development_areas.get(slug="barn-och-unga")
    for m in Municipality.objects.all():
        if m.pk not in ranks:
            expected = "missing"
        elif area.pk not in ranks[m.pk]:
            expected = "none"
        else:
            rank = ranks[m.pk][area.pk]
            expected = f"rank-{rank}" if rank <= 3 else "rank-other"
        assert tile_class(drawn[m.code]) == expected, m.name

    # The text alternative says the same.
    assert "Kartan som text" in html
    alternative = html.split("Kartan som text", 1)[1].split("</details>", 1)[0]
    assert "<li>Lund: rang 1</li>" in alternative
    assert len(re.findall(r"<li>", alternative)) == 33


def test_without_an_area_the_map_shows_the_sub_regions(client, draft):
    html = page(client)
    drawn = tiles(svg_of(html))
    assert len(drawn) == 33
    _assert_coloured_by_sub_region(drawn)
    assert "Kartan som text" not in html


def test_an_unknown_area_falls_back_to_the_sub_region_map(client, draft):
    html = page(client, omrade="finns-inte")
    drawn = tiles(svg_of(html))
    assert len(drawn) == 33
    _assert_coloured_by_sub_region(drawn)
    assert "Kartan som text" not in html
    assert "Skånes kommuner per delregion" in html


def test_an_unknown_area_is_served_but_not_cached(client, draft):
    """The core's rule (kulturportal.caching.public_page): a value the view does not know is
    served, not stored, or anyone can fill the cache with ?omrade=1, ?omrade=2, …"""
    for n in range(20):
        assert client.get(OVERVIEW, {"omrade": f"nope{n}"}).status_code == 200
    assert _cached_pages() == 0
    client.get(OVERVIEW, {"omrade": "lasande"})
    assert _cached_pages() == 1


def _assert_coloured_by_sub_region(drawn):
    by_code = {m.code: m for m in Municipality.objects.all()}
    sub_regions = list(SubRegion.objects.order_by("position"))
    position = {s.pk: index for index, s in enumerate(sub_regions)}
    for code, tile in drawn.items():
        index = position[by_code[code].sub_region_id]
        assert tile_class(tile) == f"subregion-{index + 1}", code
        assert tile.find(f"{SVG}title").text.endswith(sub_regions[index].name)


def _cached_pages() -> int:
    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):
        return len(cache._cache.get_client().keys("*public-page:*"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM kulturportal_cache")
        return sum(1 for (key,) in cursor.fetchall() if "public-page:" in key)


# --- The previous period ---------------------------------------------------------------------


def test_the_comparison_names_what_was_dropped_and_what_was_added(client, draft, adopted):
    malmo = municipality("Malmö")
    # 2025–2028's window closed long ago: register as if it were open.
    back_then = adopted.registration_windows.get().opens_at + timedelta(days=1)
    prioritise(adopted, malmo, ["barn-och-unga", "lasande"], moment=back_then)
    prioritise(draft, malmo, ["barn-och-unga", "kultur-och-halsa"])
    # The same areas in both periods: unchanged.
    ystad = municipality("Ystad")
    prioritise(adopted, ystad, ["film-i-hela-skane", "digital-utveckling"], moment=back_then)
    prioritise(draft, ystad, ["digital-utveckling", "film-i-hela-skane"])

    html = page(client)
    assert "Jämfört med Regional kulturplan för Skåne 2025–2028" in html
    comparison = html.split('id="comparison-heading"', 1)[1]
    rows = {cells[0]: cells[1:] for _c, cells in table_rows(comparison, None)[1:]}
    assert rows["Malmö"] == ["Kultur och hälsa", "Läsande och litteratur"]
    assert "Ystad" not in rows
    # Lund has no submission for 2029–2032: it cannot be compared.
    not_comparable = comparison.split("Kan inte jämföras", 1)[1].split("</p>", 1)[0]
    assert "Lund" in not_comparable and "Malmö" not in not_comparable


# --- The downloads ---------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://x")'


@pytest.fixture
def formula_area(draft):
    area = new_area(draft, "formel", FORMULA)
    prioritise(draft, municipality("Lund"), ["formel"])
    return area


def test_the_csv_goes_through_the_core_exporter(client, draft, formula_area):
    response = client.get("/kulturplan/2029-2032/prioriteringar.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="prioriteringar-2029-2032.csv"' in response["Content-Disposition"]
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw.removeprefix("\ufeff")), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert header[:4] == ["Kommun", "Kommunkod", "Delregion", "Inskickat"]
    assert "'" + FORMULA in header and FORMULA not in header
    assert not [cell for row in rows for cell in row if cell.startswith(("=", "+", "@"))]
    assert len(data) == 33
    assert {row[0] for row in data} == set(Municipality.objects.values_list("name", flat=True))
    lund = next(row for row in data if row[0] == "Lund")
    assert lund[3] == "ja" and lund[header.index("'" + FORMULA)] == "1"
    assert sum(row[3] == "nej" for row in data) == MISSING_IN_DEMO - 1


def test_the_xlsx_goes_through_the_core_exporter(client, draft, formula_area):
    response = client.get("/kulturplan/2029-2032/prioriteringar.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows())
    assert len(rows) == 34  # the header and 33 municipalities
    cells = [cell for row in rows for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    header = [cell.value for cell in rows[0]]
    column = header.index("'" + FORMULA)
    assert rows[0][column].data_type == "s"
    lund = next(row for row in rows if row[0].value == "Lund")
    assert lund[column].value == 1 and lund[column].data_type == "n"


# --- The cache -------------------------------------------------------------------------------


def _queries(client, path=OVERVIEW):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    data = [q for q in captured if "kulturportal_cache" not in q["sql"]]
    return len(data), response.content.decode()


def test_the_page_is_cached_until_a_submission(client, draft, django_capture_on_commit_callbacks):
    first, html = _queries(client)
    submitted = 33 - MISSING_IN_DEMO
    assert first > 0 and f"{submitted} av 33 kommuner har skickat in" in html
    again, html = _queries(client)
    assert again == 0 and f"{submitted} av 33 kommuner har skickat in" in html

    # A draft changes nothing the public sees: the page stays cached.
    with django_capture_on_commit_callbacks(execute=True):
        prioritise(draft, municipality("Lund"), ["lasande"], submit=False)
    assert _queries(client)[0] == 0

    with django_capture_on_commit_callbacks(execute=True):
        prioritise(draft, municipality("Lund"), ["lasande"], submit=True)
    queries, html = _queries(client)
    assert queries > 0
    assert f"{submitted + 1} av 33 kommuner har skickat in" in html
    rows = {cells[0]: cells[1:] for _c, cells in table_rows(html)}
    areas = [a.slug for a in draft.development_areas.all()]
    assert rows["Lund"][areas.index("lasande")] == "1"


# --- Suggested thematic networks -------------------------------------------------------------


def _panel(html: str) -> str | None:
    if 'aria-labelledby="suggested-heading"' not in html:
        return None
    return html.split('aria-labelledby="suggested-heading"', 1)[1].split("</section>", 1)[0]


@pytest.fixture
def narrow(draft):
    """An area only two municipalities share."""
    area = new_area(draft, "smalt-omrade", "Ett smalt område")
    prioritise(draft, municipality("Lund"), ["barn-och-unga", "smalt-omrade"])
    prioritise(draft, municipality("Bjuv"), ["smalt-omrade"])
    return area


def test_officials_see_the_suggested_networks(client, official, draft, narrow):
    client.force_login(official)
    panel = _panel(page(client))
    assert panel is not None
    assert "Förslag på tematiska nätverk" in panel
    shown = re.findall(r"<strong>([^<]+)</strong>", panel)
    expected = [a.title for a in draft.development_areas.all() if len(sharing(draft, a)) >= 3]
    assert shown == expected and expected
    assert "Ett smalt område" not in shown
    assert panel.count("Skapa nätverket") == len(expected)
    assert panel.count('name="area" value=') == len(expected)


@pytest.mark.parametrize("who", ["anonymous", "lund_chief"])
def test_others_do_not_see_the_suggested_networks(client, who, request, draft):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    html = page(client)
    assert _panel(html) is None
    assert "Skapa nätverket" not in html and FROM_PRIORITIES not in html


def _chiefs_of(municipality_pks) -> set[tuple[int, int]]:
    return set(
        RoleAssignment.objects.active()
        .filter(role=Role.CULTURE_CHIEF, municipality__in=municipality_pks, user__is_active=True)
        .values_list("user", "municipality")
    )


def test_a_network_is_made_of_the_chiefs_of_exactly_those_municipalities(client, official, draft):
    area = draft.development_areas.get(slug="barn-och-unga")
    lund, malmo, trelleborg = (
        municipality("Lund"),
        municipality("Malmö"),
        municipality("Trelleborg"),
    )
    prioritise(draft, lund, ["barn-och-unga"])  # Lund joins
    prioritise(draft, malmo, ["film-i-hela-skane"])  # Malmö no longer has the area
    prioritise(draft, trelleborg, ["barn-och-unga"], submit=False)  # a draft counts for nothing
    municipalities = sharing(draft, area)
    assert lund.pk in municipalities
    assert malmo.pk not in municipalities and trelleborg.pk not in municipalities

    client.force_login(official)
    response = client.post(FROM_PRIORITIES, {"plan": draft.slug, "area": area.slug})
    network = Network.objects.get(development_area=area)
    assert response.status_code == 302 and response["Location"] == network.get_absolute_url()
    assert network.form == Network.Form.THEMATIC
    members = set(
        NetworkMembership.objects.filter(network=network).values_list("user", "municipality")
    )
    assert members == _chiefs_of(municipalities)
    assert members  # the demo has chiefs in most of them
    member_users = {user for user, _m in members}
    chiefs = RoleAssignment.objects.filter(role=Role.CULTURE_CHIEF)
    for excluded in (malmo, trelleborg):
        for user in chiefs.filter(municipality=excluded).values_list("user", flat=True):
            assert user not in member_users, excluded.name

    again = client.post(FROM_PRIORITIES, {"plan": draft.slug, "area": area.slug})
    assert again.status_code == 302 and again["Location"] == network.get_absolute_url()
    assert Network.objects.filter(development_area=area).count() == 1
    assert "Nätverket finns redan." in [str(m) for m in get_messages(again.wsgi_request)]
    assert NetworkMembership.objects.filter(network=network).count() == len(members)

    # Made, the panel links to it instead of offering the button.
    panel = _panel(page(client))
    assert f'href="{network.get_absolute_url()}"' in panel


def test_an_area_fewer_than_three_share_is_refused(client, official, draft, narrow):
    assert len(sharing(draft, narrow)) == 2
    client.force_login(official)
    response = client.post(FROM_PRIORITIES, {"plan": draft.slug, "area": narrow.slug})
    assert response.status_code == 302 and response["Location"] == OVERVIEW
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Färre än tre kommuner prioriterar området." in messages
    assert not Network.objects.filter(development_area=narrow).exists()


def test_only_officials_may_make_a_network(client, lund_chief, draft):
    area = draft.development_areas.get(slug="barn-och-unga")
    data = {"plan": draft.slug, "area": area.slug}
    anonymous = client.post(FROM_PRIORITIES, data)
    assert anonymous.status_code == 302 and "/konto/login/" in anonymous["Location"]
    client.force_login(lund_chief)
    assert client.post(FROM_PRIORITIES, data).status_code == 403
    assert not Network.objects.filter(development_area=area).exists()
