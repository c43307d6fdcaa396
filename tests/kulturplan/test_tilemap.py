import csv
import dataclasses
import random
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest

from kulturplan.tilemap import (
    BACKGROUND,
    NEIGHBOURS,
    PALETTE,
    Tile,
    contrast,
    label_colour,
    layout,
    render_svg,
)

CSV = Path(__file__).resolve().parents[2] / "kulturportal" / "data" / "municipalities.csv"
SVG = "{http://www.w3.org/2000/svg}"


def municipalities() -> list[dict]:
    with CSV.open(encoding="utf-8") as rows:
        return list(csv.DictReader(rows))


def skane_tiles(css_class="rank-other", href="") -> list[Tile]:
    return [
        Tile(
            code=row["code"],
            name=row["name"],
            lat=float(row["seat_lat"]),
            lon=float(row["seat_lon"]),
            css_class=css_class,
            title=f"{row['name']}: rang 4",
            href=href,
        )
        for row in municipalities()
    ]


def changed(tiles: list[Tile], name: str, **changes) -> list[Tile]:
    return [dataclasses.replace(t, **changes) if t.name == name else t for t in tiles]


def draw(tiles, **kwargs) -> ET.Element:
    svg = render_svg(
        tiles,
        title=kwargs.pop("title", "Kulturplanens prioriteringar"),
        description=kwargs.pop("description", "Skånes 33 kommuner."),
        legend=kwargs.pop("legend", [("rank-1", "Rang 1"), ("none", "Inget svar")]),
        **kwargs,
    )
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def drawn_tiles(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "tile" in g.get("class", "").split()]


def visible_text(text: ET.Element) -> str:
    """The label's text as assistive technology and axe put it together: the lines joined
    as they are, so "Helsing" + "borg" is Helsingborg and "Östra " + "Göinge" keeps its space.
    (Defect: a hyphen at the break made the visible text differ from the link's name, which
    axe reports as label-content-name-mismatch.)"""
    return "".join(span.text for span in text.iter(f"{SVG}tspan"))


@pytest.fixture
def by_name():
    return {placed.tile.name: placed for placed in layout(skane_tiles())}


def test_the_data_has_skanes_33_municipalities():
    assert len(skane_tiles()) == 33


def test_one_hexagon_per_municipality_with_a_title_and_a_visible_label():
    root = draw(skane_tiles())
    tiles = drawn_tiles(root)
    assert len(tiles) == 33
    assert len(list(root.iter(f"{SVG}polygon"))) == 33
    for g in tiles:
        assert len(g.findall(f"{SVG}polygon")) == 1
        assert g.find(f"{SVG}title").text.endswith(": rang 4")
        label = g.find(f"{SVG}text")
        assert "tile-label" in label.get("class").split()
        assert label.get("text-anchor") == "middle"
        assert int(label.get("font-size")) >= 12
        assert visible_text(label)


def test_every_name_is_shown_whole():
    names = {row["name"] for row in municipalities()}
    root = draw(skane_tiles())
    assert {visible_text(g.find(f"{SVG}text")) for g in drawn_tiles(root)} == names
    titles = {g.find(f"{SVG}title").text.split(":")[0] for g in drawn_tiles(root)}
    assert titles == names


def test_labels_fit_in_a_tile():
    for g in drawn_tiles(draw(skane_tiles())):
        for span in g.find(f"{SVG}text"):
            assert len(span.text.strip()) <= 9, span.text


def test_a_short_label_replaces_the_name():
    tile = Tile("1281", "Lund", 55.7, 13.19, "rank-1", "Lund: rang 1", short_label="LU")
    label = drawn_tiles(draw([tile]))[0].find(f"{SVG}text")
    assert visible_text(label) == "LU"


def test_no_two_municipalities_share_a_cell():
    cells = [placed.cell for placed in layout(skane_tiles())]
    assert len(set(cells)) == 33


def test_the_map_is_one_piece():
    cells = {placed.cell for placed in layout(skane_tiles())}
    assert _connected_parts(cells) == 1


def test_each_sub_region_is_one_piece():
    corner = {row["code"]: row["corner"] for row in municipalities()}
    cells_by_corner = defaultdict(set)
    for placed in layout(skane_tiles()):
        cells_by_corner[corner[placed.tile.code]].add(placed.cell)
    assert len(cells_by_corner) == 4
    for cells in cells_by_corner.values():
        assert _connected_parts(cells) == 1


def _connected_parts(cells: set[tuple[int, int]]) -> int:
    parts, seen = 0, set()
    for start in cells:
        if start in seen:
            continue
        parts += 1
        stack = [start]
        while stack:
            q, r = stack.pop()
            if (q, r) in seen:
                continue
            seen.add((q, r))
            stack.extend((q + dq, r + dr) for dq, dr in NEIGHBOURS if (q + dq, r + dr) in cells)
    return parts


def test_the_same_seats_give_the_same_map_in_any_order():
    tiles = skane_tiles()
    first = {p.tile.code: p.cell for p in layout(tiles)}
    shuffled = tiles[:]
    random.Random(4).shuffle(shuffled)
    assert {p.tile.code: p.cell for p in layout(shuffled)} == first
    assert render_svg(tiles, title="t", description="d", legend=[]) == render_svg(
        tiles, title="t", description="d", legend=[]
    )


def test_layout_keeps_the_order_of_the_tiles():
    tiles = skane_tiles()
    assert [p.tile for p in layout(tiles)] == tiles


def test_the_map_looks_like_skane(by_name):
    def x(name):
        return by_name[name].centre[0]

    def y(name):  # grows southwards
        return by_name[name].centre[1]

    assert x("Höganäs") < x("Simrishamn")
    assert y("Höganäs") < y("Simrishamn")
    assert y("Trelleborg") > y("Osby")
    # The corners: the north-west peninsula, the south-west, the south-east, the north-east.
    assert x("Höganäs") == min(x(name) for name in by_name)
    assert y("Båstad") == min(y(name) for name in by_name)
    assert y("Trelleborg") == max(y(name) for name in by_name)
    assert x("Vellinge") < x("Ystad") < x("Simrishamn")
    assert x("Malmö") < x("Lund") < x("Hörby") < x("Kristianstad")
    assert y("Helsingborg") < y("Landskrona") < y("Lomma") < y("Malmö") < y("Vellinge")
    assert x("Osby") > x("Klippan")
    assert x("Bromölla") > x("Hässleholm")
    assert y("Osby") < y("Kristianstad") < y("Simrishamn") < y("Ystad")


def test_the_grid_is_about_seven_by_eight(by_name):
    columns = {round(p.centre[0] / 0.866) for p in by_name.values()}  # half-columns
    rows = {p.r for p in by_name.values()}
    assert 12 <= len(columns) <= 17  # 6.5 to 8 hex widths, counted in half columns
    assert 7 <= len(rows) <= 8


def test_the_svg_names_itself_for_screen_readers():
    root = draw(skane_tiles(), title="Rang per kommun", description="Lund är först.")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "karta-title karta-desc"
    assert root.find(f"{SVG}title").get("id") == "karta-title"
    assert root.find(f"{SVG}title").text == "Rang per kommun"
    assert root.find(f"{SVG}desc").get("id") == "karta-desc"
    assert root.find(f"{SVG}desc").text == "Lund är först."
    assert root.get("viewBox").startswith("0 0 ")
    assert root.get("width") == "100%"
    assert root.get("style") is None  # the CSP forbids inline styles


def test_two_maps_on_one_page_have_their_own_ids():
    root = draw(skane_tiles(), id_prefix="karta-2")
    assert root.get("aria-labelledby") == "karta-2-title karta-2-desc"
    assert root.find(f"{SVG}title").get("id") == "karta-2-title"


def test_tiles_with_a_page_are_links():
    tiles = changed(skane_tiles(), "Lund", title="Lund: rang 1", href="/kommuner/lund/")
    root = draw(tiles)
    links = list(root.iter(f"{SVG}a"))
    assert len(links) == 1
    assert links[0].get("href") == "/kommuner/lund/"
    assert links[0].get("aria-label") == "Lund: rang 1"
    assert links[0].find(f"{SVG}g").find(f"{SVG}title").text == "Lund: rang 1"
    # role="img" would hide the links from screen readers.
    assert root.get("role") == "group"


def test_every_text_is_escaped():
    tile = Tile(
        code='1"2',
        name="Å<&>",
        lat=55.7,
        lon=13.2,
        css_class='rank-1"><script>',
        title="Lund <script>alert(1)</script> & co",
        href='/a?b=1&c="2"',
    )
    svg = render_svg(
        [tile],
        title="<b>titel</b>",
        description="a & b",
        legend=[("rank-1", "<i>rang</i>")],
        id_prefix='x"y',
    )
    assert "<script>" not in svg
    root = ET.fromstring(svg)  # noqa: S314 - well-formed despite it all
    g = drawn_tiles(root)[0]
    assert g.find(f"{SVG}title").text == "Lund <script>alert(1)</script> & co"
    assert visible_text(g.find(f"{SVG}text")) == "Å<&>"
    assert next(root.iter(f"{SVG}a")).get("href") == '/a?b=1&c="2"'
    assert root.find(f"{SVG}title").text == "<b>titel</b>"
    assert "<i>rang</i>" in {t.text for t in root.iter(f"{SVG}text")}


def test_the_legend_has_a_swatch_and_a_label_per_entry():
    legend = [("rank-1", "Rang 1"), ("rank-2", "Rang 2"), ("none", "Inget svar")]
    root = draw(skane_tiles(), legend=legend)
    items = [g for g in root.iter(f"{SVG}g") if "legend-item" in g.get("class", "")]
    assert [item.find(f"{SVG}text").text for item in items] == ["Rang 1", "Rang 2", "Inget svar"]
    assert [item.find(f"{SVG}rect").get("fill") for item in items] == [
        PALETTE["rank-1"],
        PALETTE["rank-2"],
        PALETTE["none"],
    ]


def test_the_legend_fits_inside_the_picture():
    legend = [(name, f"En ganska lång förklaring av {name}") for name in PALETTE]
    root = draw(skane_tiles(), legend=legend)
    height = float(root.get("viewBox").split()[3])
    swatches = [float(rect.get("y")) for rect in root.iter(f"{SVG}rect")]
    assert max(swatches) < height


def test_fills_come_from_the_palette():
    tiles = changed(skane_tiles(), "Lund", css_class="rank-1")
    tiles = changed(tiles, "Malmö", css_class="something-else")
    fills = {
        g.find(f"{SVG}title").text.split(":")[0]: g.find(f"{SVG}polygon").get("fill")
        for g in drawn_tiles(draw(tiles))
    }
    assert fills["Lund"] == PALETTE["rank-1"]
    assert fills["Malmö"] == PALETTE["none"]  # an unknown class is drawn as "no data"
    assert fills["Ystad"] == PALETTE["rank-other"]


def test_the_label_colour_follows_the_fill():
    for css_class, fill in PALETTE.items():
        g = drawn_tiles(draw(skane_tiles(css_class)))[0]
        label = g.find(f"{SVG}text")
        assert label.get("fill") == label_colour(fill)
        shade = "tile-label-light" if label_colour(fill) == "#ffffff" else "tile-label-dark"
        assert shade in label.get("class").split()


@pytest.mark.parametrize("css_class", sorted(PALETTE))
def test_labels_are_readable_on_every_fill(css_class):
    fill = PALETTE[css_class]
    assert contrast(label_colour(fill), fill) >= 4.5


@pytest.mark.parametrize("css_class", sorted(PALETTE))
def test_every_fill_stands_out_from_the_page(css_class):
    assert contrast(PALETTE[css_class], BACKGROUND) >= 3


def test_contrast_matches_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)


def test_an_empty_map_is_still_an_svg():
    root = draw([], legend=[])
    assert drawn_tiles(root) == []
    assert root.find(f"{SVG}title").text
