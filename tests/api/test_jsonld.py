"""Issue 18: facts machines can read. The case page embeds schema.org JSON-LD, the API answers
the same with Accept: application/ld+json, and every type and property used is checked against
the schema.org vocabulary (a vendored subset: tests/api/data/schemaorg-subset.json, CC BY-SA 3.0;
rebuilt by tests/api/data/extract_schemaorg_subset.py)."""

import json
import re
from pathlib import Path

import pytest

from kb.models import KeyFact

pytestmark = pytest.mark.django_db

VOCABULARY = json.loads(
    (Path(__file__).parent / "data" / "schemaorg-subset.json").read_text(encoding="utf-8")
)["terms"]
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def ancestors(type_name: str) -> set[str]:
    seen, todo = set(), [type_name]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(VOCABULARY.get(name, {}).get("subClassOf", []))
    return seen


def vocabulary_problems(node, where="$", problems=None) -> list[str]:
    """Every type and property exists in schema.org; every property is allowed on its node's
    type (domainIncludes); a nested typed node is of a type the property accepts."""
    problems = [] if problems is None else problems
    if isinstance(node, list):
        for i, item in enumerate(node):
            vocabulary_problems(item, f"{where}[{i}]", problems)
        return problems
    if not isinstance(node, dict):
        return problems
    type_name = node.get("@type")
    if type_name is not None and VOCABULARY.get(type_name, {}).get("kind") != "type":
        problems.append(f"{where}: unknown type {type_name}")
    types = ancestors(type_name) if type_name else set()
    for key, value in node.items():
        if key.startswith("@"):
            continue
        term = VOCABULARY.get(key)
        if term is None or term["kind"] != "property":
            problems.append(f"{where}.{key}: not a schema.org property")
            continue
        if type_name and not types & set(term.get("domainIncludes", [])):
            problems.append(f"{where}.{key}: not a property of {type_name}")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "@type" in item:
                if not ancestors(item["@type"]) & set(term.get("rangeIncludes", [])):
                    problems.append(f"{where}.{key}: {item['@type']} is not an expected type")
        vocabulary_problems(value, f"{where}.{key}", problems)
    return problems


def page_jsonld(client, slug="predpol"):
    html = client.get(f"/en/cases/{slug}/").content.decode()
    blocks = SCRIPT.findall(html)
    assert len(blocks) == 1, "one JSON-LD block on the case page"
    return json.loads(blocks[0]), html


def test_the_case_page_embeds_the_case_as_an_article_with_claims(client, make_case):
    case = make_case("predpol", n_sources=2)
    fact = KeyFact.objects.filter(case=case).order_by("order").first()
    data, _ = page_jsonld(client)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    assert data["headline"] == case.title and data["url"].endswith("/en/cases/predpol/")
    assert [c["name"] for c in data["citation"]] == ["Report 0", "Report 1"]
    claim = data["hasPart"][0]
    assert claim["@type"] == "Claim" and claim["text"] == fact.statement
    assert claim["appearance"] == {"@id": data["citation"][0]["@id"]}
    assert claim["review"]["reviewRating"]["name"] == "verified"
    assert data["citation"][0]["datePublished"] == "2019-03-01"
    assert vocabulary_problems(data) == []


def test_the_api_answers_the_same_json_ld(client, make_case):
    make_case("predpol")
    data, _ = page_jsonld(client)
    response = client.get("/api/v1/cases/predpol/?lang=en", HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response.json() == data
    plain = client.get("/api/v1/cases/predpol/", HTTP_ACCEPT="application/json")
    assert plain["Content-Type"].startswith("application/json") and "key_facts" in plain.json()
    # Only a case has a JSON-LD form: a list asked for it is refused, not mislabelled.
    assert client.get("/api/v1/cases/", HTTP_ACCEPT="application/ld+json").status_code == 406


def test_a_closing_script_tag_in_a_text_cannot_end_the_block(client, make_case):
    evil = 'Case </script><script>alert(1)</script> & "quotes"'
    make_case("evil", title=evil)
    data, html = page_jsonld(client, "evil")
    assert data["headline"] == evil
    assert "<script>alert(1)" not in html
    # The page's CSP still allows no inline script: the block is data, never executed.
    response = client.get("/en/cases/evil/")
    assert (
        "'unsafe-inline'"
        not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )


def test_the_checker_catches_unknown_and_misplaced_terms():
    problems = vocabulary_problems(
        {
            "@type": "Claim",
            "reviewRating": {"@type": "Rating"},  # a Review's property, not a Claim's
            "truthiness": 1,  # not schema.org
            "appearance": {"@type": "Rating"},  # a Rating is no CreativeWork
        }
    )
    text = "\n".join(problems)
    assert "reviewRating: not a property of Claim" in text
    assert "truthiness: not a schema.org property" in text
    assert "appearance: Rating is not an expected type" in text


def test_an_error_asked_for_as_json_ld_keeps_the_json_error_shape(client):
    response = client.get("/api/v1/cases/nope/", HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["status"] == 404
    assert client.get("/api/v1/cases/nope/?format=jsonld")["Content-Type"].startswith(
        "application/json"
    )
