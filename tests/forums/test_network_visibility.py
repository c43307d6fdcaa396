"""The network list asks the database once; it must agree with the per-object rule."""

import pytest

from forums.demo import seed_forums
from forums.models import Network, NetworkMembership
from kulturportal.rules import may

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona", ["official", "lund_chief", "ystad_politician", "folk_high_school_rep", "nobody"]
)
def test_visible_networks_are_those_the_rule_allows(request, persona):
    user = request.getfixturevalue(persona)
    seed_forums()
    thematic = Network.objects.filter(member_role="").first()
    if thematic and persona == "ystad_politician":
        NetworkMembership.objects.create(network=thematic, user=user)
    official = may(user, "forums.manage_meetings")
    listed = set(Network.objects.visible_to(user, official=official))
    allowed = {n for n in Network.objects.all() if may(user, "forums.see_network", n)}
    assert listed == allowed
