"""Bad values never give a 500: every public form field and API field, and malformed bodies.

Each field gets very long, unicode (RTL, emoji, combining marks), NUL-byte, SQL-looking and
wrongly typed values. Pages answer with the form and its error (200 for Django's own auth views
and the simulation form, 400 for the quiz), the API with its JSON error shape (400 with
``fields``, 404 for a page that does not exist, 405, 413, 415). Parametrised per field with the
values looped inside, plus hypothesis on the two JSON bodies that take free-form values.
"""

import json
import math

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from kb.api.serializers import CaseStudyWriteSerializer, ThemeSerializer
from quiz.api.serializers import QuizWriteSerializer
from quiz.models import Attempt, FeedbackTiming, QuestionType
from quiz.services import get_or_start_attempt, owner_token
from simulations import engine
from simulations.forms import RunForm
from tests.api import conftest as api_fixtures
from tests.quiz.factories import ChoiceFactory, QuestionFactory, QuizFactory, single

pytestmark = pytest.mark.django_db

# The API suite's fixtures: an APIClient, a published case, a client per role.
api_client = api_fixtures.api_client
make_case = api_fixtures.make_case
roles = api_fixtures.roles

LONG = "x" * 100_000
UNICODE = "مرحبا עברית \u202eevil\u202c 😀👩‍👩‍👧 Ze\u0301\u0302\u0303\u0304 Ω"
# Bad text as a form or query string carries it.
TEXT_VALUES = [
    LONG,
    UNICODE,
    "a\x00b",
    "\x00",
    "' OR 1=1 --",
    "1; DROP TABLE quiz_attempt; --",
    "-1",
    "-99999999999",
    str(10**30),
    "1e308",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x1F",
    "1.5",
    "",
    "   ",
    "[1, 2]",
    '{"a": 1}',
    "null",
    "true",
]
# Bad values as a JSON body carries them.
JSON_VALUES = [
    LONG,
    UNICODE,
    "a\x00b",
    "' OR 1=1 --",
    "12",
    "",
    10**30,
    -(10**30),
    -1,
    0,
    1.5,
    1e308,
    True,
    None,
    [1, 2],
    [],
    {"a": 1},
    {},
]
FORM_ERROR_MARKERS = ('class="errorlist', 'role="alert"', "sim-error", "field-error", "errornote")
# A few of the values for the slower page-by-page checks; the forms themselves get them all.
CORE_TEXT_VALUES = [
    LONG,
    UNICODE,
    "a\x00b",
    "' OR 1=1 --",
    str(10**30),
    "NaN",
    "-Infinity",
    "[1, 2]",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Failed log-ins are counted in the cache; keep them from locking out other tests."""
    cache.clear()
    yield
    cache.clear()


class _EmptyResult:
    def to_dict(self):
        return {"metrics": [], "tables": [], "charts": [], "findings": [], "checks": []}


@pytest.fixture
def instant_runs(monkeypatch):
    """Valid inputs still redirect or answer 201, without the engine's seconds of computing.

    Only the computation is replaced: parsing and validation are the real ones under test.
    """
    for simulation in engine.REGISTRY.values():
        monkeypatch.setattr(type(simulation), "run", lambda self, values, *, seed: _EmptyResult())


def _not_500(response, context) -> None:
    assert response.status_code < 500, (context, response.status_code)


def _shows_error(response, context) -> None:
    body = response.content.decode()
    assert any(marker in body for marker in FORM_ERROR_MARKERS), context


def _api_error(response, context) -> dict:
    """The API's error shape with a message; returns the error."""
    assert 400 <= response.status_code < 500, (context, response.status_code)
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "fields"}, context
    assert error["status"] == response.status_code
    assert error["message"] or error["fields"], context
    return error


def _short(value) -> str:
    return repr(value)[:40]


# --- The case list ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["q", "theme", "sector", "country", "status", "decade", "sort"])
def test_case_list_filters_show_an_error_for_bad_values(client, make_case, field):
    make_case("a-case")
    url = reverse("kb:case-list")
    for value in TEXT_VALUES:
        response = client.get(url, {field: value})
        context = (field, _short(value))
        assert response.status_code == 200, context
        valid = value.strip() == "" or (field == "q" and "\x00" not in value and len(value) <= 200)
        if not valid:
            _shows_error(response, context)
    response = client.get(url, {field: ["one", "two"]})
    assert response.status_code == 200


def test_case_list_page_number_falls_back_to_a_real_page(client, make_case):
    make_case("a-case")
    for value in [*TEXT_VALUES, "0", "999999"]:
        response = client.get(reverse("kb:case-list"), {"page": value})
        assert response.status_code == 200, _short(value)
        assert "Case a-case" in response.content.decode()


def test_quiz_list_filters_never_fail(client):
    for field in ["case", "theme"]:
        for value in TEXT_VALUES:
            _not_500(client.get(reverse("quiz:quiz-list"), {field: value}), (field, _short(value)))


def test_quiz_list_filter_that_is_not_a_slug_lists_nothing(client, quiz_setup):
    """Regression: ?case=a%00b was a 500 on PostgreSQL (text cannot contain NUL bytes)."""
    title = quiz_setup["quiz"].title
    assert title in client.get(reverse("quiz:quiz-list")).content.decode()
    for field in ["case", "theme"]:
        for value in ["a\x00b", "\x00", "' OR 1=1 --", LONG]:
            response = client.get(reverse("quiz:quiz-list"), {field: value})
            assert response.status_code == 200, (field, _short(value))
            assert title not in response.content.decode()


# --- Simulation forms ------------------------------------------------------------------------


def _form_defaults(simulation) -> dict:
    data = {"seed": "7"}
    for param in simulation.params:
        if param.type == "bool":
            if param.default:
                data[param.name] = "on"
        else:
            data[param.name] = str(param.default)
    return data


@pytest.mark.parametrize("slug", sorted(engine.REGISTRY))
def test_simulation_form_refuses_bad_values_in_every_field(client, instant_runs, slug):
    simulation = engine.REGISTRY[slug]
    url = reverse("simulations:simulation-run", args=[slug])
    defaults = _form_defaults(simulation)
    # Booleans accept anything (a checkbox is on when present): nothing there can be bad.
    fields = [p.name for p in simulation.params if p.type != "bool"] + ["seed"]
    for field in fields:
        for value in CORE_TEXT_VALUES:
            context = (slug, field, _short(value))
            response = client.post(url, {**defaults, field: value})
            _not_500(response, context)
            if response.status_code != 302:
                assert response.status_code == 200, context
                _shows_error(response, context)
        response = client.post(url, {**defaults, field: ["1", "2"]})
        _not_500(response, (slug, field, "list"))


@pytest.mark.parametrize("slug", sorted(engine.REGISTRY))
def test_simulation_run_form_refuses_every_bad_value_with_a_message(slug):
    simulation = engine.REGISTRY[slug]
    defaults = _form_defaults(simulation)
    fields = [p.name for p in simulation.params if p.type != "bool"] + ["seed"]
    for field in fields:
        for value in TEXT_VALUES:
            if field == "seed" and value.strip() == "":
                continue  # an empty seed means "pick one at random": valid
            form = RunForm(simulation, {**defaults, field: value})
            if form.is_valid():
                # Only a number the engine accepts may pass, and it comes out as a number.
                assert field != "seed" or value.strip().isdigit(), (slug, field, _short(value))
                if field != "seed" and simulation.param(field).type in ("int", "float"):
                    assert math.isfinite(float(form.cleaned_data["params"][field]))
            else:
                assert form.errors, (slug, field, _short(value))
                assert all(str(m) for ms in form.errors.values() for m in ms)


@pytest.mark.parametrize("slug", sorted(engine.REGISTRY))
def test_simulation_preset_buttons_refuse_bad_presets_and_seeds(client, instant_runs, slug):
    url = reverse("simulations:simulation-run", args=[slug])
    preset = engine.REGISTRY[slug].presets[0].slug if engine.REGISTRY[slug].presets else ""
    for value in TEXT_VALUES:
        response = client.post(url, {"preset": value, "seed": "1"})
        _not_500(response, ("preset", _short(value)))
        if value.strip():
            _shows_error(response, ("preset", _short(value)))
        if preset and value.strip():
            response = client.post(url, {"preset": preset, "seed": value})
            _not_500(response, ("seed", _short(value)))
            _shows_error(response, ("seed", _short(value)))


def test_unknown_simulation_and_run_keys_are_404(client):
    for value in ["nope", "a" * 300, "' OR 1=1 --"]:
        assert client.post(f"/en/simulations/{value}/run/", {}).status_code == 404
        assert client.get(f"/en/simulations/runs/{value}/").status_code == 404
    # a NUL in the path is refused before routing (config.limits): 400 on both databases
    assert client.post("/en/simulations/%00/run/", {}).status_code == 400
    assert client.get("/en/simulations/runs/%00/").status_code == 400


# --- Quiz pages ------------------------------------------------------------------------------


@pytest.fixture
def quiz_setup():
    """A published quiz with single, multiple and numeric questions, and another quiz."""
    quiz = QuizFactory(is_published=False)
    one = single(quiz)
    many = QuestionFactory(quiz=quiz, type=QuestionType.MULTIPLE)
    ChoiceFactory(question=many, is_correct=True)
    ChoiceFactory(question=many, is_correct=False)
    number = QuestionFactory(
        quiz=quiz, type=QuestionType.NUMERIC, numeric_value=42, numeric_tolerance=0
    )
    quiz.is_published = True
    quiz.save()
    other = QuizFactory(is_published=False)
    other_question = single(other)
    other.is_published = True
    other.save()
    return {
        "quiz": quiz,
        "questions": [one, many, number],
        "foreign_choice": other_question.choices.first(),
        "foreign_question": other_question,
    }


def _open_attempt(client, quiz) -> Attempt:
    """An attempt in progress owned by the client's session, as after a first checked answer."""
    assert client.get(quiz.get_absolute_url()).status_code == 200
    session = client.session
    token = owner_token(session, create=True)
    session.save()
    return get_or_start_attempt(quiz=quiz, user=None, token=token)


def test_quiz_submission_refuses_bad_values_in_every_field(client, quiz_setup):
    quiz = quiz_setup["quiz"]
    attempt = _open_attempt(client, quiz)
    names = [f"q{q.pk}" for q in quiz_setup["questions"]]
    for name in names:
        for value in [*TEXT_VALUES, str(quiz_setup["foreign_choice"].pk)]:
            context = (name, _short(value))
            data = {"attempt": str(attempt.public_id), name: value}
            response = client.post(quiz.get_absolute_url(), data)
            _not_500(response, context)
            if response.status_code == 400:
                _shows_error(response, context)
            else:
                # Blank, or a number typed in several ways: accepted, the blanks are listed.
                assert response.status_code == 200, context
        response = client.post(
            quiz.get_absolute_url(), {"attempt": str(attempt.public_id), name: ["1", "2"]}
        )
        _not_500(response, (name, "list"))
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_quiz_submission_ignores_unknown_and_foreign_question_ids(client, quiz_setup):
    quiz = quiz_setup["quiz"]
    attempt = _open_attempt(client, quiz)
    foreign = quiz_setup["foreign_question"]
    data = {
        "attempt": str(attempt.public_id),
        "q999999999": "1",
        f"q{foreign.pk}": str(quiz_setup["foreign_choice"].pk),
        f"q{10**30}": "1",
        "submit_anyway": "1",
    }
    response = client.post(quiz.get_absolute_url(), data)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None
    assert attempt.answers.filter(question=foreign).count() == 0


@pytest.mark.parametrize("field", ["attempt", "check", "submit_anyway"])
def test_quiz_control_fields_never_fail(client, quiz_setup, field):
    quiz = quiz_setup["quiz"]
    quiz.feedback_timing = FeedbackTiming.EACH
    quiz.save()
    attempt = _open_attempt(client, quiz)
    one = quiz_setup["questions"][0]
    for value in TEXT_VALUES:
        data = {"attempt": str(attempt.public_id), f"q{one.pk}": str(one.choices.first().pk)}
        data[field] = value
        _not_500(client.post(quiz.get_absolute_url(), data), (field, _short(value)))


@pytest.mark.parametrize("field", ["question", "answer"])
def test_check_answer_refuses_bad_values_with_a_json_message(client, quiz_setup, field):
    quiz = quiz_setup["quiz"]
    quiz.feedback_timing = FeedbackTiming.EACH
    quiz.save()
    attempt = _open_attempt(client, quiz)
    url = reverse("quiz:check-answer", args=[quiz.slug])
    for question in quiz_setup["questions"]:
        for value in [*TEXT_VALUES, str(quiz_setup["foreign_question"].pk)]:
            if field == "question":
                data = {"question": value, f"q{question.pk}": "1"}
            else:
                data = {"question": str(question.pk), f"q{question.pk}": value}
            data["attempt"] = str(attempt.public_id)
            context = (field, question.type, _short(value))
            response = client.post(url, data)
            _not_500(response, context)
            if response.status_code == 400:
                assert response.json()["error"], context
            else:
                # A real answer (a choice id of the question, a number typed another way) is
                # recorded and locked; the feedback comes back.
                assert response.status_code == 200, context
                assert "correct" in response.json(), context


# --- Log in and sign up ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "field"),
    [
        ("login", "username"),
        ("login", "password"),
        ("login", "next"),
        ("signup", "username"),
        ("signup", "password1"),
        ("signup", "password2"),
        ("signup", "next"),
    ],
)
def test_account_forms_show_an_error_for_bad_values(url_name, field, student):
    base = {
        "login": {"username": "student", "password": "wrong-pass-123"},
        "signup": {"username": "someone", "password1": "x", "password2": "y"},
    }[url_name]
    for value in TEXT_VALUES:
        client = Client()
        cache.clear()
        response = client.post(reverse(url_name), {**base, field: value})
        context = (url_name, field, _short(value))
        assert response.status_code == 200, context
        _shows_error(response, context)
        response = client.post(reverse(url_name), {**base, field: [value, "again"]})
        _not_500(response, context)


def test_admin_login_shows_an_error_for_bad_values(client):
    url = f"/{settings.ADMIN_URL}login/"
    for field in ["username", "password"]:
        for value in TEXT_VALUES:
            cache.clear()
            response = client.post(url, {"username": "x", "password": "y", field: value})
            assert response.status_code == 200, (field, _short(value))
            _shows_error(response, (field, _short(value)))


# --- API reads -------------------------------------------------------------------------------

API_QUERY_FIELDS = [
    ("api:case-list", ["theme", "sector", "country", "status", "year_from", "year_to"]),
    ("api:case-list", ["search", "ordering", "page"]),
    ("api:quiz-list", ["cases__slug", "themes__slug", "search", "ordering", "page"]),
    ("api:source-list", ["case__slug", "ordering", "page"]),
    ("api:key-fact-list", ["case__slug", "ordering", "page"]),
    ("api:theme-list", ["search", "ordering", "page"]),
    ("api:attempt-list", ["quiz__slug", "ordering", "page"]),
]


@pytest.mark.parametrize(("url_name", "fields"), API_QUERY_FIELDS)
def test_api_query_parameters_never_fail(roles, make_case, url_name, fields):
    make_case("a-case")
    client = roles["student"]
    for field in fields:
        for value in TEXT_VALUES:
            context = (url_name, field, _short(value))
            response = client.get(reverse(url_name), {field: value})
            if response.status_code != 200:
                error = _api_error(response, context)
                assert response.status_code in (400, 404), context
                if response.status_code == 400:
                    assert field in error["fields"], context
        _not_500(client.get(reverse(url_name), {field: ["a", "b"]}), (url_name, field, "list"))


@pytest.mark.parametrize("url_name", ["api:case-list", "api:quiz-list"])
def test_api_search_term_too_long_or_with_nul_is_a_400_not_a_500(api_client, url_name):
    """Regression: a 100,000-character ?search= was a 500 on SQLite ("LIKE or GLOB pattern too
    complex"); a NUL character would be one on PostgreSQL."""
    for value in [LONG, "x" * 201, "a\x00b"]:
        response = api_client.get(reverse(url_name), {"search": value})
        assert response.status_code == 400, url_name
        assert _api_error(response, url_name)["fields"]["search"]
    assert api_client.get(reverse(url_name), {"search": "x" * 200}).status_code == 200


def test_login_page_shows_field_errors(client):
    """Regression: the log-in page showed only non-field errors, so a username with a NUL
    character came back marked invalid with no message."""
    response = client.post(reverse("login"), {"username": "a\x00b", "password": "x"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert "This field is required." in response.content.decode()


def test_api_detail_lookups_never_fail(api_client):
    for name in ["case", "theme", "quiz"]:
        for value in ["a" * 3000, "' OR 1=1 --", "ab%F0%9F%98%80"]:
            response = api_client.get(f"/api/v1/{reverse(f'api:{name}-list')[8:]}{value}/")
            assert response.status_code == 404, (name, value)
            _api_error(response, (name, value))
    for value in ["nope", "0" * 64, "' OR 1=1 --"]:
        assert api_client.get(f"/api/v1/runs/{value}/").status_code == 404
        assert api_client.get(f"/api/v1/attempts/{value}/").status_code == 404


# --- API writes ------------------------------------------------------------------------------


def _post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("slug", sorted(engine.REGISTRY))
def test_api_run_refuses_bad_params_preset_and_seed(api_client, instant_runs, slug):
    simulation = engine.REGISTRY[slug]
    url = reverse("api:simulation-runs", args=[slug])
    for param in simulation.params:
        for value in JSON_VALUES:
            context = (slug, param.name, _short(value))
            response = _post_json(api_client, url, {"params": {param.name: value}, "seed": 1})
            _not_500(response, context)
            if response.status_code >= 400:
                error = _api_error(response, context)
                assert error["fields"], context
    for field in ["preset", "seed", "params"]:
        for value in JSON_VALUES:
            context = (slug, field, _short(value))
            response = _post_json(api_client, url, {"seed": 1, field: value})
            _not_500(response, context)
            if response.status_code >= 400:
                assert _api_error(response, context)["fields"], context
    _api_error(_post_json(api_client, url, {"params": {"not_a_param": 1}}), "unknown param")


@pytest.mark.parametrize("field", ["answers", "question_key", "choice", "number"])
def test_api_attempt_refuses_bad_answers(api_client, quiz_setup, field):
    quiz = quiz_setup["quiz"]
    one, many, number = quiz_setup["questions"]
    url = reverse("api:quiz-attempts", args=[quiz.slug])
    for value in [*JSON_VALUES, quiz_setup["foreign_choice"].pk, [quiz_setup["foreign_choice"].pk]]:
        body = {
            "answers": value,
            "question_key": {str(value)[:50]: [1]},
            "choice": {str(one.pk): value, str(many.pk): value},
            "number": {str(number.pk): value},
        }[field]
        body = body if field == "answers" else {"answers": body}
        context = (field, _short(value))
        response = _post_json(api_client, url, body)
        _not_500(response, context)
        if response.status_code != 201:
            error = _api_error(response, context)
            assert response.status_code == 400, context
            assert error["message"], context


def _write_fields(serializer_class) -> list[str]:
    serializer = serializer_class()
    return [name for name, f in serializer.fields.items() if not f.read_only]


WRITES = [
    ("api:quiz-list", QuizWriteSerializer, {"slug": "s", "title": "A quiz"}),
    ("api:theme-list", ThemeSerializer, {"slug": "s", "name": "N", "definition": "D"}),
    (
        "api:case-list",
        CaseStudyWriteSerializer,
        {"slug": "s", "title": "T", "summary": "S", "sector": "policing", "status": "deployed"},
    ),
]


@pytest.mark.parametrize(
    ("url_name", "field"),
    [(url, field) for url, cls, _ in WRITES for field in _write_fields(cls)],
)
def test_api_teacher_writes_refuse_bad_values(roles, url_name, field):
    base = next(body for url, _, body in WRITES if url == url_name)
    client = roles["teacher"]
    for n, value in enumerate(JSON_VALUES):
        body = {**base, "slug": f"bad-input-{n}", field: value}
        context = (url_name, field, _short(value))
        response = _post_json(client, reverse(url_name), body)
        _not_500(response, context)
        if response.status_code != 201:
            error = _api_error(response, context)
            assert response.status_code == 400, context
            assert error["fields"], context


# --- Hypothesis ------------------------------------------------------------------------------

json_leaf = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
HYPOTHESIS = hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HYPOTHESIS
@given(answers=st.dictionaries(st.text(max_size=12), json_value, max_size=4))
def test_api_attempt_any_json_answers_never_fail(api_client, quiz_setup, answers):
    url = reverse("api:quiz-attempts", args=[quiz_setup["quiz"].slug])
    response = _post_json(api_client, url, {"answers": answers})
    assert response.status_code in (201, 400), (answers, response.content[:300])
    if response.status_code == 400:
        _api_error(response, answers)


@HYPOTHESIS
@given(data=st.data())
def test_quiz_form_any_text_never_fails(client, quiz_setup, data):
    quiz = quiz_setup["quiz"]
    attempt = _open_attempt(client, quiz)
    names = [f"q{q.pk}" for q in quiz_setup["questions"]] + ["attempt", "check"]
    posted = {
        name: data.draw(st.text(max_size=30) | st.lists(st.text(max_size=8), max_size=3))
        for name in data.draw(st.sets(st.sampled_from(names), min_size=1))
    }
    posted.setdefault("attempt", str(attempt.public_id))
    response = client.post(quiz.get_absolute_url(), posted)
    assert response.status_code in (200, 302, 400), posted


# --- Malformed bodies and methods ------------------------------------------------------------


@pytest.fixture
def api_write_urls(quiz_setup):
    return [
        reverse("api:simulation-runs", args=[sorted(engine.REGISTRY)[0]]),
        reverse("api:quiz-attempts", args=[quiz_setup["quiz"].slug]),
        reverse("api:quiz-list"),
    ]


@pytest.mark.parametrize(
    "body",
    ["{", '{"seed": NaN}', '{"seed": Infinity}', "[1, 2", "\x00", "\xff", '{"seed": 1,}'],
)
def test_api_invalid_json_is_a_400(roles, api_write_urls, body):
    for url in api_write_urls:
        response = roles["teacher"].generic(
            "POST", url, body.encode("utf-8", "surrogatepass"), content_type="application/json"
        )
        assert response.status_code == 400, (url, body, response.content[:200])
        assert "JSON" in _api_error(response, (url, body))["message"]


def test_api_json_top_level_that_is_not_an_object_is_a_400(roles, api_write_urls):
    for url in api_write_urls:
        for body in ["[]", "1", '"text"', "null", "true"]:
            response = roles["teacher"].generic("POST", url, body, content_type="application/json")
            assert response.status_code == 400, (url, body)
            _api_error(response, (url, body))


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "image/png"])
def test_api_wrong_content_type_is_a_415(roles, api_write_urls, content_type):
    for url in api_write_urls:
        response = roles["teacher"].generic("POST", url, b"seed=1", content_type=content_type)
        assert response.status_code == 415, (url, content_type)
        _api_error(response, (url, content_type))


def test_api_oversized_body_is_a_413(roles, api_write_urls):
    body = json.dumps({"answers": {}, "pad": "x" * (settings.API_MAX_BODY_BYTES + 1)})
    for url in api_write_urls:
        response = roles["teacher"].post(url, body, content_type="application/json")
        assert response.status_code == 413, url
        assert _api_error(response, url)["code"] == "request_too_large"


def test_oversized_form_body_is_refused_without_a_500(client, instant_runs):
    url = reverse("simulations:simulation-run", args=[sorted(engine.REGISTRY)[0]])
    response = client.post(
        url, {"seed": "1", "pad": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    )
    assert response.status_code == 413  # the body limit (config.limits) answers first


# --- Review L1: malformed JSON and paths that gave 500s ----------------------------------------


def _raw_json(client, url, text: str):
    return client.generic(
        "POST", url, text.encode("utf-8", "surrogatepass"), content_type="application/json"
    )


@pytest.mark.parametrize("depth", [33, 1000, 5000, 20_000])
def test_api_deeply_nested_json_is_a_400(roles, api_write_urls, depth):
    for url in api_write_urls:
        for body in (
            '{"params": ' + "[" * depth + "]" * depth + "}",
            '{"answers": ' + '{"a": ' * depth + "1" + "}" * depth + "}",
        ):
            response = _raw_json(roles["teacher"], url, body)
            assert response.status_code == 400, (url, depth, response.status_code)
            assert "nested" in _api_error(response, (url, depth))["message"]


def test_api_json_nested_within_the_limit_is_still_parsed(api_client, quiz_setup):
    url = reverse("api:quiz-attempts", args=[quiz_setup["quiz"].slug])
    body = '{"answers": {}, "pad": ' + "[" * 30 + "]" * 30 + "}"
    assert _raw_json(api_client, url, body).status_code == 201


def test_api_lone_surrogates_are_a_400(roles, api_write_urls, quiz_setup):
    for url in api_write_urls:
        for body in (
            '{"params": {"\\ud800": 1}}',
            '{"answers": {"\\ud800": [1]}}',
            '{"seed": 1, "preset": "\\udfff"}',
            '{"title": "a\\ud83d"}',
        ):
            response = _raw_json(roles["teacher"], url, body)
            assert response.status_code == 400, (url, body, response.status_code)
            assert "surrogate" in _api_error(response, (url, body))["message"]
    # a valid pair (an emoji written as two escapes) is fine
    url = reverse("api:quiz-attempts", args=[quiz_setup["quiz"].slug])
    response = _raw_json(APIClient(), url, '{"answers": {}, "x": "\\ud83d\\ude00"}')
    assert response.status_code == 201, response.content


def test_api_numeric_answer_too_large_for_a_float_is_a_400(api_client, quiz_setup):
    quiz = quiz_setup["quiz"]
    one, many, number = quiz_setup["questions"]
    url = reverse("api:quiz-attempts", args=[quiz.slug])
    for key, value in ((number.pk, "1" + "0" * 400), (one.pk, "1" + "0" * 400), (one.pk, "1e400")):
        response = _raw_json(api_client, url, f'{{"answers": {{"{key}": {value}}}}}')
        assert response.status_code == 400, (key, value[:10], response.status_code)
        _api_error(response, value[:10])
    assert not Attempt.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/runs/%00/",
        "/api/v1/runs/" + "0" * 63 + "%00/",
        "/api/v1/cases/%00/",
        "/api/v1/quizzes/%00/",
        "/api/v1/themes/a%00b/",
        "/api/v1/attempts/%00/",
    ],
)
def test_nul_in_an_api_path_is_a_400(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 400, (path, response.status_code)
    assert "null character" in _api_error(response, path)["message"]


@pytest.mark.parametrize(
    "path", ["/en/simulations/runs/%00/", "/en/cases/%00/", "/en/quizzes/%00/", "/en/simulations/a%00/"]
)
def test_nul_in_a_page_path_is_a_400(client, path):
    response = client.get(path)
    assert response.status_code == 400 and b"null character" in response.content


def test_api_run_lookup_checks_the_key_shape_before_querying(api_client, django_assert_num_queries):
    for value in ["0" * 63 + "g", "0" * 65, "A" * 64, "0" * 64 + "%0A"]:
        with django_assert_num_queries(0):
            response = api_client.get(f"/api/v1/runs/{value}/")
        assert response.status_code == 404, value


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/simulations/{sim}/runs/"),
        ("put", "/api/v1/simulations/{sim}/runs/"),
        ("delete", "/api/v1/quizzes/{quiz}/"),
        ("post", "/api/v1/simulations/"),
        ("post", "/api/v1/export/cases.json"),
        ("delete", "/api/v1/quizzes/{quiz}/attempts/"),
    ],
)
def test_api_method_mismatch_is_a_405(roles, quiz_setup, method, url):
    url = url.format(sim=sorted(engine.REGISTRY)[0], quiz=quiz_setup["quiz"].slug)
    response = getattr(roles["superuser"], method)(url)
    assert response.status_code == 405, (method, url)
    _api_error(response, (method, url))


@pytest.mark.parametrize(
    ("method", "url_name", "args"),
    [
        ("get", "kb:markdown-preview", []),
        ("put", "simulations:simulation-run", ["SIM"]),
        ("delete", "simulations:simulation-run", ["SIM"]),
        ("post", "simulations:simulation-list", []),
        ("post", "simulations:simulation-detail", ["SIM"]),
        ("post", "simulations:run-detail", ["0" * 64]),
        ("get", "quiz:check-answer", ["some-quiz"]),
    ],
)
def test_page_method_mismatch_is_a_405(client, method, url_name, args):
    args = [sorted(engine.REGISTRY)[0] if a == "SIM" else a for a in args]
    response = getattr(client, method)(reverse(url_name, args=args))
    assert response.status_code == 405, (method, url_name)


def test_nan_and_infinity_are_refused_as_numbers(client, quiz_setup):
    """Floats that Python parses but no answer can be (regression guard for parse_number)."""
    from quiz.forms import parse_number

    for text in ["nan", "inf", "-Infinity", "1e400"]:
        with pytest.raises(ValueError):
            parse_number(text)
    assert math.isfinite(parse_number("1e308"))
