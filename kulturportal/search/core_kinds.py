"""The core's own kinds: the municipalities and the organisations (their public fields)."""

from django.utils.translation import gettext_lazy as _

from kulturportal.models import (
    ActivityArea,
    Municipality,
    Organisation,
    SubRegion,
    public_hosted_institutions,
)
from kulturportal.search.registry import OWNER, PUBLIC, Document, Kind, acting_for, register


def municipality_documents(ids):
    municipalities = Municipality.objects.select_related("sub_region").prefetch_related(
        public_hosted_institutions()
    )
    if ids is not None:
        municipalities = municipalities.filter(pk__in=ids)
    for municipality in municipalities:
        yield Document(
            object_id=municipality.pk,
            title=municipality.official_name or municipality.name,
            url=municipality.get_absolute_url(),
            context=" ".join([municipality.name, municipality.sub_region.name, municipality.code]),
            body=" ".join(i.name for i in municipality.hosted_institutions.all()),
        )


def organisation_documents(ids):
    organisations = Organisation.objects.select_related("host_municipality")
    if ids is not None:
        organisations = organisations.filter(pk__in=ids)
    area_names = dict(ActivityArea.objects.values_list("code", "name_sv"))
    for organisation in organisations.iterator(chunk_size=2000):
        yield Document(
            object_id=organisation.pk,
            title=organisation.name,
            url=organisation.get_absolute_url(),
            # A registration waiting for review is found by its own people only.
            audience=PUBLIC if organisation.is_approved() else OWNER,
            organisation=organisation,
            context=" ".join(
                filter(
                    None,
                    [
                        str(organisation.get_kind_display()),
                        organisation.org_number or "",
                        organisation.host_municipality.name
                        if organisation.host_municipality
                        else "",
                    ],
                )
            ),
            body=" ".join(area_names.get(code, "") for code in organisation.activity_areas),
        )


def register_kinds() -> None:
    register(
        Kind(
            name="kommun",
            label=_("Kommuner"),
            build=municipality_documents,
            follows={
                Municipality: lambda m: [m.pk],
                SubRegion: lambda s: s.municipalities.values_list("pk", flat=True),
                Organisation: lambda o: [o.host_municipality_id],
            },
            order=80,
        )
    )
    register(
        Kind(
            name="organisation",
            label=_("Organisationer"),
            build=organisation_documents,
            follows={Organisation: lambda o: [o.pk]},
            owners=acting_for,  # a registration waiting for review: its own people
            order=90,
        )
    )
