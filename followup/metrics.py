"""What an annual report holds: the sources of income, the economy and staff, and the
area-specific activity figures each of the seven activity areas asks for (Kulturdatabasen's
common questions, then the area's own). Codes are stored; labels are translated when shown.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from followup import numbers


@dataclass(frozen=True)
class Figure:
    """One number of the report: its code (the form field, the stored column or metric),
    its label, its kind, and the figure it is a part of ("of which children and young")."""

    code: str
    label: str
    kind: numbers.Kind = numbers.COUNT
    part_of: str = ""
    help_text: str = ""


# Income by source; each co-financing municipality's contribution comes in between.
INCOME = [
    Figure(
        "income_state",
        _("Statliga medel genom kultursamverkansmodellen"),
        numbers.MONEY,
        help_text=_("Det statliga bidrag som Region Skåne fördelat till er för året."),
    ),
    Figure("income_region", _("Region Skånes bidrag"), numbers.MONEY),
    Figure(
        "income_other_public",
        _("Övriga offentliga bidrag"),
        numbers.MONEY,
        help_text=_("Till exempel från andra kommuner, statliga myndigheter eller EU."),
    ),
    Figure(
        "income_own",
        _("Egna intäkter"),
        numbers.MONEY,
        help_text=_("Biljetter, försäljning, sponsring och annat ni själva tjänat in."),
    ),
]
ECONOMY = [
    Figure("costs_total", _("Kostnader totalt"), numbers.MONEY),
    Figure("costs_staff", _("varav personalkostnader"), numbers.MONEY, part_of="costs_total"),
    Figure(
        "staff_fte",
        _("Personal, årsarbetare"),
        numbers.FTE,
        help_text=_("Heltidstjänster under året, till exempel 12,5."),
    ),
]
REPORT_FIELDS = [f.code for f in INCOME + ECONOMY]
MONEY_FIELDS = [f.code for f in INCOME + ECONOMY if f.kind is numbers.MONEY]

# The sources of the compilation, in order: the four above and the municipalities' together.
SOURCES = [
    ("income_state", _("Statliga medel")),
    ("income_region", _("Region Skåne")),
    ("income_municipal", _("Kommuner")),
    ("income_other_public", _("Övriga offentliga")),
    ("income_own", _("Egna intäkter")),
]

_PERFORMANCES = Figure("performances", _("Föreställningar"))
_CONCERTS = Figure("concerts", _("Konserter"))
_AUDIENCE = Figure("audience", _("Publik"))
_AUDIENCE_YOUNG = Figure("audience_young", _("varav barn och unga"), part_of="audience")
_EXHIBITIONS = Figure("exhibitions", _("Utställningar"))
_VISITS = Figure("visits", _("Besök"))
_VISITS_YOUNG = Figure("visits_young", _("varav barn och unga"), part_of="visits")
_EVENTS = Figure("events", _("Arrangemang"))
_PARTICIPANTS = Figure("participants", _("Deltagare"))
_PARTICIPANTS_YOUNG = Figure("participants_young", _("varav barn och unga"), part_of="participants")
_SCREENINGS = Figure("screenings", _("Visningar"))
_COURSES = Figure("courses", _("Kurser"))

# By activity area code (kulturportal.models.ACTIVITY_AREAS).
ACTIVITY = {
    "teater-dans-musik": [_PERFORMANCES, _CONCERTS, _AUDIENCE, _AUDIENCE_YOUNG],
    "museer-kulturmiljo": [_EXHIBITIONS, _VISITS, _VISITS_YOUNG, _EVENTS],
    "bibliotek-litteratur": [_EVENTS, _PARTICIPANTS, _PARTICIPANTS_YOUNG, _COURSES],
    "bild-och-form": [_EXHIBITIONS, _VISITS, _EVENTS],
    "arkiv": [_EVENTS, _PARTICIPANTS, _VISITS],
    "film": [_SCREENINGS, _AUDIENCE, _AUDIENCE_YOUNG, _COURSES],
    "hemslojd": [_COURSES, _PARTICIPANTS, _PARTICIPANTS_YOUNG, _EVENTS],
}
# The figure that says how many people an area's activity reached, for the public pages.
HEADLINE = {
    "teater-dans-musik": "audience",
    "museer-kulturmiljo": "visits",
    "bibliotek-litteratur": "participants",
    "bild-och-form": "visits",
    "arkiv": "participants",
    "film": "audience",
    "hemslojd": "participants",
}


def activity_figures(area_code: str) -> list[Figure]:
    return ACTIVITY.get(area_code, [_EVENTS, _PARTICIPANTS])


def metric_label(area_code: str, metric: str) -> str:
    for figure in activity_figures(area_code):
        if figure.code == metric:
            return str(figure.label)
    return metric


def metric_field(area_code: str, metric: str) -> str:
    """The form field of an activity figure: metric__<area>__<code>."""
    return f"metric__{area_code}__{metric}"


def report_figure(code: str) -> Figure | None:
    return next((f for f in INCOME + ECONOMY if f.code == code), None)
