"""The Django side of the simulations in French and English: pages, forms, API, CLI, caches.

A stored result keeps messages ({"$t": template, "v": values}); every door renders them in
the reader's language. Old runs stored as plain English strings still render.
"""

import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from simulations.models import SimulationRun
from simulations.services import get_or_run
from simulations.templatetags.sim_tags import format_metric, format_number

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
SMALL = {"travellers": 2_000}


def url(name, lang, **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def run():
    stored, _ = get_or_run(slug="base-rate", params=SMALL, seed=1)
    return stored


def findings(lang, stored):
    from simulations.i18n import localize

    with translation.override(lang):
        return [localize(f) for f in stored.result["findings"]]


# --- pages --------------------------------------------------------------------------------
def test_run_page_in_french_and_english(client, run):
    fr = client.get(url("simulations:run-detail", "fr", key=run.key))
    en = client.get(url("simulations:run-detail", "en", key=run.key))
    assert fr.status_code == en.status_code == 200
    fr_html, en_html = fr.content.decode(), en.content.decode()
    assert '<html lang="fr"' in fr_html and '<html lang="en"' in en_html
    assert "Ce qui s’est passé dans cette exécution" in fr_html
    assert "What happened in this run" in en_html
    first_fr, first_en = findings("fr", run)[0], findings("en", run)[0]
    assert first_fr.startswith("Sur les ") and first_en.startswith("Of the ")
    assert first_fr.replace("'", "&#x27;") in fr_html
    assert first_en.replace("'", "&#x27;") in en_html
    assert first_en.replace("'", "&#x27;") not in fr_html
    # chart titles, table headers, metric labels and units in French
    assert "Qui est signalé" in fr_html and "Matrice de confusion" in fr_html
    assert "Voyageurs honnêtes signalés" in fr_html
    assert re.search(rf"\d{NBSP}\d{{3}}{NBSP}personnes", fr_html), "counts with their unit"
    assert re.search(rf"\d,\d{NBSP}%", fr_html), "a share as a French percentage"
    # the parameters table: French labels and the choice label people read
    assert "Voyageurs et menteurs (contrôle aux frontières)" in fr_html
    # the chart spec reaches the browser rendered: no message left in it
    assert '"$t"' not in fr_html and '"$pct"' not in fr_html


def test_page_cache_keeps_the_languages_apart(client, run):
    cache.clear()
    with override_settings(PAGE_CACHE={**settings.PAGE_CACHE, "ENABLED": True}):
        for _ in range(2):  # the second round comes from the cache
            fr = client.get(url("simulations:run-detail", "fr", key=run.key)).content.decode()
            en = client.get(url("simulations:run-detail", "en", key=run.key)).content.decode()
            assert "Ce qui s’est passé" in fr and "What happened" not in fr
            assert "What happened in this run" in en and "Ce qui s’est passé" not in en
    cache.clear()


def test_simulation_page_in_french(client):
    html = client.get(url("simulations:simulation-detail", "fr", slug="base-rate")).content.decode()
    assert "Oubli du taux de base" in html
    assert "<strong>Le modèle.</strong>" in html  # the explanation, rendered from Markdown
    assert "Voyageurs contrôlés (personnes)" in html  # label with its translated unit
    assert "Nombre de personnes qui passent le test." in html  # help
    assert "Voyageurs et menteurs (contrôle aux frontières)" in html  # choice label
    assert "Lancer «" in html and "Scénarios prédéfinis" in html  # presets
    assert "Graine aléatoire" in html and "Reproductibilité" in html  # seed controls
    assert f"De 10 à 1{NBSP}000{NBSP}000." in html  # bounds, French digits
    english = client.get(url("simulations:simulation-detail", "en", slug="base-rate"))
    assert "Base-rate fallacy: a lie detector at the border" in english.content.decode()


def test_explanation_cache_is_per_language(client):
    from simulations import engine
    from simulations.views import explanation_html

    sim = engine.get("base-rate")
    with translation.override("fr"):
        fr = explanation_html(sim)
    with translation.override("en"):
        en = explanation_html(sim)
    assert "Le modèle" in fr and "The model" in en


def test_list_page_in_french(client):
    html = client.get(url("simulations:simulation-list", "fr")).content.decode()
    assert "Oubli du taux de base" in html
    assert "Boucle de rétroaction qui s’emballe dans la police prédictive" in html
    assert "Par cas" in html and "Par thème" in html


def test_form_errors_in_french(client):
    valid = {"travellers": "2000", "base_rate": "1", "sensitivity": "76", "specificity": "76",
             "group_b_share": "20", "group_b_drop": "0", "framing": "border", "seed": "1"}  # fmt: skip
    path = url("simulations:simulation-run", "fr", slug="base-rate")
    html = client.post(path, {**valid, "travellers": "5", "seed": "-1"}).content.decode()
    assert (
        f"Doit être compris entre 10 et 1{NBSP}000{NBSP}000 personnes{NBSP}; "
        f"valeur reçue{NBSP}: 5." in html
    )
    assert "La graine aléatoire doit être un nombre entier de 0 à 4294967295." in html
    assert "Certaines valeurs sont à corriger" in html
    assert "Must be between" not in html
    html = client.post(path, {**valid, "base_rate": "abc"}).content.decode()
    assert "Saisissez un nombre." in html
    html = client.post(path, {**valid, "framing": "nope"}).content.decode()
    assert f"Choisissez l’une de ces valeurs{NBSP}: Voyageurs et menteurs" in html


def test_old_runs_with_plain_english_strings_still_render(client):
    old = SimulationRun.objects.create(
        key="a" * 64,
        slug="base-rate",
        version="3",
        params={"travellers": 32},
        seed=0,
        result={
            "metrics": [
                {"key": "n", "label": "Travellers screened", "value": 32, "unit": "people"}
            ],
            "tables": [],
            "charts": [],
            "findings": ["An old English finding."],
            "checks": [],
        },
        duration_ms=5,
    )
    html = client.get(url("simulations:run-detail", "fr", key=old.key)).content.decode()
    assert "An old English finding." in html
    assert "Travellers screened" in html and f"32{NBSP}personnes" in html
    assert "version 3" in html  # the note that the simulation has moved on


# --- API ----------------------------------------------------------------------------------
def test_api_simulation_by_accept_language_and_lang(client):
    path = reverse("api:simulation-detail", kwargs={"slug": "base-rate"})
    fr = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    en = client.get(path + "?lang=en", HTTP_ACCEPT_LANGUAGE="fr")
    assert fr["Content-Language"] == "fr" and en["Content-Language"] == "en"
    fr_data, en_data = fr.json(), en.json()
    assert fr_data["title"].startswith("Oubli du taux de base")
    assert en_data["title"] == "Base-rate fallacy: a lie detector at the border"
    schema = fr_data["params_schema"]["properties"]["travellers"]
    assert schema["title"] == "Voyageurs contrôlés"
    assert schema["description"] == "Nombre de personnes qui passent le test."
    assert fr_data["presets"][0]["title"].startswith("Le test en laboratoire")
    assert "/fr/" in fr_data["html_url"] and "/en/" in en_data["html_url"]


def test_api_run_results_by_language(client, run):
    path = reverse("api:run-detail", kwargs={"key": run.key})
    fr = client.get(path + "?include=charts", HTTP_ACCEPT_LANGUAGE="fr").json()["result"]
    en = client.get(path + "?lang=en").json()["result"]
    assert fr["findings"][0].startswith("Sur les ") and en["findings"][0].startswith("Of the ")
    assert all(isinstance(f, str) for f in fr["findings"])
    assert fr["charts"][0]["spec"]["encoding"]["y"]["title"] == "Personnes"
    units = {m["key"]: m["unit"] for m in fr["metrics"]}
    assert units["ppv"] == "share" and units["travellers"] == "personnes"


def test_api_400_body_in_french(client):
    path = reverse("api:simulation-runs", kwargs={"slug": "base-rate"})
    response = client.post(
        path,
        data=json.dumps({"params": {"travellers": 5, "nope": 1}, "preset": "none-such"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    body = json.dumps(response.json(), ensure_ascii=False)
    assert "Paramètre inconnu" in body or "Scénario inconnu" in body
    english = client.post(
        path + "?lang=en",
        data=json.dumps({"params": {"travellers": 5}}),
        content_type="application/json",
    )
    assert "Must be between 10 and 1,000,000 people; got 5." in json.dumps(english.json())
    french = client.post(
        path,
        data=json.dumps({"params": {"travellers": 5}}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert "Doit être compris entre 10 et" in json.dumps(french.json(), ensure_ascii=False)


# --- CLI ----------------------------------------------------------------------------------
def simulate(*args):
    out = StringIO()
    call_command("simulate", *args, stdout=out)
    return out.getvalue()


def test_cli_lang(run):
    fr = simulate("base-rate", "--param", "travellers=2000", "--seed", "1", "--lang", "fr")
    en = simulate("base-rate", "--param", "travellers=2000", "--seed", "1", "--lang", "en")
    assert "Constats" in fr and "Sur les " in fr and "/fr/simulations/runs/" in fr
    assert "Findings:" in en and "Of the " in en and "/en/simulations/runs/" in en
    data = json.loads(simulate("base-rate", "--no-store", "--json", "--lang", "fr", "--seed", "1",
                               "--param", "travellers=2000"))  # fmt: skip
    assert data["result"]["findings"][0].startswith("Sur les ")
    listing = simulate("--list", "--lang", "fr")
    assert "Oubli du taux de base" in listing


def test_cli_default_language_is_the_site_default(run):
    # manage.py activates no language: the active one is then LANGUAGE_CODE (French).
    translation.deactivate()
    try:
        out = simulate("base-rate", "--param", "travellers=2000", "--seed", "1")
    finally:
        translation.activate("en")  # what the suite's conftest set
    assert settings.LANGUAGE_CODE == "fr" and "Sur les " in out and "Constats" in out


def test_cli_unknown_language_is_a_clear_error():
    with pytest.raises(CommandError, match="Unknown language 'de' for --lang. Languages: fr, en"):
        simulate("base-rate", "--lang", "de")


def test_cli_errors_in_french():
    with pytest.raises(CommandError, match="Doit être compris entre"):
        simulate("base-rate", "--param", "travellers=5", "--lang", "fr")


# --- formats and charts -------------------------------------------------------------------
def test_numbers_and_units_per_language():
    with translation.override("fr"):
        assert format_metric(0.897, "share") == f"89,7{NBSP}%"
        assert format_metric(20000, "people") == f"20{NBSP}000{NBSP}personnes"
        assert format_number(0.123456) == "0,123" and format_number(True) == "oui"
        assert format_metric(0.45, "share of cities") == f"45{NBSP}% des villes"
    with translation.override("en"):
        assert format_metric(0.897, "share") == "89.7%"
        assert format_metric(20000, "people") == f"20,000{NBSP}people"


def test_charts_get_the_french_number_locale():
    script = (settings.BASE_DIR / "static" / "simulations" / "charts.js").read_text()
    assert "formatLocale" in script and "document.documentElement.lang" in script
    assert '"\\u202f%"' in script and 'decimal: ","' in script


def test_run_page_has_no_inline_script(client, run):
    html = client.get(url("simulations:run-detail", "fr", key=run.key)).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_counted_units_agree_with_their_number():
    with translation.override("fr"):
        assert format_metric(1, "people") == f"1{NBSP}personne"
        assert format_metric(0, "people") == f"0{NBSP}personne"  # French: 0 is singular
        assert format_metric(2, "days") == f"2{NBSP}jours"
        assert format_metric(34.78, "people") == f"34,78{NBSP}personnes"
    with translation.override("en"):
        assert format_metric(1, "people") == f"1{NBSP}person"
        assert format_metric(0, "people") == f"0{NBSP}people"


def test_run_date_reads_the_french_way(client, run):
    import datetime

    SimulationRun.objects.filter(pk=run.pk).update(
        created_at=datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    )
    fr = client.get(url("simulations:run-detail", "fr", key=run.key)).content.decode()
    en = client.get(url("simulations:run-detail", "en", key=run.key)).content.decode()
    assert "le 1er mars 2026" in fr and "on 1 March 2026" in en
