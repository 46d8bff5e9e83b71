"""A teacher adds a source and a key fact citing it in one save; errors are linked from the banner;
new rows go to the end."""

import re

import pytest
from django.urls import reverse

from kb.models import FactStatus, KeyFact, Source

from .factories import CaseStudyFactory, KeyFactFactory, SourceFactory
from .test_admin import CHANGE_URL, case_form_data, errors_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    case = CaseStudyFactory(title="PredPol", body="Original body.", start_year=2011, end_year=2020)
    SourceFactory(case=case, title="Original source")
    return case


RAND = {
    "title": "Predictive Policing: The Role of Crime Forecasting",
    "publisher": "RAND Corporation",
    "kind": "official",
    "url": "https://www.rand.org/pubs/research_reports/RR233.html",
    "order": "",
}


def new_fact(index, **overrides):
    values = {
        "id": "",
        "statement": "RAND found little evidence that forecasting reduced crime.",
        "order": "",
        "location": "p. 12",
        "status": FactStatus.VERIFIED,
        "note": "",
    }
    values.update(overrides)
    return {f"key_facts-{index}-{k}": v for k, v in values.items()}


def post_with_new_source_and_fact(client, case, fact_overrides=None, source_overrides=None):
    """The change form with one source row and one key-fact row added, the fact citing it."""
    facts = list(case.key_facts.all())
    n_sources = case.sources.count()
    data = case_form_data(case, extra_sources=[{**RAND, **(source_overrides or {})}])
    fact = new_fact(len(facts), **{"source": f"new-{n_sources}", **(fact_overrides or {})})
    for key, value in fact.items():
        name = key.rpartition("-")[2]
        if name in {"statement", "location", "note"}:
            data[f"{key}_fr"] = data[f"{key}_en"] = value
        else:
            data[key] = value
    data["key_facts-TOTAL_FORMS"] = str(len(facts) + 1)
    return client.post(reverse(CHANGE_URL, args=[case.pk]), data)


def test_a_key_fact_cites_a_source_added_in_the_same_save(teacher_client, case):
    response = post_with_new_source_and_fact(teacher_client, case)
    assert response.status_code == 302, errors_of(response)
    rand = Source.objects.get(case=case, publisher="RAND Corporation")
    fact = KeyFact.objects.get(case=case)
    assert fact.source == rand
    # Both went to the end of their lists: the existing source keeps number 1.
    assert list(case.sources.values_list("publisher", flat=True))[-1] == "RAND Corporation"
    assert rand.order > Source.objects.get(case=case, title="Original source").order


def test_the_menu_after_an_error_lists_the_new_source_by_its_title(teacher_client, case):
    # The source is fine, the fact is not (no statement): the page comes back with the new
    # source still chosen in the fact's menu, named by its title.
    response = post_with_new_source_and_fact(teacher_client, case, {"statement": ""})
    assert response.status_code == 200
    html = response.content.decode()
    select = re.search(r'<select name="key_facts-0-source".*?</select>', html, re.S).group(0)
    assert re.search(r'<option value="new-1" selected>New source \(below\): Predictive', select)
    assert not Source.objects.filter(publisher="RAND Corporation").exists()


def test_a_fact_citing_a_new_source_with_an_error_is_refused_and_the_banner_links_to_it(
    teacher_client, case
):
    response = post_with_new_source_and_fact(teacher_client, case, source_overrides={"kind": ""})
    assert response.status_code == 200
    assert "has an error: correct it in Sources" in errors_of(response)
    html = response.content.decode()
    # The banner at the top links to the first error: the new source's Kind.
    banner = re.search(r'<p class="errornote first-error-note".*?</p>', html, re.S).group(0)
    assert 'href="#id_sources-1-kind"' in banner
    assert "Source #2 › Kind" in banner
    assert 'id="id_sources-1-kind"' in html
    assert not KeyFact.objects.exists()


def test_verified_needs_an_original_new_source_too(teacher_client, case):
    response = post_with_new_source_and_fact(
        teacher_client, case, source_overrides={"origin": "report"}
    )
    assert response.status_code == 200
    assert "original" in errors_of(response).lower()
    assert not KeyFact.objects.exists()


def test_a_new_key_fact_goes_after_the_curated_ones(teacher_client, case):
    source = case.sources.get()
    KeyFactFactory(case=case, source=source, order=5, statement="First curated fact")
    response = post_with_new_source_and_fact(teacher_client, case, {"source": str(source.pk)})
    assert response.status_code == 302, errors_of(response)
    statements = list(case.key_facts.values_list("statement", flat=True))
    assert statements[0] == "First curated fact"
    assert statements[-1].startswith("RAND found")
    assert case.key_facts.get(statement__startswith="RAND").order == 6


def test_the_change_form_shows_statements_in_a_text_area_and_sources_numbered(teacher_client, case):
    SourceFactory(case=case, title="Second source", order=9)
    html = teacher_client.get(reverse(CHANGE_URL, args=[case.pk])).content.decode()
    assert re.search(r'<textarea name="key_facts-__prefix__-statement_en"[^>]*rows="3"', html)
    select = re.search(r'<select name="key_facts-__prefix__-source".*?</select>', html, re.S)
    assert "[1] " in select.group(0) and "[2] " in select.group(0)
    assert "kb/admin/keyfact-sources.js" in html
