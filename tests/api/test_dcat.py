"""The DCAT-AP-SE catalogue: parsed as JSON-LD into RDF (rdflib) and checked against the
profile's mandatory properties as SHACL shapes (pyshacl, tests/api/dcat_ap_se.ttl)."""

import json
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SHAPES = Path(__file__).with_name("dcat_ap_se.ttl")


@pytest.fixture
def catalogue(demo, client):
    from kulturportal.demo import seed_app_demos

    seed_app_demos()
    response = client.get("/api/dcat")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.content.decode()


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="json-ld")


def test_the_catalogue_conforms_to_the_shapes(catalogue):
    conforms, _results_graph, report = validate(
        _graph(catalogue), shacl_graph=Graph().parse(SHAPES, format="turtle")
    )
    assert conforms, report


def test_every_dataset_is_there_in_swedish_and_english(catalogue):
    graph = _graph(catalogue)
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    identifiers = {str(graph.value(d, DCTERMS.identifier)) for d in datasets}
    assert identifiers >= {
        "kommuner",
        "organisationer",
        "verksamhetsomraden",
        "moten",
        "kulturplaner",
        "prioriteringar",
        "samrad",
    }
    for dataset in datasets:
        languages = {t.language for t in graph.objects(dataset, DCTERMS.title)}
        assert languages == {"sv", "en"}


def test_the_downloads_and_the_api_are_distributions(catalogue):
    graph = _graph(catalogue)
    urls = {str(u) for u in graph.objects(None, DCAT.accessURL)}
    assert any(u.endswith("/kulturplan/2025-2028/prioriteringar.xlsx") for u in urls)
    assert any(u.endswith("/api/v1/municipalities/?format=csv") for u in urls)
    assert any("/api/v1/consultations/kulturplan-2025-2028/responses/" in u for u in urls)


def test_the_licence_is_the_regions_choice(demo, client, settings):
    settings.OPEN_DATA_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
    graph = _graph(client.get("/api/dcat").content.decode())
    licences = set(graph.objects(None, DCTERMS.license))
    assert licences == {URIRef("https://creativecommons.org/licenses/by/4.0/")}


def test_the_catalogue_names_no_person(catalogue):
    from kulturportal.models import User

    text = json.loads(catalogue)
    flat = json.dumps(text, ensure_ascii=False)
    for user in User.objects.exclude(first_name=""):
        assert user.get_full_name() not in flat


def test_the_shapes_catch_a_dataset_without_its_english_description(catalogue):
    document = json.loads(catalogue)
    dataset = next(n for n in document["@graph"] if n.get("@type") == "dcat:Dataset")
    dataset["dcterms:description"] = dataset["dcterms:description"][:1]  # Swedish only
    conforms, _results_graph, _report = validate(
        _graph(json.dumps(document)), shacl_graph=Graph().parse(SHAPES, format="turtle")
    )
    assert not conforms
