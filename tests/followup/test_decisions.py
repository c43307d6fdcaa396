"""Decisions entered by hand: the organisation by name or number, the state grant per area,
the region's and the municipalities' grants; a second official's save is never lost."""

from decimal import Decimal

from followup.models import FundingDecision
from kulturportal.models import AuditEntry, User
from tests.followup import world


def _post(client, url, **fields):
    data = {"organisation": "", "year": "", "region_grant": "", "reference": "", "note": ""}
    data.update(fields)
    return client.post(url, data)


def test_an_official_registers_a_decision_by_organisation_number(client, official, opera):
    client.force_login(official)
    response = _post(
        client,
        "/uppfoljning/hantera/beslut/ny/",
        organisation=opera.org_number.replace("-", ""),
        year="2026",
        region_grant="121 000 000",
        **{"state__teater-dans-musik": "66 000 000"},
    )
    assert response.status_code == 302
    decision = FundingDecision.objects.with_lines().get(organisation=opera, year=2026)
    assert decision.state_total == Decimal("66000000") and decision.region_grant == 121_000_000
    assert AuditEntry.objects.about(decision).filter(action="decision.created").exists()


def test_bad_input_in_a_decision_is_refused_beside_the_field(client, official, opera):
    client.force_login(official)
    response = _post(
        client,
        "/uppfoljning/hantera/beslut/ny/",
        organisation="Ingen sådan förening",
        year="tjugo",
        region_grant="-1",
        **{"state__film": "abc"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Ingen organisation" in errors["organisation"][0]
    assert "årtal" in errors["year"][0]
    assert "negativ" in errors["region_grant"][0]
    assert "till exempel" in errors["state__film"][0]
    response = _post(
        client, "/uppfoljning/hantera/beslut/ny/", organisation="Malmö Opera", year="2026"
    )
    assert "minst ett verksamhetsområde" in " ".join(
        response.context["form"].errors["state__teater-dans-musik"]
    )


def test_two_officials_editing_one_decision_do_not_overwrite_each_other(
    client, official, decisions, opera
):
    decision = decisions[("opera", world.CURRENT)]
    url = f"/uppfoljning/hantera/beslut/{decision.pk}/"
    colleague = User.objects.create_user("kollega@example.se", "x", first_name="Kim")
    client.force_login(official)
    form = client.get(url).context["form"]
    base = {name: form[name].value() or "" for name in form.fields}
    base = {k: form.fields[k].prepare_value(v) if v != "" else "" for k, v in base.items()}
    from followup.services import DecisionLines, save_decision

    save_decision(
        decision=decision,
        organisation=opera,
        year=world.CURRENT,
        lines=DecisionLines(region_grant=Decimal(1), state={}),
        base_version=decision.version,
        actor=colleague,
    )
    response = client.post(url, {**base, "region_grant": "119 000 000"})
    assert response.status_code == 409
    assert "Någon annan sparade medan du skrev" in response.content.decode()
    decision.refresh_from_db()
    assert decision.region_grant == Decimal(1)
    again = {
        **base,
        "region_grant": "119 000 000",
        "version": response.context["form"]["version"].value(),
    }
    assert client.post(url, again).status_code == 302
    decision.refresh_from_db()
    assert decision.region_grant == Decimal(119_000_000)
