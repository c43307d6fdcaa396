"""Every uploaded file goes through here: type by content, size, and a safe stored name;
and every stored file goes out through here (serve), after the view's permission check.

The type is read from the file's first bytes (filetype), never from its name or the
browser's Content-Type. The stored name is the original stem, slugified, with the
extension of the detected type: a PDF called x.html is stored as x.pdf, so it can never
be served as a page. Names with control, bidirectional or invisible characters
(e.g. "faktura\u202efdp.exe", shown as "fakturaexe.pdf") are refused outright.
"""

import unicodedata
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
HEAD_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    label: str
    extension: str


DOCUMENT_TYPES = {
    "application/pdf": FileType("PDF", "pdf"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": FileType(
        "Word", "docx"
    ),
    "application/vnd.oasis.opendocument.text": FileType("OpenDocument", "odt"),
}
PDF_ONLY = {"application/pdf": DOCUMENT_TYPES["application/pdf"]}
# A spreadsheet to import: Excel, or text (a semicolon CSV has no signature of its own, so
# it is text without control characters: see detected_type).
PLAIN_TEXT = "text/plain"
SPREADSHEET_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": FileType("Excel", "xlsx"),
    PLAIN_TEXT: FileType("CSV", "csv"),
}


def check_document(upload, *, types: dict[str, FileType] = DOCUMENT_TYPES, max_bytes=None):
    """Validate an uploaded file and give it a safe name; raises ValidationError.

    Sets `upload.content_type_checked` to the detected type and `upload.name` to the name
    it will be stored under.
    """
    max_bytes = max_bytes or MAX_UPLOAD_BYTES
    if has_hidden_characters(upload.name):
        raise ValidationError(
            _("Filnamnet innehåller osynliga styrtecken. Byt namn på filen och försök igen."),
            code="hidden_characters",
        )
    if upload.size > max_bytes:
        raise ValidationError(
            _("Filen är för stor. Den får vara högst %(mb)s MB.") % {"mb": max_bytes // 2**20},
            code="too_large",
        )
    mime = detected_type(upload)
    if mime not in types:
        labels = ", ".join(t.label for t in types.values())
        raise ValidationError(
            _("Filen är inte av en tillåten typ (%(labels)s), oavsett vad den heter.")
            % {"labels": labels},
            code="wrong_type",
        )
    upload.content_type_checked = mime
    upload.name = safe_name(upload.name, types[mime].extension)
    return upload


def detected_type(upload) -> str | None:
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind:
        return kind.mime
    return PLAIN_TEXT if _is_plain_text(head) else None


def _is_plain_text(head: bytes) -> bool:
    """Text in UTF-8 or an 8-bit code page (Swedish Excel saves CSV as Windows-1252):
    bytes without control characters other than tabs and line ends, which is what a CSV
    file is. Only callers that accept PLAIN_TEXT take it; the document types do not."""
    allowed = {9, 10, 13}
    return bool(head) and not any(byte < 32 and byte not in allowed for byte in head)


def has_hidden_characters(name: str) -> bool:
    # Cc: control characters; Cf: format characters (bidi overrides, zero-width spaces).
    return any(unicodedata.category(char) in ("Cc", "Cf") for char in name)


def safe_name(original: str, extension: str) -> str:
    stem = original.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
    return f"{slugify(stem)[:80] or 'dokument'}.{extension}"


def serve(file, *, filename: str, content_type: str, inline: bool = False) -> FileResponse:
    """A stored file, for a person the view has checked may have it: as an attachment (a
    PDF to read in the browser `inline`), never sniffed into a page (SecurityMiddleware
    sends nosniff), 404 when the file is gone from storage."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=not inline, filename=filename, content_type=content_type
    )


def stored_name(file) -> str:
    """The name a file is stored under, without its folders."""
    return file.name.rsplit("/", 1)[-1]
