"""A report's figures laid out for reading: sections of labelled lines, with last year's
figure beside each when there is one. The review page, the organisation's own page and the
public page of an organisation's approved figures all show a report this way."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from followup import metrics, numbers
from followup.values import ReportValues
from kulturportal.models import ActivityArea, Municipality


@dataclass
class Line:
    label: str
    value: Decimal | int | None
    money: bool = False
    previous: Decimal | int | None = None
    part: bool = False  # "varav …": indented under the line before

    @property
    def change(self) -> str:
        """The change against last year in per cent, as text; "" when not comparable."""
        if self.value is None or self.previous in (None, 0):
            return ""
        percent = (Decimal(self.value) - Decimal(self.previous)) * 100 / Decimal(self.previous)
        sign = "+" if percent > 0 else ("−" if percent < 0 else "±")
        return f"{sign}{numbers.show(abs(percent), decimals=0)} %"


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)


def _line(label, code: str, values: ReportValues, previous: ReportValues | None, **kwargs):
    return Line(
        str(label),
        values.fields.get(code),
        previous=previous.fields.get(code) if previous else None,
        **kwargs,
    )


def present(
    values: ReportValues,
    *,
    areas: list[ActivityArea],
    municipalities: dict[int, Municipality],
    previous: ReportValues | None = None,
) -> list[Section]:
    income = Section(str(_("Intäkter")))
    for figure in metrics.INCOME[:2]:
        income.lines.append(_line(figure.label, figure.code, values, previous, money=True))
    for pk in sorted(values.municipal_income, key=lambda pk: municipalities[pk].name):
        income.lines.append(
            Line(
                str(_("Bidrag från %(name)s") % {"name": municipalities[pk].official_name}),
                values.municipal_income[pk],
                money=True,
                previous=previous.municipal_income.get(pk) if previous else None,
            )
        )
    for figure in metrics.INCOME[2:]:
        income.lines.append(_line(figure.label, figure.code, values, previous, money=True))
    economy = Section(str(_("Ekonomi och personal")))
    for figure in metrics.ECONOMY:
        economy.lines.append(
            _line(
                figure.label,
                figure.code,
                values,
                previous,
                money=figure.kind is numbers.MONEY,
                part=bool(figure.part_of),
            )
        )
    sections = [income, economy]
    for area in areas:
        section = Section(str(_("Verksamhet: %(area)s") % {"area": area.name}))
        for figure in metrics.activity_figures(area.code):
            key = (area.code, figure.code)
            section.lines.append(
                Line(
                    str(figure.label),
                    values.activity.get(key),
                    previous=previous.activity.get(key) if previous else None,
                    part=bool(figure.part_of),
                )
            )
        sections.append(section)
    return sections


def reach_lines(values: ReportValues, municipalities: dict[int, Municipality]) -> list[Line]:
    """The municipalities the activity reached, most occasions first."""
    return [
        Line(municipalities[pk].name, occasions)
        for pk, occasions in sorted(
            values.reach.items(), key=lambda item: (-item[1], municipalities[item[0]].name)
        )
    ]
