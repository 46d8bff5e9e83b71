"""Class results as spreadsheets: XLSX (openpyxl reads it back) and CSV for French Excel."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.classroom.teach_helpers import add_member, right_answers, take, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def results(classroom, open_assignment):
    quiz = open_assignment.quiz
    take(open_assignment, add_member(classroom, "Ada"), right_answers(quiz))
    take(open_assignment, add_member(classroom, "Éloïse"), wrong_answers(quiz))
    add_member(classroom, '=HYPERLINK("https://evil.example","x")')
    return open_assignment


def export(client, teacher, classroom, fmt, assignment=None, language="en"):
    client.force_login(teacher)
    if assignment is None:
        address = reverse("classroom:teach-class-export", args=[classroom.code, fmt])
    else:
        address = reverse(
            "classroom:teach-assignment-export", args=[classroom.code, assignment.pk, fmt]
        )
    address = address.replace("/en/", f"/{language}/", 1)
    return client.get(address, HTTP_ACCEPT_LANGUAGE=language)


def test_class_results_as_xlsx(client, teacher_a, classroom, results):
    response = export(client, teacher_a, classroom, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"class-{classroom.code}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("assignment", "nickname", "joined_at", "status")
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Ada"][3] == "submitted" and by_name["Ada"][7] == 100.0
    assert by_name["Éloïse"][7] == 0.0
    # A nickname that looks like a formula stays text (prefixed), never a formula.
    evil = next(name for name in by_name if "HYPERLINK" in name)
    assert evil.startswith("'=")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_class_results_as_csv_for_french_excel(client, teacher_a, classroom, results):
    response = export(client, teacher_a, classroom, "csv", language="fr")
    assert response.status_code == 200
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Éloïse"][3] == "rendu"  # French status
    assert by_name["Ada"][7] == "100,0"  # decimal comma
    evil = next(name for name in by_name if "HYPERLINK" in name)
    assert evil.startswith("'=")


def test_assignment_results_have_each_question(client, teacher_a, classroom, results):
    response = export(client, teacher_a, classroom, "csv", assignment=results)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    questions = list(results.quiz.questions.order_by("order", "pk"))
    assert rows[0][-len(questions) :] == [f"Q{n} ({q.pk})" for n, q in enumerate(questions, 1)]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Ada"][-len(questions) :] == ["1.0"] * len(questions)
    assert by_name["Éloïse"][-len(questions) :] == ["0.0"] * len(questions)
    assert by_name['\'=HYPERLINK("https://evil.example","x")'][3] == "not started"

    response = export(client, teacher_a, classroom, "xlsx", assignment=results)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4


def test_an_unknown_format_is_a_404(client, teacher_a, classroom, results):
    assert export(client, teacher_a, classroom, "pdf").status_code == 404
