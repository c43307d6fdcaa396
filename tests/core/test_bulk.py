"""kulturportal/bulk.py: rows copied in bulk must fit their columns (issue 20, item 6)."""

import pytest

from forums.models import Invitation
from kulturportal.bulk import insert_rows
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_a_value_longer_than_its_column_is_refused_before_the_copy_on_every_database(demo):
    """Defect: COPY on PostgreSQL refused the row (and the whole transaction) while
    SQLite stored it: a caller that did not fit its text was caught only in production.
    Now every database refuses it the same way, naming the column."""
    meeting = MeetingFactory()
    too_long = "x" * (Invitation._meta.get_field("name").max_length + 1)
    row = {"meeting_id": meeting.pk, "email": "a@example.se", "name": too_long}
    with pytest.raises(ValueError, match=r"Invitation\.name"):
        insert_rows(Invitation, [row])
    assert not Invitation.objects.exists()
