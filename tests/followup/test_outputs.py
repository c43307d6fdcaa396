"""What goes out: the Områdesfördelning for Kulturrådet (its sums per area are the
decisions'), and the regional compilation as CSV, XLSX and a tagged PDF."""

import io
from decimal import Decimal

import pikepdf
import pytest
from django.db.models import Sum
from openpyxl import load_workbook
from pypdf import PdfReader

from followup import figures, outputs, services
from followup.models import StateGrant
from kulturportal import pdf
from kulturportal.models import RenderedDocument
from tests.followup import world


@pytest.fixture
def regionmuseet(official):
    """An organisation funded in two areas, to split."""
    org = world.organisation("Regionmuseet", 21)
    world.funded(
        org,
        world.CURRENT,
        state={"museer-kulturmiljo": 2_000_001, "bild-och-form": 1_000_000},
        region=3_000_000,
        actor=official,
    )
    return org


def _workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_area_distribution_adds_up_to_the_decisions_per_area(
    client, official, current_round, regionmuseet, opera, opera_rep
):
    world.filed(
        current_round, opera, opera_rep, world.figures(income_state=60_000_000), submit=True
    )
    services.confirm_distribution(round=current_round, actor=official)
    client.force_login(official)
    response = client.get(f"/uppfoljning/{world.CURRENT}/hantera/omradesfordelning.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = _workbook(response)
    assert book.sheetnames == ["Områdesfördelning", "Dokumentförteckning", "Bekräftelse"]
    rows = list(book["Områdesfördelning"].iter_rows(min_row=2, values_only=True))
    sums = {r[0].removeprefix("Summa "): r[3] for r in rows if str(r[0]).startswith("Summa")}
    lines: dict[str, Decimal] = {}
    for area, organisation, _number, amount in rows:
        if organisation and not str(area).startswith(("Summa", "Totalt")):
            lines[area] = lines.get(area, Decimal(0)) + Decimal(str(amount or 0))
    decided = dict(
        StateGrant.objects.filter(decision__year=world.CURRENT)
        .values_list("activity_area__name_sv")
        .annotate(total=Sum("amount"))
    )
    for area, total in decided.items():
        assert Decimal(str(sums[area])) == total == lines[area], area
    assert rows[-1][0] == "Totalt, statliga medel"
    assert Decimal(str(rows[-1][3])) == sum(decided.values())
    documents = list(book["Dokumentförteckning"].iter_rows(min_row=2, values_only=True))
    assert ("Malmö Opera", opera.org_number, "Årsredovisning", "annual_report.pdf") == (
        documents[[d[0] for d in documents].index("Malmö Opera")][:4]
    )
    confirmation = dict(book["Bekräftelse"].iter_rows(min_row=2, values_only=True))
    assert confirmation["Bekräftad av"] == "Hanna Handläggare"
    assert "2025" in confirmation["Bekräftelse"]


def test_income_is_split_over_areas_by_the_state_grant_to_the_ore(
    current_round, regionmuseet, official
):
    person = official
    world.filed(
        current_round,
        regionmuseet,
        person,
        world.figures(
            income_state=3_000_001,
            income_region=1_000_000,
            explanations={},
        ),
        approve_by=official,
    )
    table = figures.compilation([world.CURRENT])
    areas = {a.code: a for a in table.areas}
    museer = table.amount(world.CURRENT, areas["museer-kulturmiljo"], "income_region")
    bild = table.amount(world.CURRENT, areas["bild-och-form"], "income_region")
    assert museer + bild == Decimal("1000000")
    assert museer == Decimal("666666.78")  # 2 000 001 / 3 000 001 of it, to the öre


def test_the_compilation_downloads_year_on_year(client, last_year_approved):
    csv = b"".join(client.get("/uppfoljning/sammanstallning.csv").streaming_content)
    text = csv.decode("utf-8-sig")
    assert text.splitlines()[0] == "Verksamhetsområde;Källa;2024"
    assert "Skåne, totalt;;" in text
    book = _workbook(client.get("/uppfoljning/sammanstallning.xlsx"))
    assert book.sheetnames == ["Intäkter per område och källa", "Verksamhet per område"]
    totals = [r for r in book.worksheets[0].iter_rows(values_only=True) if r[0] == "Skåne, totalt"]
    # The folk high schools' 2.8 million and the opera's 220 million.
    assert totals == [("Skåne, totalt", None, 222_800_000)]


def test_the_compilation_pdf_is_tagged_and_has_its_pages(client, last_year_approved):
    table = figures.compilation()
    document = outputs.compilation_document(table)
    pdf.render_stored(document.pk)
    document.refresh_from_db()
    assert document.status == RenderedDocument.Status.DONE, document.error
    content = bytes(document.content)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Kulturen i hela Skåne" in text and "Malmö Opera" not in text
    assert "Professionell teater-, dans- och musikverksamhet" in text
    with pikepdf.open(io.BytesIO(content)) as opened:
        assert opened.Root.MarkInfo.Marked
        assert "/StructTreeRoot" in opened.Root
        assert str(opened.Root.Lang) == "sv"
    assert document.pages >= 2
    # Unchanged figures: the same stored file.
    assert outputs.compilation_document(figures.compilation()).pk == document.pk
