"""Importing funding decisions from a spreadsheet: a preview, an error per row in Swedish,
all of it or nothing, and the same file twice changing nothing."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from followup import importing, services
from followup.models import DecisionImport, FundingDecision
from kulturportal.models import AuditEntry
from tests.followup import world

HEADER = "organisationsnummer;år;källa;verksamhetsområde;kommun;belopp\n"


def _csv(rows: str, encoding: str = "utf-8") -> bytes:
    return (HEADER + rows).encode(encoding)


def _rows(folk, opera) -> str:
    return (
        f"{folk.org_number};2026;stat;bibliotek-litteratur;;2 000 000\n"
        f"{folk.org_number};2026;region;;;500 000\n"
        f"{opera.org_number};2026;stat;teater-dans-musik;;60\u00a0000\u00a0000\n"
        f"{opera.org_number};2026;region;;;120 000 000,00\n"
        f"{opera.org_number};2026;kommun;;Malmö;5 000 000\n"
    )


def _upload(content: bytes, name: str = "beslut.csv"):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def orgs(folk, opera):
    return folk, opera


def test_a_clean_file_plans_one_decision_per_organisation_and_year(orgs):
    folk, opera = orgs
    plan = importing.plan(_csv(_rows(folk, opera)))
    assert plan.ok and plan.rows == 5
    by_name = {d.organisation.name: d for d in plan.decisions}
    assert by_name["Malmö Opera"].state_total == Decimal("60000000")
    assert by_name["Malmö Opera"].total == Decimal("185000000")
    assert {d.status for d in plan.decisions} == {"new"}


def test_every_bad_row_gets_its_own_swedish_message_and_nothing_is_imported(orgs, official):
    folk, opera = orgs
    bad = (
        f"{folk.org_number};2026;stat;bibliotek-litteratur;;2 000 000\n"
        "556000-0000;2026;region;;;1 000\n"  # checksum wrong
        f"{opera.org_number};tjugo;region;;;1 000\n"  # not a year
        f"{opera.org_number};2026;staten;dans;;1 000\n"  # no such area
        f"{opera.org_number};2026;kommun;;Köpenhamn;1 000\n"  # not one of the 33
        f"{opera.org_number};2026;region;;;-5 000\n"  # negative
        f"{opera.org_number};2026;region;;;\n"  # empty amount
        f"{opera.org_number};2026;gåva;;;1 000\n"  # unknown source
        f"{folk.org_number};2026;stat;bibliotek-litteratur;;3 000 000\n"  # twice
        "802479-9960;2026;region;;;1 000\n"  # valid number, no such organisation
    )
    plan = importing.plan(_csv(bad))
    messages = {error.row: error.message for error in plan.errors}
    assert set(messages) == {3, 4, 5, 6, 7, 8, 9, 10, 11}
    assert "inte ett giltigt organisationsnummer" in messages[3]
    assert "årtal" in messages[4]
    assert "Okänt verksamhetsområde: dans" in messages[5]
    assert "Okänd kommun: Köpenhamn" in messages[6]
    assert "negativ" in messages[7]
    assert "Belopp saknas" in messages[8]
    assert "stat, region eller kommun" in messages[9]
    assert "rad 2" in messages[10]
    assert "Lägg in organisationen först" in messages[11]
    stored = services.upload_decisions(upload=_upload(_csv(bad)), actor=official)
    with pytest.raises(services.ImportNotReady):
        services.import_decisions(stored=stored, actor=official)
    assert not FundingDecision.objects.exists()


def test_the_same_file_twice_changes_nothing_the_second_time(orgs, official):
    folk, opera = orgs
    content = _csv(_rows(folk, opera))
    first = services.upload_decisions(upload=_upload(content), actor=official)
    assert services.import_decisions(stored=first, actor=official) == {
        "created": 2,
        "changed": 0,
        "unchanged": 0,
    }
    entries = AuditEntry.objects.filter(action="decision.imported").count()
    versions = list(FundingDecision.objects.order_by("pk").values_list("version", "updated_at"))
    second = services.upload_decisions(upload=_upload(content), actor=official)
    assert {d.status for d in services.preview(second).decisions} == {"unchanged"}
    assert services.import_decisions(stored=second, actor=official) == {
        "created": 0,
        "changed": 0,
        "unchanged": 2,
    }
    assert AuditEntry.objects.filter(action="decision.imported").count() == entries
    assert list(FundingDecision.objects.order_by("pk").values_list("version", "updated_at")) == (
        versions
    )
    with pytest.raises(services.ImportNotReady):  # the same upload, imported already
        services.import_decisions(stored=second, actor=official)


def test_a_file_holds_the_whole_decision_so_a_line_it_leaves_out_goes(orgs, official):
    folk, opera = orgs
    world.funded(opera, 2026, state={"teater-dans-musik": 1, "film": 2}, municipal={"1283": 3})
    stored = services.upload_decisions(upload=_upload(_csv(_rows(folk, opera))), actor=official)
    assert {d.organisation.name: d.status for d in services.preview(stored).decisions} == {
        "Folkhögskolorna i Skåne": "new",
        "Malmö Opera": "changed",
    }
    services.import_decisions(stored=stored, actor=official)
    decision = FundingDecision.objects.with_lines().get(organisation=opera, year=2026)
    assert [g.activity_area.code for g in decision.state_grants.all()] == ["teater-dans-musik"]
    assert [c.municipality.name for c in decision.municipal_contributions.all()] == ["Malmö"]
    assert decision.version == 1
    change = AuditEntry.objects.filter(action="decision.imported").latest("pk")
    assert change.changes["stat: Filmkulturell verksamhet"] == ["2.00", None]


def test_an_excel_file_reads_numeric_cells_and_text_cells(orgs, official):
    folk, opera = orgs
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Organisationsnummer", "År", "Källa", "Verksamhetsområde", "Kommun", "Belopp"])
    sheet.append(
        [
            folk.org_number,
            2026,
            "stat",
            "Biblioteksverksamhet och läs- och litteraturfrämjande",
            None,
            2_000_000,
        ]
    )
    sheet.append([opera.org_number, 2026, "kommun", None, 1280, "5 000 000"])
    sheet.append([opera.org_number, 2026, "stat", "teater-dans-musik", None, 60_000_000.0])
    content = io.BytesIO()
    workbook.save(content)
    stored = services.upload_decisions(
        upload=_upload(content.getvalue(), "beslut.xlsx"), actor=official
    )
    assert services.import_decisions(stored=stored, actor=official)["created"] == 2
    opera_decision = FundingDecision.objects.with_lines().get(organisation=opera)
    assert opera_decision.total == Decimal("65000000")


def test_swedish_excels_csv_in_windows_1252_is_read(orgs):
    folk, opera = orgs
    plan = importing.plan(_csv(_rows(folk, opera).replace("\u00a0", " "), "cp1252"))
    assert plan.ok, plan.errors


def test_a_file_that_is_neither_excel_nor_text_is_refused_beside_the_field(client, official):
    client.force_login(official)
    response = client.post(
        "/uppfoljning/hantera/import/",
        {"file": SimpleUploadedFile("beslut.csv", b"\x00\x01\x02binary\x00")},
    )
    assert response.status_code == 400
    assert "inte av en tillåten typ" in response.content.decode()
    assert not DecisionImport.objects.exists()


def test_a_file_without_the_columns_says_which_are_missing(orgs, official):
    stored = services.upload_decisions(upload=_upload(b"namn;summa\nOperan;1\n"), actor=official)
    with pytest.raises(importing.UnreadableFile) as unreadable:
        services.preview(stored)
    assert "organisationsnummer" in str(unreadable.value)


def test_the_downloaded_decisions_import_back_unchanged(client, orgs, official, decisions):
    client.force_login(official)
    for fmt in ("csv", "xlsx"):
        download = client.get(f"/uppfoljning/hantera/beslut/ar/{world.CURRENT}.{fmt}")
        content = b"".join(download.streaming_content)
        if fmt == "xlsx":
            rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
            assert rows[0][0] == "organisationsnummer"
        stored = services.upload_decisions(upload=_upload(content, f"beslut.{fmt}"), actor=official)
        plan = services.preview(stored)
        assert plan.ok, plan.errors
        assert {d.status for d in plan.decisions} == {"unchanged"}, fmt


def test_the_official_uploads_sees_the_preview_and_imports(client, orgs, official):
    folk, opera = orgs
    client.force_login(official)
    response = client.post(
        "/uppfoljning/hantera/import/", {"file": _upload(_csv(_rows(folk, opera)))}
    )
    assert response.status_code == 302
    preview = client.get(response.url)
    page = preview.content.decode()
    assert "Malmö Opera" in page and "Importera besluten" in page
    imported = client.post(response.url, follow=True)
    assert "2 nya, 0 ändrade och 0 oförändrade" in imported.content.decode()
    assert FundingDecision.objects.count() == 2
