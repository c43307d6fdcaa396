"""Issue 20, item 20: the demo tells the truth about the structure. With the demo seeded,
every kind of audience rule reaches someone: the co-financed institutions have their host
municipality, Skånes Kommuner has a representative, each sub-region a culture politician,
each consultation body members with people, each network members."""

from io import StringIO

import pytest
from django.core.management import call_command

from forums.models import Audience, AudienceRule, Network
from forums.services import resolve_audience
from kulturportal.models import Organisation, OrganisationKind, SubRegion
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", force=True, stdout=StringIO())
    return MeetingFactory()


def _reaches(meeting, kind, **fields) -> int:
    meeting.audience_rules.all().delete()
    sub_regions = fields.pop("sub_regions", None)
    rule = AudienceRule.objects.create(meeting=meeting, kind=kind, **fields)
    if sub_regions:
        rule.sub_regions.set(sub_regions)
    return len(resolve_audience(meeting))


def test_every_audience_rule_reaches_someone_in_the_demo(demo_world):
    meeting = demo_world
    empty = []
    for sub_region in SubRegion.objects.all():
        if not _reaches(meeting, Audience.MUNICIPAL_POLITICIANS, sub_regions=[sub_region]):
            empty.append(f"politicians of {sub_region}")
    for network in Network.objects.all():
        if not _reaches(meeting, Audience.NETWORK, network=network):
            empty.append(f"network {network}")
    for body in Organisation.objects.filter(kind=OrganisationKind.CONSULTATION_BODY):
        if not _reaches(meeting, Audience.BODY, organisation=body):
            empty.append(f"body {body}")
    institutions = Organisation.objects.co_financed_institutions()
    assert institutions.count() >= 7, "the reference data's co-financed institutions"
    for institution in institutions:
        if not _reaches(meeting, Audience.CO_FINANCIERS, organisation=institution):
            empty.append(f"co-financiers of {institution}")
    for kind in (Audience.CULTURE_CHIEFS, Audience.SKANES_KOMMUNER, Audience.REGIONAL_POLITICIANS):
        if not _reaches(meeting, kind):
            empty.append(kind)
    assert not empty, empty


def test_seeding_again_puts_the_co_financing_back(demo_world):
    """A co-financed institution made before (or edited by hand) gets its host again."""
    institution = Organisation.objects.get(name="Malmö Stadsteater")
    institution.co_financing_municipalities.clear()
    call_command("seed_demo", force=True, stdout=StringIO())
    assert [m.name for m in institution.co_financing_municipalities.all()] == ["Malmö"]
