"""The plan through the real machinery: the reminder through a Celery worker to an SMTP
server, once a day per window, and the PDF rendered by the worker while the page waits.

Run with `DATABASE_URL=postgres://… pytest -m integration`.
"""

from contextlib import suppress
from io import BytesIO

import pikepdf
from django.test import Client
from pypdf import PdfReader

from kulturplan import services
from kulturplan.board import completion
from kulturplan.demo import seed_demo
from kulturplan.models import CulturePlan
from kulturportal.models import RenderedDocument, User
from tests.integration.machinery import needs_real_services, wait_for

pytestmark = needs_real_services


def _missing_chiefs(plan) -> set[str]:
    return {c.email for row in completion(plan).missing for c in row.contacts}


def test_the_reminder_reaches_only_the_missing_at_the_smtp_server_once_a_day(
    demo, smtp, start_worker, report
):
    seed_demo()
    plan = CulturePlan.objects.get(slug="2029-2032")
    expected = _missing_chiefs(plan)
    assert "kulturchef.lund@example.se" in expected  # Lund has not submitted in the demo
    start_worker()
    official = User.objects.get(email="handlaggare@example.se")
    window = plan.registration_windows.get()
    sent = services.send_reminders(window=window, actor=official)
    wait_for(
        lambda: len(smtp.collector.messages) >= sent, timeout=30, what="the reminders to arrive"
    )
    with suppress(services.AlreadyReminded):
        services.send_reminders(
            window=window, actor=official
        )  # the same day again: refused, nothing sent
    received = smtp.collector.per_recipient()
    assert set(received) == expected
    assert all(count == 1 for count in received.values())
    report(f"{sent} reminders to {len(expected)} culture chiefs of missing municipalities, 1 each")


def test_the_worker_renders_the_plan_while_the_page_waits(demo, smtp, start_worker, report):
    seed_demo()
    start_worker()
    client = Client()
    first = client.get("/kulturplan/2029-2032/pdf/")
    assert first.status_code == 202 and b'http-equiv="refresh"' in first.content
    wait_for(
        lambda: RenderedDocument.objects.filter(status="done").exists(),
        timeout=90,
        what="the worker to render the plan",
    )
    response = client.get("/kulturplan/2029-2032/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Bilaga: kommunernas prioriteringar" in text and "Östra Göinge" in text
    with pikepdf.open(BytesIO(response.content)) as pdf:
        assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "sv"
    document = RenderedDocument.objects.get(status="done")
    report(
        f"{document.pages} pages rendered by the worker in {document.render_seconds:.2f} s "
        f"({document.weasyprint_seconds:.2f} s in WeasyPrint)"
    )
