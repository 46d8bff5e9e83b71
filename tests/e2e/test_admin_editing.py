"""A teacher adds a sourced key fact in one save, edits a question whose form follows its type,
and finds the admin home; axe finds nothing serious on those pages."""

import re

import pytest
from playwright.sync_api import expect

from kb.models import KeyFact, Source
from tests.quiz.factories import QuizFactory

from .axe import blocking_report
from .content import predpol_case
from .helpers import admin_login, admin_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Django's own admin markup (see test_accessibility.ADMIN_EXCLUDE): inline rows and filter widgets.
ADMIN_EXCLUDE = (".selector", ".tabular")
RAND_TITLE = "Predictive Policing: The Role of Crime Forecasting"


def bilingual_case():
    case = predpol_case(
        title_fr="PredPol à Los Angeles",
        summary_fr="Un logiciel renvoyait les patrouilles dans les mêmes quartiers.",
        body_fr="Le logiciel a été **déployé** en 2011.",
    )
    case.key_facts.update(statement_fr="Déployé par le LAPD à partir de 2011")
    case.timeline.update(text_fr="Le LAPD cesse d'utiliser PredPol")
    return case


def test_teacher_adds_a_source_and_a_key_fact_citing_it_in_one_save(page, teacher, browser_errors):
    case = bilingual_case()
    admin_login(page)
    page.goto(admin_url(f"kb/casestudy/{case.pk}/change/"))

    page.get_by_role("button", name="Add another Source").click()
    row = page.locator("#sources-3")
    row.locator("#id_sources-3-title").fill(RAND_TITLE)
    row.locator("#id_sources-3-publisher").fill("RAND Corporation")
    row.locator("#id_sources-3-url").fill("https://www.rand.org/pubs/research_reports/RR233.html")
    # Kind forgotten on purpose: the error is far below the banner.

    page.get_by_role("button", name="Add another Key fact").click()
    fact = page.locator("#key_facts-1")
    fact.locator("#id_key_facts-1-statement_fr").fill(
        "La RAND n'a trouvé que peu de preuves que la prévision réduise la criminalité."
    )
    fact.locator("#id_key_facts-1-statement_en").fill(
        "RAND found little evidence that forecasting reduced crime."
    )
    menu = fact.locator("#id_key_facts-1-source")
    # The source being added is in the key fact's menu already, named by its title.
    menu.select_option(label=f"New source (below): {RAND_TITLE}")
    fact.locator("#id_key_facts-1-status").select_option("verified")
    page.locator("input[name=_continue]").last.click()

    banner = page.locator(".first-error-note")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Source #4 › Kind")
    banner.get_by_role("link").click()
    kind = page.locator("#id_sources-3-kind")
    expect(kind).to_be_in_viewport()
    # The key fact still cites the new source after the page came back with the error.
    expect(page.locator("#id_key_facts-1-source option:checked")).to_have_text(
        f"New source (below): {RAND_TITLE}"
    )
    kind.select_option("official")
    page.locator("input[name=_continue]").last.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    rand = Source.objects.get(case=case, publisher="RAND Corporation")
    fact = KeyFact.objects.get(case=case, statement_en__startswith="RAND found")
    assert fact.source_id == rand.pk
    # New rows go to the end of their lists.
    assert list(case.sources.all())[-1] == rand
    assert list(case.key_facts.all())[-1] == fact
    page.goto(case.get_absolute_url())
    expect(page.get_by_text("RAND found little evidence")).to_be_visible()
    assert browser_errors == []

    page.goto(admin_url(f"kb/casestudy/{case.pk}/change/"))
    assert blocking_report("case change form", page, exclude=ADMIN_EXCLUDE) == ""


FIELDS = {
    # type: (all or nothing, numeric value, choices)
    "single": (False, False, True),
    "multiple": (True, False, True),
    "truefalse": (False, False, True),
    "numeric": (False, True, False),
}


def test_the_question_form_shows_the_fields_of_its_type_and_a_live_preview(
    page, teacher, browser_errors
):
    quiz = QuizFactory(slug="editor", title="Editor quiz", title_fr="Quiz de l'éditeur")
    admin_login(page)
    page.goto(admin_url(f"quiz/question/add/?quiz={quiz.pk}"))
    # With JavaScript, the note for the no-script form is hidden.
    expect(page.get_by_text("With JavaScript, the other fields are hidden")).to_be_hidden()
    kind = page.locator("#id_type")
    for qtype, (all_or_nothing, numeric, choices) in FIELDS.items():
        kind.select_option(qtype)
        for locator, shown in [
            (page.locator("#id_all_or_nothing"), all_or_nothing),
            (page.locator("#id_numeric_value"), numeric),
            (page.locator("#id_numeric_tolerance"), numeric),
            (page.locator("#choices-group"), choices),
        ]:
            if shown:
                expect(locator).to_be_visible()
            else:
                expect(locator).to_be_hidden()

    kind.select_option("single")
    page.locator("#id_prompt_en").fill("Which records does **PredPol** learn from?")
    page.locator("#id_choices-0-text_en").fill("Where patrols were sent")
    page.locator("#id_choices-1-text_en").fill("Where crime happened")
    preview = page.locator(".question-preview-panel")
    expect(preview.locator("strong")).to_have_text("PredPol")  # Markdown rendered, not raw
    expect(preview.get_by_text("Where patrols were sent")).to_be_visible()
    expect(preview.locator("input[type=radio]")).to_have_count(2)

    # The preset menu lists only the chosen simulation's presets.
    page.locator("#id_simulation").select_option("feedback-loop")
    presets = page.locator("#id_preset option:not([hidden])")
    values = [v for v in presets.evaluate_all("(os) => os.map((o) => o.value)") if v]
    assert values and all(v.startswith("feedback-loop:") for v in values)
    assert browser_errors == []
    assert blocking_report("question form", page, exclude=ADMIN_EXCLUDE) == ""


def test_the_admin_home_lists_what_to_act_on(page, teacher, browser_errors):
    QuizFactory(slug="untranslated", title="Untranslated quiz", title_fr="")
    admin_login(page)
    home = page.locator(".teacher-home")
    expect(home.get_by_role("heading", name="Recent attempts")).to_be_visible()
    expect(home).to_contain_text("No attempt submitted yet.")
    expect(home.get_by_role("link", name=re.compile("Untranslated quiz"))).to_be_visible()
    expect(home).to_contain_text("French missing")
    assert browser_errors == []
    assert blocking_report("admin home", page, exclude=ADMIN_EXCLUDE) == ""
