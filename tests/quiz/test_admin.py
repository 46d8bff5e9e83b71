"""The teachers' admin: validation on save with clear messages, protected deletes, links, upload."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kb.teachers import TEACHERS_GROUP
from quiz.models import (
    MISCONCEPTION_ON_CORRECT,
    MULTIPLE_NEEDS_CORRECT,
    NUMERIC_NEEDS_VALUE,
    PUBLISHED_NEEDS_QUESTIONS,
    Question,
    Quiz,
)

from .factories import QuizFactory, right_choice, single

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_client(teacher_client):
    """The admin in English unless a test asks otherwise: these tests read English messages."""
    teacher_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return teacher_client


TRANSLATED = {"title", "description", "prompt", "general_feedback", "unit"}
TRANSLATED |= {"text", "feedback", "misconception"}


def both_languages(data: dict) -> dict:
    """The admin edits French and English side by side: `prompt` is posted as `prompt_fr` and
    `prompt_en` (here with the same text)."""
    posted = {}
    for key, value in data.items():
        prefix, _, name = key.rpartition("-")
        if name in TRANSLATED:
            for code in ("fr", "en"):
                posted[f"{key}_{code}"] = value
        else:
            posted[key] = value
    return posted


def question_post(quiz, qtype, choices, **extra):
    data = {
        "quiz": quiz.pk,
        "type": qtype,
        "title": "",
        "prompt": "What is it?",
        "points": "1",
        "order": "0",
        "general_feedback": "",
        "simulation": "",
        "preset": "",
        "numeric_value": "",
        "numeric_tolerance": "",
        "unit": "",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for i, (text, correct, misconception) in enumerate(choices):
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-order"] = str(i)
        data[f"choices-{i}-feedback"] = ""
        data[f"choices-{i}-misconception"] = misconception
        if correct:
            data[f"choices-{i}-is_correct"] = "on"
    return both_languages(data)


@pytest.mark.parametrize(
    ("qtype", "choices", "extra", "message"),
    [
        (
            "single",
            [("a", True, ""), ("b", True, "")],
            {},
            "exactly one correct choice; this one has 2",
        ),
        (
            "single",
            [("a", False, ""), ("b", False, "")],
            {},
            "exactly one correct choice; this one has 0",
        ),
        (
            "truefalse",
            [("True", True, ""), ("False", False, ""), ("Maybe", False, "")],
            {},
            "exactly two choices",
        ),
        ("truefalse", [("True", True, ""), ("False", True, "")], {}, "one of them correct"),
        ("multiple", [("a", False, ""), ("b", False, "")], {}, MULTIPLE_NEEDS_CORRECT),
        ("numeric", [], {"numeric_tolerance": "1"}, NUMERIC_NEEDS_VALUE),
        ("single", [("a", True, "thinks so"), ("b", False, "")], {}, MISCONCEPTION_ON_CORRECT),
        (
            "single",
            [("a", True, ""), ("b", False, "")],
            # The simulation is chosen from a menu of the engine's simulations.
            {"simulation": "no-such-sim"},
            "Select a valid choice. no-such-sim is not one of the available choices.",
        ),
    ],
)
def test_question_validation_messages(teacher_client, qtype, choices, extra, message):
    quiz = QuizFactory(is_published=False)
    response = teacher_client.post(
        reverse("admin:quiz_question_add"), question_post(quiz, qtype, choices, **extra)
    )
    assert response.status_code == 200
    assert message.replace("“", "&quot;")[:40] in response.content.decode().replace("“", "&quot;")
    assert not Question.objects.exists()


def test_valid_question_is_saved_with_its_choices(teacher_client):
    quiz = QuizFactory(is_published=False)
    data = question_post(
        quiz, "multiple", [("a", True, ""), ("b", False, "confuses a with b"), ("c", True, "")]
    )
    response = teacher_client.post(reverse("admin:quiz_question_add"), data)
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.choices.count() == 3 and question.history.count() == 1


def test_numeric_question_saves(teacher_client):
    quiz = QuizFactory(is_published=False)
    data = question_post(
        quiz, "numeric", [], numeric_value="237600", numeric_tolerance="100", unit="people"
    )
    assert teacher_client.post(reverse("admin:quiz_question_add"), data).status_code == 302


def test_publishing_an_empty_quiz_is_refused(teacher_client):
    response = teacher_client.post(
        reverse("admin:quiz_quiz_add"),
        both_languages(
            {
                "title": "New",
                "slug": "new",
                "description": "",
                "is_published": "on",
                "question_order": "fixed",
                "feedback_timing": "end",
                "pass_mark": "60",
                "attempts_allowed": "",
                "questions-TOTAL_FORMS": "0",
                "questions-INITIAL_FORMS": "0",
                "questions-MIN_NUM_FORMS": "0",
                "questions-MAX_NUM_FORMS": "1000",
            }
        ),
    )
    assert (
        response.status_code == 200 and PUBLISHED_NEEDS_QUESTIONS[:30] in response.content.decode()
    )


def test_quiz_page_links_preview_stats_and_import(teacher_client):
    quiz = QuizFactory(is_published=False)
    html = teacher_client.get(reverse("admin:quiz_quiz_change", args=[quiz.pk])).content.decode()
    assert "Preview as a student" in html and reverse("quiz:stats", args=[quiz.slug]) in html
    assert "Import GIFT/Aiken" in html
    assert teacher_client.get(reverse("admin:quiz_quiz_changelist")).status_code == 200


def test_deleting_a_quiz_or_question_with_attempts_is_blocked(django_user_model, client):
    admin = django_user_model.objects.create_superuser("root", password="root-pass-123")
    quiz = QuizFactory()
    q = single(quiz)
    anonymous = Client()
    anonymous.post(quiz.get_absolute_url(), {"attempt": "", f"q{q.pk}": right_choice(q)})
    assert quiz.attempts.submitted().count() == 1
    client.force_login(admin)
    response = client.post(reverse("admin:quiz_quiz_delete", args=[quiz.pk]), {"post": "yes"})
    assert response.status_code == 200 and "Archive it instead" in response.content.decode()
    response = client.post(reverse("admin:quiz_question_delete", args=[q.pk]), {"post": "yes"})
    assert response.status_code == 200 and "Archive it instead" in response.content.decode()
    response = client.post(
        reverse("admin:quiz_quiz_changelist"),
        {"action": "delete_selected", "_selected_action": [quiz.pk], "post": "yes"},
    )
    assert response.status_code == 200 and "Archive it instead" in response.content.decode()
    assert Quiz.objects.filter(pk=quiz.pk).exists() and Question.objects.filter(pk=q.pk).exists()
    attempt_page = client.get(reverse("admin:quiz_attempt_changelist"))
    assert attempt_page.status_code == 200


def test_gift_upload_in_admin(teacher_client):
    quiz = QuizFactory(is_published=False)
    url = reverse("admin:quiz_quiz_import", args=[quiz.pk])
    assert teacher_client.get(url).status_code == 200
    bad = SimpleUploadedFile("q.gift", b"Good {=a ~b}\n\nEssay {}\n")
    response = teacher_client.post(url, {"format": "gift", "file": bad})
    assert (
        "Nothing was imported" in response.content.decode()
        and "line 3" in response.content.decode()
    )
    assert not quiz.questions.exists()
    huge = SimpleUploadedFile("q.gift", b"x" * (513 * 1024))
    assert (
        "larger than 512 KiB"
        in teacher_client.post(url, {"format": "gift", "file": huge}).content.decode()
    )
    binary = SimpleUploadedFile("q.gift", b"\xff\xfe\x00bad")
    assert (
        "not UTF-8" in teacher_client.post(url, {"format": "gift", "file": binary}).content.decode()
    )
    good = SimpleUploadedFile("q.gift", b"Good {=a ~b}\n\nTrue? {T}\n")
    assert teacher_client.post(url, {"format": "gift", "file": good}).status_code == 302
    assert quiz.questions.count() == 2
    export = teacher_client.get(reverse("admin:quiz_quiz_export", args=[quiz.pk]))
    assert export.status_code == 200 and "Good {" in export.content.decode()


def test_teachers_group_permissions():
    perms = set(
        Group.objects.get(name=TEACHERS_GROUP)
        .permissions.filter(content_type__app_label="quiz")
        .values_list("codename", flat=True)
    )
    assert {
        "add_quiz",
        "change_quiz",
        "view_quiz",
        "add_question",
        "change_choice",
        "view_attempt",
        "view_answer",
    } <= perms
    assert (
        "delete_quiz" not in perms
        and "change_attempt" not in perms
        and "delete_attempt" not in perms
    )


def test_teachers_edit_french_and_english_side_by_side(teacher_client):
    quiz = QuizFactory(is_published=False)
    q = single(quiz)
    html = teacher_client.get(reverse("admin:quiz_question_change", args=[q.pk])).content.decode()
    for name in ("prompt", "general_feedback", "title", "unit"):
        assert f'name="{name}_fr"' in html and f'name="{name}_en"' in html
    for name in ("text", "feedback", "misconception"):
        assert f'name="choices-0-{name}_fr"' in html and f'name="choices-0-{name}_en"' in html
    html = teacher_client.get(reverse("admin:quiz_quiz_change", args=[quiz.pk])).content.decode()
    assert 'name="title_fr"' in html and 'name="description_en"' in html
    data = question_post(quiz, "single", [("a", True, ""), ("b", False, "confuses a with b")])
    data.update({"prompt_fr": "Qu'est-ce que c'est\u00a0?", "prompt_en": "What is it?"})
    data.update({"choices-1-misconception_en": "", "choices-1-text_fr": "b (fr)"})
    assert teacher_client.post(reverse("admin:quiz_question_add"), data).status_code == 302
    saved = Question.objects.exclude(pk=q.pk).get()
    assert (saved.prompt_fr, saved.prompt_en) == ("Qu'est-ce que c'est\u00a0?", "What is it?")
    wrong = saved.choices.get(is_correct=False)
    assert (wrong.text_fr, wrong.text_en) == ("b (fr)", "b") and not wrong.misconception_en
    assert saved.prompt_html_fr.startswith("<p>Qu") and saved.prompt_html_en.startswith("<p>What")


def test_a_misconception_on_a_right_choice_is_shown_on_its_language_column(teacher_client):
    quiz = QuizFactory(is_published=False)
    data = question_post(quiz, "single", [("a", True, ""), ("b", False, "confuses a with b")])
    data["choices-0-misconception_en"] = "thinks so"
    response = teacher_client.post(reverse("admin:quiz_question_add"), data)
    assert response.status_code == 200 and not Question.objects.exists()
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert MISCONCEPTION_ON_CORRECT in form.errors["misconception_en"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_import_goes_into_the_language_the_teacher_picks(teacher_client, language):
    quiz = QuizFactory(is_published=False)
    url = reverse("admin:quiz_quiz_import", args=[quiz.pk])
    good = SimpleUploadedFile("q.gift", "Bonne réponse ? {=a#Oui ~b#Non}\n\nVrai ? {T}\n".encode())
    response = teacher_client.post(url, {"format": "gift", "file": good, "language": language})
    assert response.status_code == 302
    other = "en" if language == "fr" else "fr"
    choice_q, truefalse_q = quiz.questions.order_by("order")
    assert getattr(choice_q, f"prompt_{language}") == "Bonne réponse ?"
    assert getattr(choice_q, f"prompt_{other}") == ""
    assert getattr(choice_q, f"prompt_html_{language}").startswith("<p>Bonne")
    assert [getattr(c, f"text_{language}") for c in choice_q.choices.all()] == ["a", "b"]
    assert [getattr(c, f"feedback_{other}") for c in choice_q.choices.all()] == ["", ""]
    # True and False are labelled in both languages whatever the file's language
    assert [(c.text_fr, c.text_en) for c in truefalse_q.choices.all()] == [
        ("Vrai", "True"),
        ("Faux", "False"),
    ]


def test_the_import_form_offers_the_admins_language_and_says_what_happens(teacher_client):
    quiz = QuizFactory(is_published=False)
    url = reverse("admin:quiz_quiz_import", args=[quiz.pk])
    for accept, expected in (("en", "en"), ("fr", "fr")):
        response = teacher_client.get(url, HTTP_ACCEPT_LANGUAGE=accept)
        field = response.context["form"]["language"]
        assert field.value() == expected
    help_text = response.context["form"].fields["language"].help_text
    with translation.override("en"):
        assert "marked as not translated" in str(help_text)
    with translation.override("fr"):
        assert "signalé comme non traduit" in str(help_text)
    # a form posted without a language imports into the admin's language
    good = SimpleUploadedFile("q.gift", b"Good {=a ~b}\n")
    teacher_client.post(url, {"format": "gift", "file": good}, HTTP_ACCEPT_LANGUAGE="en")
    assert quiz.questions.get().prompt_en == "Good"


def test_history_and_search_work_in_both_languages(teacher_client):
    quiz = QuizFactory(is_published=False)
    q = single(quiz)
    Question.objects.filter(pk=q.pk).update(prompt_fr="Quel est le surapprentissage\u00a0?")
    for url in (
        reverse("admin:quiz_quiz_history", args=[quiz.pk]),
        reverse("admin:quiz_question_history", args=[q.pk]),
        reverse("admin:quiz_question_changelist"),
    ):
        assert teacher_client.get(url).status_code == 200
    changelist = reverse("admin:quiz_question_changelist")
    for term in ("surapprentissage", q.prompt_en.split()[0]):
        response = teacher_client.get(changelist, {"q": term})
        assert list(response.context["cl"].result_list) == [Question.objects.get(pk=q.pk)], term
