"""Schemathesis over the OpenAPI schema: every operation, bounded examples, no 500, responses
that match the schema (status codes, content types, bodies)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from config.wsgi import application
from tests.quiz.factories import QuizFactory, numeric, single

# Loaded at collection (the schema view needs no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def api_data(db, make_case):
    # Schemathesis calls the WSGI app directly, not through Django's test client, so do what
    # the client does: keep request signals from closing the test's connection mid-transaction
    # (PostgreSQL would otherwise lose it: "the connection is closed").
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    make_case("predpol")
    quiz = QuizFactory(slug="predpol-quiz")
    single(quiz)
    numeric(quiz)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,  # the same examples on every run: CI cannot pass or fail by luck
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_conforms_to_its_schema_and_never_fails(case, api_data):
    # Every other default check runs (no 5xx, documented status codes and content types,
    # response bodies and headers that match the schema, auth). positive_data_acceptance is
    # left out on purpose: strings with NUL bytes are schema-valid but rejected with a 400 by
    # design (Django refuses null characters in form input), as issue 6 asks.
    # negative_data_rejection is left out too: DRF reads an empty ?page= or filter as "not
    # given" (page 1, no filter), a lenient answer to schema-invalid input, not a failure.
    case.call_and_validate(excluded_checks=[positive_data_acceptance, negative_data_rejection])
