"""The DCAT-AP-SE catalogue at /api/dcat, as JSON-LD, for dataportal.se to harvest.

Every dataset has its title and description in Swedish and English, the publisher (Region
Skåne), a contact point, the licence (OPEN_DATA_LICENSE, CC0 unless the region chooses
another), an update frequency and its distributions: the API's endpoints (served by one
data service, described by the OpenAPI document) and the CSV and Excel downloads. The
datasets come from the registry: the core's here, each app's from its `api.py`.
"""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from kulturportal.api.registry import Dataset, Distribution, datasets, register_dataset

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPES = {
    "application/json": "JSON",
    "text/csv": "CSV",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/ld+json": "JSON_LD",
}
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _texts(sv: str, en: str) -> list[dict]:
    return [{"@value": sv, "@language": "sv"}, {"@value": en, "@language": "en"}]


def _ref(iri: str) -> dict:
    return {"@id": iri}


def _distribution_url(distribution: Distribution) -> str:
    name = f"api:{distribution.url_name}" if distribution.is_api else distribution.url_name
    url = _absolute(reverse(name, args=distribution.args))
    return f"{url}?{distribution.query}" if distribution.query else url


@require_safe
def catalogue(request):
    catalog_iri = _absolute("/api/dcat#catalog")
    publisher = settings.OPEN_DATA_PUBLISHER_URI
    contact = _absolute("/api/dcat#contact")
    service = _absolute("/api/dcat#api")
    licence = _ref(settings.OPEN_DATA_LICENSE)
    graph: list[dict] = []
    dataset_iris = []
    for dataset in datasets():
        iri = _absolute(f"/api/dcat#dataset-{dataset.identifier}")
        dataset_iris.append(iri)
        distributions = list(dataset.distributions)
        if dataset.more_distributions is not None:
            distributions += dataset.more_distributions()
        distribution_nodes = []
        for number, distribution in enumerate(distributions, start=1):
            url = _distribution_url(distribution)
            node = {
                "@id": f"{iri}-distribution-{number}",
                "@type": "dcat:Distribution",
                "dcterms:title": _texts(distribution.title_sv, distribution.title_en),
                "dcat:accessURL": _ref(url),
                "dcat:mediaType": _ref(IANA + distribution.media_type),
                "dcterms:format": _ref(
                    EU + "file-type/" + FILE_TYPES.get(distribution.media_type, "BIN")
                ),
                "dcterms:license": licence,
            }
            if distribution.is_api:
                node["dcat:accessService"] = _ref(service)
            else:
                node["dcat:downloadURL"] = _ref(url)
            distribution_nodes.append(node)
        graph.append(
            {
                "@id": iri,
                "@type": "dcat:Dataset",
                "dcterms:identifier": dataset.identifier,
                "dcterms:title": _texts(dataset.title_sv, dataset.title_en),
                "dcterms:description": _texts(dataset.description_sv, dataset.description_en),
                "dcat:keyword": [{"@value": k, "@language": "sv"} for k in dataset.keywords_sv]
                + [{"@value": k, "@language": "en"} for k in dataset.keywords_en],
                "dcat:theme": [_ref(EU + "data-theme/" + theme) for theme in dataset.themes],
                "dcterms:publisher": _ref(publisher),
                "dcat:contactPoint": _ref(contact),
                "dcterms:accrualPeriodicity": _ref(EU + "frequency/" + dataset.frequency),
                "dcterms:accessRights": _ref(EU + "access-right/PUBLIC"),
                "dcterms:language": _ref(EU + "language/SWE"),
                "dcterms:spatial": _ref("http://sws.geonames.org/3337385/"),
                "dcat:landingPage": _ref(_absolute(reverse("open_data"))),
                "dcat:distribution": distribution_nodes,
            }
        )
    graph[:0] = [
        {
            "@id": catalog_iri,
            "@type": "dcat:Catalog",
            "dcterms:title": _texts("Kulturportalen – öppna data", "Kulturportalen – open data"),
            "dcterms:description": _texts(
                "Öppna data om kultursamverkansmodellen i Skåne: kommuner, organisationer, "
                "överläggningar, de regionala kulturplanerna och samråden.",
                "Open data on the culture collaboration model in Skåne: municipalities, "
                "organisations, deliberations, the regional culture plans and consultations.",
            ),
            "dcterms:publisher": _ref(publisher),
            "dcterms:license": licence,
            "dcterms:language": _ref(EU + "language/SWE"),
            "dcterms:modified": {
                "@value": timezone.localdate().isoformat(),
                "@type": "xsd:date",
            },
            "foaf:homepage": _ref(_absolute("/")),
            "dcat:dataset": [_ref(iri) for iri in dataset_iris],
            "dcat:service": _ref(service),
        },
        {
            "@id": publisher,
            "@type": ["foaf:Agent", "foaf:Organization"],
            "foaf:name": _texts("Region Skåne", "Region Skåne"),
            "dcterms:type": _ref("http://purl.org/adms/publishertype/RegionalAuthority"),
        },
        {
            "@id": contact,
            "@type": "vcard:Organization",
            "vcard:fn": settings.EMAIL_SENDER_NAME,
            "vcard:hasEmail": _ref("mailto:" + settings.EMAIL_CONTACT_ADDRESS),
        },
        {
            "@id": service,
            "@type": "dcat:DataService",
            "dcterms:title": _texts("Kulturportalens API", "The Kulturportalen API"),
            "dcat:endpointURL": _ref(_absolute(reverse("api:index"))),
            "dcat:endpointDescription": _ref(_absolute(reverse("api:openapi-json"))),
            "dcterms:publisher": _ref(publisher),
            "dcat:contactPoint": _ref(contact),
            "dcterms:license": licence,
            "dcat:servesDataset": [_ref(iri) for iri in dataset_iris],
        },
    ]
    response = JsonResponse(
        {"@context": CONTEXT, "@graph": graph},
        json_dumps_params={"ensure_ascii": False, "indent": 1},
        content_type="application/ld+json; charset=utf-8",
    )
    return response


def register_core_datasets() -> None:
    register_dataset(
        Dataset(
            identifier="kommuner",
            title_sv="Skånes kommuner och delregioner",
            title_en="Skåne's municipalities and sub-regions",
            description_sv="De 33 kommunerna med SCB:s kommunkoder, och de fyra delregionerna "
            "som de delregionala överläggningarna hålls i.",
            description_en="The 33 municipalities with their official (SCB) codes, and the "
            "four sub-regions in which the sub-regional deliberations are held.",
            frequency="IRREG",
            keywords_sv=("kommuner", "delregioner", "kommunkoder"),
            keywords_en=("municipalities", "sub-regions", "municipality codes"),
            themes=("REGI", "GOVE"),
            distributions=(
                Distribution("Kommunerna (JSON)", "Municipalities (JSON)", "municipality_list"),
                Distribution(
                    "Kommunerna (CSV)",
                    "Municipalities (CSV)",
                    "municipality_list",
                    media_type="text/csv",
                    query="format=csv",
                ),
                Distribution("Delregionerna (JSON)", "Sub-regions (JSON)", "sub_region_list"),
            ),
            order=10,
        )
    )
    register_dataset(
        Dataset(
            identifier="organisationer",
            title_sv="Organisationer i kultursamverkansmodellen",
            title_en="Organisations in the culture collaboration model",
            description_sv="Kulturinstitutioner, intresseorganisationer, folkbildning och "
            "civilsamhälle som deltar i samråden: namn, typ, organisationsnummer, "
            "värdkommun och verksamhetsområden. Inga personer, inga e-postadresser.",
            description_en="Cultural institutions, interest organisations, popular education "
            "and civil society taking part in the consultations: name, kind, organisation "
            "number, host municipality and activity areas. No people, no e-mail addresses.",
            frequency="CONT",
            keywords_sv=("organisationer", "kulturinstitutioner", "civilsamhälle"),
            keywords_en=("organisations", "cultural institutions", "civil society"),
            distributions=(
                Distribution(
                    "Organisationerna (JSON)", "Organisations (JSON)", "organisation_list"
                ),
                Distribution(
                    "Organisationerna (CSV)",
                    "Organisations (CSV)",
                    "organisation_list",
                    media_type="text/csv",
                    query="format=csv",
                ),
            ),
            order=20,
        )
    )
    register_dataset(
        Dataset(
            identifier="verksamhetsomraden",
            title_sv="Kultursamverkansmodellens verksamhetsområden",
            title_en="The activity areas of the culture collaboration model",
            description_sv="De sju verksamhetsområdena i förordning (2010:2012), med stabila "
            "koder som planerna och organisationerna använder.",
            description_en="The seven activity areas of ordinance 2010:2012, with the stable "
            "codes the plans and organisations use.",
            frequency="NEVER",
            keywords_sv=("verksamhetsområden",),
            keywords_en=("activity areas",),
            distributions=(
                Distribution(
                    "Verksamhetsområdena (JSON)", "Activity areas (JSON)", "activity_area_list"
                ),
            ),
            order=30,
        )
    )
