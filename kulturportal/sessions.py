"""Sessions in the database as Django keeps them, with PostgreSQL's current snapshot read in
the same round trip: a logged-in person's cached pages are keyed by it (caching.py), so a
page served from the cache costs no query beyond the session and the user."""

from django.contrib.sessions.backends import db
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone


class SessionStore(db.SessionStore):
    # The snapshot when the session was read; None before that, or on other databases.
    database_snapshot: str | None = None

    def _get_session_from_db(self):
        if connection.vendor != "postgresql":
            return super()._get_session_from_db()
        try:
            session = (
                self.model.objects.filter(
                    session_key=self.session_key, expire_date__gt=timezone.now()
                )
                .annotate(snapshot=RawSQL("pg_current_snapshot()::text", []))
                .get()
            )
        except self.model.DoesNotExist:
            self._session_key = None  # as Django does: an unknown key is never saved again
            return None
        self.database_snapshot = session.snapshot
        return session
