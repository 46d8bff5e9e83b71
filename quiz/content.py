"""Questions as plain data, checked and saved the same way for YAML files, GIFT and Aiken.

`QuestionData` is what every importer produces; `check_question` applies the same rules as
the admin; `save_questions` writes them; `load_quiz_files` reads fixtures/quizzes/*.yaml
(format: docs/quiz-content-format.md).

Languages: a `QuestionData`'s texts (title, prompt, feedback, unit, and its choices' text,
feedback and misconception) are in `language` ("en" for the YAML files, the teacher's choice for
GIFT and Aiken); `translations` holds the same fields in the other language(s), e.g.
`{"fr": {"prompt": "…"}}`. `save_questions` writes each into its own column (`prompt_en`,
`prompt_fr`, …): a text given in one language only stays empty in the other, and the reader's
page falls back to it visibly (`lint_quizzes` warns: "missing-translation").
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from .models import (
    MISCONCEPTION_ON_CORRECT,
    NUMERIC_NEEDS_TOLERANCE,
    NUMERIC_NEEDS_VALUE,
    QUIZ_FULL,
    QUIZ_MAX_QUESTIONS,
    Choice,
    FeedbackTiming,
    Question,
    QuestionOrder,
    QuestionType,
    Quiz,
    choice_errors,
    simulation_errors,
)

# The translatable texts of a question and of a choice: QuestionData/ChoiceData attribute and
# YAML key -> model field. (The model names the general feedback `general_feedback`.)
QUESTION_TEXTS = {
    "title": "title",
    "prompt": "prompt",
    "feedback": "general_feedback",
    "unit": "unit",
}
CHOICE_TEXTS = {"text": "text", "feedback": "feedback", "misconception": "misconception"}
QUIZ_TEXTS = ("title", "description")
# The labels of a true/false question's two choices, in every language.
TRUE_FALSE_LABELS = {"en": ("True", "False"), "fr": ("Vrai", "Faux")}


def content_languages() -> list[str]:
    """The languages content is stored in ("fr", "en")."""
    from config.translation_support import languages

    return languages()


@dataclass
class ChoiceData:
    text: str
    correct: bool
    feedback: str = ""
    misconception: str = ""
    # {language: {"text"/"feedback"/"misconception": text}} in the languages other than the
    # question's `language`
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    # {language: text} that replaces `text` in every language (the True/False labels)
    labels: dict[str, str] | None = None

    def texts(self, language: str) -> dict[str, dict[str, str]]:
        """{language: {name: text}} for every content language (`language`: the question's)."""
        return _by_language(self, CHOICE_TEXTS, language, self.translations, self.labels)


def _by_language(obj, names, language, translations, labels=None) -> dict[str, dict[str, str]]:
    found = {}
    for code in content_languages():
        if code == language:
            values = {name: getattr(obj, name) for name in names}
        else:
            values = {name: translations.get(code, {}).get(name, "") for name in names}
        if labels is not None and "text" in values:
            values["text"] = labels.get(code, values["text"])
        found[code] = values
    return found


@dataclass
class QuestionData:
    type: str
    prompt: str
    title: str = ""
    points: Decimal = Decimal("1")
    feedback: str = ""
    all_or_nothing: bool = False
    numeric_value: float | None = None
    numeric_tolerance: float | None = None
    unit: str = ""
    case: str = ""
    simulation: str = ""
    preset: str = ""
    choices: list[ChoiceData] = field(default_factory=list)
    line: int = 0  # where it starts in its source file (GIFT, Aiken)
    language: str = "en"  # the language of the texts above and of the choices' texts
    # {language: {"title"/"prompt"/"feedback"/"unit": text}} in the other language(s)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    def texts(self) -> dict[str, dict[str, str]]:
        """{language: {name: text}} for every content language, "" where not given."""
        return _by_language(self, QUESTION_TEXTS, self.language, self.translations)


def truefalse_choices(
    answer: bool,
    *,
    feedback_true="",
    feedback_false="",
    misconception_true="",
    misconception_false="",
) -> list[ChoiceData]:
    """The True and False choices of a true/false question whose right answer is `answer`,
    labelled in every language ("True"/"Vrai", "False"/"Faux")."""
    true_labels = {code: labels[0] for code, labels in TRUE_FALSE_LABELS.items()}
    false_labels = {code: labels[1] for code, labels in TRUE_FALSE_LABELS.items()}
    return [
        ChoiceData(
            "True",
            answer is True,
            feedback_true,
            "" if answer else misconception_true,
            labels=true_labels,
        ),
        ChoiceData(
            "False",
            answer is False,
            feedback_false,
            misconception_false if answer else "",
            labels=false_labels,
        ),
    ]


# Shown to teachers (admin import) in their language; the YAML loader's errors too.
NUL_CHARACTER = _("Contains a NUL character (\\0), which cannot be stored.")
TOO_LONG = _("Longer than {max} characters.")
NOT_FINITE = _("Must be a finite number.")
NO_TEXT = _("The question has no text.")
POINTS_POSITIVE = _("Points must be more than 0.")
POINTS_PRECISION = _("Points need at most 2 decimals and less than 10,000.")
CHOICE_NO_TEXT = _("The choice has no text.")
UNKNOWN_TYPE = _("Unknown type “{type}”; use one of {types}.")
NO_SUCH_CASE = _("No case with the slug “{slug}”.")
FILE_ADDS = _("The file adds {n} question(s).")


def _key(name: str, code: str, language: str) -> str:
    """How an error names a text: "prompt" in the question's language, "prompt_fr" otherwise
    (the YAML key it comes from)."""
    return name if code == language else f"{name}_{code}"


def _text_errors(q: QuestionData) -> list[tuple[str, str]]:
    """Text the database could not store as it is: NUL characters (PostgreSQL refuses them,
    SQLite would keep them) and text over a column's length (SQLite would keep it too); the
    same limits in every language."""
    limits = {f.name: f.max_length for f in Question._meta.fields if f.max_length}
    errors = []
    fields = {"case": q.case, "simulation": q.simulation, "preset": q.preset}
    for name, value in fields.items():
        if "\x00" in value:
            errors.append((name, NUL_CHARACTER))
    for code, texts in q.texts().items():
        for name, value in texts.items():
            limit = limits.get(QUESTION_TEXTS[name])
            if "\x00" in value:
                errors.append((_key(name, code, q.language), NUL_CHARACTER))
            elif limit is not None and len(value) > limit:
                errors.append((_key(name, code, q.language), TOO_LONG.format(max=limit)))
    for n, choice in enumerate(q.choices, start=1):
        for code, texts in choice.texts(q.language).items():
            for name, value in texts.items():
                if "\x00" in value:
                    errors.append((f"choices[{n}].{_key(name, code, q.language)}", NUL_CHARACTER))
    return errors


def check_question(q: QuestionData, *, case_slugs: set[str]) -> list[tuple[str, str]]:
    """[(field, message)] for everything wrong with one question; [] when it can be saved.

    Texts are checked in every language; a question needs its text in one language at least
    (the other falls back to it)."""
    errors: list[tuple[str, str]] = []
    if q.type not in QuestionType.values:
        return [("type", UNKNOWN_TYPE.format(type=q.type, types=", ".join(QuestionType.values)))]
    if not any(texts["prompt"].strip() for texts in q.texts().values()):
        errors.append(("prompt", str(NO_TEXT)))
    errors += _text_errors(q)
    if q.points is None or not q.points.is_finite() or q.points <= 0:
        errors.append(("points", str(POINTS_POSITIVE)))
    elif q.points >= Decimal("10000") or q.points != q.points.quantize(Decimal("0.01")):
        errors.append(("points", str(POINTS_PRECISION)))
    if q.type == QuestionType.NUMERIC:
        if q.numeric_value is None:
            errors.append(("value", NUMERIC_NEEDS_VALUE))
        if q.numeric_tolerance is None or q.numeric_tolerance < 0:
            errors.append(("tolerance", NUMERIC_NEEDS_TOLERANCE))
        for name, value in (("value", q.numeric_value), ("tolerance", q.numeric_tolerance)):
            if value is not None and not math.isfinite(value):
                errors.append((name, NOT_FINITE))
    errors += [("choices", m) for m in choice_errors(q.type, [c.correct for c in q.choices])]
    for n, choice in enumerate(q.choices, start=1):
        texts = choice.texts(q.language)
        if not any(t["text"].strip() for t in texts.values()):
            errors.append((f"choices[{n}].text", str(CHOICE_NO_TEXT)))
        for code, t in texts.items():
            where = f"choices[{n}]."
            if len(t["text"]) > 500:
                errors.append(
                    (
                        where + _key("text", code, q.language),
                        TOO_LONG.format(max=500),
                    )
                )
            if choice.correct and t["misconception"]:
                errors.append(
                    (where + _key("misconception", code, q.language), MISCONCEPTION_ON_CORRECT)
                )
            if len(t["misconception"]) > 200:
                errors.append(
                    (where + _key("misconception", code, q.language), TOO_LONG.format(max=200))
                )
    if q.case and q.case not in case_slugs:
        errors.append(("case", NO_SUCH_CASE.format(slug=q.case)))
    errors += list(simulation_errors(q.simulation, q.preset).items())
    return errors


def existing_case_slugs() -> set[str]:
    from kb.models import CaseStudy

    return set(CaseStudy.objects.values_list("slug", flat=True))


def quiz_room_errors(quiz: Quiz, adding: int) -> list[str]:
    """[message] when `adding` more questions would take the quiz past QUIZ_MAX_QUESTIONS."""
    existing = quiz.questions.count() if quiz.pk else 0
    if existing + adding <= QUIZ_MAX_QUESTIONS:
        return []
    return [f"{QUIZ_FULL.format(n=existing, max=QUIZ_MAX_QUESTIONS)} {FILE_ADDS.format(n=adding)}"]


IMPORT_CHANGE_REASON = "Imported from a question file"


STRIPPED = {"prompt", "feedback", "text", "misconception"}  # title and unit are kept as given


def localized_values(texts: dict[str, dict[str, str]], fields: dict[str, str]) -> dict[str, str]:
    """{"prompt_fr": …, "prompt_en": …, …}: each language's text in its own column, stripped.

    Named explicitly: django-modeltranslation would put a plain `prompt=` into the language
    active at the time (the request's or the command's), not the language of the text."""
    return {
        f"{fields[name]}_{code}": value.strip() if name in STRIPPED else value
        for code, values in texts.items()
        for name, value in values.items()
    }


def save_questions(quiz: Quiz, questions: list[QuestionData], *, user=None) -> list[Question]:
    """Create the questions (and their choices) at the end of the quiz. Call inside a transaction.

    Bulk inserts (with their history rows): a file of the largest allowed size takes a few
    seconds, not minutes, so it holds SQLite's write lock briefly (review M6).
    """
    from kb.models import CaseStudy

    cases = {
        c.slug: c for c in CaseStudy.objects.filter(slug__in={q.case for q in questions if q.case})
    }
    last = quiz.questions.order_by("-order").values_list("order", flat=True).first() or 0
    rows = []
    for n, data in enumerate(questions, start=1):
        question = Question(
            quiz=quiz,
            type=data.type,
            **localized_values(data.texts(), QUESTION_TEXTS),
            points=data.points,
            all_or_nothing=data.all_or_nothing,
            numeric_value=data.numeric_value,
            numeric_tolerance=data.numeric_tolerance,
            case=cases.get(data.case),
            simulation=data.simulation,
            preset=data.preset,
            order=last + n * 10,
        )
        question.render()
        rows.append(question)
    history = {"default_user": user, "default_change_reason": IMPORT_CHANGE_REASON}
    saved = bulk_create_with_history(rows, Question, batch_size=500, **history)
    choices = []
    for question, data in zip(saved, questions, strict=True):
        for order, c in enumerate(data.choices):
            choice = Choice(
                question=question,
                **localized_values(c.texts(data.language), CHOICE_TEXTS),
                is_correct=c.correct,
                order=order,
            )
            choice.render()
            choices.append(choice)
    bulk_create_with_history(choices, Choice, batch_size=500, **history)
    return saved


# --- YAML quiz files ---------------------------------------------------------------------------
QUIZ_KEYS = {
    "slug",
    "title",
    "description",
    "cases",
    "themes",
    "published",
    "question_order",
    "shuffle_choices",
    "pass_mark",
    "feedback_timing",
    "attempts_allowed",
    "questions",
}
QUESTION_KEYS = {
    "type",
    "prompt",
    "points",
    "feedback",
    "case",
    "simulation",
    "preset",
    "all_or_nothing",
    "choices",
    "answer",
    "feedback_true",
    "feedback_false",
    "misconception_true",
    "misconception_false",
    "value",
    "tolerance",
    "unit",
    "title",
}
CHOICE_KEYS = {"text", "correct", "feedback", "misconception"}
# Keys written in several languages: the plain key (or `<key>_en`) is the English, `<key>_fr`
# the French.
YAML_LANGUAGE = "en"
QUIZ_TRANSLATED = ("title", "description")
QUESTION_TRANSLATED = (
    "title",
    "prompt",
    "feedback",
    "unit",
    "feedback_true",
    "feedback_false",
    "misconception_true",
    "misconception_false",
)
CHOICE_TRANSLATED = ("text", "feedback", "misconception")


def _known_keys(keys: set[str], translated) -> set[str]:
    return keys | {f"{key}_{code}" for key in translated for code in content_languages()}


def _localized(raw: dict, key: str, where: str, errors: list[str]) -> dict[str, str]:
    """{language: text} of a translatable key, "" for a language not given."""
    if key in raw and f"{key}_{YAML_LANGUAGE}" in raw:
        errors.append(
            f"{where}, field {key}_{YAML_LANGUAGE}: give either {key} or {key}_{YAML_LANGUAGE} "
            "(both are the English)."
        )
    values = {}
    for code in content_languages():
        value = raw.get(f"{key}_{code}")
        if code == YAML_LANGUAGE and value is None:
            value = raw.get(key)
        values[code] = _text(value)
    return values


def _split(values: dict[str, dict[str, str]]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """{name: {language: text}} -> ({name: English text}, {other language: {name: text}})."""
    main = {name: by_code[YAML_LANGUAGE] for name, by_code in values.items()}
    others = {
        code: {name: by_code[code] for name, by_code in values.items()}
        for code in content_languages()
        if code != YAML_LANGUAGE
    }
    return main, others


class ContentError(Exception):
    """Errors in quiz files, each naming the file, the question number and the field."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _number(value, where, name, errors) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors.append(f"{where}, field {name}: “{value}” is not a number.")
        return None
    if number != number or number in (float("inf"), float("-inf")):
        errors.append(f"{where}, field {name}: must be a finite number.")
        return None
    return number


def parse_question_yaml(raw, where: str, errors: list[str]) -> QuestionData | None:
    if not isinstance(raw, dict):
        errors.append(f"{where}: a question must be a mapping (type, prompt, …).")
        return None
    for key in sorted(set(raw) - _known_keys(QUESTION_KEYS, QUESTION_TRANSLATED)):
        errors.append(f"{where}, field {key}: unknown field.")
    qtype = _text(raw.get("type", "single"))
    try:
        points = Decimal(str(raw.get("points", 1)))
    except InvalidOperation:
        errors.append(f"{where}, field points: “{raw.get('points')}” is not a number.")
        points = Decimal(1)
    texts = {key: _localized(raw, key, where, errors) for key in QUESTION_TRANSLATED}
    main, others = _split({name: texts[name] for name in QUESTION_TEXTS})
    q = QuestionData(
        type=qtype,
        prompt=main["prompt"],
        title=main["title"],
        points=points,
        feedback=main["feedback"],
        all_or_nothing=bool(raw.get("all_or_nothing", False)),
        unit=main["unit"],
        case=_text(raw.get("case")),
        simulation=_text(raw.get("simulation")),
        preset=_text(raw.get("preset")),
        language=YAML_LANGUAGE,
        translations=others,
    )
    if qtype == QuestionType.TRUEFALSE:
        answer = raw.get("answer")
        if not isinstance(answer, bool):
            errors.append(
                f"{where}, field answer: a true/false question needs answer: true or false."
            )
            return None
        q.choices = truefalse_choices(
            answer,
            feedback_true=texts["feedback_true"][YAML_LANGUAGE],
            feedback_false=texts["feedback_false"][YAML_LANGUAGE],
            misconception_true=texts["misconception_true"][YAML_LANGUAGE],
            misconception_false=texts["misconception_false"][YAML_LANGUAGE],
        )
        for choice, side in zip(q.choices, ("true", "false"), strict=True):
            right = choice.correct
            choice.translations = {
                code: {
                    "feedback": texts[f"feedback_{side}"][code],
                    "misconception": "" if right else texts[f"misconception_{side}"][code],
                }
                for code in others
            }
        right_key = "misconception_true" if answer is True else "misconception_false"
        for code, value in texts[right_key].items():
            if value:
                errors.append(
                    f"{where}, field {_key(right_key, code, YAML_LANGUAGE)}: "
                    f"{MISCONCEPTION_ON_CORRECT}"
                )
    elif qtype == QuestionType.NUMERIC:
        q.numeric_value = _number(raw.get("value"), where, "value", errors)
        q.numeric_tolerance = _number(raw.get("tolerance"), where, "tolerance", errors)
        if raw.get("choices"):
            errors.append(f"{where}, field choices: a numeric question takes no choices.")
    else:
        choices = raw.get("choices") or []
        if not isinstance(choices, list):
            errors.append(f"{where}, field choices: must be a list.")
            return None
        for n, c in enumerate(choices, start=1):
            if not isinstance(c, dict):
                errors.append(f"{where}, choice {n}: must be a mapping (text, correct, feedback).")
                continue
            for key in sorted(set(c) - _known_keys(CHOICE_KEYS, CHOICE_TRANSLATED)):
                errors.append(f"{where}, choice {n}, field {key}: unknown field.")
            main, others = _split(
                {
                    key: _localized(c, key, f"{where}, choice {n}", errors)
                    for key in CHOICE_TRANSLATED
                }
            )
            q.choices.append(
                ChoiceData(
                    text=main["text"],
                    correct=c.get("correct") is True,
                    feedback=main["feedback"],
                    misconception=main["misconception"],
                    translations=others,
                )
            )
    return q


def read_quiz_file(path: Path, *, case_slugs: set[str], theme_slugs: set[str]) -> tuple[dict, list]:
    """Parse and check one YAML file: (quiz fields, [QuestionData]); raises ContentError."""
    name = path.name
    errors: list[str] = []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ContentError([f"{name}: not valid YAML/UTF-8: {exc}"]) from None
    if not isinstance(raw, dict):
        raise ContentError([f"{name}: the file must be a mapping with slug, title, questions."])
    for key in sorted(set(raw) - _known_keys(QUIZ_KEYS, QUIZ_TRANSLATED)):
        errors.append(f"{name}, field {key}: unknown field.")
    slug = _text(raw.get("slug"))
    if not slug:
        errors.append(f"{name}, field slug: required.")
    texts = {key: _localized(raw, key, name, errors) for key in QUIZ_TRANSLATED}
    if not any(value.strip() for value in texts["title"].values()):
        errors.append(f"{name}, field title: required.")
    title_limit = Quiz._meta.get_field("title").max_length
    for key, by_code in texts.items():
        for code, value in by_code.items():
            if "\x00" in value:
                errors.append(f"{name}, field {_key(key, code, YAML_LANGUAGE)}: {NUL_CHARACTER}")
            elif key == "title" and len(value) > title_limit:
                errors.append(
                    f"{name}, field {_key(key, code, YAML_LANGUAGE)}: "
                    + TOO_LONG.format(max=title_limit)
                )
    cases = raw.get("cases") or []
    themes = raw.get("themes") or []
    if not isinstance(cases, list) or not isinstance(themes, list):
        errors.append(f"{name}, fields cases/themes: must be lists of slugs.")
        cases, themes = [], []
    for slug_ in cases:
        if str(slug_) not in case_slugs:
            errors.append(f"{name}, field cases: no case with the slug “{slug_}”.")
    for slug_ in themes:
        if str(slug_) not in theme_slugs:
            errors.append(f"{name}, field themes: no theme with the slug “{slug_}”.")
    order = _text(raw.get("question_order", "fixed"))
    if order not in QuestionOrder.values:
        errors.append(f"{name}, field question_order: use fixed or shuffled.")
    timing = _text(raw.get("feedback_timing", "end"))
    if timing not in FeedbackTiming.values:
        errors.append(f"{name}, field feedback_timing: use end or each.")
    pass_mark = raw.get("pass_mark", 60)
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, int) or not 0 <= pass_mark <= 100:
        errors.append(f"{name}, field pass_mark: a whole percentage from 0 to 100.")
        pass_mark = 60
    allowed = raw.get("attempts_allowed")
    if allowed is not None and (
        isinstance(allowed, bool) or not isinstance(allowed, int) or allowed < 1
    ):
        errors.append(f"{name}, field attempts_allowed: null (unlimited) or a whole number ≥ 1.")
        allowed = None
    questions = []
    raw_questions = raw.get("questions") or []
    if not isinstance(raw_questions, list) or not raw_questions:
        errors.append(f"{name}, field questions: at least one question is needed.")
        raw_questions = []
    if len(raw_questions) > QUIZ_MAX_QUESTIONS:
        errors.append(f"{name}, field questions: at most {QUIZ_MAX_QUESTIONS} questions per quiz.")
    for n, raw_q in enumerate(raw_questions, start=1):
        where = f"{name}, question {n}"
        q = parse_question_yaml(raw_q, where, errors)
        if q is None:
            continue
        errors += [f"{where}, field {f}: {m}" for f, m in check_question(q, case_slugs=case_slugs)]
        questions.append(q)
    if errors:
        raise ContentError(errors)
    fields = {
        "slug": slug,
        **{
            f"{key}_{code}": value
            for key, by_code in texts.items()
            for code, value in by_code.items()
        },
        "is_published": bool(raw.get("published", False)),
        "question_order": order,
        "shuffle_choices": bool(raw.get("shuffle_choices", False)),
        "pass_mark": pass_mark,
        "feedback_timing": timing,
        "attempts_allowed": allowed,
        "cases": [str(s) for s in cases],
        "themes": [str(s) for s in themes],
    }
    return fields, questions


def load_quiz_files(paths: list[Path]) -> list[Quiz]:
    """Load the files all or nothing (one transaction); ContentError lists every error found.

    A quiz whose slug exists is replaced only if it has no attempts (attempts are never lost).
    """
    from kb.models import CaseStudy, Theme

    case_slugs = set(CaseStudy.objects.values_list("slug", flat=True))
    theme_slugs = set(Theme.objects.values_list("slug", flat=True))
    parsed, errors, seen = [], [], {}
    for path in paths:
        try:
            fields, questions = read_quiz_file(path, case_slugs=case_slugs, theme_slugs=theme_slugs)
        except ContentError as exc:
            errors += exc.errors
            continue
        if fields["slug"] in seen:
            errors.append(
                f"{path.name}, field slug: “{fields['slug']}” is also used by {seen[fields['slug']]}."
            )
        seen[fields["slug"]] = path.name
        parsed.append((path, fields, questions))
    if errors:
        raise ContentError(errors)
    loaded = []
    with transaction.atomic():
        for path, fields, questions in parsed:
            old = Quiz.objects.filter(slug=fields["slug"]).first()
            if old is not None:
                if old.attempts.exists():
                    errors.append(
                        f"{path.name}, field slug: quiz “{old.slug}” has attempts; it is kept "
                        "(archive it and use another slug to replace it)."
                    )
                    continue
                old.delete()
            cases, themes = fields.pop("cases"), fields.pop("themes")
            quiz = Quiz.objects.create(**fields)
            quiz.cases.set(CaseStudy.objects.filter(slug__in=cases))
            quiz.themes.set(Theme.objects.filter(slug__in=themes))
            save_questions(quiz, questions)
            loaded.append(quiz)
        if errors:
            raise ContentError(errors)  # leaving the block by an exception rolls everything back
    return loaded
