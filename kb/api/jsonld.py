"""A case as schema.org JSON-LD (issue 18): the same data on the case page and in the API.

- The case is an ``Article`` (``headline``, ``abstract``, ``about`` its themes as
  ``DefinedTerm``, ``spatialCoverage`` its countries, ``citation`` its sources).
- Each source is a ``CreativeWork`` (``@id`` its place in the page's list of sources).
- Each key fact is a ``Claim`` in the article's ``hasPart``: its ``text``, its
  ``appearance`` and ``citation`` (a reference to its source, by ``@id``), and its status as a
  ``ClaimReview`` (``review``) whose ``reviewRating`` is a ``Rating`` named after the status.

Only terms of the schema.org vocabulary are used (tests/api/test_jsonld.py checks each type and
property, and each property's domain, against a vendored subset of the vocabulary).
"""

import json

from django.utils.html import mark_safe
from django.utils.translation import get_language

from config.api_relations import absolute
from kb.models import iso_date

SITE_NAME = "Reality Check"
# The worst rating is "disputed", the best "verified in the primary source".
STATUS_RATING = {"disputed": 1, "secondary": 2, "verified": 3}


def _source_node(source, number: int, page: str) -> dict:
    node = {
        "@type": "CreativeWork",
        "@id": f"{page}#source-{number}",
        "name": source.title,
        "url": source.url,
        "publisher": {"@type": "Organization", "name": source.publisher},
    }
    if source.authors:
        node["author"] = source.authors
    if source.published_on:
        node["datePublished"] = iso_date(source.published_on, source.date_precision)
    return node


def case_jsonld(case, request) -> dict:
    page = absolute(request, case.get_absolute_url())
    sources = list(case.sources.all())
    numbers = {source.pk: n for n, source in enumerate(sources, start=1)}
    claims = []
    for fact in case.key_facts.all():
        claim = {"@type": "Claim", "text": fact.statement}
        number = numbers.get(fact.source_id)
        if number is not None:
            ref = {"@id": f"{page}#source-{number}"}
            claim["appearance"] = ref
            claim["citation"] = ref
        claim["review"] = {
            "@type": "ClaimReview",
            "author": {"@type": "Organization", "name": SITE_NAME},
            "reviewRating": {
                "@type": "Rating",
                "name": fact.status,
                "alternateName": str(fact.get_status_display()),
                "ratingValue": STATUS_RATING.get(fact.status, 1),
                "worstRating": 1,
                "bestRating": 3,
            },
        }
        claims.append(claim)
    article = {
        "@context": "https://schema.org",
        "@type": "Article",
        "@id": page,
        "url": page,
        "headline": case.title,
        "abstract": case.summary,
        "inLanguage": get_language() or "fr",
        "isPartOf": {"@type": "WebSite", "name": SITE_NAME, "url": absolute(request, "/")},
        "dateCreated": case.created_at.isoformat(),
        "dateModified": case.updated_at.isoformat(),
        "about": [
            {
                "@type": "DefinedTerm",
                "name": theme.name,
                "termCode": theme.slug,
                "url": absolute(request, theme.get_absolute_url()),
            }
            for theme in case.themes.all()
        ],
        "spatialCoverage": [
            {"@type": "Country", "name": country.name} for country in case.countries.all()
        ],
        "citation": [_source_node(source, numbers[source.pk], page) for source in sources],
        "hasPart": claims,
    }
    if case.start_year:
        end = case.end_year or ""
        article["temporalCoverage"] = f"{case.start_year}/{end or '..'}"
    return article


def jsonld_script(data: dict) -> str:
    """A ``<script type="application/ld+json">`` element, safe to put in a page: ``<``, ``>``
    and ``&`` are escaped as JSON ``\\u`` sequences, so a ``</script>`` in a text cannot end it.
    (CSP: a script of a data type is not executed, so ``script-src 'self'`` does not apply.)"""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
