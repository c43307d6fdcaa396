"""The search index: one row per thing a person can find, with who may find it.

The rows are written by kulturportal/search (never by hand): each app's `search.py` says
how its objects become documents, and the services that change them re-index them after
the commit. On PostgreSQL `vector` holds the Swedish full-text vector (title weighted A,
context B, body C) under a GIN index, and SearchWord the distinct words of all documents
under a trigram index: a query's words are widened with the index's lexemes that contain
them (compounds: "bibliotek" → "folkbibliotek") or nearly match them (spelling slips).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kulturportal.models.organisations import Organisation
from kulturportal.models.places import Municipality


class SearchAudience(models.TextChoices):
    PUBLIC = "public", _("Alla")
    OWNER = "owner", _("Organisationen eller kommunen som äger den")
    OFFICIALS = "officials", _("Regionala tjänstepersoner")


class SearchDocument(models.Model):
    kind = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    audience = models.CharField(max_length=10, choices=SearchAudience.choices)
    # The owner of an OWNER document: an organisation or a municipality.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=300)
    context = models.TextField(blank=True)  # what it belongs to, where: weighted B
    body = models.TextField(blank=True)  # the text itself: weighted C
    url = models.CharField(max_length=500)  # the Swedish path; other languages translate it
    language = models.CharField(max_length=8, default="sv")
    date = models.DateTimeField(null=True, blank=True)  # what "newest first" sorts by
    indexed_at = models.DateTimeField(auto_now=True)
    vector = SearchVectorField(null=True, editable=False)
    # Title and context only (A and B): small, so ranking thousands of matches stays cheap.
    head = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "audience"], name="one_search_document_each"
            ),
            models.CheckConstraint(
                condition=~Q(audience="owner")
                | Q(organisation__isnull=False)
                | Q(municipality__isnull=False),
                name="owner_document_has_owner",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="search_document_date")]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchWord(models.Model):
    """A word that occurs in some document, for widening a query on PostgreSQL. Never shown:
    a word of a draft widens only the draft owner's own search."""

    word = models.CharField(max_length=60, unique=True)

    def __str__(self):
        return self.word
