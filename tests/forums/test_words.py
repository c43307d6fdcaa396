"""Issue 20, item 18 (the forums' own words).

Defects:
- the pasted-address check reported line 2 as "Rad 1" (it numbered the lines left to
  mend, not the lines pasted);
- the English change history said "via svarslänken": the label was stored in Swedish
  when the invitee replied.
"""

import pytest
from django.urls import reverse

from forums import services
from forums.models import Audience

pytestmark = pytest.mark.django_db


def test_the_pasted_address_check_names_the_line_as_pasted(official_client, annual):
    url = reverse("forums:meeting_audience", args=[annual.pk])
    response = official_client.post(
        url, {"kind": Audience.EMAILS, "emails": "ok@example.se\ninte-en-adress"}
    )
    html = response.content.decode()
    assert "Rad 2: ”inte-en-adress” är inte en e-postadress." in html
    assert "Rad 1:" not in html


@pytest.mark.parametrize("via_calendar", [False, True], ids=["reply-link", "calendar"])
def test_the_english_history_says_how_the_invitee_replied_in_english(
    client, official, annual, send_now, lund_chief, via_calendar
):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    invitation = annual.invitations.get(email=lund_chief.email)
    services.record_reply(
        invitation=invitation, response="accepted", via_calendar=via_calendar, actor=None
    )
    client.force_login(official)
    english = client.get(f"/en/overlaggningar/{annual.pk}/hantera/").content.decode()
    swedish = client.get(f"/overlaggningar/{annual.pk}/hantera/").content.decode()
    if via_calendar:
        assert "via their calendar" in english and "via kalendern" not in english
        assert "via kalendern" in swedish
    else:
        assert "via the reply link" in english and "via svarslänken" not in english
        assert "via svarslänken" in swedish


def test_the_history_names_an_audience_rule_by_its_kind_not_as_an_object(
    official, official_client, annual
):
    """Defect (found in the issue 20 run): the manage page's history said "Regel:
    AudienceRule object (6)" when a rule was added or removed."""
    from forums.models import AudienceRule, Network

    network = Network.objects.create(name="Biblioteksnätverket", slug="bibliotek")
    rule = services.add_audience_rule(
        meeting=annual,
        rule=AudienceRule(kind=Audience.NETWORK, network=network),
        actor=official,
    )
    services.remove_audience_rule(meeting=annual, rule_pk=rule.pk, actor=official)
    html = official_client.get(reverse("forums:meeting_manage", args=[annual.pk])).content
    html = html.decode()
    assert "AudienceRule object" not in html
    assert html.count("Ett nätverks medlemmar: Biblioteksnätverket") == 2
