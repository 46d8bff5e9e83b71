"""A teacher edits a case in the admin, sees it on the site, and restores the old version."""

import pytest
from playwright.sync_api import expect

from .content import CASE_TITLE, predpol_case
from .helpers import HISTORY_PAGINATOR_STYLE, admin_login, admin_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_TITLE = "PredPol, as edited by a teacher"


def test_teacher_edits_a_case_then_restores_the_old_version(page, teacher, browser_errors):
    # French is required in the admin: the case has both languages, the teacher edits the English.
    case = predpol_case(
        title_fr="PredPol à Los Angeles",
        summary_fr="Un logiciel renvoyait les patrouilles dans les mêmes quartiers.",
        body_fr="Le logiciel a été **déployé** en 2011.",
    )
    case.key_facts.update(statement_fr="Déployé par le LAPD à partir de 2011")
    case.timeline.update(text_fr="Le LAPD cesse d'utiliser PredPol")
    versions = case.history.count()
    admin_login(page)

    page.get_by_role("link", name="Case studies").click()
    page.get_by_role("link", name=CASE_TITLE, exact=True).click()
    title = page.locator("#id_title_en")  # the English column, beside the French
    expect(title).to_have_value(CASE_TITLE)
    title.fill(NEW_TITLE)
    page.locator("input[name=_save]").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(case.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)

    page.goto(admin_url(f"kb/casestudy/{case.pk}/change/"))
    page.get_by_role("link", name="History").first.click()
    rows = page.locator("#change-history tbody tr")
    expect(rows).to_have_count(versions + 1)
    # Newest first: the teacher's edit, then the version before it.
    expect(rows.first).to_contain_text("teacher")
    expect(rows.first).to_contain_text(f"{CASE_TITLE} → {NEW_TITLE}")
    rows.nth(1).get_by_role("link", name=CASE_TITLE).click()
    expect(page.locator("#id_title_en")).to_have_value(CASE_TITLE)
    page.get_by_role("button", name="Revert").first.click()
    expect(page.locator(".messagelist")).to_contain_text(f"“{CASE_TITLE}” was changed successfully")

    page.goto(case.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(CASE_TITLE)
    case.refresh_from_db()
    assert case.title == CASE_TITLE
    assert case.history.count() == versions + 2
    assert [e for e in browser_errors if not HISTORY_PAGINATOR_STYLE.search(e)] == []
