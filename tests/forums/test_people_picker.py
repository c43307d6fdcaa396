"""Audit item 13: the "Personer" picker lists verified people only, with their address, and
names lose control, bidirectional and zero-width characters."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from forums.forms import AudienceRuleForm
from kulturportal.models import User

pytestmark = pytest.mark.django_db


def test_picker_lists_only_verified_people_with_their_address(demo):
    unverified = User.objects.create_user("ny@example.se", "x", first_name="Lena", last_name="L")
    EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False)
    field = AudienceRuleForm(kind="people").fields["people"]
    people = list(field.queryset)
    assert unverified not in people
    lund = User.objects.get(email="kulturchef.lund@example.se")
    assert field.label_from_instance(lund) == "Lena Lundberg <kulturchef.lund@example.se>"


def test_hidden_characters_are_stripped_in_the_picker(demo):
    lund = User.objects.get(email="kulturchef.lund@example.se")
    lund.first_name = "Le\u202ena\u200b"
    label = AudienceRuleForm(kind="people").fields["people"].label_from_instance(lund)
    assert label == "Lena Lundberg <kulturchef.lund@example.se>"


def test_sign_up_strips_hidden_characters_from_names(client, db):
    client.post(
        reverse("account_signup"),
        {
            "email": "ny.person@example.se",
            "password1": "ett-langt-losenord-42",
            "password2": "ett-langt-losenord-42",
            "first_name": "An\u202ena\u200b",
            "last_name": "\u2066Berg",
        },
    )
    user = User.objects.get(email="ny.person@example.se")
    assert (user.first_name, user.last_name) == ("Anna", "Berg")
