"""The follow-up's e-mails through the real machinery: a Celery worker sends the round's
opening, the receipt of a submitted report, the return for completion and the approval to
an SMTP server, each once, however often the tasks run.

Run with `DATABASE_URL=postgres://… pytest -m integration`.
"""

import time
from email.header import decode_header, make_header

from followup import services
from kulturportal.emails import dispatch_due, send_emails
from kulturportal.models import Organisation, OutgoingEmail, User
from tests.followup import world
from tests.integration.machinery import needs_real_services, wait_for

pytestmark = needs_real_services


def _subjects(smtp, address: str) -> list[str]:
    return [
        str(make_header(decode_header(message["Subject"])))
        for message in smtp.collector.messages
        if message["To"] == address
    ]


def test_receipt_return_and_approval_reach_the_smtp_server_once(
    demo, smtp, start_worker, report, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    start_worker()
    official = User.objects.get(email="handlaggare@example.se")
    rep = User.objects.get(email="operan@example.se")
    opera = world.ensure_number(Organisation.objects.get(name="Malmö Opera"), 7)
    world.funded(opera, world.CURRENT, state={"teater-dans-musik": 66_000_000}, actor=official)
    round = world.open_round(world.CURRENT, actor=official)
    submitted = world.filed(
        round,
        opera,
        rep,
        world.figures(income_state=66_000_000, income_own=41_000_000),
        submit=True,
    )
    services.return_report(report=submitted, comment="Publiken saknas.", actor=official)
    services.submit_report(report=submitted, actor=rep)
    services.approve(report=submitted, actor=official)
    expected = [
        "Dags för årsrapporten 2025",
        "Kvitto: årsrapport 2025 från Malmö Opera (version 1)",
        "Komplettering behövs: årsrapport 2025 från Malmö Opera",
        "Kvitto: årsrapport 2025 från Malmö Opera (version 2)",
        "Godkänd: årsrapport 2025 från Malmö Opera",
    ]
    wait_for(
        lambda: len(_subjects(smtp, rep.email)) >= len(expected),
        timeout=60,
        what="the five e-mails to the representative",
    )
    # The tasks again, and the sweep: nothing more goes.
    ids = list(OutgoingEmail.objects.filter(to=rep.email).values_list("pk", flat=True))
    send_emails.delay(ids)
    dispatch_due()
    time.sleep(3)
    received = _subjects(smtp, rep.email)
    assert sorted(received) == sorted(expected)
    returned = next(
        m
        for m in smtp.collector.messages
        if "Komplettering" in str(make_header(decode_header(m["Subject"])))
    )
    body = next(
        part.get_payload(decode=True).decode()
        for part in returned.walk()
        if part.get_content_type() == "text/plain"
    )
    assert "Publiken saknas." in body
    report(f"{len(received)} e-mails to the representative, each once: " + "; ".join(received))
