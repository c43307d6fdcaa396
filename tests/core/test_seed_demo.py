import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

# The search index is rebuilt by every seed (new rows, each with the time it was indexed):
# the same index means the same documents and words, not the same row ids.
REBUILT = {"kulturportal.SearchDocument", "kulturportal.SearchWord"}


def _snapshot():
    rows = {}
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        if model._meta.label in REBUILT:
            fields = [f for f in fields if f not in ("id", "indexed_at")]
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


def test_demo_official_has_the_admin_permissions_the_readme_promises(client, db):
    """Audit item 9: the outbox and meetings answered 403; a changed group stayed changed."""
    from django.contrib.auth.models import Group, Permission
    from django.urls import reverse

    from forums.demo import seed_forums
    from forums.models import Network
    from kulturportal.demo import OFFICIALS_GROUP, seed_demo_people, seed_reference_data
    from kulturportal.models import User

    seed_reference_data()
    seed_demo_people()
    seed_forums()
    Group.objects.get(name=OFFICIALS_GROUP).permissions.remove(
        Permission.objects.get(codename="change_network")
    )
    seed_reference_data()  # every run sets the group's permissions again
    official = User.objects.get(email="handlaggare@example.se")
    client.force_login(official)
    for page in [
        "admin:kulturportal_outgoingemail_changelist",
        "admin:forums_meeting_changelist",
        "admin:forums_network_change",
    ]:
        args = [Network.objects.first().pk] if page.endswith("_change") else []
        assert client.get(reverse(page, args=args)).status_code == 200, page
    assert client.get(reverse("admin:kulturportal_user_add")).status_code == 403
    delete_lund = reverse("admin:kulturportal_municipality_delete", args=[1])
    assert client.get(delete_lund).status_code == 403
