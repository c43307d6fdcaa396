"""Issue 11, section 4: forms that fit the task, on the meetings' management pages.

Each test names the defect it guards against.
"""

import itertools
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from forums import services
from forums.forms import AUDIENCE_FIELDS, DEFAULT_TOWNS
from forums.models import (
    AgendaItem,
    Audience,
    AudienceRule,
    ForumType,
    Invitation,
    Meeting,
    MeetingSession,
)
from forums.pasted import format_pasted, parse_pasted
from kulturportal.models import (
    Municipality,
    Organisation,
    OrganisationKind,
    OutgoingEmail,
    Role,
    SubRegion,
)
from tests.factories import (
    AgendaItemFactory,
    AudienceRuleFactory,
    CultureChiefFactory,
    InvitationFactory,
    NetworkFactory,
    OrganisationFactory,
    RoleAssignmentFactory,
    meeting_edit_post,
)

pytestmark = pytest.mark.django_db
_serial = itertools.count()

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "col", "area"}
CONTROLS = {"input", "select", "textarea", "button"}


class Page(HTMLParser):
    """The forms of a page: each form's controls, in order, and whether each is hidden
    (inside an element with the `hidden` attribute) or out of the Tab order."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[list[dict]] = []
        self._open: list[tuple[str, bool]] = []  # (tag, hidden)
        self._in_form = False
        self._button: dict | None = None
        self.feed(html)

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self._open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([])
            self._in_form = True
        if tag in CONTROLS and self._in_form:
            control = {
                "tag": tag,
                "name": attrs.get("name"),
                "type": attrs.get("type", ""),
                "value": attrs.get("value"),
                "checked": "checked" in attrs,
                "hidden": self._hidden() or attrs.get("type") == "hidden",
                "tabbable": attrs.get("tabindex") != "-1",
                "text": "",
            }
            self.forms[-1].append(control)
            if tag == "button":
                self._button = control
        if tag not in VOID:
            self._open.append((tag, "hidden" in attrs))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        if tag == "button":
            self._button = None
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data.strip()


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client


def _html(response) -> str:
    return response.content.decode()


# --- 1. The audience form: a rule shows and saves only its own fields -------------------------


def _rule_forms(html: str) -> dict[str, set[str]]:
    """kind → the names of the fields its form posts (besides the token and the kind)."""
    found = {}
    for controls in Page(html).forms:
        kinds = [c["value"] for c in controls if c["name"] == "kind"]
        if kinds:
            names = {c["name"] for c in controls if c["name"] and c["tag"] != "button"}
            found[kinds[0]] = names - {"csrfmiddlewaretoken", "kind"}
    return found


def test_each_kind_of_rule_has_a_form_with_only_its_own_fields(official_client, annual):
    """Defect: one form showed sub-regions, network, organisation, people and e-mails for
    every kind of rule."""
    html = _html(official_client.get(reverse("forums:meeting_audience", args=[annual.pk])))
    assert _rule_forms(html) == {
        Audience.CULTURE_CHIEFS: set(),
        Audience.MUNICIPAL_POLITICIANS: {"sub_regions"},
        Audience.NETWORK: {"network"},
        Audience.BODY: {"organisation"},
        Audience.CO_FINANCIERS: {"organisation"},
        Audience.SKANES_KOMMUNER: set(),
        Audience.REGIONAL_POLITICIANS: set(),
        Audience.PEOPLE: {"people"},
        Audience.EMAILS: {"emails"},
    }
    for kind, label in Audience.choices:  # a heading each, and a button of its own
        assert f'id="rule-{kind}-heading">{label}</h3>' in html
    assert "---------" not in html


def test_a_rule_keeps_none_of_the_fields_of_other_kinds(official_client, annual):
    """Defect: "Alla kulturchefer" posted with a network, a sub-region and an address was
    stored with all three and listed as "Alla kulturchefer: Nätverk …: Nordväst: a@…"."""
    annual.audience_rules.all().delete()
    network, region = NetworkFactory(), SubRegion.objects.first()
    response = official_client.post(
        reverse("forums:meeting_audience", args=[annual.pk]),
        {
            "kind": Audience.CULTURE_CHIEFS,
            "network": network.pk,
            "sub_regions": [region.pk],
            "emails": "Anna A <a@example.se>",
            "organisation": Organisation.objects.first().pk,
        },
        follow=True,
    )
    rule = annual.audience_rules.get()
    assert rule.kind == Audience.CULTURE_CHIEFS
    assert rule.network is None and rule.organisation is None and rule.emails == ""
    assert not rule.sub_regions.exists() and not rule.people.exists()
    listed = _html(response).split('id="rules-heading"')[1].split("</section>")[0]
    assert "Alla kulturchefer" in listed
    assert network.name not in listed and region.name not in listed and "a@example" not in listed


def test_the_rule_list_shows_only_a_rules_own_fields(official_client, annual):
    """Defect: a rule stored with fields of other kinds (before this change) showed them."""
    network = NetworkFactory()
    AudienceRule.objects.filter(meeting=annual).update(network=network, emails="a@example.se")
    html = _html(official_client.get(reverse("forums:meeting_audience", args=[annual.pk])))
    listed = html.split('id="rules-heading"')[1].split("</section>")[0]
    assert network.name not in listed and "a@example.se" not in listed


def test_a_refused_rule_says_why_beside_its_own_field(official_client, annual):
    """Defect: the kind was a select in one big form; a missing network was reported on a
    form that also showed four fields of no concern."""
    response = official_client.post(
        reverse("forums:meeting_audience", args=[annual.pk]), {"kind": Audience.NETWORK}
    )
    html = _html(response)
    assert response.status_code == 200
    assert 'id="id_network_network_error"' in html and "Välj ett nätverk." in html
    assert annual.audience_rules.count() == 1  # the culture chiefs' rule only


def test_a_bodys_and_a_co_financiers_form_offer_only_their_organisations(official_client, annual):
    """Defect: one "Institution eller områdeskollegium" list for both kinds, so a rule for
    an institution's co-financiers could name a consultation body."""
    body = OrganisationFactory(name="Testkollegiet", kind=OrganisationKind.CONSULTATION_BODY)
    house = OrganisationFactory(name="Testoperan", kind=OrganisationKind.CULTURAL_INSTITUTION)
    html = _html(official_client.get(reverse("forums:meeting_audience", args=[annual.pk])))
    body_form = html.split('id="rule-body-heading"')[1].split("</section>")[0]
    co_form = html.split('id="rule-co_financiers-heading"')[1].split("</section>")[0]
    assert body.name in body_form and house.name not in body_form
    assert house.name in co_form and body.name not in co_form
    url = reverse("forums:meeting_audience", args=[annual.pk])
    response = official_client.post(url, {"kind": Audience.CO_FINANCIERS, "organisation": body.pk})
    assert 'id="id_co_financiers_organisation_error"' in _html(response)


def test_every_kind_is_covered():
    assert set(AUDIENCE_FIELDS) == set(Audience.values)


# --- 2. Pasted lists: Namn <adress>, as Outlook and Gmail copy them ---------------------------


def test_pasted_names_are_kept_and_commas_in_quotes_are_part_of_the_name():
    """Defect: "Anna Andersson <anna@lund.se>" was split at spaces and commas, so a name
    was reported as a bad address and "Berg, Bo" became two bad entries."""
    pairs, problems = parse_pasted(
        'Anna Andersson <Anna@Lund.se>; "Berg, Bo" <bo@x.se>\n'
        "cecilia@ystad.se, 'Dag Dahl' <dag@malmo.se>\n"
        "Eva Ek\teva@ek.se\n"
    )
    assert pairs == [
        ("Anna Andersson", "anna@lund.se"),
        ("Berg, Bo", "bo@x.se"),
        ("", "cecilia@ystad.se"),
        ("Dag Dahl", "dag@malmo.se"),
        ("Eva Ek", "eva@ek.se"),
    ]
    assert problems == []


def test_a_stored_list_reads_back_as_it_was():
    """A straight quote in a name is made typographic (issue 20, item 11); what is stored
    then reads back unchanged."""
    pairs = [("Berg, Bo", "bo@x.se"), ("Ann ”Nan” Ek; kultur", "ann@x.se"), ("", "c@x.se")]
    stored = format_pasted(pairs)
    assert stored.splitlines()[0] == '"Berg, Bo" <bo@x.se>'
    assert parse_pasted(stored) == (pairs, [])
    assert parse_pasted('"Ann \\"Nan\\" Ek" <ann@x.se>')[0] == [("Ann ”Nan” Ek", "ann@x.se")]


def test_pasted_problems_name_their_line_and_quote_it():
    pairs, problems = parse_pasted("ny@example.se\nAnna <fel-adress>\nNY@example.se")
    assert pairs == [("", "ny@example.se")]
    assert problems == [
        "Rad 2: ”Anna <fel-adress>” är inte en e-postadress.",
        "Rad 3: ny@example.se står redan med.",
    ]


def test_pasted_names_are_stored_and_the_box_keeps_only_what_to_mend(official_client, annual):
    """The box keeps only the bad lines; each problem names its line as pasted (issue 20,
    item 18 reversed issue 11's numbering by the box: "Rad 1" for line 2 misled)."""
    url = reverse("forums:meeting_audience", args=[annual.pk])
    response = official_client.post(
        url,
        {
            "kind": Audience.EMAILS,
            "emails": 'Anna Andersson <anna@lund.se>; "Berg, Bo" <bo@x.se>\n'
            "ny@example.se\nny@example.se\nfel-adress, cilla@x.se\n",
        },
    )
    html = _html(response)
    rule = annual.audience_rules.get(kind=Audience.EMAILS)
    assert rule.emails.splitlines() == [
        "Anna Andersson <anna@lund.se>",
        '"Berg, Bo" <bo@x.se>',
        "ny@example.se",
        "cilla@x.se",
    ]
    box = html.split('name="emails"')[1].split("</textarea>")[0].split(">", 1)[1]
    assert box.strip() == "fel-adress"
    assert "Rad 4: ”fel-adress” är inte en e-postadress." in html
    assert "Rad 1:" not in html
    assert "Rad 3:" not in html  # the duplicate is told once, above, not as a line to mend
    assert 'id="id_emails_emails_error"' in html  # beside the field
    assert "4 adresser lades till" in html


def test_a_pasted_list_that_is_all_wrong_saves_nothing_and_keeps_the_text(official_client, annual):
    url = reverse("forums:meeting_audience", args=[annual.pk])
    html = _html(official_client.post(url, {"kind": Audience.EMAILS, "emails": "x\ny"}))
    assert not annual.audience_rules.filter(kind=Audience.EMAILS).exists()
    assert "Rad 1: ”x”" in html and "Rad 2: ”y”" in html


# --- 3. Who is missing ------------------------------------------------------------------------


def test_the_send_page_names_the_municipalities_without_a_culture_chief(official_client, annual):
    """Defect: the send page said "2 mottagare från 2 kommuner" and not which 31 of the 33
    municipalities the rule "Alla kulturchefer" reaches nobody in."""
    html = _html(official_client.get(reverse("forums:meeting_send", args=[annual.pk])))
    assert (
        "Alla kulturchefer: 2 mottagare från 2 kommuner — 31 kommuner saknar registrerad kulturchef"
    ) in html
    missing = html.split("Visa de 31 kommunerna</summary>")[1].split("</details>")[0]
    assert "Lund" not in missing and "Malmö" not in missing
    # Swedish order: Å, Ä and Ö after Z.
    assert missing.strip().removeprefix("<p>").startswith("Bjuv, Bromölla, Burlöv, Båstad")
    assert (
        missing.strip()
        .removesuffix("</p>")
        .endswith("Åstorp, Ängelholm, Örkelljunga, Östra Göinge")
    )


def test_politicians_of_chosen_sub_regions_and_co_financiers_are_covered(official_client, annual):
    region = SubRegion.objects.get(municipalities__code="1286")  # Ystad's
    AudienceRuleFactory(meeting=annual, kind=Audience.MUNICIPAL_POLITICIANS, sub_regions=[region])
    lund, malmo = Municipality.objects.get(code="1281"), Municipality.objects.get(code="1280")
    house = OrganisationFactory(
        name="Testdansteatern",
        kind=OrganisationKind.CULTURAL_INSTITUTION,
        co_financing_municipalities=[lund, malmo, Municipality.objects.get(code="1290")],
    )
    AudienceRule.objects.create(meeting=annual, kind=Audience.CO_FINANCIERS, organisation=house)
    html = _html(official_client.get(reverse("forums:meeting_send", args=[annual.pk])))
    in_region = region.municipalities.count()
    assert (
        f"Kommunernas kulturpolitiker ({region.name}): 1 mottagare från 1 kommun — "
        f"{in_region - 1} kommuner saknar registrerad kulturpolitiker"
    ) in html
    assert (
        "En institutions medfinansierande kommuner (Testdansteatern): 2 mottagare från "
        "2 kommuner — 1 kommun saknar registrerad kulturchef och kulturpolitiker"
    ) in html
    assert "Visa kommunen</summary>" in html and "Kristianstad" in html


def test_the_replies_page_names_the_municipalities_where_nobody_answered(
    official_client, annual, lund_chief, malmo_chief, send_now
):
    """Defect: the replies page counted municipalities but never said which had not answered."""
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    services.record_reply(
        invitation=Invitation.objects.get(user=lund_chief),
        response=Invitation.Response.DECLINED,
        actor=None,
    )
    html = _html(official_client.get(reverse("forums:meeting_replies", args=[annual.pk])))
    section = html.split('id="unanswered-heading"')[1].split("</section>")[0]
    assert "1 kommun där ingen har svarat ännu" in section
    assert "Malmö" in section and "Lund" not in section
    assert "31 kommuner saknar registrerad kulturchef" in html


def test_the_replies_list_has_a_session_column_only_for_a_sub_regional_round(
    official_client, annual, sub_regional_round
):
    """Defect: an annual deliberation's list of invitees had a "Delmöte" column of dashes."""
    for meeting in (annual, sub_regional_round):
        InvitationFactory(meeting=meeting)
    annual_page = _html(official_client.get(reverse("forums:meeting_replies", args=[annual.pk])))
    round_page = _html(
        official_client.get(reverse("forums:meeting_replies", args=[sub_regional_round.pk]))
    )
    header = '<th scope="col">Delmöte</th>'
    assert header not in annual_page
    assert header in round_page


def _grow_coverage(meeting, k, house, *, rules: bool):
    """k more culture chiefs and politicians, invitations (every other one answered) and
    co-financing municipalities; with `rules`, k more politicians' and co-financiers' rules
    too (the replies page; the send page's resolve_audience asks once per co-financiers'
    rule, which is services.py's to mend)."""
    municipalities = itertools.cycle(Municipality.objects.all())
    regions = itertools.cycle(SubRegion.objects.all())
    for _ in range(k):
        n = next(_serial)
        chief = CultureChiefFactory(role__municipality=next(municipalities))
        RoleAssignmentFactory(role=Role.MUNICIPAL_POLITICIAN, municipality=next(municipalities))
        house.co_financing_municipalities.add(next(municipalities))
        if rules:
            AudienceRuleFactory(
                meeting=meeting, kind=Audience.MUNICIPAL_POLITICIANS, sub_regions=[next(regions)]
            )
            AudienceRule.objects.create(
                meeting=meeting, kind=Audience.CO_FINANCIERS, organisation=house
            )
        invitation = InvitationFactory(
            meeting=meeting, user=chief, municipality=next(municipalities)
        )
        if n % 2:
            Invitation.objects.filter(pk=invitation.pk).update(
                response=Invitation.Response.ACCEPTED
            )


@pytest.mark.parametrize(
    ("page", "rules"), [("forums:meeting_send", False), ("forums:meeting_replies", True)]
)
def test_who_is_missing_keeps_the_query_count_flat(
    official_client, assert_flat_queries, annual, page, rules
):
    """More people, invitations (and, on the replies page, rules) must not mean more
    queries on the pages that say who is missing."""
    Meeting.objects.filter(pk=annual.pk).update(status=Meeting.Status.SCHEDULED)
    AudienceRuleFactory(
        meeting=annual, kind=Audience.MUNICIPAL_POLITICIANS, sub_regions=[SubRegion.objects.first()]
    )
    house = OrganisationFactory(kind=OrganisationKind.CULTURAL_INSTITUTION)
    AudienceRule.objects.create(meeting=annual, kind=Audience.CO_FINANCIERS, organisation=house)
    path = reverse(page, args=[annual.pk])
    assert_flat_queries(path, lambda k: _grow_coverage(annual, k, house, rules=rules))
    assert "saknar registrerad" in _html(official_client.get(path))


def test_who_is_missing_asks_the_same_few_queries_however_many_rules(annual):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forums import coverage

    counts = []
    house = OrganisationFactory(kind=OrganisationKind.CULTURAL_INSTITUTION)
    for k in (3, 27):
        _grow_coverage(annual, k, house, rules=True)
        with CaptureQueriesContext(connection) as queries:
            assert coverage.audience_coverage(annual)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 5


# --- 4. The meeting form ----------------------------------------------------------------------


def _meeting_form(html: str) -> list[dict]:
    (controls,) = [f for f in Page(html).forms if any(c["text"] == "Spara" for c in f)]
    return controls


def _focusable_before_save(controls: list[dict]) -> list[dict]:
    stops = []
    for control in controls:
        if control["hidden"] or not control["tabbable"]:
            continue
        if control["tag"] == "button" and control["text"] == "Spara":
            return stops
        stops.append(control)
    raise AssertionError("no Spara button")


def test_a_new_meeting_form_has_few_stops_before_save(official_client):
    """Defect: the new-meeting form was about 5,000 px tall at 1280 px and took 114 Tab
    presses to Save: four sessions for any kind of meeting, three blank agenda rows each
    with a "Radera" box."""
    html = _html(official_client.get(reverse("forums:meeting_create")))
    stops = _focusable_before_save(_meeting_form(html))
    assert len(stops) < 25, [c["name"] for c in stops]
    assert not [c for c in stops if (c["name"] or "").startswith("sessions-")]


def test_no_delete_box_on_blank_rows_and_no_dashes_for_an_empty_choice(official_client, annual):
    """Defect: every blank agenda and session row had a "Radera" box, and empty choices read
    "---------"."""
    html = _html(official_client.get(reverse("forums:meeting_create")))
    names = {c["name"] for c in _meeting_form(html)}
    assert not {n for n in names if n and n.endswith("-DELETE")}
    assert "---------" not in html
    assert "Välj överläggningsform" in html
    AgendaItemFactory(meeting=annual, title="Välkommen")
    html = _html(official_client.get(reverse("forums:meeting_edit", args=[annual.pk])))
    names = {c["name"] for c in _meeting_form(html)}
    assert "agenda-0-DELETE" in names and "agenda-1-DELETE" not in names
    assert "agenda-1-title" in names  # one blank row to add a point


def test_sessions_show_only_for_a_sub_regional_round(official_client, sub_regional_round, annual):
    """Defect: the four sessions were on the form of every meeting."""
    html = _html(official_client.get(reverse("forums:meeting_edit", args=[annual.pk])))
    sessions = [c for c in _meeting_form(html) if (c["name"] or "").startswith("sessions-")]
    # There, hidden, for the script to show when the form is changed to a round.
    assert sessions and all(c["hidden"] for c in sessions)
    url = reverse("forums:meeting_edit", args=[sub_regional_round.pk])
    html = _html(official_client.get(url))
    shown = {c["name"] for c in _meeting_form(html) if not c["hidden"]}
    assert {"sessions-0-town", "sessions-3-starts_at"} <= shown


def test_a_posted_round_shows_its_sessions_without_javascript(official_client, in_a_month):
    """Without JavaScript the server decides: a new meeting posted as a round comes back
    with its sessions to fill in."""
    data = meeting_edit_post(
        Meeting(title="Omgång", starts_at=in_a_month, ends_at=in_a_month + timedelta(hours=3)),
        forum_type=ForumType.SUB_REGIONAL,
        version="0",
        **{"sessions-TOTAL_FORMS": "4", "agenda-TOTAL_FORMS": "1"},
        # The hidden rows post their towns, as a browser without JavaScript does.
        **{f"sessions-{n}-town": town for n, town in enumerate(DEFAULT_TOWNS)},
    )
    html = _html(official_client.post(reverse("forums:meeting_create"), data))
    assert "minst ett delmöte" in html
    shown = {c["name"] for c in _meeting_form(html) if not c["hidden"]}
    assert "sessions-0-town" in shown
    assert not Meeting.objects.exists()


def test_sessions_posted_for_another_kind_of_meeting_are_not_saved(official_client, annual):
    data = meeting_edit_post(
        annual,
        **{
            "sessions-TOTAL_FORMS": "1",
            "sessions-0-town": "Ystad",
            "sessions-0-starts_at": "2099-01-01T10:00",
            "sessions-0-ends_at": "2099-01-01T12:00",
        },
    )
    response = official_client.post(reverse("forums:meeting_edit", args=[annual.pk]), data)
    assert response.status_code == 302
    assert not MeetingSession.objects.filter(meeting=annual).exists()


def test_add_an_agenda_row_without_javascript(official_client, annual):
    """ "Lägg till punkt" comes back with one more blank row, keeps what was typed, checks
    and saves nothing."""
    data = meeting_edit_post(
        annual,
        title="",  # would be refused on Save; adding a row judges nothing
        **{"agenda-TOTAL_FORMS": "1", "agenda-0-title": "Välkommen", "lagg_till_punkt": "1"},
    )
    response = official_client.post(reverse("forums:meeting_edit", args=[annual.pk]), data)
    html = _html(response)
    assert response.status_code == 200
    names = [c["name"] for c in _meeting_form(html)]
    assert "agenda-1-title" in names and "agenda-2-title" not in names
    assert 'value="Välkommen"' in html
    assert "error-summary" not in html and "errorlist" not in html
    assert not AgendaItem.objects.exists()
    annual.refresh_from_db()
    assert annual.title == "Årlig överläggning" and annual.version == 0


def test_enter_saves_rather_than_adds_a_row(official_client):
    """The first submit button is the form's default (Enter in a field): it must be Save."""
    html = _html(official_client.get(reverse("forums:meeting_create")))
    buttons = [c for c in _meeting_form(html) if c["tag"] == "button"]
    assert buttons[0]["text"] == "Spara" and buttons[0]["name"] is None


# --- 5. Notify or not, the cover note, the preview as the recipient sees it -------------------


@pytest.fixture
def sent(annual, send_now):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    annual.refresh_from_db()
    return annual


def test_notify_is_asked_only_when_a_sent_meeting_is_edited(official_client, annual, sent):
    html = _html(official_client.get(reverse("forums:meeting_edit", args=[sent.pk])))
    radios = [c for c in _meeting_form(html) if c["name"] == "notify"]
    assert [(c["value"], c["checked"]) for c in radios] == [("yes", True), ("no", False)]
    assert "Skicka uppdateringen till de inbjudna" in html
    assert "Skicka inget e-post (till exempel för ett rättat stavfel)" in html
    assert "får 2 inbjudna en uppdatering (2 har inte svarat)." in html


def test_notify_is_not_asked_for_a_draft(official_client, annual):
    html = _html(official_client.get(reverse("forums:meeting_edit", args=[annual.pk])))
    assert 'name="notify"' not in html


@pytest.mark.parametrize(("notify", "updates"), [("yes", 2), ("no", 0)])
def test_a_change_is_sent_only_if_asked(
    official_client, sent, django_capture_on_commit_callbacks, notify, updates
):
    before = OutgoingEmail.objects.count()
    data = meeting_edit_post(sent, place="Kristianstad", notify=notify)
    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(reverse("forums:meeting_edit", args=[sent.pk]), data)
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.place == "Kristianstad"
    assert OutgoingEmail.objects.count() - before == updates


def test_the_cover_note_goes_into_the_invitation(
    official_client, annual, django_capture_on_commit_callbacks
):
    url = reverse("forums:meeting_send", args=[annual.pk])
    assert "Följebrev (visas överst i inbjudan)" in _html(official_client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(url, {"cover_note": "Välkomna till Malmö Live!"})
    assert response.status_code == 302
    assert all("Välkomna till Malmö Live!" in e.body_text for e in OutgoingEmail.objects.all())


def test_a_too_long_cover_note_is_refused_and_kept(official_client, annual):
    note = "Å" * 2001
    url = reverse("forums:meeting_send", args=[annual.pk])
    html = _html(official_client.post(url, {"cover_note": note}))
    assert note in html and "högst 2000 tecken" in html.replace("\xa0", "")
    assert 'id="id_cover_note_error"' in html
    assert not Invitation.objects.exists()


def test_the_send_page_frames_the_html_email_and_keeps_the_text_below(official_client, annual):
    html = _html(official_client.get(reverse("forums:meeting_send", args=[annual.pk])))
    src = reverse("forums:meeting_send_preview", args=[annual.pk])
    assert f'<iframe class="email-frame" sandbox src="{src}" title="' in html
    assert '<details><summary>Textversionen</summary><pre class="email-text" lang="sv">' in html
    response = official_client.get(src)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
    )
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "Årlig överläggning" in _html(response)


def test_the_framed_preview_shows_the_note_typed_on_the_page(official_client, annual):
    url = reverse("forums:meeting_send", args=[annual.pk])
    official_client.post(url, {"cover_note": "Ta med kulturplanen.", "forhandsgranska": "1"})
    assert not Invitation.objects.exists()
    framed = official_client.get(reverse("forums:meeting_send_preview", args=[annual.pk]))
    assert "Ta med kulturplanen." in _html(framed)
