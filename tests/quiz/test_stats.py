"""Item statistics on a small data set worked out by hand.

Five students, four 1-point single-choice questions; item scores (first attempts):

    student  Q1 Q2 Q3 Q4  total  percent
    S1        1  1  1  1    4     100
    S2        1  1  0  1    3      75
    S3        1  1  0  0    2      50
    S4        1  0  1  0    2      50
    S5        1  0  0  0    1      25

Quiz: mean = 300/5 = 60 %, median = 50 %.
Q1: facility 100 %; everyone scored 1 (zero variance) → discrimination and efficiency n/a.
Q2: x = [1,1,1,0,0], rest = total − x = [3,2,1,2,1]; means 0.6 and 1.8.
    deviations x: [.4,.4,.4,−.6,−.6], rest: [1.2,.2,−.8,.2,−.8]
    cov = (.48+.08−.32−.12+.48)/5 = 0.12; var x = 0.24; var rest = 2.8/5 = 0.56
    discrimination = 100 × 0.12/√(0.24×0.56) = 32.73
    largest covariance: sort both, x [0,0,1,1,1], rest [1,1,2,2,3]:
    (.48+.48+.08+.08+.48)/5 = 0.32 → efficiency = 100 × 0.12/0.32 = 37.5 (not flagged)
Q3: x = [1,0,0,1,0], rest = [3,3,2,1,1]; cov = (.6−.4+0−.6+.4)/5 = 0 → discrimination 0,
    efficiency 0 → flagged (below 15). Facility 40 %.
Q4: x = [1,1,0,0,0], rest = [3,2,2,2,1]; cov = (.6+0+0+0+.4)/5 = 0.2; var x = .24, var rest = .4
    discrimination = 100 × 0.2/√0.096 = 64.55; sorted: x [0,0,0,1,1], rest [1,2,2,2,3]:
    covmax = (.4+0+0+0+.6)/5 = 0.2 → efficiency 100.
S1 then takes the quiz again and gets everything wrong: left out by default, counted with
all attempts (6 attempts, mean = 300/6 = 50 %). A teacher's preview of the draft never counts.
"""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from quiz.services import get_or_start_attempt, submit_attempt
from quiz.stats import quiz_stats

from .factories import QuizFactory, right_choice, single, wrong_choice

pytestmark = pytest.mark.django_db

MATRIX = [[1, 1, 1, 1], [1, 1, 0, 1], [1, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 0]]


@pytest.fixture
def data():
    quiz = QuizFactory(slug="stats-quiz")
    questions = [single(quiz) for _ in range(4)]
    users = [User.objects.create_user(f"s{i}") for i in range(1, 6)]
    for user, row in zip(users, MATRIX, strict=True):
        attempt = get_or_start_attempt(quiz=quiz, user=user, token=None)
        answers = {
            q.pk: right_choice(q) if ok else wrong_choice(q)
            for q, ok in zip(questions, row, strict=True)
        }
        submit_attempt(attempt=attempt, answers=answers)
    again = get_or_start_attempt(quiz=quiz, user=users[0], token=None)
    submit_attempt(attempt=again, answers={q.pk: wrong_choice(q) for q in questions})
    return quiz, questions


def test_quiz_figures(data):
    quiz, _ = data
    stats = quiz_stats(quiz)
    assert stats.attempts == 5
    assert stats.mean == pytest.approx(60)
    assert stats.median == pytest.approx(50)
    counts = {b["low"]: b["count"] for b in stats.histogram}
    assert counts == {0: 0, 10: 0, 20: 1, 30: 0, 40: 0, 50: 2, 60: 0, 70: 1, 80: 0, 90: 1}


def test_item_figures(data):
    quiz, _ = data
    q1, q2, q3, q4 = quiz_stats(quiz).questions
    assert q1.facility == pytest.approx(100)
    assert q1.discrimination is None and q1.efficiency is None and not q1.flagged
    assert q2.facility == pytest.approx(60)
    assert q2.discrimination == pytest.approx(32.733, abs=1e-3)
    assert q2.efficiency == pytest.approx(37.5)
    assert not q2.flagged
    assert q3.facility == pytest.approx(40)
    assert q3.discrimination == pytest.approx(0, abs=1e-9)
    assert q3.efficiency == pytest.approx(0, abs=1e-9) and q3.flagged
    assert q4.discrimination == pytest.approx(64.550, abs=1e-3)
    assert q4.efficiency == pytest.approx(100)


def test_choice_counts_and_most_chosen_wrong_answer(data):
    quiz, questions = data
    q2 = quiz_stats(quiz).questions[1]
    counts = {c.text: c.count for c in q2.choices}
    assert counts == {"Right answer": 3, "Wrong one": 2, "Wrong two": 0}
    assert q2.top_wrong.text == "Wrong one"
    assert q2.top_wrong.misconception == f"MISCONCEPTION-{questions[1].pk}-0"
    assert dict(quiz_stats(quiz).misconceptions)[q2.top_wrong.misconception] == 2


def test_all_attempts_option(data):
    quiz, _ = data
    stats = quiz_stats(quiz, all_attempts=True)
    assert stats.attempts == 6
    assert stats.mean == pytest.approx(50)


def test_no_attempts_and_single_attempt_never_crash():
    quiz = QuizFactory()
    q = single(quiz)
    stats = quiz_stats(quiz)
    assert stats.attempts == 0 and stats.mean is None and stats.questions[0].facility is None
    user = User.objects.create_user("only")
    submit_attempt(
        attempt=get_or_start_attempt(quiz=quiz, user=user, token=None),
        answers={q.pk: right_choice(q)},
    )
    item = quiz_stats(quiz).questions[0]
    assert item.facility == 100 and item.discrimination is None and item.efficiency is None


def test_stats_page_is_for_teachers(data, teacher_client, django_user_model):
    quiz, _ = data
    url = reverse("quiz:stats", args=[quiz.slug])
    assert Client().get(url).status_code == 302
    student_client = Client()
    student_client.force_login(django_user_model.objects.get(username="s1"))
    assert student_client.get(url).status_code == 403
    response = teacher_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "n/a" in html
        and "Review: efficiency below 15" in html
        and "Most-chosen wrong answer" in html
    )
    assert teacher_client.get(url + "?attempts=all").status_code == 200


def test_csv_export(data, teacher_client):
    quiz, _ = data
    with translation.override("en"):  # the French export is French Excel's (test below)
        url = reverse("quiz:attempts-csv", args=[quiz.slug])
    assert Client().get(url).status_code == 403
    response = teacher_client.get(url)
    rows = response.content.decode().strip().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0].startswith("attempt,user,started_at,submitted_at,score")
    assert len(rows) == 7
    assert rows[1].endswith(",100.0,yes,yes,1.00,1.00,1.00,1.00")  # S1's first attempt
    assert rows[-1].endswith(",0.0,no,no,0.00,0.00,0.00,0.00")  # S1 again: not a first attempt


def _csv(teacher_client, quiz, language):
    with translation.override(language):
        url = reverse("quiz:attempts-csv", args=[quiz.slug])
    assert url.startswith(f"/{language}/")
    return teacher_client.get(url)


def test_csv_export_in_english_is_plain_comma_separated(data, teacher_client):
    quiz, _ = data
    response = _csv(teacher_client, quiz, "en")
    body = response.content.decode("utf-8")
    assert not body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:5] == ["attempt", "user", "started_at", "submitted_at", "score"]
    assert rows[1][6:9] == ["100.0", "yes", "yes"]
    assert rows[-1][6:9] == ["0.0", "no", "no"]


def test_csv_export_in_french_opens_in_french_excel(data, teacher_client):
    """French Excel: UTF-8 with a byte-order mark, ";" between cells, decimal comma."""
    quiz, _ = data
    response = _csv(teacher_client, quiz, "fr")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.content
    assert raw.startswith("\ufeff".encode())  # the BOM: Excel then reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["tentative", "utilisateur", "commencée le", "remise le", "score"]
    assert len(rows) == 7 and all(len(row) == len(rows[0]) for row in rows)
    assert rows[1][6:9] == ["100,0", "oui", "oui"]  # S1's first attempt
    assert rows[1][9:] == ["1,00", "1,00", "1,00", "1,00"]
    assert rows[-1][6:9] == ["0,0", "non", "non"]  # S1 again: not a first attempt


def test_csv_cells_cannot_run_formulas():
    from config.spreadsheet import safe_cell as _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("alice") == "alice"


@pytest.mark.parametrize("n", [5, 30])
def test_stats_page_queries_do_not_grow(n, teacher_client, django_assert_num_queries):
    quiz = QuizFactory()
    questions = [single(quiz) for _ in range(n)]
    for i in range(3):
        user = User.objects.create_user(f"u{i}")
        attempt = get_or_start_attempt(quiz=quiz, user=user, token=None)
        submit_attempt(attempt=attempt, answers={q.pk: right_choice(q) for q in questions[: i + 1]})
    url = reverse("quiz:stats", args=[quiz.slug])
    teacher_client.get(url)
    with django_assert_num_queries(10):
        assert teacher_client.get(url).status_code == 200
