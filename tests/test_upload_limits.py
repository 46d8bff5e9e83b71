"""Review M7: every body, multipart uploads included, is limited before anything reads it.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count file parts, and CsrfViewMiddleware reads
request.POST (spooling a file to disk) before any view or permission check. The limit is
checked on Content-Length first (config.limits.RequestLimitsMiddleware).
"""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import multipartparser
from django.test import Client
from django.urls import reverse

from quiz.services import IMPORT_MAX_BYTES
from tests.quiz.factories import QuizFactory, single

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_multipart_parsing(monkeypatch):
    def refuse(self):
        raise AssertionError("the multipart body was parsed (and could be spooled to disk)")

    monkeypatch.setattr(multipartparser.MultiPartParser, "parse", refuse)


def test_a_large_upload_to_any_page_is_refused_before_it_is_parsed(no_multipart_parsing):
    quiz = QuizFactory()
    single(quiz)
    client = Client(enforce_csrf_checks=True)
    big = SimpleUploadedFile("f.bin", b"\0" * (settings.REQUEST_MAX_BODY_BYTES + 1))
    for url in (quiz.get_absolute_url(), "/en/accounts/login/", "/en/cases/", "/no-such-page/"):
        response = client.post(url, {"f": big})
        big.seek(0)
        assert response.status_code == 413, url
        assert b"Request bodies are limited to" in response.content


def test_a_body_without_a_usable_length_is_refused(client):
    response = client.generic("POST", "/en/accounts/login/", b"x", CONTENT_LENGTH="-5")
    assert response.status_code == 413


def test_the_admin_import_keeps_its_form_error_below_the_body_limit(teacher_client):
    quiz = QuizFactory(is_published=False)
    url = reverse("admin:quiz_quiz_import", args=[quiz.pk])
    over_import_limit = SimpleUploadedFile("q.gift", b"x" * (IMPORT_MAX_BYTES + 1))
    response = teacher_client.post(url, {"format": "gift", "file": over_import_limit})
    assert response.status_code == 200
    assert "The file is larger than 512 KiB." in response.content.decode()
    over_body_limit = SimpleUploadedFile("q.gift", b"x" * (settings.REQUEST_MAX_BODY_BYTES + 1))
    response = teacher_client.post(url, {"format": "gift", "file": over_body_limit})
    assert response.status_code == 413
    assert not quiz.questions.exists()


def test_ordinary_forms_still_work_under_the_limit(client):
    quiz = QuizFactory()
    question = single(quiz)
    response = client.post(quiz.get_absolute_url(), {"attempt": "", f"q{question.pk}": ""})
    assert response.status_code in (200, 302)
