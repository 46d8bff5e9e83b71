"""A teacher edits a case, reads its history and reverts it through the admin: the whole case
(text, sources, key facts) comes back as it was, and axe finds nothing on the history pages.

(Replaces test_teacher.py, which drove django-simple-history's field-only revert.)
"""

import pytest
from playwright.sync_api import expect

from config import history
from kb.models import KeyFact, Source
from tests.kb.factories import KeyFactFactory, SourceFactory

from .axe import blocking_report
from .content import CASE_TITLE, predpol_case
from .helpers import TEACHER_PASSWORD, admin_login, admin_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_TITLE = "PredPol, as edited by a teacher"
RAND = "RAND evaluation of Shreveport"


def french(case):
    case.key_facts.update(statement_fr="Déployé par le LAPD à partir de 2011")
    case.timeline.update(text_fr="Le LAPD cesse d'utiliser PredPol")
    case.sources.update(supports_fr="Les dates.")
    return case


def test_teacher_reverts_a_case_and_its_added_source_and_fact(open_page, teacher, browser_errors):
    case = french(
        predpol_case(
            title_fr="PredPol à Los Angeles",
            summary_fr="Un logiciel renvoyait les patrouilles dans les mêmes quartiers.",
            body_fr="Le logiciel a été **déployé** en 2011.",
        )
    )
    history.record_version(case, comment=history.INITIAL_CONTENT)
    # An earlier save of the teacher's: a source and a key fact citing it.
    rand = SourceFactory(case=case, title=RAND, supports_fr="Pas de baisse.")
    KeyFactFactory(
        case=case, source=rand, statement="No fall in crime", statement_fr="Pas de baisse"
    )
    history.record_version(case, user=teacher)

    page = open_page("desktop")
    admin_login(page)
    page.goto(admin_url(f"kb/casestudy/{case.pk}/change/"))
    page.locator("#id_title_en").fill(NEW_TITLE)
    page.locator("input[name=_save]").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(case.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(page.locator("main")).to_contain_text(RAND)

    page.goto(admin_url(f"kb/casestudy/{case.pk}/change/"))
    page.get_by_role("link", name="History").first.click()
    entries = page.locator(".history-entry")
    expect(entries).to_have_count(3)
    expect(entries.nth(0)).to_contain_text("teacher")
    expect(entries.nth(0).locator("del")).to_contain_text(CASE_TITLE)
    expect(entries.nth(0).locator("ins")).to_contain_text(NEW_TITLE)
    expect(entries.nth(1)).to_contain_text(RAND)
    expect(entries.nth(1)).to_contain_text("No fall in crime")
    expect(entries.nth(2)).to_contain_text("Initial content")
    assert page.locator(".history-who a").count() == 0  # no link to a user page
    assert blocking_report("history", page) == ""

    entries.nth(2).get_by_role("link", name="Revert to this version").click()
    expect(page.locator("#content-main")).to_contain_text(RAND)
    assert blocking_report("revert", page) == ""
    page.get_by_role("button", name="Revert to this version").click()
    message = page.locator(".messagelist")
    expect(message).to_contain_text("was reverted to the version of")
    expect(message).to_contain_text("Sources (1 added since deleted)")
    expect(message).to_contain_text("Key facts (1 added since deleted)")
    expect(page.locator(".history-entry").first).to_contain_text("Reverted to an earlier version")

    page.goto(case.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(CASE_TITLE)
    expect(page.locator("main")).not_to_contain_text(RAND)
    assert not Source.objects.filter(title=RAND).exists()
    assert not KeyFact.objects.filter(statement_en="No fall in crime").exists()
    assert browser_errors == []


def test_history_page_in_french_on_a_phone(open_page, teacher, browser_errors):
    case = french(predpol_case(title_fr="PredPol à Los Angeles"))
    history.record_version(case, comment=history.INITIAL_CONTENT)
    case.title_en = NEW_TITLE
    case.save()
    history.record_version(case, user=teacher)
    page = open_page("phone", locale="fr-FR")
    page.goto(admin_url())
    page.locator("#id_username").fill("teacher")
    page.locator("#id_password").fill(TEACHER_PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(admin_url(f"kb/casestudy/{case.pk}/history/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Historique de")
    expect(page.locator(".history-entry").last).to_contain_text("Contenu initial")
    button = page.get_by_role("link", name="Revenir à cette version")
    assert button.bounding_box()["height"] >= 44
    assert blocking_report("history-fr-phone", page) == ""
    assert browser_errors == []
