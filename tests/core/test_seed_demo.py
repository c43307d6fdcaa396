import pytest
from django.apps import apps
from django.core.management import CommandError, call_command


def _snapshot():
    rows = {}
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = sorted(map(repr, model.objects.values_list(*fields)))
    return rows


@pytest.mark.django_db
def test_seed_demo_twice_is_the_same_as_once(capsys):
    # The test runner turns DEBUG off, so --force stands in for the embedded default.
    call_command("seed_demo", force=True)
    first = _snapshot()
    call_command("seed_demo", force=True)
    assert _snapshot() == first
    assert "handlaggare@example.se" in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=false"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_demo_people_can_log_in_with_the_published_password(client, demo, password):
    from kulturportal.demo import DEMO_PEOPLE

    for email, *_ in DEMO_PEOPLE:
        client.logout()
        response = client.post("/konto/login/", {"login": email, "password": password})
        assert response.status_code == 302, email
        assert client.get("/min-sida/").status_code == 200
