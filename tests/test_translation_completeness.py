"""Everything a reader sees exists in French and in English.

Content: the shipped fixtures (cases, key facts, timelines, sources' notes, themes, countries,
glossary, quizzes, questions, choices): for each translated field of each published object,
when one language has text the other must have text too.

Simulations: every message the engine produces for its description (title, question,
explanation, parameters, presets) and for its default run and each preset's run (findings,
metrics, tables, charts, checks) has a French translation in a catalogue.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from modeltranslation.translator import translator

from kb.management.commands.translation_report import visible
from simulations import engine
from simulations.engine.text import Msg

pytestmark = pytest.mark.django_db

LANGS = [code for code, _ in settings.LANGUAGES]


@pytest.fixture
def shipped_content():
    call_command("load_initial_content", verbosity=0)


def test_every_published_text_exists_in_both_languages(shipped_content):
    missing = []
    checked = 0
    for model in translator.get_registered_models():
        if model._meta.app_label not in {"kb", "quiz"} or model._meta.proxy:
            continue
        fields = [
            f for f in translator.get_options_for_model(model).fields if not f.endswith("_html")
        ]
        for row in model.objects.all():
            if not visible(row):
                continue
            for name in fields:
                values = {code: (getattr(row, f"{name}_{code}") or "").strip() for code in LANGS}
                if any(values.values()):
                    checked += 1
                    for code, text in values.items():
                        if not text:
                            missing.append(f"{model.__name__} {row.pk} ({row}) {name}_{code}")
    assert checked > 500  # the shipped content was really walked
    assert not missing, f"{len(missing)} texts lack a translation:\n" + "\n".join(missing[:80])


@cache
def _catalogue() -> dict[str, bool]:
    """msgid → translated (non-empty msgstr), over every French catalogue of the project."""
    import polib

    entries: dict[str, bool] = {}
    root = Path(settings.BASE_DIR)
    for po in root.glob("**/locale/fr/LC_MESSAGES/django.po"):
        if ".venv" in po.parts:
            continue
        for entry in polib.pofile(str(po)):
            done = bool(entry.msgstr) or all(entry.msgstr_plural.values() or [False])
            entries[entry.msgid] = entries.get(entry.msgid, False) or (done and not entry.fuzzy)
    return entries


def _templates(value, found: set[str]) -> set[str]:
    """Every message template in an engine object, a stored result or a description."""
    if isinstance(value, Msg):
        found.add(value.template)
        for v in value.values.values():
            _templates(v, found)
    elif isinstance(value, dict):
        if "$t" in value:
            found.add(value["$t"])
        for v in value.values():
            _templates(v, found)
    elif isinstance(value, list | tuple):
        for v in value:
            _templates(v, found)
    elif hasattr(value, "parts"):  # Seq
        _templates(list(value.parts), found)
    return found


@pytest.mark.parametrize("slug", sorted(engine.REGISTRY))
def test_every_simulation_message_has_a_french_translation(slug):
    simulation = engine.get(slug)
    found: set[str] = set()
    _templates(simulation.describe(), found)
    _templates(simulation.explanation, found)
    _templates([param.describe() for param in simulation.params], found)
    _templates(simulation.run(seed=1).to_dict(), found)
    for preset in simulation.presets:
        _templates(simulation.run(seed=1, preset=preset.slug).to_dict(), found)
    # Texts that are plain str were never marked for translation: they would stay English.
    unmarked = [
        f"{slug}.{name}"
        for name in ("title", "question", "explanation")
        if not isinstance(getattr(simulation, name), Msg)
    ]
    for param in simulation.params:
        unmarked += [
            f"{slug}: parameter {param.name} {name}"
            for name in ("label", "help")
            if not isinstance(getattr(param, name), Msg)
        ]
    for preset in simulation.presets:
        unmarked += [
            f"{slug}: preset {preset.slug} {name}"
            for name in ("title", "description", "source")
            if getattr(preset, name) and not isinstance(getattr(preset, name), Msg)
        ]
    assert not unmarked, "not marked for translation: " + ", ".join(unmarked)
    catalogue = _catalogue()
    untranslated = sorted(t for t in found if t.strip() and not catalogue.get(t))
    assert found, "the simulation produced no message at all"
    assert not untranslated, f"{slug}: {len(untranslated)} messages without French:\n" + "\n".join(
        untranslated[:40]
    )
