"""Every table download goes through here: CSV and XLSX, streamed, formula-safe.

People's text ends up in spreadsheets that officials open in Excel or LibreOffice. A cell
that starts with =, +, -, @, a tab or a carriage return is run as a formula there (OWASP's
"CSV injection"), so every text cell is prefixed with an apostrophe, which spreadsheet
programs show as plain text. In XLSX, text is also written with the string type, never
as a formula. Memory stays flat with the number of rows: CSV is streamed line by line and
XLSX is written in openpyxl's write-only mode to a temporary file.

The same writers serve a download made during the request (csv_response, xlsx_response)
and one built by a worker into a file (write_csv, write_xlsx; kulturportal/background_exports.py).
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
BOLD_FONT = Font(bold=True)
MIN_WIDTH, MAX_WIDTH = 10, 60


def neutralise(value):
    """The value a cell may hold: text that a spreadsheet would run gets an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if isinstance(value, bool | int | float):
        return value
    return str(value)


class _Echo:
    """A file-like object whose write() hands the line back, for a streamed csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """A semicolon CSV, line by line; the first line starts with a byte-order mark, so
    Excel reads å, ä and ö as UTF-8."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow([neutralise(str(h)) for h in headers])
    for row in rows:
        yield writer.writerow([neutralise(value) for value in row])


def write_csv(output: IO[str], headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    """The CSV into a text file opened with encoding="utf-8" and newline=""."""
    for line in csv_lines(headers, rows):
        output.write(line)


def csv_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """A semicolon CSV in UTF-8 with a byte-order mark, so Excel reads å, ä and ö."""
    response = StreamingHttpResponse(csv_lines(headers, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its title, header row, rows and column widths."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] | None = None


class Emphasised(tuple):
    """A row written in bold: a sum, or a heading inside a sheet."""


def write_xlsx(
    output: IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    sheet_title: str = "Data",
    widths: Sequence[int] | None = None,
) -> None:
    """An Excel file with a styled, frozen header row and readable column widths, saved
    into a binary file. Write-only mode: rows go to disk as they come."""
    write_workbook(output, [Sheet(sheet_title, headers, rows, widths)])


def write_workbook(output: IO[bytes], sheets: Sequence[Sheet]) -> None:
    """Several sheets in one Excel file, each as write_xlsx writes one."""
    workbook = Workbook(write_only=True)
    for part in sheets:
        sheet = workbook.create_sheet(title=part.title[:31])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(part.headers, start=1):
            width = part.widths[index - 1] if part.widths else len(str(header)) + 4
            sheet.column_dimensions[get_column_letter(index)].width = max(
                MIN_WIDTH, min(width, MAX_WIDTH)
            )
        sheet.append([_header_cell(sheet, header) for header in part.headers])
        for row in part.rows:
            font = BOLD_FONT if isinstance(row, Emphasised) else None
            sheet.append([_cell(sheet, value, font) for value in row])
    workbook.save(output)


def xlsx_response(
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    sheet_title: str = "Data",
    widths: Sequence[int] | None = None,
) -> FileResponse:
    """An Excel file with a styled, frozen header row and readable column widths."""
    return workbook_response(filename, [Sheet(sheet_title, headers, rows, widths)])


def workbook_response(filename: str, sheets: Sequence[Sheet]) -> FileResponse:
    """An Excel file of several sheets, as a download."""
    # Spooled to disk past a few megabytes; FileResponse closes (and so removes) it.
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    write_workbook(output, sheets)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def _header_cell(sheet, header) -> WriteOnlyCell:
    cell = _cell(sheet, str(header))
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(vertical="top", wrap_text=True)
    return cell


def _cell(sheet, value, font: Font | None = None) -> WriteOnlyCell:
    value = neutralise(value)
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if isinstance(value, str):
        cell.data_type = "s"  # Text, never a formula, whatever it starts with.
    return cell
