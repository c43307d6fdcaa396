"""The completion board ("9 av 21 har rapporterat", by activity area, the missing named) and
the reminder to the missing, once a day; and the round's opening e-mail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from followup import services
from followup.board import completion
from kulturportal.models import OutgoingEmail
from tests.followup import world


def test_the_board_counts_the_reported_once_each_by_their_main_area(
    current_round, opera, opera_rep, folk, official
):
    world.funded(
        world.organisation("Konsthallen i Trelleborg", 11),
        world.CURRENT,
        state={"bild-och-form": 300_000, "museer-kulturmiljo": 900_000},
        actor=official,
    )
    world.filed(
        current_round, opera, opera_rep, world.figures(income_state=60_000_000), submit=True
    )
    board = completion(current_round)
    assert (board.done, board.total) == (1, 3)
    groups = {g.name: (g.done, g.total) for g in board.groups}
    assert groups == {
        "Professionell teater-, dans- och musikverksamhet": (1, 1),
        "Museiverksamhet och kulturmiljöarbete": (0, 1),  # most of its grant; counted once
        "Biblioteksverksamhet och läs- och litteraturfrämjande": (0, 1),
    }


def test_the_page_names_the_missing_with_whom_to_ask(client, official, current_round, folk):
    client.force_login(official)
    page = client.get(f"/uppfoljning/{world.CURRENT}/hantera/inrapportering/").content.decode()
    assert "0 av 2 har rapporterat" in page
    assert "Folkhögskolorna i Skåne" in page and "forening@example.se" in page


def test_a_returned_report_counts_as_missing_again(current_round, opera, opera_rep, official):
    report = world.filed(
        current_round, opera, opera_rep, world.figures(income_state=60_000_000), submit=True
    )
    assert completion(current_round).done == 1
    services.return_report(report=report, comment="Komplettera.", actor=official)
    board = completion(current_round)
    assert board.done == 0
    (row,) = [r for r in board.missing if r.party == opera]
    assert row.started


def test_the_missing_are_reminded_once_a_day(current_round, opera, opera_rep, official, folk):
    world.filed(
        current_round, opera, opera_rep, world.figures(income_state=60_000_000), submit=True
    )
    before = set(OutgoingEmail.objects.values_list("pk", flat=True))
    sent = services.send_reminders(round=current_round, actor=official)
    reminders = OutgoingEmail.objects.exclude(pk__in=before)
    assert sent == 1 and [e.to for e in reminders] == ["forening@example.se"]
    assert reminders[0].subject == "Påminnelse: årsrapport 2025 från Folkhögskolorna i Skåne"
    with pytest.raises(services.AlreadyReminded):
        services.send_reminders(round=current_round, actor=official)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert services.send_reminders(round=current_round, actor=official, today=tomorrow) == 1


def test_opening_a_round_tells_each_funded_organisation_once(decisions, official, opera_rep):
    round = world.open_round(world.CURRENT, actor=official)
    opened = OutgoingEmail.objects.filter(dedupe_key__startswith=f"followup-opened:{round.pk}:")
    assert sorted(e.to for e in opened) == ["forening@example.se", "operan@example.se"]
    with pytest.raises(services.RoundExists):
        world.open_round(world.CURRENT, actor=official)


def test_a_round_needs_decisions_and_a_deadline_ahead(client, official, decisions):
    client.force_login(official)
    response = client.post(
        "/uppfoljning/hantera/oppna/",
        {"year": "2031", "deadline": "2030-01-01T10:00", "jump_threshold": "30"},
    )
    assert response.status_code == 400
    form = response.context["round_form"]
    assert "year" in form.errors
    response = client.post(
        "/uppfoljning/hantera/oppna/",
        {"year": str(world.CURRENT), "deadline": "2001-01-01T10:00", "jump_threshold": "3"},
    )
    assert response.status_code == 400
    form = response.context["round_form"]
    assert "passerat" in " ".join(form.errors["deadline"])
    assert "jump_threshold" in form.errors
    response = client.post(
        "/uppfoljning/hantera/oppna/",
        {"year": str(world.CURRENT), "deadline": "i morgon", "jump_threshold": "30"},
    )
    assert "datum och tid" in " ".join(response.context["round_form"].errors["deadline"])
