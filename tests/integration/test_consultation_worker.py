"""Consultation responses through the real machinery: registration numbers under concurrent
submissions on PostgreSQL, and the receipt with its PDF made by a Celery worker and received
by an SMTP server, once per representative.

Run with `DATABASE_URL=postgres://… pytest -m integration`.
"""

import threading
import time
from io import BytesIO

from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from consultations import demo as consultations_demo
from consultations import services
from consultations.models import RegistrationSequence, Response, Round, text_hash
from kulturplan import demo as plan_demo
from kulturportal.models import Organisation, OrganisationKind, Role, RoleAssignment, User
from tests.integration.machinery import needs_real_services, wait_for

pytestmark = needs_real_services

AT_ONCE = 12


def _open_round() -> Round:
    plan_demo.seed_demo()
    consultations_demo.seed_demo()
    return Round.objects.get(slug="kulturplan-2029-2032")


def _organisations(count: int) -> list[tuple[Organisation, User]]:
    made = []
    for n in range(count):
        organisation = Organisation.objects.create(
            name=f"Förening {n}", slug=f"forening-{n}", kind=OrganisationKind.CIVIL_SOCIETY
        )
        person = User.objects.create_user(f"ordforande{n}@example.se", "x", first_name=f"O{n}")
        RoleAssignment.objects.create(
            user=person, role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation
        )
        made.append((organisation, person))
    return made


def _answered(round: Round, organisation, person) -> Response:
    response = services.response_for(round, organisation)
    services.save_answers(
        response=response,
        posted=[
            services.Posted(
                round.questions.first(), f"Svar från {organisation}", base_hash=text_hash("")
            )
        ],
        actor=person,
    )
    return response


def _receipts(smtp, response) -> list:
    """The messages at the SMTP server that are this response's receipt."""
    from email.header import decode_header, make_header

    return [
        message
        for message in smtp.collector.messages
        if response.registration_number in str(make_header(decode_header(message["Subject"])))
    ]


def _submitting(response: Response, person: User):
    def run():
        services.submit(response=response, actor=person)

    return run


def _at_once(work: list) -> list[BaseException]:
    """Run each callable in its own thread (own connection), all released together."""
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(function):
        try:
            barrier.wait()
            function()
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()  # the thread's own connection, or the database stays in use

    threads = [threading.Thread(target=run, args=(function,)) for function in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_organisations_submitting_at_the_same_second_get_one_number_each_without_gaps(demo, report):
    round = _open_round()
    people = _organisations(AT_ONCE)
    responses = [_answered(round, org, person) for org, person in people]
    year = timezone.localdate().year
    before = (
        RegistrationSequence.objects.filter(prefix="KN", year=year)
        .values_list("last", flat=True)
        .first()
        or 0
    )

    errors = _at_once([_submitting(r, p) for r, (_o, p) in zip(responses, people, strict=True)])
    assert errors == []
    numbers = sorted(
        Response.objects.filter(pk__in=[r.pk for r in responses]).values_list(
            "registration_number", flat=True
        )
    )
    assert len(set(numbers)) == AT_ONCE
    sequence = [int(n.rsplit("/", 1)[1]) for n in numbers]
    assert sequence == list(range(before + 1, before + 1 + AT_ONCE))
    report(f"{AT_ONCE} submissions at once: numbers {numbers[0]} … {numbers[-1]}, no gaps")


def test_two_representatives_submitting_the_same_response_at_once_make_one_submission(demo):
    """Defect (issue 20): two representatives pressing "Skicka in" at once (or one double
    click) made two identical versions and two receipts each. The row lock orders them;
    the second finds the first's submission standing and nothing new since."""
    round = _open_round()
    ((organisation, first),) = _organisations(1)
    second = User.objects.create_user("kassor@example.se", "x")
    RoleAssignment.objects.create(
        user=second, role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation
    )
    response = _answered(round, organisation, first)

    errors = _at_once([_submitting(response, first), _submitting(response, second)])
    assert [type(error) for error in errors] == [services.NothingNewToSubmit]
    response.refresh_from_db()
    assert response.registration_number is not None
    assert list(response.submissions.values_list("number", flat=True).order_by("number")) == [1]
    assert Response.objects.filter(registration_number=response.registration_number).count() == 1


def test_the_worker_sends_each_representative_one_receipt_with_the_pdf(
    demo, smtp, start_worker, report
):
    round = _open_round()
    start_worker()
    folk = Organisation.objects.get(name="Folkhögskolorna i Skåne")
    folke = User.objects.get(email="forening@example.se")
    response = _answered(round, folk, folke)
    services.submit(response=response, actor=folke)
    response.refresh_from_db()
    wait_for(lambda: _receipts(smtp, response), timeout=90, what="the receipt to arrive")
    message = _receipts(smtp, response)[0]
    pdf = next(
        part.get_payload(decode=True)
        for part in message.walk()
        if part.get_content_type() == "application/pdf"
    )
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert response.registration_number in text and "Svar från Folkhögskolorna" in text
    # The task again (a retry, a duplicate): nothing more is sent.
    from consultations.services.receipts import send_receipts

    send_receipts.delay(response.current_submission.pk)
    time.sleep(3)
    assert len(_receipts(smtp, response)) == 1
    report(f"receipt {response.registration_number} with a {len(pdf)} byte PDF, 1 e-mail")
