"""Lund registers its priorities in the draft plan 2029–2032: a draft nobody else sees, a
submission the public sees, revisions; only while the window is open on the server's clock;
never over someone else's save; bad input refused beside the field with the text kept; and
nothing at all for people of other municipalities."""

from datetime import timedelta

import pytest

from kulturplan import services
from kulturplan.models import Priority, Registration, RegistrationWindow, Submission
from kulturplan.overview import matrix
from kulturportal.models import AuditEntry, User
from tests.kulturplan.conftest import PRIORITIES_URL, area, local

pytestmark = pytest.mark.django_db

LUND_URL = PRIORITIES_URL.format(slug="lund")
MALMO_URL = PRIORITIES_URL.format(slug="malmo")

CHILDREN = "barn-och-unga"
READING = "lasande"
HEALTH = "kultur-och-halsa"
GUARANTEE = "Kulturgarantin i skolan är vår viktigaste satsning."
NEWCOMERS = "Läsfrämjande för barn och nyanlända är ett uttalat politiskt mål."
PRESCRIPTION = "Kultur på recept har gett goda resultat i vår vårdcentral."


def _lund_row(plan, lund):
    return next(row for row in matrix(plan).rows if row.municipality == lund)


def _stored(registration):
    """The working copy as (area slug, rank, motivation), in rank order."""
    return [
        (p.development_area.slug, p.rank, p.motivation)
        for p in Priority.objects.filter(registration=registration).select_related(
            "development_area"
        )
    ]


def _error_summary(html) -> str:
    """The list of errors at the top of the form."""
    start = html.index("data-error-summary")
    return html[start : html.index("</div>", start)]


def _index(plan, slug) -> int:
    """The row of the area in the form: the plan's order."""
    return [a.slug for a in plan.development_areas.all()].index(slug)


@pytest.fixture
def lund_draft(lund_chief, lund_registration, save_as):
    """Lund's culture chief has saved a draft: health first. Nothing is submitted."""
    save_as(lund_chief, lund_registration, {HEALTH: (1, PRESCRIPTION)})
    lund_registration.refresh_from_db()
    return lund_registration


# --- Draft, submission, revision -------------------------------------------------------------


def test_the_form_lists_every_development_area_of_the_plan(lund_client, draft_plan, page):
    response = lund_client.get(LUND_URL)
    html = response.content.decode()
    assert response.status_code == 200
    form = page(html)
    assert form.value("omrade-TOTAL_FORMS") == str(draft_plan.development_areas.count())
    assert form.value("version") == "0"
    for development_area in draft_plan.development_areas.all():
        assert development_area.title in html
    assert "Skicka in" in html and "Spara utkast" in html


def test_a_saved_draft_is_not_public(
    lund_client, lund, draft_plan, lund_registration, priorities_form
):
    data = priorities_form(
        draft_plan, {CHILDREN: (1, GUARANTEE), READING: (2, NEWCOMERS)}, version=0
    )
    response = lund_client.post(LUND_URL, data)
    assert response.status_code == 302 and response.url == LUND_URL
    lund_registration.refresh_from_db()
    assert _stored(lund_registration) == [(CHILDREN, 1, GUARANTEE), (READING, 2, NEWCOMERS)]
    assert lund_registration.has_draft_changes and not lund_registration.is_submitted
    assert not Submission.objects.filter(registration=lund_registration).exists()
    row = _lund_row(draft_plan, lund)
    assert not row.submitted and row.ranks == {}
    page = lund_client.get(LUND_URL).content.decode()
    assert "Utkastet är sparat. Det syns inte utåt förrän du skickar in." in page
    assert "Utkast sparat. Inget är inskickat ännu." in page


def test_submitting_makes_the_ranks_public_as_submission_1(
    lund_client, lund, draft_plan, lund_registration, priorities_form
):
    chosen = {CHILDREN: (1, GUARANTEE), READING: (2, NEWCOMERS)}
    lund_client.post(LUND_URL, priorities_form(draft_plan, chosen, version=0))
    response = lund_client.post(
        LUND_URL, priorities_form(draft_plan, chosen, version=1, button="submit")
    )
    assert response.status_code == 302
    submission = Submission.objects.get(registration=lund_registration)
    assert submission.number == 1
    assert [(line.development_area.slug, line.rank) for line in submission.lines.all()] == [
        (CHILDREN, 1),
        (READING, 2),
    ]
    row = _lund_row(draft_plan, lund)
    assert row.submitted
    assert row.ranks == {area(draft_plan, CHILDREN).pk: 1, area(draft_plan, READING).pk: 2}
    assert (
        "Tack! Kommunens prioriteringar är inskickade."
        in lund_client.get(LUND_URL).content.decode()
    )


def test_a_revision_is_submission_2_and_the_page_shows_both(
    lund_client, lund, lund_chief, draft_plan, lund_registration, priorities_form
):
    first = {CHILDREN: (1, GUARANTEE), READING: (2, NEWCOMERS)}
    lund_client.post(LUND_URL, priorities_form(draft_plan, first, version=0, button="submit"))
    revised = {HEALTH: (1, PRESCRIPTION), CHILDREN: (2, GUARANTEE)}
    response = lund_client.post(
        LUND_URL, priorities_form(draft_plan, revised, version=1, button="submit")
    )
    assert response.status_code == 302
    numbers = list(lund_registration.submissions.values_list("number", flat=True))
    assert numbers == [2, 1]
    lund_registration.refresh_from_db()
    assert lund_registration.current_submission.number == 2
    assert lund_registration.current_submission.submitted_by == lund_chief
    assert _lund_row(draft_plan, lund).ranks == {
        area(draft_plan, HEALTH).pk: 1,
        area(draft_plan, CHILDREN).pk: 2,
    }
    page = lund_client.get(LUND_URL).content.decode()
    assert "Inskickning 1:" in page and "Inskickning 2:" in page
    assert PRESCRIPTION in page and NEWCOMERS in page  # the new one and the one it replaced


def test_a_draft_after_a_submission_leaves_the_public_on_the_submission(
    lund_chief, lund, draft_plan, lund_registration, save_as, lund_client
):
    save_as(lund_chief, lund_registration, {CHILDREN: (1, GUARANTEE)}, submit=True)
    save_as(lund_chief, lund_registration, {READING: (1, NEWCOMERS)})
    assert _lund_row(draft_plan, lund).ranks == {area(draft_plan, CHILDREN).pk: 1}
    lund_registration.refresh_from_db()
    assert lund_registration.is_submitted and lund_registration.has_draft_changes
    page = lund_client.get(LUND_URL).content.decode()
    assert "Det finns ändringar i utkastet som inte är inskickade." in page


def test_a_rank_typed_in_an_unticked_row_is_an_error_beside_it(
    lund_client, draft_plan, lund_registration, priorities_form
):
    """Defect (issue 20): a rank typed in a row not ticked was silently dropped. Now it is
    refused beside the rank, and everything typed stays in the form."""
    data = priorities_form(
        draft_plan,
        {CHILDREN: (1, GUARANTEE)},
        version=0,
        rows={READING: {"rank": "2", "motivation": "Kanske nästa gång."}},
    )
    response = lund_client.post(LUND_URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    row = _index(draft_plan, READING)
    assert f'id="id_omrade-{row}-rank_error"' in html
    assert "Kryssa i området" in _error_summary(html)
    assert "Kanske nästa gång." in html and GUARANTEE in html
    assert _stored(lund_registration) == []


def test_submitting_with_no_area_ticked_is_refused(
    lund_client, draft_plan, lund_registration, priorities_form
):
    """Defect (issue 20): "Skicka in" with nothing ticked was stored as "Inskickning 1: Inga
    områden valda." and counted on the board."""
    data = priorities_form(draft_plan, {}, version=0, button="submit")
    response = lund_client.post(LUND_URL, data)
    assert response.status_code == 400
    assert "Kryssa i minst ett utvecklingsområde" in _error_summary(response.content.decode())
    lund_registration.refresh_from_db()
    assert not lund_registration.is_submitted
    assert not Submission.objects.filter(registration=lund_registration).exists()


def test_a_draft_with_no_area_ticked_may_be_saved(
    lund_client, draft_plan, lund_registration, priorities_form
):
    data = priorities_form(draft_plan, {}, version=0)
    assert lund_client.post(LUND_URL, data).status_code == 302


def test_unticked_areas_fold_away(lund_client, draft_plan, lund_registration):
    """Defect (issue 20): the form was 7,270 px tall at 1280; an unticked area shows its
    box and title only (the rest folds away without JavaScript, stylesheet :has())."""
    html = lund_client.get(LUND_URL).content.decode()
    assert html.count('class="priority-row"') == draft_plan.development_areas.count()
    assert 'class="priority-details"' in html


# --- The window, on the server's clock -------------------------------------------------------


@pytest.fixture
def autumn_window(window):
    """The draft plan's window moved to 1 September 08.00 – 1 October 2027 16.00."""
    RegistrationWindow.objects.filter(pk=window.pk).update(
        opens_at=local(2027, 9, 1, 8), closes_at=local(2027, 10, 1, 16)
    )
    window.refresh_from_db()
    return window


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        pytest.param(local(2027, 9, 1, 7, 59, 59), False, id="a second before it opens"),
        pytest.param(local(2027, 9, 1, 8), True, id="as it opens"),
        pytest.param(local(2027, 10, 1, 15, 59, 59), True, id="a second before it closes"),
        pytest.param(local(2027, 10, 1, 16), False, id="as it closes"),
    ],
)
def test_the_window_edges(autumn_window, lund_chief, lund_registration, save_as, moment, accepted):
    chosen = {CHILDREN: (1, GUARANTEE)}
    if accepted:
        save_as(lund_chief, lund_registration, chosen, submit=True, moment=moment)
        assert lund_registration.submissions.count() == 1
        return
    with pytest.raises(services.WindowClosed):
        save_as(lund_chief, lund_registration, chosen, submit=True, moment=moment)
    lund_registration.refresh_from_db()
    assert lund_registration.version == 0 and _stored(lund_registration) == []
    assert not lund_registration.submissions.exists()


@pytest.fixture
def window_over_the_spring_change(window):
    """Opens Saturday 27 March 2027 12.00 and closes Sunday 28 March 12.00, Swedish time:
    the clocks go forward at 02.00 in between, so it is open for 23 hours, not 24."""
    RegistrationWindow.objects.filter(pk=window.pk).update(
        opens_at=local(2027, 3, 27, 12), closes_at=local(2027, 3, 28, 12)
    )
    window.refresh_from_db()
    return window


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        pytest.param(local(2027, 3, 28, 11, 59, 59), True, id="a second before 12.00 summer time"),
        pytest.param(local(2027, 3, 28, 12), False, id="at 12.00 summer time"),
        pytest.param(local(2027, 3, 28, 12, 0, 1), False, id="a second after 12.00 summer time"),
        pytest.param(local(2027, 3, 28, 3, 30), True, id="just after the change, 03.30"),
    ],
)
def test_a_window_closing_across_the_change_to_summer_time(
    window_over_the_spring_change, lund_chief, lund_registration, save_as, moment, accepted
):
    chosen = {CHILDREN: (1, GUARANTEE)}
    if accepted:
        save_as(lund_chief, lund_registration, chosen, moment=moment)
        assert _stored(lund_registration) == [(CHILDREN, 1, GUARANTEE)]
    else:
        with pytest.raises(services.WindowClosed):
            save_as(lund_chief, lund_registration, chosen, moment=moment)
        assert _stored(lund_registration) == []


def test_the_window_over_the_spring_change_is_23_hours_long(
    window_over_the_spring_change, lund_chief, lund_registration, save_as
):
    opened = window_over_the_spring_change.opens_at
    save_as(lund_chief, lund_registration, {}, moment=opened + timedelta(hours=23, seconds=-1))
    with pytest.raises(services.WindowClosed):
        save_as(lund_chief, lund_registration, {}, moment=opened + timedelta(hours=23))
    assert window_over_the_spring_change.closes_at - opened == timedelta(hours=23)


def test_a_post_after_the_window_closed_is_refused_and_stores_nothing(
    lund_client, lund_draft, draft_plan, window, close_window, priorities_form
):
    close_window(window)
    data = priorities_form(draft_plan, {CHILDREN: (1, GUARANTEE)}, version=1, button="submit")
    response = lund_client.post(LUND_URL, data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Anmälan är stängd. Dina prioriteringar sparades inte." in html
    lund_draft.refresh_from_db()
    assert lund_draft.version == 1
    assert _stored(lund_draft) == [(HEALTH, 1, PRESCRIPTION)]
    assert not Submission.objects.filter(registration=lund_draft).exists()


def test_after_the_window_closed_the_page_is_read_only(
    lund_client, lund_draft, window, close_window
):
    close_window(window)
    html = lund_client.get(LUND_URL).content.decode()
    assert "Anmälan stängde" in html
    assert "omrade-TOTAL_FORMS" not in html and "priorities-form" not in html
    assert "Skicka in" not in html
    assert "Kultur och hälsa" in html and PRESCRIPTION in html  # what is stored, listed


# --- No lost update --------------------------------------------------------------------------


def test_a_second_persons_save_never_overwrites_the_first(
    lund_client,
    lund_official_client,
    lund_chief,
    draft_plan,
    lund_registration,
    priorities_form,
    page,
):
    chiefs_version = page(lund_client.get(LUND_URL).content.decode()).value("version")
    officials_version = page(lund_official_client.get(LUND_URL).content.decode()).value("version")
    assert chiefs_version == officials_version == "0"

    chiefs = priorities_form(draft_plan, {CHILDREN: (1, GUARANTEE)}, version=chiefs_version)
    assert lund_client.post(LUND_URL, chiefs).status_code == 302

    mine = "Läsombud på arbetsplatserna, tillsammans med studieförbunden."
    officials = priorities_form(draft_plan, {READING: (1, mine)}, version=officials_version)
    response = lund_official_client.post(LUND_URL, officials)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Någon annan sparade medan du skrev" in html
    assert "Lena Lundberg har sparat kommunens prioriteringar" in html
    assert f"Barns och ungas rätt till kultur: {GUARANTEE}" in html  # what is stored now
    form = page(html)
    assert form.textareas[f"omrade-{_index(draft_plan, READING)}-motivation"] == mine
    assert form.checked(f"omrade-{_index(draft_plan, READING)}-chosen")
    assert form.value("version") == "1"  # saving again builds on what is stored
    lund_registration.refresh_from_db()
    assert lund_registration.version == 1 and lund_registration.updated_by == lund_chief
    assert _stored(lund_registration) == [(CHILDREN, 1, GUARANTEE)]
    assert AuditEntry.objects.about(lund_registration).count() == 1


def test_after_the_conflict_saving_again_on_the_stored_version_goes_through(
    lund_official_client, lund_official, lund_chief, lund_draft, draft_plan, priorities_form
):
    stale = priorities_form(draft_plan, {READING: (1, NEWCOMERS)}, version=0)
    assert lund_official_client.post(LUND_URL, stale).status_code == 409
    fresh = priorities_form(draft_plan, {READING: (1, NEWCOMERS)}, version=1)
    assert lund_official_client.post(LUND_URL, fresh).status_code == 302
    lund_draft.refresh_from_db()
    assert lund_draft.version == 2 and lund_draft.updated_by == lund_official
    assert _stored(lund_draft) == [(READING, 1, NEWCOMERS)]


def test_the_service_refuses_a_stale_base_version(
    lund_chief, lund_official, lund_registration, save_as
):
    save_as(lund_chief, lund_registration, {CHILDREN: (1, GUARANTEE)}, base_version=0)
    with pytest.raises(services.StaleRegistration) as refused:
        save_as(lund_official, lund_registration, {READING: (1, NEWCOMERS)}, base_version=0)
    assert refused.value.registration.version == 1
    assert refused.value.registration.updated_by == lund_chief
    assert [e.action for e in refused.value.entries] == ["priorities.saved"]
    assert _stored(lund_registration) == [(CHILDREN, 1, GUARANTEE)]


# --- History ---------------------------------------------------------------------------------


def test_history_records_who_saved_and_submitted_each_area(
    lund_chief, lund_registration, save_as, draft_plan
):
    save_as(lund_chief, lund_registration, {CHILDREN: (1, GUARANTEE), READING: (2, NEWCOMERS)})
    save_as(
        lund_chief,
        lund_registration,
        {READING: (1, NEWCOMERS), CHILDREN: (2, GUARANTEE)},
        submit=True,
    )
    submitted, saved = AuditEntry.objects.about(lund_registration)
    children, reading = area(draft_plan, CHILDREN).title, area(draft_plan, READING).title
    assert saved.action == "priorities.saved" and saved.actor == lund_chief
    assert saved.changes == {
        children: [None, f"1. {GUARANTEE}"],
        reading: [None, f"2. {NEWCOMERS}"],
    }
    assert submitted.action == "priorities.submitted" and submitted.actor == lund_chief
    assert submitted.changes == {
        children: [f"1. {GUARANTEE}", f"2. {GUARANTEE}"],
        reading: [f"2. {NEWCOMERS}", f"1. {NEWCOMERS}"],
    }
    assert submitted.details["submission"] == 1


def test_history_records_an_area_that_was_dropped(
    lund_chief, lund_registration, save_as, draft_plan
):
    """Unticking an area is a change too: the history must say it went."""
    save_as(lund_chief, lund_registration, {CHILDREN: (1, GUARANTEE), READING: (2, NEWCOMERS)})
    save_as(lund_chief, lund_registration, {CHILDREN: (1, GUARANTEE)})
    latest = AuditEntry.objects.about(lund_registration).first()
    assert latest.changes == {area(draft_plan, READING).title: [f"2. {NEWCOMERS}", None]}


def test_the_page_shows_the_history(lund_client, draft_plan, lund_registration, priorities_form):
    chosen = {CHILDREN: (1, GUARANTEE)}
    lund_client.post(LUND_URL, priorities_form(draft_plan, chosen, version=0))
    lund_client.post(LUND_URL, priorities_form(draft_plan, chosen, version=1, button="submit"))
    html = lund_client.get(LUND_URL).content.decode()
    history = html[html.index('id="history-heading"') :]
    assert "Lena Lundberg &lt;kulturchef.lund@example.se&gt;" in history
    assert "Prioriteringar sparade som utkast" in history
    assert "Prioriteringar inskickade" in history
    assert "Barns och ungas rätt till kultur" in history and GUARANTEE in history


# --- Bad input -------------------------------------------------------------------------------

BAD_INPUT = [
    pytest.param(
        {CHILDREN: (1, GUARANTEE), READING: (3, NEWCOMERS)},
        {},
        [(READING, "rank", "Rangordningen har en lucka")],
        id="a gap in the ranking",
    ),
    pytest.param(
        {CHILDREN: (1, GUARANTEE), READING: (1, NEWCOMERS)},
        {},
        [(CHILDREN, "rank", "Två områden har rang 1"), (READING, "rank", "Två områden har rang 1")],
        id="two areas with the same rank",
    ),
    pytest.param(
        {CHILDREN: (1, GUARANTEE), READING: (2, "  ")},
        {},
        [(READING, "motivation", "Skriv varför kommunen prioriterar området.")],
        id="a chosen area without a motivation",
    ),
    pytest.param(
        {CHILDREN: (1, GUARANTEE), READING: ("", NEWCOMERS)},
        {},
        [(READING, "rank", "Ange vilken rang området har.")],
        id="a chosen area without a rank",
    ),
    pytest.param(
        {CHILDREN: (1, GUARANTEE), READING: (2, NEWCOMERS)},
        {READING: {"development_area": "OTHER_PLAN"}},
        [(READING, None, "Utvecklingsområdet hör inte till den här planen.")],
        id="an area of the other plan",
    ),
]


@pytest.mark.parametrize(("chosen", "rows", "errors"), BAD_INPUT)
def test_bad_input_is_refused_beside_the_field_and_kept(
    lund_client, lund_draft, draft_plan, adopted_plan, priorities_form, page, chosen, rows, errors
):
    foreign = str(area(adopted_plan, "kulturens-rum").pk)  # only in 2025–2028
    rows = {
        slug: {k: foreign if v == "OTHER_PLAN" else v for k, v in r.items()}
        for slug, r in rows.items()
    }
    data = priorities_form(draft_plan, chosen, version=1, button="submit", rows=rows)
    response = lund_client.post(LUND_URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    summary = _error_summary(html)
    for slug, field, message in errors:
        assert message in summary
        if field:  # beside the field, and the field points at it
            error_id = f"id_omrade-{_index(draft_plan, slug)}-{field}_error"
            assert f'<ul class="errorlist" id="{error_id}"><li>{message}' in html
            assert error_id in next(
                a.get("aria-describedby", "")
                for tag, a in page(html).tags
                if a.get("id") == f"id_omrade-{_index(draft_plan, slug)}-{field}"
            )
    form = page(html)
    for slug, (rank, motivation) in chosen.items():  # everything typed is still there
        index = _index(draft_plan, slug)
        assert form.textareas[f"omrade-{index}-motivation"] == motivation
        assert form.value(f"omrade-{index}-rank") == str(rank)
        assert form.checked(f"omrade-{index}-chosen")
        assert form.value(f"omrade-{index}-contact_name") == "Lena Lundberg"
    # … and nothing of it is stored: Lund's draft stays as it was.
    lund_draft.refresh_from_db()
    assert lund_draft.version == 1 and _stored(lund_draft) == [(HEALTH, 1, PRESCRIPTION)]
    assert not Submission.objects.filter(registration=lund_draft).exists()
    assert AuditEntry.objects.about(lund_draft).count() == 1


def test_a_chief_with_a_201_character_name_saves_with_the_name_the_form_filled_in(
    lund_client, lund_chief, draft_plan, lund_registration, priorities_form
):
    """Sign-up allows a 100-character first and last name, so a full name of 201; the
    contact field, which the form fills in with it, held 200: saving refused the form's
    own value ("högst 200 tecken")."""
    lund_chief.first_name, lund_chief.last_name = "Å" * 100, "Ö" * 100
    lund_chief.save()
    name = lund_chief.get_full_name()
    assert f'value="{name}"' in lund_client.get(LUND_URL).content.decode()

    form = priorities_form(
        draft_plan, {CHILDREN: (1, GUARANTEE)}, version=0, contact=(name, lund_chief.email)
    )
    response = lund_client.post(LUND_URL, form)

    assert response.status_code == 302
    assert Priority.objects.get(registration=lund_registration).contact_name == name


def test_an_error_about_an_area_names_the_area_in_swedish(
    lund_client, lund_registration, draft_plan, adopted_plan, priorities_form
):
    """The error summary says which row is wrong, in the page's language."""
    foreign = str(area(adopted_plan, "kulturens-rum").pk)
    data = priorities_form(
        draft_plan,
        {READING: (1, NEWCOMERS)},
        version=0,
        rows={READING: {"development_area": foreign}},
    )
    html = lund_client.post(LUND_URL, data).content.decode()
    summary = _error_summary(html)
    assert "Läsande och litteratur" in summary
    assert "Development area" not in summary


def test_a_municipal_official_may_save_a_draft_but_not_submit(
    lund_official_client, lund_registration, draft_plan, priorities_form
):
    html = lund_official_client.get(LUND_URL).content.decode()
    assert "Spara utkast" in html and 'name="submit"' not in html
    assert "Kommunens kulturchef skickar in prioriteringarna." in html

    submit = priorities_form(draft_plan, {CHILDREN: (1, GUARANTEE)}, version=0, button="submit")
    assert lund_official_client.post(LUND_URL, submit).status_code == 403
    lund_registration.refresh_from_db()
    assert lund_registration.version == 0 and _stored(lund_registration) == []
    assert not lund_registration.submissions.exists()

    save = priorities_form(draft_plan, {CHILDREN: (1, GUARANTEE)}, version=0)
    assert lund_official_client.post(LUND_URL, save).status_code == 302
    assert _stored(lund_registration) == [(CHILDREN, 1, GUARANTEE)]
    assert not lund_registration.submissions.exists()


# --- Other municipalities --------------------------------------------------------------------


def test_lunds_chief_gets_404_for_malmos_priorities(
    lund_client, malmo_client, malmo, draft_plan, priorities_form
):
    assert malmo_client.get(MALMO_URL).status_code == 200  # Malmö's own chief may
    malmos = Registration.objects.get(plan=draft_plan, municipality=malmo)
    before = (malmos.version, malmos.current_submission_id, _stored(malmos))
    assert lund_client.get(MALMO_URL).status_code == 404
    data = priorities_form(draft_plan, {CHILDREN: (1, GUARANTEE)}, version=0, button="submit")
    assert lund_client.post(MALMO_URL, data).status_code == 404
    data = priorities_form(draft_plan, {CHILDREN: (1, GUARANTEE)}, version=malmos.version)
    assert lund_client.post(MALMO_URL, data).status_code == 404
    malmos.refresh_from_db()
    assert (malmos.version, malmos.current_submission_id, _stored(malmos)) == before
    assert malmos.submissions.count() == 1


def test_a_municipal_politician_gets_404_even_for_their_own_municipality(
    client, ystad_politician, plans, priorities_form
):
    url = PRIORITIES_URL.format(slug="ystad")
    client.force_login(User.objects.get(email="kulturchef.ystad@example.se"))
    assert client.get(url).status_code == 200  # Ystad's culture chief may
    client.force_login(ystad_politician)
    assert client.get(url).status_code == 404
    data = priorities_form(plans[1], {CHILDREN: (1, GUARANTEE)}, version=0, button="submit")
    assert client.post(url, data).status_code == 404


def test_someone_logged_out_is_sent_to_log_in(client, plans):
    response = client.get(LUND_URL)
    assert response.status_code == 302 and "/login/" in response.url
    assert not Registration.objects.filter(municipality__slug="lund", plan=plans[1]).exists()
