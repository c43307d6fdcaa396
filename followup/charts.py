"""A horizontal stacked bar chart drawn on the server as SVG: one bar per activity area, one
segment per source of income. The page shows the same figures in a table beside it; the
chart itself is an image with a title and a description (role="img"), so a screen reader
reads its summary and then the table. Colours are presentation attributes (the CSP blocks
inline styles), each at least 3:1 against white, and segments are parted by a white line.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from followup import numbers

SOURCE_COLOURS = {
    "income_state": "#00394a",
    "income_region": "#2a7f9e",
    "income_municipal": "#8c3a6b",
    "income_other_public": "#a35200",
    "income_own": "#1e6b35",
}
WIDTH = 480
LEFT = 8
RIGHT = 8
LABEL_HEIGHT = 20
BAR_HEIGHT = 22
ROW_GAP = 14
FONT = 15
INK = "#1a1a1a"


@dataclass(frozen=True)
class Bar:
    label: str
    segments: list[tuple[str, Decimal]]  # (source code, amount)

    @property
    def total(self) -> Decimal:
        return sum((amount for _source, amount in self.segments), Decimal(0))


def stacked_bars(
    bars: list[Bar],
    *,
    title: str,
    description: str,
    legend: list[tuple[str, str]],
    unit: str,
    id_prefix: str = "diagram",
) -> SafeString:
    most = max((bar.total for bar in bars), default=Decimal(0)) or Decimal(1)
    usable = WIDTH - LEFT - RIGHT - 150  # room for the total after the longest bar
    parts, y = [], 8.0
    for bar in bars:
        parts.append(
            f'<text x="{LEFT}" y="{y + FONT:.1f}" font-size="{FONT}" fill="{INK}">'
            f"{escape(bar.label)}</text>"
        )
        y += LABEL_HEIGHT + 2
        x = float(LEFT)
        for source, amount in bar.segments:
            if amount <= 0:
                continue
            width = float(amount / most) * usable
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 1):.1f}" '
                f'height="{BAR_HEIGHT}" fill="{SOURCE_COLOURS.get(source, INK)}" '
                f'stroke="#ffffff" stroke-width="1"/>'
            )
            x += width
        total = f"{numbers.show(bar.total, decimals=0)} {unit}"
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + BAR_HEIGHT / 2:.1f}" dy="0.35em" '
            f'font-size="{FONT}" fill="{INK}">{escape(total)}</text>'
        )
        y += BAR_HEIGHT + ROW_GAP
    legend_svg, height = _legend(legend, y + 4)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'aria-labelledby="{escape(id_prefix)}-title {escape(id_prefix)}-desc" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f"font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\">"
        f'<title id="{escape(id_prefix)}-title">{escape(title)}</title>'
        f'<desc id="{escape(id_prefix)}-desc">{escape(description)}</desc>'
        f"{''.join(parts)}{legend_svg}</svg>"
    )
    return mark_safe(svg)  # noqa: S308 - every text and attribute value above is escaped


def _legend(legend: list[tuple[str, str]], top: float) -> tuple[str, float]:
    parts, x, y = [], float(LEFT), top
    for source, label in legend:
        width = FONT * 1.6 + len(label) * FONT * 0.58 + 24
        if x > LEFT and x + width > WIDTH - RIGHT:
            x, y = float(LEFT), y + FONT * 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{FONT * 1.2:.1f}" height="{FONT * 1.2:.1f}" '
            f'rx="2" fill="{SOURCE_COLOURS.get(source, INK)}"/>'
            f'<text x="{x + FONT * 1.2 + 6:.1f}" y="{y + FONT * 0.6:.1f}" dy="0.35em" '
            f'font-size="{FONT}" fill="{INK}">{escape(label)}</text>'
        )
        x += width
    return f'<g class="legend">{"".join(parts)}</g>', y + FONT * 2 + 4
