"""The officials' list, the analysis views and the public pages make the same number of
queries with the volume data at a twentieth of scale 1 and at ten times that (200 and 2,000
responses), as `seed_volume` builds it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from consultations.models import Round
from consultations.volume import PREFIX

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False


def _seed(fraction: float) -> dict[str, str]:
    call_command(
        "seed_volume", scale=1, fraction=fraction, force=True, replace=True, stdout=StringIO()
    )
    rounds = Round.objects.filter(slug__startswith=PREFIX).annotate(n=Count("responses"))
    biggest = rounds.order_by("-n").first()
    published = rounds.filter(responses_published_at__isnull=False).order_by("-n").first()
    reported = rounds.filter(report_published_at__isnull=False).order_by("-n").first()
    referral = rounds.filter(kind=Round.Kind.REFERRAL).order_by("-n").first()
    return {
        "list": f"/samrad/{biggest.slug}/hantera/svar/",
        "filtered": f"/samrad/{biggest.slug}/hantera/svar/?status=submitted&disposition=none",
        "by question": f"/samrad/{biggest.slug}/hantera/per-fraga/",
        "by area": f"/samrad/{biggest.slug}/hantera/per-utvecklingsomrade/",
        "publication": f"/samrad/{published.slug}/hantera/publicering/",
        "board": f"/samrad/{referral.slug}/hantera/remissinstanser/",
        "public responses": f"/samrad/{published.slug}/svar/",
        "report": f"/samrad/{reported.slug}/redogorelse/",
        "rounds": "/samrad/",
    }


def test_the_pages_are_flat_from_200_to_2000_responses(demo, official, client, count_queries):
    client.force_login(official)
    small = {name: count_queries(path) for name, path in _seed(0.05).items()}
    large = {name: count_queries(path) for name, path in _seed(0.5).items()}
    assert small == large
