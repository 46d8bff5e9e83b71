"""Item-writing checks on quizzes: the cues that let a student score without knowing the subject.

Pure logic over Quiz/Question/Choice objects. `load()` fetches quizzes with their active
questions and choices in three queries whatever their number; every rule then works in memory.
One function per rule; each returns `Issue`s that name the rule, a severity, the question (and
choice) concerned, and a message telling a teacher what to change.

Severities: an **error** on a published quiz makes `manage.py lint_quizzes` exit 1; a
**warning** is shown and never fails. Drafts are checked the same way, but their errors do not
fail the command: they are not in front of students yet.

Decisions (documented in quiz/README.md):
- Longest option: a single-choice question "gives it away" when its right option is the
  longest by a clear margin: at least LONGEST_MARGIN (10 %) more characters than every other
  option. Closer than that counts as a tie, and ties do not count. Each such question gets a
  warning; the quiz gets an error when they exceed LONGEST_MAX_SHARE (35 %) of its
  single-choice questions, once it has at least LONGEST_MIN_QUESTIONS (4) of them (below that
  one question moves the share by 25 points or more, and a share says nothing).
- True/false balance is a site-wide rule, over published quizzes: the share of true/false
  questions whose right answer is True must lie within TF_TRUE_RANGE (40–60 %), once the site
  has at least TF_MIN_QUESTIONS (5) of them.
- A negative stem (not, except, never, least, false…; pas, sauf, jamais, le moins, faux…) in
  the sentence that asks the question is a warning unless the word is emphasised (**not**,
  *not*, _not_) or written in capitals (NOT): emphasised, students see it, which is what
  item-writing guides ask for.

Languages: the texts are checked in French and in English. The rules that read the wording
(TEXT_RULES: longest option, "all of the above", negative stem, duplicates, absolute words) run
once per language on that language's text, falling back to the other language where a text is
not translated, as a student's page does; an issue found in both languages with the same
message is reported once. The other rules only look at what exists (feedback, misconceptions,
tolerance, grading), which the fallback makes the same in both languages: they run once. Two
rules compare the languages: `missing-translation` (a text in one language only) and
`translation-numbers` (a number in one language's prompt or choice and not in the other's).
Messages are in the active language (gettext); the text quoted in them is in the language
checked.
"""

import math
import re
import unicodedata
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Choice, Question, QuestionType, Quiz

ERROR = "error"
WARNING = "warning"

LONGEST_MARGIN = 0.10
LONGEST_MAX_SHARE = 0.35
LONGEST_MIN_QUESTIONS = 4
TF_TRUE_RANGE = (0.40, 0.60)
TF_MIN_QUESTIONS = 5
MIN_SINGLE_OPTIONS = 3
KEY_POSITION_MAX_SHARE = 0.5

# Each rule: (severity, what it checks, in one line: the JSON report's "rules"). The messages
# below are whole sentences with named placeholders, ready for gettext.
RULES = {
    "longest-option": (WARNING, _("The right option is clearly the longest one.")),
    "longest-option-share": (
        ERROR,
        _("Too many single-choice questions give the answer away by its length."),
    ),
    "true-false-balance": (ERROR, _("True/false answers lean to one side across the site.")),
    "all-none-of-the-above": (
        ERROR,
        _("An option says “all of the above” or “none of the above”."),
    ),
    "negative-stem": (WARNING, _("The question has a negative word without emphasis.")),
    "choice-without-feedback": (WARNING, _("A choice has no feedback.")),
    "no-explanation": (ERROR, _("A student can finish the question without any explanation.")),
    "duplicate-choices": (ERROR, _("Two choices say the same thing.")),
    "numeric-without-tolerance": (ERROR, _("A numeric question has no tolerance.")),
    "numeric-exact-decimal": (
        WARNING,
        _("A numeric question with a decimal answer accepts only that exact value."),
    ),
    "wrong-choice-without-misconception": (
        ERROR,
        _("A wrong choice does not name the misconception behind it."),
    ),
    "select-all-earns-credit": (
        ERROR,
        _("Ticking every box of a multiple-choice question earns points."),
    ),
    "too-few-options": (WARNING, _("A single-choice question has fewer than three options.")),
    "absolute-wording": (
        WARNING,
        _("Words like “never” or “only” mark the wrong answers."),
    ),
    "key-position": (WARNING, _("The right answer sits in the same place too often.")),
    "missing-translation": (WARNING, _("A text is written in one language only.")),
    "translation-numbers": (WARNING, _("The two languages disagree on a number.")),
}

MESSAGES = {
    "longest-option": _(
        "The right option is clearly the longest ({right} characters; the longest wrong one "
        "has {wrong}). Students learn to pick the longest option: move the justification into "
        "its feedback, or give a wrong option the same detail."
    ),
    "longest-option-share": _(
        "In {count} of {total} single-choice questions ({share}) the right option is clearly "
        "the longest; keep it to {limit} or fewer. Questions: {questions}."
    ),
    "true-false-balance": _(
        "{true} of {total} true/false questions in published quizzes ({share}) have True as the "
        "right answer; keep it between {low} and {high}, or students can score by always "
        "answering the same. By quiz (True/all): {quizzes}."
    ),
    "all-none-of-the-above": _(
        "The choice “{choice}” refers to the other options. It makes no sense when choices are "
        "shuffled and is easy to guess: replace it with a real answer or misconception."
    ),
    "negative-stem": _(
        "The question says “{word}” without emphasis: a negative in the question is easy to "
        "overlook, and students then answer the opposite. Ask it positively, or write the word "
        "in bold (**{word}**)."
    ),
    "choice-without-feedback": _(
        "The choice “{choice}” has no feedback: a student who picks it is not told why it is "
        "right or wrong. Add a sentence of feedback."
    ),
    "no-explanation-numeric": _(
        "The question has no general feedback, so students never see how the answer is "
        "worked out. Add the explanation as general feedback."
    ),
    "no-explanation-choice": _(
        "The question has no general feedback and the choice “{choice}” has none either: a "
        "student who picks it sees no explanation. Add general feedback or feedback on that choice."
    ),
    "duplicate-choices": _(
        "The choices “{first}” and “{second}” say the same thing. Remove one or rewrite it as a "
        "different answer."
    ),
    "numeric-without-tolerance": _(
        "The numeric question has no tolerance, so no answer can be marked right. Set the "
        "tolerance (0 for an exact count)."
    ),
    "numeric-exact-decimal": _(
        "The right value {value} has decimals but the tolerance is 0: a student who rounds "
        "differently is marked wrong. Set a tolerance that accepts sensible rounding."
    ),
    "wrong-choice-without-misconception": _(
        "The wrong choice “{choice}” does not say which misconception it stands for. Fill in "
        "its misconception (e.g. “confuses accuracy with precision”) — or, if no real "
        "misconception leads to it, replace it with one that does."
    ),
    "select-all-earns-credit": _(
        "Ticking every box earns {share} of the points ({right} right and {wrong} wrong "
        "choices), so guessing pays. Tick “All or nothing”, or add wrong choices until there "
        "are at least as many wrong as right."
    ),
    "select-all-all-right": _(
        "Every choice is right, so ticking every box earns full marks. Add wrong choices that "
        "stand for real misconceptions."
    ),
    "too-few-options": _(
        "A single-choice question with {count} options can be guessed {share} of the time. Add "
        "a wrong option that stands for a real misconception, or make it a true/false question."
    ),
    "absolute-wording-choice": _(
        "The wrong choice “{choice}” says “{word}”, and no right choice does: absolute words "
        "tell students which options to rule out. Word it as a plausible misconception."
    ),
    "absolute-wording-statement": _(
        "The statement says “{word}” and its answer is False: absolute statements are nearly "
        "always false, so students guess it. Make the claim precise instead."
    ),
    "key-position": _(
        "Choices are not shuffled and the right answer is option {position} in {count} of "
        "{total} single-choice questions. Tick “Shuffle choices” or vary where it sits."
    ),
    "missing-translation": _(
        "No {language} text for: {fields}. Students reading {language} see the {other} text "
        "instead, marked as not translated. Add the {language} version."
    ),
    "translation-numbers": _(
        "The {first} and {second} texts of {where} disagree on numbers: {first_only} only in "
        "the {first}, {second_only} only in the {second}. Check the translation."
    ),
}

# In a sentence ("No French text for…", « Pas de texte en français pour… »), hence a context.
LANGUAGE_NAMES = {
    "fr": pgettext_lazy("language, in a sentence", "French"),
    "en": pgettext_lazy("language, in a sentence", "English"),
}
# What missing-translation lists, by model field.
FIELD_NAMES = {
    "title": _("title"),
    "description": _("description"),
    "prompt": _("question text"),
    "general_feedback": _("general feedback"),
    "unit": _("unit"),
    "text": _("text"),
    "feedback": _("feedback"),
    "misconception": _("misconception"),
}
QUIZ_FIELDS = ("title", "description")
QUESTION_FIELDS = ("title", "prompt", "general_feedback", "unit")
CHOICE_FIELDS = ("text", "feedback", "misconception")

TRUE_WORDS = {"true", "vrai"}
FALSE_WORDS = {"false", "faux"}

NEGATIVE_WORDS = (
    r"not(?!\s+only\b)|except|never|(?<!at )least|false|incorrect|untrue|cannot|can't|isn't|aren't|doesn't|don't|"
    r"didn't|won't|wasn't|weren't|wouldn't|shouldn't|couldn't|neither|nor"
)
# French: "ne … pas" is caught by "pas" (what a writer emphasises: n'est **pas**); "faux
# positifs/négatifs" and "fausses alertes" are terms, not negations.
NEGATIVE_WORDS_FR = (
    r"pas|jamais|sauf|excepté|ni|rien|incorrecte?s?|(?:le|la|les)\s+moins|"
    r"faux(?!\s+(?:positifs?|négatifs?))|fausses?(?!\s+alertes?)"
)
NEGATIVE_RE = re.compile(
    rf"(?<![\w'’-])({NEGATIVE_WORDS}|{NEGATIVE_WORDS_FR})(?![\w'’-])", re.IGNORECASE
)
# Asides a negative word may sit in without making the question negative: (…), "…", “…”, « … ».
ASIDE_RE = re.compile(r"\([^()]*\)|\"[^\"]*\"|“[^”]*”|«[^»]*»")
EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\3(?![\w*])", re.S)

ABOVE_RE = re.compile(
    r"\b(?:all|none|both|neither)\s+(?:of\s+)?the\s+(?:above|previous)\b"
    r"|^\s*(?:all|none|both|neither)\s+of\s+(?:these|them|those|the\s+(?:others?|options|"
    r"answers|choices))\b"
    r"|\b(?:toutes|aucune)\s+(?:de\s+)?(?:ces|les|des)\s+réponses\b|\bci-dessus\b",
    re.IGNORECASE,
)
ABSOLUTE_RE = re.compile(
    r"(?<![\w'’])(never|always|only|none|nothing|nobody|no one|guaranteed|guarantees?|"
    r"impossible|certainly|completely|entirely|proves?|proved|proven|every|everyone|"
    r"jamais|toujours|seulement|uniquement|rien|personne\s+ne|garantie?s?|garantit|"
    r"certainement|complètement|entièrement|prouvée?s?|prouvent|prouve|chaque|tout\s+le\s+monde|"
    r"forcément|nécessairement)"
    r"(?![\w'’])",
    re.IGNORECASE,
)
MARKDOWN_MARKS_RE = re.compile(r"[*_`]+")
SPACES_RE = re.compile(r"\s+")
SENTENCE_END_RE = re.compile(r"(?<=[.?!])\s+")  # not inside "0.81"


@dataclass(frozen=True)
class Issue:
    rule: str
    severity: str
    message: str
    quiz: str = ""  # slug; "" for a site-wide issue
    question_id: int | None = None
    question_number: int | None = None  # position among the quiz's active questions, from 1
    question_text: str = ""
    choice_id: int | None = None
    language: str = ""  # "fr"/"en": found in that language's text only; "" for both or neither

    def as_dict(self) -> dict:
        question = None
        if self.question_id is not None:
            question = {
                "id": self.question_id,
                "number": self.question_number,
                "text": self.question_text,
            }
        return {
            "rule": self.rule,
            "severity": self.severity,
            "quiz": self.quiz or None,
            "question": question,
            "choice": self.choice_id,
            "language": self.language or None,
            "message": self.message,
        }


@dataclass
class QuizReport:
    quiz: Quiz
    issues: list[Issue] = field(default_factory=list)
    single_choice: int = 0  # single-choice questions
    longest_keyed: int = 0  # of which the right option is clearly the longest
    true_keyed: int = 0  # true/false questions whose right answer is True
    true_false: int = 0
    longest_by_language: dict[str, int] = field(default_factory=dict)

    @property
    def is_live(self) -> bool:
        """Students see it: published and not archived (its errors fail the command)."""
        return self.quiz.is_published and not self.quiz.is_archived

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    def as_dict(self) -> dict:
        return {
            "slug": self.quiz.slug,
            "title": self.quiz.title,
            "published": self.is_live,
            "single_choice": self.single_choice,
            "longest_keyed": self.longest_keyed,
            "longest_keyed_by_language": self.longest_by_language,
            "true_false": {"true": self.true_keyed, "total": self.true_false},
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "issues": [i.as_dict() for i in self.issues],
        }


@dataclass
class Report:
    quizzes: list[QuizReport]
    site_issues: list[Issue] = field(default_factory=list)
    site_checked: bool = True  # site-wide rules ran (not when one quiz was asked for)
    true_keyed: int = 0  # over published quizzes
    true_false: int = 0

    @property
    def failed(self) -> bool:
        """An error on a quiz students see, or a site-wide error."""
        return any(i.severity == ERROR for i in self.site_issues) or any(
            r.errors for r in self.quizzes if r.is_live
        )

    @property
    def issues(self) -> list[Issue]:
        return [*self.site_issues, *(i for r in self.quizzes for i in r.issues)]

    def as_dict(self) -> dict:
        issues = self.issues
        return {
            "ok": not self.failed,
            "errors": sum(i.severity == ERROR for i in issues),
            "warnings": sum(i.severity == WARNING for i in issues),
            "thresholds": {
                "longest_option_max_share": LONGEST_MAX_SHARE,
                "longest_option_min_questions": LONGEST_MIN_QUESTIONS,
                "longest_option_margin": LONGEST_MARGIN,
                "true_false_true_share": list(TF_TRUE_RANGE),
                "true_false_min_questions": TF_MIN_QUESTIONS,
            },
            "rules": {
                rule: {"severity": severity, "description": str(description)}
                for rule, (severity, description) in RULES.items()
            },
            "site": {
                "checked": self.site_checked,
                "true_false": {"true": self.true_keyed, "total": self.true_false},
                "issues": [i.as_dict() for i in self.site_issues],
            },
            "quizzes": [r.as_dict() for r in self.quizzes],
        }


# --- loading --------------------------------------------------------------------------------------


def load(quizzes) -> list[Quiz]:
    """The quizzes with their active questions (in order, as `lint_questions`) and their
    choices (in order): three queries, whatever the number of quizzes."""
    questions = Question.objects.filter(is_archived=False).order_by("order", "id")
    choices = Choice.objects.order_by("order", "id")
    return list(
        quizzes.order_by("slug").prefetch_related(
            Prefetch(
                "questions",
                queryset=questions.prefetch_related(Prefetch("choices", queryset=choices)),
                to_attr="lint_questions",
            )
        )
    )


def lint(quizzes=None, *, site: bool = True) -> Report:
    """Check `quizzes` (a Quiz queryset; default: the published ones) and, with `site`, the
    site-wide rules over the published quizzes. Three queries in all."""
    live = Q(is_published=True, is_archived=False)
    if quizzes is None:
        quizzes = Quiz.objects.filter(live)
    wanted = set(quizzes.values_list("pk", flat=True))
    scope = Quiz.objects.filter(Q(pk__in=wanted) | live) if site else quizzes
    loaded = load(scope)
    report = Report(quizzes=[lint_quiz(q) for q in loaded if q.pk in wanted], site_checked=site)
    if site:
        published = [q for q in loaded if q.is_published and not q.is_archived]
        report.site_issues = check_true_false_balance(published)
        report.true_keyed, report.true_false = true_false_tally(published)
    return report


# --- languages -----------------------------------------------------------------------------------

# The language whose text the rules read (None: the active language, as a page shows it).
checked_language: ContextVar[str | None] = ContextVar("lint_checked_language", default=None)


def content_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def tx(obj, name: str) -> str:
    """`obj.<name>` in the language being checked; when that language's column is empty, the
    other language's text, which is what a student reading that language sees."""
    language = checked_language.get()
    if language is None:
        return getattr(obj, name) or ""
    for code in [language, *content_languages()]:
        value = getattr(obj, f"{name}_{code}", None)
        if value:
            return value
    return ""


# --- helpers -------------------------------------------------------------------------------------


def plain(text: str) -> str:
    """Choice text as a student reads it: Markdown marks dropped, spaces collapsed."""
    return SPACES_RE.sub(" ", MARKDOWN_MARKS_RE.sub("", text)).strip()


def normalised(text: str) -> str:
    """For comparing choices: compatibility forms, case, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(c if c.isalnum() else " " for c in text)
    return SPACES_RE.sub(" ", kept).strip()


def short(text: str, limit: int = 80) -> str:
    text = plain(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def percent(share: float) -> str:
    return f"{share:.0%}"


def questions_of(quiz: Quiz) -> list[Question]:
    if hasattr(quiz, "lint_questions"):
        return quiz.lint_questions
    return list(quiz.questions.filter(is_archived=False).order_by("order", "id"))


def choices_of(question: Question) -> list[Choice]:
    return list(question.choices.all())


def issue(
    rule: str,
    quiz: Quiz,
    question: Question | None = None,
    number: int | None = None,
    *,
    on: Choice | None = None,
    message: str | None = None,
    **values,
) -> Issue:
    """An issue of `rule` about `question` (and the choice `on`), its message filled in from
    MESSAGES[message or rule] with `values`."""
    template = MESSAGES[message or rule]
    return Issue(
        rule=rule,
        severity=RULES[rule][0],
        message=str(template).format(**values),
        quiz=quiz.slug,
        question_id=question.pk if question is not None else None,
        question_number=number,
        question_text=short(question.title or question.prompt) if question is not None else "",
        choice_id=on.pk if on is not None else None,
    )


def keyed_true(question: Question, choices: list[Choice]) -> bool | None:
    """Whether a true/false question's right answer is True (None if it cannot be told)."""
    right = [c for c in choices if c.is_correct]
    if len(right) != 1 or len(choices) != 2:
        return None
    word = normalised(tx(right[0], "text"))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return right[0] is choices[0]  # GIFT and the loaders put True first


def clearly_longest(choices: list[Choice]) -> tuple[int, int] | None:
    """(right length, longest wrong length) when the single right option is longer than every
    other by at least LONGEST_MARGIN; None otherwise (a tie, or not the longest)."""
    right = [c for c in choices if c.is_correct]
    wrong = [c for c in choices if not c.is_correct]
    if len(right) != 1 or not wrong:
        return None
    right_len = len(plain(tx(right[0], "text")))
    wrong_len = max(len(plain(tx(c, "text"))) for c in wrong)
    if right_len >= wrong_len * (1 + LONGEST_MARGIN) and right_len > wrong_len:
        return right_len, wrong_len
    return None


def asking_sentences(prompt: str) -> list[str]:
    """The sentences that ask the question: those ending in "?", else the last sentence."""
    sentences = [s.strip() for s in SENTENCE_END_RE.split(prompt.strip()) if s.strip()]
    asked = [s for s in sentences if s.endswith("?")]
    return asked or sentences[-1:]


# --- per-question rules -------------------------------------------------------------------------


def check_longest_option(quiz, question, number, choices) -> list[Issue]:
    if question.type != QuestionType.SINGLE:
        return []
    lengths = clearly_longest(choices)
    if lengths is None:
        return []
    return [issue("longest-option", quiz, question, number, right=lengths[0], wrong=lengths[1])]


def check_all_none_of_the_above(quiz, question, number, choices) -> list[Issue]:
    if question.type not in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return []
    return [
        issue("all-none-of-the-above", quiz, question, number, on=c, choice=short(tx(c, "text")))
        for c in choices
        if ABOVE_RE.search(plain(tx(c, "text")))
    ]


def negative_word(prompt: str) -> str | None:
    """The first negative word, not emphasised, in the sentence(s) asking the question."""
    for sentence in asking_sentences(prompt):
        sentence = ASIDE_RE.sub(lambda m: " " * len(m.group()), sentence)
        emphasised = [(m.start(), m.end()) for m in EMPHASIS_RE.finditer(sentence)]
        for m in NEGATIVE_RE.finditer(sentence):
            word = m.group(1)
            if word.isupper() and len(word) > 1:
                continue  # NOT, EXCEPT: written to be seen
            if any(start <= m.start() and m.end() <= end for start, end in emphasised):
                continue
            return word.replace("’", "'")
    return None


def check_negative_stem(quiz, question, number, choices) -> list[Issue]:
    word = negative_word(tx(question, "prompt"))
    if word is None:
        return []
    return [issue("negative-stem", quiz, question, number, word=word)]


def check_feedback(quiz, question, number, choices) -> list[Issue]:
    """Choices without feedback (warning); a path through the question with no explanation
    at all (error)."""
    has_general = bool(tx(question, "general_feedback").strip())
    if question.type == QuestionType.NUMERIC:
        if has_general:
            return []
        return [issue("no-explanation", quiz, question, number, message="no-explanation-numeric")]
    found = []
    for c in choices:
        if tx(c, "feedback").strip():
            continue
        if has_general:
            found.append(
                issue(
                    "choice-without-feedback",
                    quiz,
                    question,
                    number,
                    on=c,
                    choice=short(tx(c, "text")),
                )
            )
        else:
            found.append(
                issue(
                    "no-explanation",
                    quiz,
                    question,
                    number,
                    on=c,
                    message="no-explanation-choice",
                    choice=short(tx(c, "text")),
                )
            )
    return found


def check_duplicate_choices(quiz, question, number, choices) -> list[Issue]:
    seen: dict[str, Choice] = {}
    found = []
    for c in choices:
        key = normalised(tx(c, "text"))
        if key in seen:
            first = seen[key]
            found.append(
                issue(
                    "duplicate-choices",
                    quiz,
                    question,
                    number,
                    on=c,
                    first=short(tx(first, "text")),
                    second=short(tx(c, "text")),
                )
            )
        else:
            seen[key] = c
    return found


def check_numeric_tolerance(quiz, question, number, choices) -> list[Issue]:
    if question.type != QuestionType.NUMERIC:
        return []
    tolerance, value = question.numeric_tolerance, question.numeric_value
    if tolerance is None or (isinstance(tolerance, float) and math.isnan(tolerance)):
        return [issue("numeric-without-tolerance", quiz, question, number)]
    if tolerance == 0 and value is not None and not float(value).is_integer():
        return [issue("numeric-exact-decimal", quiz, question, number, value=f"{value:g}")]
    return []


def check_misconceptions(quiz, question, number, choices) -> list[Issue]:
    if question.type == QuestionType.NUMERIC:
        return []
    return [
        issue(
            "wrong-choice-without-misconception",
            quiz,
            question,
            number,
            on=c,
            choice=short(tx(c, "text")),
        )
        for c in choices
        if not c.is_correct and not tx(c, "misconception").strip()
    ]


def check_select_all(quiz, question, number, choices) -> list[Issue]:
    """Grade "every box ticked" with the real grading service: any credit is an error."""
    from .services import grade

    if question.type != QuestionType.MULTIPLE or not choices:
        return []
    result = grade(question, choices, selected=[c.pk for c in choices])
    if result.fraction <= 0:
        return []
    right = sum(c.is_correct for c in choices)
    wrong = len(choices) - right
    if wrong == 0:
        return [
            issue("select-all-earns-credit", quiz, question, number, message="select-all-all-right")
        ]
    return [
        issue(
            "select-all-earns-credit",
            quiz,
            question,
            number,
            share=fraction_text(result.fraction),
            right=right,
            wrong=wrong,
        )
    ]


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else "all"


def check_too_few_options(quiz, question, number, choices) -> list[Issue]:
    if question.type != QuestionType.SINGLE or not choices or len(choices) >= MIN_SINGLE_OPTIONS:
        return []
    return [
        issue(
            "too-few-options",
            quiz,
            question,
            number,
            count=len(choices),
            share=percent(1 / len(choices)),
        )
    ]


def absolute_word(text: str) -> str | None:
    m = ABSOLUTE_RE.search(plain(text))
    return m.group(1) if m else None


def check_absolute_wording(quiz, question, number, choices) -> list[Issue]:
    if question.type == QuestionType.TRUEFALSE:
        word = absolute_word(tx(question, "prompt"))
        if word is None or keyed_true(question, choices) is not False:
            return []
        return [
            issue(
                "absolute-wording",
                quiz,
                question,
                number,
                message="absolute-wording-statement",
                word=word,
            )
        ]
    if question.type not in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return []
    if any(absolute_word(tx(c, "text")) for c in choices if c.is_correct):
        return []
    found = []
    for c in choices:
        word = None if c.is_correct else absolute_word(tx(c, "text"))
        if word:
            found.append(
                issue(
                    "absolute-wording",
                    quiz,
                    question,
                    number,
                    on=c,
                    message="absolute-wording-choice",
                    choice=short(tx(c, "text")),
                    word=word,
                )
            )
    return found


QUESTION_RULES = [
    check_longest_option,
    check_all_none_of_the_above,
    check_negative_stem,
    check_feedback,
    check_duplicate_choices,
    check_numeric_tolerance,
    check_misconceptions,
    check_select_all,
    check_too_few_options,
    check_absolute_wording,
]


# --- per-quiz rules ------------------------------------------------------------------------------


def check_longest_share(quiz, numbered) -> list[Issue]:
    """numbered: [(number, question, choices)] of the quiz's active questions."""
    singles = [(n, q, cs) for n, q, cs in numbered if q.type == QuestionType.SINGLE]
    if len(singles) < LONGEST_MIN_QUESTIONS:
        return []
    keyed = [n for n, q, cs in singles if clearly_longest(cs) is not None]
    share = len(keyed) / len(singles)
    if share <= LONGEST_MAX_SHARE:
        return []
    return [
        issue(
            "longest-option-share",
            quiz,
            count=len(keyed),
            total=len(singles),
            share=percent(share),
            # the largest count the check above lets through, by the same comparison
            limit=max(k for k in range(len(singles) + 1) if k / len(singles) <= LONGEST_MAX_SHARE),
            questions=", ".join(f"Q{n}" for n in keyed),
        )
    ]


def check_key_position(quiz, numbered) -> list[Issue]:
    if quiz.shuffle_choices:
        return []
    positions = [
        next(i for i, c in enumerate(cs, start=1) if c.is_correct)
        for n, q, cs in numbered
        if q.type == QuestionType.SINGLE
        and len(cs) >= MIN_SINGLE_OPTIONS
        and sum(c.is_correct for c in cs) == 1
    ]
    if len(positions) < LONGEST_MIN_QUESTIONS:
        return []
    position = max(set(positions), key=positions.count)
    count = positions.count(position)
    if count / len(positions) <= KEY_POSITION_MAX_SHARE:
        return []
    return [issue("key-position", quiz, position=position, count=count, total=len(positions))]


QUIZ_RULES = [check_longest_share, check_key_position]


# The rules that read the wording: run once per language.
TEXT_RULES = {
    check_longest_option,
    check_all_none_of_the_above,
    check_negative_stem,
    check_duplicate_choices,
    check_absolute_wording,
    check_longest_share,
}


def lint_quiz(quiz: Quiz) -> QuizReport:
    """Every per-question and per-quiz rule on one quiz (loaded with `load`, or any quiz), in
    every language (see the module's docstring)."""
    numbered = [(n, q, choices_of(q)) for n, q in enumerate(questions_of(quiz), start=1)]
    report = QuizReport(quiz=quiz)
    found: dict[tuple, Issue] = {}  # one language's issue, by what it says
    order: list[tuple] = []
    languages = content_languages()
    for code in languages:
        token = checked_language.set(code)
        try:
            issues = [i for rule in QUIZ_RULES for i in rule(quiz, numbered) if rule in TEXT_RULES]
            for n, q, cs in numbered:
                issues += [
                    i for rule in QUESTION_RULES if rule in TEXT_RULES for i in rule(quiz, q, n, cs)
                ]
            report.longest_by_language[code] = sum(
                clearly_longest(cs) is not None
                for n, q, cs in numbered
                if q.type == QuestionType.SINGLE
            )
        finally:
            checked_language.reset(token)
        for i in issues:
            key = (i.rule, i.question_id, i.choice_id, i.message)
            if key in found:
                found[key] = _replace(found[key], language="")  # the same in both languages
            else:
                found[key] = _replace(i, language=code)
                order.append(key)
    by_language = [found[key] for key in order]
    # The rules that look at what exists (the fallback makes it the same in both languages).
    report.issues += [
        i for rule in QUIZ_RULES if rule not in TEXT_RULES for i in rule(quiz, numbered)
    ]
    report.issues += [i for i in by_language if i.question_id is None]
    for n, q, cs in numbered:
        for rule in QUESTION_RULES:
            if rule not in TEXT_RULES:
                report.issues += rule(quiz, q, n, cs)
        report.issues += [i for i in by_language if i.question_id == q.pk]
        report.issues += check_missing_translation(quiz, q, n, cs)
        report.issues += check_translation_numbers(quiz, q, n, cs)
        if q.type == QuestionType.SINGLE:
            report.single_choice += 1
        elif q.type == QuestionType.TRUEFALSE:
            report.true_false += 1
            report.true_keyed += keyed_true(q, cs) is True
    report.issues += check_missing_translation(quiz, None, None, [])
    report.longest_keyed = max(report.longest_by_language.values(), default=0)
    return report


def _replace(issue: Issue, **changes) -> Issue:
    from dataclasses import replace

    return replace(issue, **changes)


# --- comparing the languages ----------------------------------------------------------------------


def missing_fields(obj, fields) -> dict[str, list[str]]:
    """{language: [field]} of the fields written in another language but not in this one."""
    missing: dict[str, list[str]] = {}
    languages = content_languages()
    for name in fields:
        given = {
            code: bool((getattr(obj, f"{name}_{code}", "") or "").strip()) for code in languages
        }
        if any(given.values()):
            for code in languages:
                if not given[code]:
                    missing.setdefault(code, []).append(name)
    return missing


def check_missing_translation(quiz, question, number, choices) -> list[Issue]:
    """One warning per language a question (or, with question None, the quiz) lacks text in,
    listing the fields: the question's own, then each choice's ("choice 2: text, feedback")."""
    if question is None:
        parts = {
            code: [str(FIELD_NAMES[f]) for f in names]
            for code, names in missing_fields(quiz, QUIZ_FIELDS).items()
        }
    else:
        parts = {
            code: [str(FIELD_NAMES[f]) for f in names]
            for code, names in missing_fields(question, QUESTION_FIELDS).items()
        }
        for position, c in enumerate(choices, start=1):
            for code, names in missing_fields(c, CHOICE_FIELDS).items():
                listed = ", ".join(str(FIELD_NAMES[f]) for f in names)
                parts.setdefault(code, []).append(
                    str(_("choice {n} ({fields})")).format(n=position, fields=listed)
                )
    found = []
    for code in content_languages():
        if not parts.get(code):
            continue
        other = next(c for c in content_languages() if c != code)
        found.append(
            issue(
                "missing-translation",
                quiz,
                question,
                number,
                language=LANGUAGE_NAMES[code],
                other=LANGUAGE_NAMES[other],
                fields="; ".join(parts[code]),
            )
        )
    return found


MARKDOWN_LINK_RE = re.compile(r"\]\([^)]*\)|https?://\S+")
# A number as each language writes it: English 20,000 and 3.1; French 20 000 and 3,1 (a dot is
# read as a decimal point too).
NUMBER_RES = {
    "en": re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?!\d)"),
    "fr": re.compile(
        r"(?<![\w.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?)(?!\d)"
    ),
}


# French writes "about 30" as "une trentaine": the same number for this comparison.
FRENCH_ROUND_NUMBERS = {
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
    "millier": 1000,
}
FRENCH_ROUND_RE = re.compile(rf"\bun(?:e)?\s+({'|'.join(FRENCH_ROUND_NUMBERS)})\b", re.IGNORECASE)


def numbers_in(text: str, language: str) -> set[Decimal]:
    """The numbers written in `text` (`language`'s conventions), as values: "20 000" and
    "20,000" are both 20000, "3,1" and "3.1" both 3.1, "une trentaine" 30. Link targets are
    left out."""
    text = MARKDOWN_LINK_RE.sub(" ", text)
    values = set()
    if language == "fr":
        values |= {
            Decimal(FRENCH_ROUND_NUMBERS[m.group(1).lower()]).normalize()
            for m in FRENCH_ROUND_RE.finditer(text)
        }
    for m in NUMBER_RES.get(language, NUMBER_RES["en"]).finditer(text):
        raw = m.group(1)
        if language == "fr":
            raw = re.sub(r"[ \u00a0\u202f]", "", raw).replace(",", ".")
        else:
            raw = raw.replace(",", "")
        try:
            values.add(Decimal(raw).normalize())
        except InvalidOperation:
            continue
    return values


def _number_list(values: set[Decimal]) -> str:
    return ", ".join(f"{v:f}" for v in sorted(values)) or "—"


def check_translation_numbers(quiz, question, number, choices) -> list[Issue]:
    """A number in one language's prompt (or a choice's text) and not in the other's: a
    translation that changed a figure. Texts written in one language only are left to
    missing-translation."""
    first, second = content_languages()[:2]
    texts = [(None, "prompt", question)] + [(c, "text", c) for c in choices]
    found = []
    for choice, name, obj in texts:
        a = getattr(obj, f"{name}_{first}", "") or ""
        b = getattr(obj, f"{name}_{second}", "") or ""
        if not a.strip() or not b.strip():
            continue
        in_a, in_b = numbers_in(a, first), numbers_in(b, second)
        if in_a == in_b:
            continue
        where = (
            _("the question")
            if choice is None
            else str(_("the choice “{choice}”")).format(choice=short(getattr(obj, name) or a))
        )
        found.append(
            issue(
                "translation-numbers",
                quiz,
                question,
                number,
                on=choice,
                where=where,
                first=LANGUAGE_NAMES[first],
                second=LANGUAGE_NAMES[second],
                first_only=_number_list(in_a - in_b),
                second_only=_number_list(in_b - in_a),
            )
        )
    return found


# --- site-wide rules -----------------------------------------------------------------------------


def true_false_by_quiz(quizzes: Iterable[Quiz]) -> list[tuple[Quiz, int, int]]:
    """[(quiz, true-keyed, true/false questions)] for quizzes with true/false questions."""
    rows = []
    for quiz in quizzes:
        keys = [
            keyed_true(q, choices_of(q))
            for q in questions_of(quiz)
            if q.type == QuestionType.TRUEFALSE
        ]
        if keys:
            rows.append((quiz, sum(k is True for k in keys), len(keys)))
    return rows


def true_false_tally(quizzes: Iterable[Quiz]) -> tuple[int, int]:
    rows = true_false_by_quiz(quizzes)
    return sum(r[1] for r in rows), sum(r[2] for r in rows)


def check_true_false_balance(published: list[Quiz]) -> list[Issue]:
    rows = true_false_by_quiz(published)
    true, total = sum(r[1] for r in rows), sum(r[2] for r in rows)
    if total < TF_MIN_QUESTIONS:
        return []
    share = true / total
    low, high = TF_TRUE_RANGE
    if low <= share <= high:
        return []
    values = {
        "true": true,
        "total": total,
        "share": percent(share),
        "low": percent(low),
        "high": percent(high),
        "quizzes": ", ".join(f"{q.slug} {t}/{n}" for q, t, n in rows),
    }
    return [
        Issue(
            rule="true-false-balance",
            severity=RULES["true-false-balance"][0],
            message=str(MESSAGES["true-false-balance"]).format(**values),
        )
    ]
