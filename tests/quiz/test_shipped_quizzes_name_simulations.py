"""A shipped quiz that names a simulation's preset or indicator in quotes ("Equal rates, biased
history", "Honest travellers flagged per liar caught (expected)") names it in French as the
simulation page shows it: the simulations' French catalogue. A student told to open the preset
« X » must find « X » in the list. And a misconception tag reads one way in French."""

import re

import polib
import pytest
import yaml
from django.conf import settings

QUIZ_DIR = settings.BASE_DIR / "fixtures" / "quizzes"
SIMULATIONS_PO = settings.BASE_DIR / "simulations" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
QUOTED_RE = re.compile(r'"([^"\n]+)"')


def normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    return " ".join(text.split()).casefold()


def sibling_texts(node, where=""):
    """(where, English text, French text) for every key with a `_fr` sibling."""
    if isinstance(node, dict):
        for key, value in node.items():
            french = node.get(f"{key}_fr")
            if isinstance(value, str) and isinstance(french, str):
                yield f"{where}.{key}", value, french
            elif not isinstance(value, str):
                yield from sibling_texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for number, item in enumerate(node, 1):
            yield from sibling_texts(item, f"{where}[{number}]")


@pytest.fixture(scope="module")
def simulation_catalogue():
    return {
        e.msgid: e.msgstr for e in polib.pofile(str(SIMULATIONS_PO)) if e.msgstr and not e.fuzzy
    }


def test_quizzes_name_presets_and_indicators_as_the_simulations_french_does(simulation_catalogue):
    named, wrong = 0, []
    for path in sorted(QUIZ_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, english, french in sibling_texts(data):
            for quoted in QUOTED_RE.findall(" ".join(english.split())):
                translation = simulation_catalogue.get(quoted)
                if translation is None:
                    continue
                named += 1
                if normalise(translation) not in normalise(french):
                    wrong.append(f"{path.stem}{where}: “{quoted}” → « {translation} »")
    assert named >= 20  # the quizzes do point at presets: the check is not vacuous
    assert wrong == []


# A weapon's "accuracy" is its précision; a classifier's, its exactitude.
SAME_TAG_TWO_WORDINGS = {"thinks better accuracy fixes an unjust use"}


def test_one_misconception_tag_has_one_french_wording():
    """The teacher's statistics count misconceptions by their text: the same English tag in
    two quizzes must not read two ways in French."""
    wordings: dict[str, set[str]] = {}
    for path in sorted(QUIZ_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, english, french in sibling_texts(data):
            if where.rsplit(".", 1)[-1].startswith("misconception"):
                wordings.setdefault(english, set()).add(french)
    assert len(wordings) >= 100
    split = {en: fr for en, fr in wordings.items() if len(fr) > 1}
    assert set(split) <= SAME_TAG_TWO_WORDINGS, split
