"""The course deck's slides: loaded with the initial content, every link exists, and the
coverage table (slide → themes → cases → simulations → quizzes) has no empty cell that its
slide does not explain."""

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from course.content import ContentError, load_slides
from course.coverage import coverage_rows
from course.models import Slide
from kb.models import Theme

SLIDES = Path(__file__).resolve().parents[2] / "fixtures" / "course" / "slides.yaml"


@pytest.fixture
def loaded(db):
    call_command("load_initial_content", stdout=io.StringIO())


def test_initial_content_loads_every_slide_of_the_deck(loaded, django_assert_max_num_queries):
    shipped = yaml.safe_load(SLIDES.read_text(encoding="utf-8"))
    assert Slide.objects.count() == len(shipped) >= 21
    first = Slide.objects.get(number=1)
    assert first.text_fr.startswith("Les données (trouées")
    assert first.text_en.startswith("Data")
    assert first.themes.filter(slug="biased-data").exists()
    with django_assert_max_num_queries(6), translation.override("en"):
        rows = coverage_rows()
        assert [r.slide.number for r in rows] == sorted(r.slide.number for r in rows)


def test_every_empty_cell_is_explained_in_both_languages(loaded):
    """The issue's "done when": no empty cell but where the slide says why none can exist."""
    rows = coverage_rows()
    assert not [(r.slide.number, r.empty) for r in rows if r.unexplained]
    for row in rows:
        note_fr, note_en = row.slide.gap_note_fr or "", row.slide.gap_note_en or ""
        assert bool(note_fr) == bool(note_en), row.slide.number
        assert bool(note_en) == bool(row.empty), (row.slide.number, row.empty)
    out = io.StringIO()
    call_command("seed_coverage", "--lang", "fr", "--check", stdout=out)
    table = out.getvalue()
    assert "| Diapositive | Thèmes |" in table
    assert "2. Une fonction de perte pas adaptée au besoin" in table
    assert "(`asymmetric-costs`)" in table


def test_check_fails_on_a_slide_with_an_empty_cell_and_no_reason(theme):
    slide = Slide.objects.create(
        number=2,
        section="problems",
        text_fr="Perte",
        text_en="Loss",
        simulations=["base-rate"],
        gap_note_fr="Ni cas ni quiz.",
        gap_note_en="No case or quiz.",
    )
    slide.themes.set([theme])
    call_command("seed_coverage", "--check", stdout=io.StringIO())  # empty cells, explained
    err = io.StringIO()
    slide.gap_note_en = slide.gap_note_fr = ""
    slide.save()
    with pytest.raises(CommandError, match="1 slide"):
        call_command("seed_coverage", "--check", stdout=io.StringIO(), stderr=err)
    assert "Slide 2: no cases, quizzes" in err.getvalue()


def test_table_without_slides_is_a_clear_error(db):
    with pytest.raises(CommandError, match="run load_course first"):
        call_command("seed_coverage", stdout=io.StringIO())


GOOD = {
    "number": 1,
    "section": "problems",
    "text_fr": "Les données",
    "text_en": "Data",
    "themes": ["biased-data"],
    "simulations": ["missing-data"],
}


@pytest.fixture
def theme(db):
    return Theme.objects.create(
        slug="biased-data", name="Biased data", definition="d", explanation="e"
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"cases": ["no-such-case"]}, "slide #2: unknown cases: no-such-case"),
        ({"quizzes": ["no-such-quiz"]}, "slide #2: unknown quizzes: no-such-quiz"),
        ({"themes": "biased-data"}, "slide #2: 'themes' must be a list of slugs"),
        ({"simulations": ["no-such-sim"]}, "slide #2: Unknown simulation(s): no-such-sim"),
        ({"section": "elsewhere"}, "slide #2: 'section' must be one of"),
        ({"text_fr": ""}, "slide #2: 'text_fr' is required"),
        ({"colour": "red"}, "slide #2: unknown key(s): colour"),
        ({"number": 1}, "slide #2: 'number' must be a new positive whole number"),
    ],
)
def test_a_bad_slide_file_names_the_slide_and_loads_nothing(theme, tmp_path, change, message):
    good = load_slides_text(tmp_path, [GOOD])
    assert load_slides(good) == 1
    bad = load_slides_text(tmp_path, [GOOD, {**GOOD, "number": 2, **change}])
    with pytest.raises(ContentError) as raised:
        load_slides(bad)
    assert any(message in e for e in raised.value.errors), raised.value.errors
    assert list(Slide.objects.values_list("number", flat=True)) == [1]


def load_slides_text(tmp_path, slides) -> Path:
    path = tmp_path / "slides.yaml"
    path.write_text(yaml.safe_dump(slides, allow_unicode=True), encoding="utf-8")
    return path


def test_load_course_exits_2_with_the_errors(db, tmp_path):
    bad = tmp_path / "slides.yaml"
    bad.write_text("- number: one\n", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("load_course", "--force", "--file", str(bad), stdout=io.StringIO())
    assert raised.value.returncode == 2
    assert "No slide loaded" in str(raised.value)
    bad.write_text("number: [", encoding="utf-8")
    with pytest.raises(CommandError, match="slides.yaml"):
        call_command("load_course", "--force", "--file", str(bad), stdout=io.StringIO())


def test_admin_edits_a_slide_with_simulations_as_checkboxes(theme, admin_client):
    slide = Slide.objects.create(number=8, section="costs", text_fr="Coût", text_en="Cost")
    slide.themes.set([theme])
    url = reverse("admin:course_slide_change", args=[slide.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'type="checkbox" name="simulations" value="seed-variance"' in page.content.decode()
    data = {
        "number": 8,
        "section": "costs",
        "text_fr": slide.text_fr,
        "text_en": slide.text_en,
        "themes": [theme.pk],
        "simulations": ["seed-variance"],
        "gap_note_fr": "",
        "gap_note_en": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    slide.refresh_from_db()
    assert slide.simulations == ["seed-variance"]
    data["simulations"] = ["no-such-sim"]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "no-such-sim" in response.content.decode()  # the choice is refused, not stored
    slide.refresh_from_db()
    assert slide.simulations == ["seed-variance"]
