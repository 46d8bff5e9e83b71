"""Numeric answers as each language writes them. The French simulation pages show 0,239 and
0,495 (a decimal comma): a French student who copies such a value must not be graded on 239."""

import re

import pytest
from django.utils import translation

from quiz.forms import parse_number
from quiz.models import Attempt, format_number

from .factories import QuizFactory, numeric

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text, language, value",
    [
        ("0,239", "fr", 0.239),
        ("0,239", "en", 239.0),  # English reads a lone ",ddd" as thousands
        ("237,600", "en", 237600.0),
        ("237 600", "fr", 237600.0),
        ("237\u00a0600", "fr", 237600.0),
        ("237\u202f600", "fr", 237600.0),
        ("0,25", "en", 0.25),
        ("0,25", "fr", 0.25),
        ("0.25", "fr", 0.25),
        ("1 234,5", "fr", 1234.5),
        ("1.234,5", "fr", 1234.5),
        ("1,234.5", "en", 1234.5),
        ("1,234.5", "fr", 1234.5),
        ("1,234,567", "fr", 1234567.0),
        ("-3,125", "fr", -3.125),
        ("42", "fr", 42.0),
    ],
)
def test_parse_number_per_language(text, language, value):
    assert parse_number(text, language) == pytest.approx(value)


def test_parse_number_follows_the_active_language():
    with translation.override("fr"):
        assert parse_number("0,239") == pytest.approx(0.239)
    with translation.override("en"):
        assert parse_number("0,239") == pytest.approx(239)


@pytest.mark.parametrize("bad", ["1,2.3,4", "forty", "nan"])
def test_what_is_not_a_number_stays_refused(bad):
    with pytest.raises(ValueError):
        parse_number(bad, "fr")


def test_a_french_student_who_copies_0_239_from_the_simulation_page_is_right(client):
    quiz = QuizFactory()
    question = numeric(quiz, value=0.239, tolerance=0.012)
    with translation.override("fr"):
        url = quiz.get_absolute_url()
    assert url.startswith("/fr/")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    state = {
        name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
        for name in ("attempt", "seed")
    }
    response = client.post(url, {**state, f"q{question.pk}": "0,239"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    attempt = Attempt.objects.submitted().get()
    assert attempt.score == attempt.max_score > 0


@pytest.mark.parametrize(
    "value, language, text",
    [
        (0.239, "en", "0.239"),
        (0.239, "fr", "0,239"),
        (237600.0, "en", "237 600"),
        (237600.0, "fr", "237\u00a0600"),
        (-3.5, "fr", "-3,5"),
        (42.0, "fr", "42"),
    ],
)
def test_format_number_per_language(value, language, text):
    assert format_number(value, language) == text


def test_a_french_student_reads_the_right_answer_with_a_decimal_comma(client):
    quiz = QuizFactory()
    question = numeric(quiz, value=0.239, tolerance=0.012)
    with translation.override("fr"):
        url = quiz.get_absolute_url()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    state = {
        name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
        for name in ("attempt", "seed")
    }
    response = client.post(url, {**state, f"q{question.pk}": "0,5"}, HTTP_ACCEPT_LANGUAGE="fr")
    result = client.get(response.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "0,239" in result and "0,012" in result and "0,5" in result
    assert "0.239" not in result
