"""Every list page makes the same number of queries with ten times the data."""

import itertools

import pytest

from kulturportal.models import (
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    RoleInvitation,
    SubRegion,
    User,
)

pytestmark = pytest.mark.django_db
_serial = itertools.count()


def _people(k, role, **scope):
    for _ in range(k):
        n = next(_serial)
        user = User.objects.create(email=f"person{n}@example.se", first_name="P", last_name=str(n))
        RoleAssignment.objects.create(user=user, role=role, **scope)


def test_municipality_list(assert_flat_queries):
    # Skåne has 33 municipalities; unused codes in county 12 stand in for growth.
    free_codes = (
        c
        for c in (f"12{i:02d}" for i in range(100))
        if not Municipality.objects.filter(code=c).exists()
    )

    def grow(k):
        for sub_region, code in zip(
            itertools.cycle(SubRegion.objects.all()), itertools.islice(free_codes, k), strict=False
        ):
            Municipality.objects.create(
                code=code,
                name=f"Test {code}",
                slug=f"test-{code}",
                official_name=f"Test {code}",
                sub_region=sub_region,
            )

    assert_flat_queries("/kommuner/", grow)


def test_municipality_page(assert_flat_queries, lund):
    def grow(k):
        _people(k, Role.CULTURE_CHIEF, municipality=lund)
        for _ in range(k):
            n = next(_serial)
            Organisation.objects.create(
                name=f"Institution {n}",
                slug=f"inst-{n}",
                kind=OrganisationKind.CULTURAL_INSTITUTION,
                host_municipality=lund,
            )

    assert_flat_queries("/kommuner/lund/", grow)


def test_my_page(client, assert_flat_queries, lund_chief):
    client.force_login(lund_chief)
    municipalities = itertools.cycle(Municipality.objects.exclude(code="1281"))

    def grow(k):
        for _ in range(k):
            RoleAssignment.objects.create(
                user=lund_chief, role=Role.MUNICIPAL_OFFICIAL, municipality=next(municipalities)
            )

    assert_flat_queries("/min-sida/", grow)


def test_invitation_list(client, assert_flat_queries, official, lund):
    client.force_login(official)

    def grow(k):
        for _ in range(k):
            _key, key_hash = RoleInvitation.new_key()
            RoleInvitation.objects.create(
                email=f"ny{next(_serial)}@example.se",
                role=Role.CULTURE_CHIEF,
                municipality=lund,
                key_hash=key_hash,
                invited_by=official,
                expires_at=RoleInvitation.default_expiry(),
            )

    assert_flat_queries("/hantera/inbjudningar/", grow)


def test_home(client, assert_flat_queries):
    """The home page lists the upcoming public meetings (the forums' panel shows the first
    five, by start) and every sub-region with its meeting town; more of either must not mean
    more queries. Half the meetings belong to a network, which the row names, and each has
    a host municipality."""
    from datetime import timedelta

    from tests.factories import MeetingFactory, NetworkFactory, in_a_month

    start = in_a_month()
    hosts = itertools.cycle(Municipality.objects.all())
    titles, sub_regions = [], []

    def grow(k):
        for _ in range(k):
            n = next(_serial)
            titles.append(f"Öppet möte {n}")
            MeetingFactory(
                title=titles[-1],
                network=NetworkFactory() if n % 2 else None,
                starts_at=start + timedelta(days=n),
                host_municipality=next(hosts),
                scheduled=True,
            )
            sub_regions.append(
                SubRegion.objects.create(
                    name=f"Delregion {n}", slug=f"delregion-{n}", meeting_town=f"Ort {n}"
                )
            )

    assert_flat_queries("/", grow)
    html = client.get("/").content.decode()
    for title in titles[:5]:
        assert f">{title}</a>" in html, title
    for sub_region in sub_regions:
        assert f"{sub_region.name} ({sub_region.meeting_town})" in html, sub_region


def test_a_count_does_not_depend_on_when_the_generation_was_last_read(count_queries, monkeypatch):
    """Defect (issue 19): the consultations' public lists once counted 10 queries with 3
    rows and 8 with 30. A request more than a second after the last one reads the public
    pages' generation from the cache, and the database cache's savepoints were counted
    only then: the count depended on how long the first render took."""
    from kulturportal import caching

    first = count_queries("/")
    monkeypatch.setattr(caching, "GENERATION_MEMO_SECONDS", -1)  # as if a second had passed
    assert count_queries("/") == first
