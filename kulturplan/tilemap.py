"""A hex tile map of Skåne's municipalities, drawn on the server as SVG.

Every municipality gets one hexagon of the same size, placed near its seat, so small Burlöv
counts as much as Kristianstad. No JavaScript and no inline <style>: the portal's CSP blocks
inline styles, so colours are presentation attributes (which the site's CSS may override).
"""

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Fills for each css_class a caller may give a tile. Each has at least 3:1 contrast against the
# white page (WCAG 1.4.11), and its label colour at least 4.5:1 against the fill (1.4.3).
PALETTE = {
    "rank-1": "#00394a",  # ranked first: the darkest, the portal's dark brand colour
    "rank-2": "#00607a",  # ranked second: the brand colour
    "rank-3": "#4a95a8",  # ranked third: a lighter teal, with dark text
    "rank-other": "#b08a4f",  # ranked, but below the top three: sand, with dark text
    "none": "#8c8c8c",  # answered, but not ranked: light grey, with dark text
    "missing": "#4a4a4a",  # no answer yet: dark grey, with light text
    # The four sub-regions, in SubRegion.position order: Nordväst, Nordost, Sydost, Sydväst.
    "subregion-1": "#8c3a6b",
    "subregion-2": "#a35200",
    "subregion-3": "#1e6b35",
    "subregion-4": "#3d5a99",
}
FALLBACK_CLASS = "none"
DARK_TEXT = "#1a1a1a"
LIGHT_TEXT = "#ffffff"
BACKGROUND = "#ffffff"

HEX_SIZE = 44  # centre to corner, in SVG units
GAP = 2  # white stroke between tiles
MARGIN = 12
LABEL_SIZE = 13
LEGEND_SIZE = 14
COMPACTNESS = 2.0  # cost of one hex edge on the outline, against squared distance
COLUMNS = 7  # how many hex columns the seats spread over, west to east


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    lat: float
    lon: float
    css_class: str
    title: str
    href: str = ""
    short_label: str = ""  # drawn on one line instead of the name


@dataclass(frozen=True)
class PlacedTile:
    tile: Tile
    q: int  # axial hex coordinates, pointy-top
    r: int

    @property
    def cell(self) -> tuple[int, int]:
        return (self.q, self.r)

    @property
    def centre(self) -> tuple[float, float]:
        return _cell_centre(self.q, self.r)


# Names too long for one line of a tile, broken where a reader expects it.
LABEL_LINES = {
    "Helsingborg": ("Helsing", "borg"),
    "Kristianstad": ("Kristian", "stad"),
    "Staffanstorp": ("Staffans", "torp"),
    "Östra Göinge": ("Östra ", "Göinge"),  # the space keeps the name whole for axe
    "Örkelljunga": ("Örkel", "ljunga"),
    "Landskrona": ("Lands", "krona"),
    "Trelleborg": ("Trelle", "borg"),
    "Simrishamn": ("Simris", "hamn"),
    "Hässleholm": ("Hässle", "holm"),
    "Ängelholm": ("Ängel", "holm"),
}
MAX_LINE_LENGTH = 9


def label_lines(tile: Tile) -> tuple[str, ...]:
    """What the tile shows: its short label, else its name, on one or two lines."""
    if tile.short_label:
        return (tile.short_label,)
    if tile.name in LABEL_LINES:
        return LABEL_LINES[tile.name]
    if len(tile.name) <= MAX_LINE_LENGTH:
        return (tile.name,)
    return (tile.name[: MAX_LINE_LENGTH - 1] + ".",)


# --- Layout -----------------------------------------------------------------------------------

Seat = tuple[str, float, float]  # code, latitude, longitude
SQRT3 = math.sqrt(3)
NEIGHBOURS = ((1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1))


def _cell_centre(q: int, r: int) -> tuple[float, float]:
    """Centre of a pointy-top hex, in units of HEX_SIZE; y grows southwards."""
    return (SQRT3 * (q + r / 2), 1.5 * r)


def _round_to_cell(x: float, y: float) -> tuple[int, int]:
    q = SQRT3 / 3 * x - y / 3
    r = 2 / 3 * y
    s = -q - r
    rq, rr, rs = round(q), round(r), round(s)
    # Cube rounding: fix the coordinate that was rounded the most.
    dq, dr, ds = abs(rq - q), abs(rr - r), abs(rs - s)
    if dq > dr and dq > ds:
        rq = -rr - rs
    elif dr > ds:
        rr = -rq - rs
    return (rq, rr)


def _project(seats: Sequence[Seat]) -> list[tuple[float, float]]:
    """Seats on a plane in units of HEX_SIZE, west to east spanning COLUMNS hex columns."""
    lats = [lat for _, lat, _ in seats]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))  # shorter degrees up north
    xs = [lon * shrink for _, _, lon in seats]
    ys = [-lat for lat in lats]  # SVG's y grows southwards
    scale = SQRT3 * (COLUMNS - 1) / ((max(xs) - min(xs)) or 1.0)
    return [((x - min(xs)) * scale, (y - min(ys)) * scale) for x, y in zip(xs, ys, strict=True)]


def _distance2(point: tuple[float, float], cell: tuple[int, int]) -> float:
    cx, cy = _cell_centre(*cell)
    return (point[0] - cx) ** 2 + (point[1] - cy) ** 2


def _nearest_free(point, taken: set[tuple[int, int]]) -> tuple[int, int]:
    start = _round_to_cell(*point)
    candidates = {start}
    frontier = {start}
    # Widen ring by ring until a free cell turns up, then one more ring: the nearest free
    # cell by distance may sit just beyond the first ring that has one.
    extra_rings = 1
    while True:
        free = candidates - taken
        if free:
            if extra_rings == 0:
                return min(free, key=lambda c: (_distance2(point, c), c[1], c[0]))
            extra_rings -= 1
        frontier = {(q + dq, r + dr) for q, r in frontier for dq, dr in NEIGHBOURS} - candidates
        candidates |= frontier


def _neighbours(cell: tuple[int, int]) -> list[tuple[int, int]]:
    return [(cell[0] + dq, cell[1] + dr) for dq, dr in NEIGHBOURS]


def _edge_change(cell, taken: set[tuple[int, int]]) -> int:
    """How much the outline of the map grows when `cell` is added to it (shrinks: removed)."""
    touching = sum(n in taken for n in _neighbours(cell))
    return 6 - 2 * touching


def _move_cost(point, old, new, taken) -> float:
    without = taken - {old}
    outline = -_edge_change(old, without) + _edge_change(new, without)
    return _distance2(point, new) - _distance2(point, old) + COMPACTNESS * outline


def _best_move(points, cells, taken):
    best = None
    frontier = sorted(
        {n for c in taken for n in _neighbours(c)} - taken, key=lambda c: (c[1], c[0])
    )
    for i, old in enumerate(cells):
        for new in frontier:
            cost = _move_cost(points[i], old, new, taken)
            if cost < -1e-9 and (best is None or cost < best[0]):
                best = (cost, i, new)
    return best


def _best_swap(points, cells):
    best = None
    for i in range(len(cells)):
        for j in range(i + 1, len(cells)):
            now = _distance2(points[i], cells[i]) + _distance2(points[j], cells[j])
            swapped = _distance2(points[i], cells[j]) + _distance2(points[j], cells[i])
            cost = swapped - now
            if cost < -1e-9 and (best is None or cost < best[0]):
                best = (cost, i, j)
    return best


def _improve(points, cells: list[tuple[int, int]]) -> None:
    """Move and swap tiles while the map gets closer to the seats and more compact.

    The cost is each tile's squared distance from its seat plus COMPACTNESS for every hex edge
    on the map's outline: without that, the sparse east would be islands and holes."""
    for _ in range(10 * len(cells)):  # each step lowers the cost; the bound is a safety net
        taken = set(cells)
        move, swap = _best_move(points, cells, taken), _best_swap(points, cells)
        if move is None and swap is None:
            return
        if swap is None or (move is not None and move[0] < swap[0]):
            cells[move[1]] = move[2]
        else:
            _, i, j = swap
            cells[i], cells[j] = cells[j], cells[i]


def layout(tiles: Sequence[Tile]) -> list[PlacedTile]:
    """One hex cell per tile, as near its seat as the others allow; same seats, same map,
    whatever order the tiles come in."""
    order = sorted(range(len(tiles)), key=lambda i: (tiles[i].code, tiles[i].lat, tiles[i].lon))
    cells = _cells(tuple((tiles[i].code, tiles[i].lat, tiles[i].lon) for i in order))
    placed = {i: PlacedTile(tiles[i], *cell) for i, cell in zip(order, cells, strict=True)}
    return [placed[i] for i in range(len(tiles))]


@functools.lru_cache(maxsize=16)
def _cells(seats: tuple[Seat, ...]) -> tuple[tuple[int, int], ...]:
    # Tens of milliseconds of search, and the municipalities seldom move: computed once.
    if not seats:
        return ()
    points = _project(seats)
    cells: list[tuple[int, int]] = []
    for point in points:
        cells.append(_nearest_free(point, set(cells)))
    _improve(points, cells)
    return tuple(cells)


# --- Colour contrast ----------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    """Relative luminance of "#rrggbb", as WCAG defines it."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def label_colour(fill: str) -> str:
    """Dark or light text, whichever reads better on the fill."""
    return max((DARK_TEXT, LIGHT_TEXT), key=lambda text: contrast(text, fill))


def _fill(css_class: str, palette: Mapping[str, str] | None = None) -> str:
    colours = palette or PALETTE
    return colours.get(css_class, PALETTE[FALLBACK_CLASS])


# --- Drawing ------------------------------------------------------------------------------------


def _hexagon_points(cx: float, cy: float, size: float) -> str:
    corners = []
    for k in range(6):
        angle = math.radians(60 * k - 30)
        corners.append(f"{cx + size * math.cos(angle):.1f},{cy + size * math.sin(angle):.1f}")
    return " ".join(corners)


def _label_class(fill: str) -> str:
    shade = "dark" if label_colour(fill) == DARK_TEXT else "light"
    return f"tile-label tile-label-{shade}"


def _draw_label(tile: Tile, cx: float, cy: float, fill: str) -> str:
    lines = label_lines(tile)
    line_height = LABEL_SIZE * 1.15
    first_y = cy - line_height * (len(lines) - 1) / 2
    spans = "".join(
        f'<tspan x="{cx:.1f}" y="{first_y + n * line_height:.1f}" dy="0.35em">'
        f"{escape(line)}</tspan>"
        for n, line in enumerate(lines)
    )
    return (
        f'<text class="{_label_class(fill)}" text-anchor="middle" '
        f'font-size="{LABEL_SIZE}" fill="{label_colour(fill)}">{spans}</text>'
    )


def _draw_tile(placed: PlacedTile, offset: tuple[float, float], palette=None) -> str:
    tile = placed.tile
    cx = placed.centre[0] * HEX_SIZE + offset[0]
    cy = placed.centre[1] * HEX_SIZE + offset[1]
    fill = _fill(tile.css_class, palette)
    shape = (
        f'<g class="tile {escape(tile.css_class)}" data-code="{escape(tile.code)}">'
        f"<title>{escape(tile.title)}</title>"
        f'<polygon class="tile-shape" points="{_hexagon_points(cx, cy, HEX_SIZE)}" '
        f'fill="{fill}" stroke="{BACKGROUND}" stroke-width="{GAP}"/>'
        f"{_draw_label(tile, cx, cy, fill)}</g>"
    )
    if not tile.href:
        return shape
    return f'<a href="{escape(tile.href)}" aria-label="{escape(tile.title)}">{shape}</a>'


def _legend_item_width(label: str) -> float:
    # A generous guess at the text width: the SVG cannot measure text on the server.
    return LEGEND_SIZE * 1.6 + len(label) * LEGEND_SIZE * 0.58 + 24


def _draw_legend(
    legend: Sequence[tuple[str, str]], top: float, width: float, palette=None
) -> tuple[str, float]:
    """The legend as rows of swatches and labels that fit the map's width, and its height."""
    row_height = LEGEND_SIZE * 2
    parts, x, y = [], MARGIN, top
    for css_class, label in legend:
        item_width = _legend_item_width(label)
        if x > MARGIN and x + item_width > width - MARGIN:
            x, y = MARGIN, y + row_height
        swatch = LEGEND_SIZE * 1.2
        parts.append(
            f'<g class="legend-item {escape(css_class)}">'
            f'<rect class="legend-swatch" x="{x:.1f}" y="{y:.1f}" width="{swatch:.1f}" '
            f'height="{swatch:.1f}" rx="2" fill="{_fill(css_class, palette)}"/>'
            f'<text class="legend-label" x="{x + swatch + 6:.1f}" y="{y + swatch / 2:.1f}" '
            f'dy="0.35em" font-size="{LEGEND_SIZE}" fill="{DARK_TEXT}">{escape(label)}</text></g>'
        )
        x += item_width
    height = (y - top + row_height) if legend else 0
    return f'<g class="legend">{"".join(parts)}</g>', height


def render_svg(
    tiles: Sequence[Tile],
    *,
    title: str,
    description: str,
    legend: Sequence[tuple[str, str]] = (),
    id_prefix: str = "karta",
    palette: Mapping[str, str] | None = None,
) -> SafeString:
    """The map as an inline <svg>, sized by the page's CSS (`.tilemap-svg`). A caller with
    classes of its own gives their fills in `palette` (each 3:1 against white, as above)."""
    placed = layout(tiles)
    xs = [p.centre[0] * HEX_SIZE for p in placed] or [0.0]
    ys = [p.centre[1] * HEX_SIZE for p in placed] or [0.0]
    half_width = SQRT3 / 2 * HEX_SIZE
    offset = (MARGIN + half_width - min(xs), MARGIN + HEX_SIZE - min(ys))
    map_width = max(xs) - min(xs) + 2 * half_width + 2 * MARGIN
    map_height = max(ys) - min(ys) + 2 * HEX_SIZE + 2 * MARGIN
    legend_svg, legend_height = _draw_legend(legend, map_height, map_width, palette)
    height = map_height + legend_height + (MARGIN if legend else 0)
    ids = f"{escape(id_prefix)}-title {escape(id_prefix)}-desc"
    # Links inside role="img" would be hidden from screen readers: a map with links is a group.
    role = "group" if any(t.href for t in tiles) else "img"
    tiles_svg = "".join(_draw_tile(p, offset, palette) for p in placed)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tilemap-svg" role="{role}" '
        f'aria-labelledby="{ids}" viewBox="0 0 {map_width:.0f} {height:.0f}" width="100%" '
        f"font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\">"
        f'<title id="{escape(id_prefix)}-title">{escape(title)}</title>'
        f'<desc id="{escape(id_prefix)}-desc">{escape(description)}</desc>'
        f'<g class="tiles">{tiles_svg}</g>{legend_svg}</svg>'
    )
    return mark_safe(svg)  # noqa: S308 - every text and attribute value above is escaped
