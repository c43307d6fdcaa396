"""Audit item 11: a stored file's extension follows its detected type, and names with
bidirectional or invisible control characters are refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def upload(client, official, annual, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(official)

    def post(name: str, content: bytes = PDF):
        file = SimpleUploadedFile(name, content, content_type="text/html")
        return client.post(
            reverse("forums:document_upload", args=[annual.pk]), {"title": "Underlag", "file": file}
        )

    return post


@pytest.mark.parametrize(
    ("name", "stored"),
    [("x.html", "x.pdf"), (".htaccess", "htaccess.pdf"), ("Budget 2027.PDF", "budget-2027.pdf")],
)
def test_stored_name_takes_the_extension_of_the_detected_type(upload, annual, name, stored):
    upload(name)
    document = annual.documents.get()
    assert document.file.name.rsplit("/", 1)[-1] == stored
    assert document.content_type == "application/pdf"


HIDDEN = ["faktura\u202efdp.exe", "avtal\u200b.pdf", "a\u2066b.pdf"]


@pytest.mark.parametrize("name", HIDDEN)
def test_names_with_bidi_or_invisible_characters_are_refused_by_the_upload_service(name):
    from django.core.exceptions import ValidationError

    from kulturportal.uploads import check_document

    with pytest.raises(ValidationError, match="osynliga styrtecken"):
        check_document(SimpleUploadedFile(name, PDF))


@pytest.mark.parametrize("name", HIDDEN)
def test_over_http_hidden_characters_never_reach_the_stored_name(upload, annual, name):
    # Django's multipart parser drops non-printable characters before a form sees the
    # name; what is stored is plain and carries the detected type's extension.
    upload(name)
    stored = annual.documents.get().file.name.rsplit("/", 1)[-1]
    assert stored.isascii() and stored.isprintable() and stored.endswith(".pdf")


def test_download_is_an_attachment_that_is_not_sniffed(upload, annual, client):
    upload("x.html")
    document = annual.documents.get()
    response = client.get(reverse("forums:document_download", args=[annual.pk, document.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="x.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
