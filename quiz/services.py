"""Grading, and the services that start, answer, submit and hand over attempts.

One grading function (`grade`) serves the pages and the API alike. Scores are exact: a fraction
of the question's points in [0, 1], turned into points rounded to the cent.
"""

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from .models import Answer, AnswerChoice, Attempt, Choice, Question, QuestionType, Quiz

ATTEMPT_ALREADY_SUBMITTED = "This attempt has already been submitted."
NO_ATTEMPTS_LEFT = "You have used all {n} attempts allowed for this quiz."
UNKNOWN_QUESTION = "Question {id} is not part of this quiz."
UNKNOWN_CHOICE = "Choice {id} is not a choice of question {question}."
ONE_CHOICE_ONLY = "Question {question} takes one choice; {n} were given."
NOT_A_NUMBER = "Question {question} needs a number."
NUMBER_FOR_CHOICE = "Question {question} needs choices, not a number."
CHOICES_FOR_NUMBER = "Question {question} needs a number, not choices."
ANSWER_FIRST = "Choose or type an answer before checking it."
SESSION_OWNER_KEY = "quiz_owner"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Grade:
    fraction: Fraction  # share of the question's points earned, in [0, 1]
    is_correct: bool  # fully right

    def points(self, max_points: Decimal) -> Decimal:
        earned = Decimal(self.fraction.numerator) * max_points / Decimal(self.fraction.denominator)
        return min(max_points, max(Decimal(0), earned.quantize(CENT, rounding=ROUND_HALF_UP)))


def grade(
    question: Question,
    choices: Iterable[Choice],
    *,
    selected: Iterable[int] = (),
    number: float | None = None,
) -> Grade:
    """Score one answer to `question`, whose choices are `choices`.

    - single choice, true/false: all or nothing;
    - multiple choice: each right choice picked earns 1/k, each wrong choice picked loses 1/k,
      where k is the number of right choices (the issue's rule, after Moodle), floor 0; or all
      or nothing when the question says so (exactly the right set);
    - numeric: right when |number − value| ≤ tolerance (inclusive).
    """
    if question.type == QuestionType.NUMERIC:
        if number is None or question.numeric_value is None:
            return Grade(Fraction(0), False)
        tolerance = question.numeric_tolerance or 0.0
        # A relative epsilon keeps 0.1 + 0.2 style float noise from failing an exact boundary.
        slack = 1e-9 * max(1.0, abs(question.numeric_value), tolerance)
        ok = abs(number - question.numeric_value) <= tolerance + slack
        return Grade(Fraction(int(ok)), ok)
    right = {c.pk for c in choices if c.is_correct}
    picked = set(selected)
    if not right:
        return Grade(Fraction(0), False)
    exact = picked == right
    if question.type != QuestionType.MULTIPLE or question.all_or_nothing:
        return Grade(Fraction(int(exact)), exact)
    k = len(right)
    raw = Fraction(len(picked & right) - len(picked - right), k)
    return Grade(min(Fraction(1), max(Fraction(0), raw)), exact)


def owner_token(session, *, create: bool) -> str | None:
    """The random token that identifies an anonymous student's attempts in their session."""
    token = session.get(SESSION_OWNER_KEY)
    if token is None and create:
        token = secrets.token_hex(16)
        session[SESSION_OWNER_KEY] = token
    return token


def attempts_left(*, quiz: Quiz, user, token: str | None) -> int | None:
    """How many more submissions this student may make (None: unlimited)."""
    if quiz.attempts_allowed is None:
        return None
    used = Attempt.objects.owned_by(user, token).filter(quiz=quiz).submitted().count()
    return max(0, quiz.attempts_allowed - used)


def get_or_start_attempt(*, quiz: Quiz, user, token: str | None) -> Attempt:
    """The student's attempt in progress on this quiz, or a new one (ValidationError if none left)."""
    owned = Attempt.objects.owned_by(user, token).filter(quiz=quiz, submitted_at__isnull=True)
    attempt = owned.order_by("-started_at").first()
    if attempt is not None:
        return attempt
    left = attempts_left(quiz=quiz, user=user, token=token)
    if left == 0:
        raise ValidationError(NO_ATTEMPTS_LEFT.format(n=quiz.attempts_allowed))
    return Attempt.objects.create(
        quiz=quiz,
        user=user if user is not None and user.is_authenticated else None,
        anonymous_owner="" if user is not None and user.is_authenticated else (token or ""),
        seed=secrets.randbelow(2**31),
        is_preview=not quiz.is_published or quiz.is_archived,
    )


def attempt_questions(attempt: Attempt) -> list[Question]:
    """The attempt's active questions with their choices, in the attempt's order (2 queries)."""
    questions = attempt.quiz.questions.filter(is_archived=False).prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("order", "id"))
    )
    ordered = attempt.order_questions(questions)
    for question in ordered:
        question.ordered_choices = attempt.order_choices(question, question.choices.all())
    return ordered


def _clean_answer(question: Question, raw) -> tuple[list[Choice], float | None, bool]:
    """Validate one raw answer: (chosen Choice objects, number, answered?)."""
    if raw is None or raw == "" or raw == []:
        return [], None, False
    if question.type == QuestionType.NUMERIC:
        if isinstance(raw, list | tuple | set):
            raise ValidationError(CHOICES_FOR_NUMBER.format(question=question.pk))
        if isinstance(raw, bool):
            raise ValidationError(NOT_A_NUMBER.format(question=question.pk))
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise ValidationError(NOT_A_NUMBER.format(question=question.pk)) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValidationError(NOT_A_NUMBER.format(question=question.pk))
        return [], number, True
    if isinstance(raw, int | str) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, list | tuple | set):
        raise ValidationError(NUMBER_FOR_CHOICE.format(question=question.pk))
    by_id = {c.pk: c for c in question.choices.all()}
    chosen = []
    for value in raw:
        try:
            choice = by_id[int(value)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(UNKNOWN_CHOICE.format(id=value, question=question.pk)) from None
        if choice not in chosen:
            chosen.append(choice)
    if question.type != QuestionType.MULTIPLE and len(chosen) > 1:
        raise ValidationError(ONE_CHOICE_ONLY.format(question=question.pk, n=len(chosen)))
    return chosen, None, True


def _build_answer(attempt, question, position, raw) -> tuple[Answer, list[AnswerChoice]]:
    chosen, number, answered = _clean_answer(question, raw)
    choices = list(question.choices.all())
    result = grade(question, choices, selected=[c.pk for c in chosen], number=number)
    answer = Answer(
        attempt=attempt,
        question=question,
        position=position,
        question_text=question.prompt,
        number=number,
        is_answered=answered,
        is_correct=result.is_correct,
        points=result.points(question.points),
        max_points=question.points,
        right_answer_text=question.right_answer_text(choices),
    )
    links = [
        AnswerChoice(answer=answer, choice=c, choice_text=c.text, was_correct=c.is_correct)
        for c in chosen
    ]
    return answer, links


def _validate_keys(questions: list[Question], answers: Mapping) -> dict[int, object]:
    known = {q.pk for q in questions}
    cleaned = {}
    errors = []
    for key, value in answers.items():
        try:
            qid = int(key)
        except (TypeError, ValueError):
            qid = None
        if qid not in known:
            errors.append(UNKNOWN_QUESTION.format(id=key))
            continue
        cleaned[qid] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _lock_open_attempt(attempt: Attempt) -> Attempt:
    """Re-read the attempt under a row lock; ValidationError if it is already submitted."""
    locked = Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)
    if locked.submitted_at is not None:
        raise ValidationError(ATTEMPT_ALREADY_SUBMITTED, code="submitted")
    return locked


@transaction.atomic
def record_answer(*, attempt: Attempt, question_id, answer) -> Answer:
    """Record and grade one answer before the attempt is submitted ("feedback after each question").

    The first recorded answer to a question is final: later calls return it unchanged, so the
    feedback it unlocks cannot be used to change the answer. Raises ValidationError for a
    submitted attempt, a question not in the quiz, a choice not of that question or a blank
    answer (ANSWER_FIRST: checking nothing would lock the question unanswered).
    """
    attempt = _lock_open_attempt(attempt)
    questions = attempt_questions(attempt)
    qid = next(iter(_validate_keys(questions, {question_id: None})))
    existing = Answer.objects.filter(attempt=attempt, question_id=qid).first()
    if existing is not None:
        return existing
    position = next(i for i, q in enumerate(questions, start=1) if q.pk == qid)
    question = questions[position - 1]
    row, links = _build_answer(attempt, question, position, answer)
    if not row.is_answered:
        raise ValidationError(ANSWER_FIRST, code="blank")
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return Answer.objects.get(attempt=attempt, question_id=qid)
    AnswerChoice.objects.bulk_create(links)
    return row


@transaction.atomic
def submit_attempt(*, attempt: Attempt, answers: Mapping) -> Attempt:
    """Record the answers, grade every question and close the attempt; returns the attempt.

    `answers` maps question ids to a list of choice ids (choice questions) or a number
    (numeric); missing questions count as unanswered (0 points). Answers already recorded
    (feedback after each question) are kept as they were. Raises ValidationError when the
    attempt is already submitted (ATTEMPT_ALREADY_SUBMITTED) or when an id does not belong to
    the attempt's quiz; then nothing is written. Two concurrent submissions cannot both grade:
    the attempt row is locked and the loser sees it submitted.
    """
    attempt = _lock_open_attempt(attempt)
    questions = attempt_questions(attempt)
    given = _validate_keys(questions, answers)
    recorded = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    rows, links = [], []
    for position, question in enumerate(questions, start=1):
        if question.pk in recorded:
            continue
        row, row_links = _build_answer(attempt, question, position, given.get(question.pk))
        rows.append(row)
        links.extend(row_links)
    Answer.objects.bulk_create(rows)
    AnswerChoice.objects.bulk_create(links)  # answers have their pk now (all supported databases)
    every = list(recorded.values()) + rows
    attempt.score = sum((a.points for a in every), Decimal(0))
    attempt.max_score = sum((q.points for q in questions), Decimal(0))
    attempt.submitted_at = timezone.now()
    # The conditional update is a second guard: it only closes an attempt still open.
    closed = Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
        score=attempt.score, max_score=attempt.max_score, submitted_at=attempt.submitted_at
    )
    if closed != 1:
        raise ValidationError(ATTEMPT_ALREADY_SUBMITTED, code="submitted")
    return attempt


def hand_over_attempts(*, session, user) -> int:
    """Give the anonymous attempts of this session to the user who just logged in; returns how many."""
    token = session.get(SESSION_OWNER_KEY)
    if not token or user is None or not user.is_authenticated:
        return 0
    return Attempt.objects.filter(user__isnull=True, anonymous_owner=token).update(
        user=user, anonymous_owner=""
    )


def can_view_attempt(attempt: Attempt, *, user, token: str | None) -> bool:
    """Owners (user, or anonymous session) and teachers; nobody else."""
    from .models import is_teacher

    if attempt.user_id is not None:
        if user is not None and user.is_authenticated and user.pk == attempt.user_id:
            return True
    elif token and secrets.compare_digest(attempt.anonymous_owner, token):
        return True
    return is_teacher(user)


class ImportFailed(Exception):
    """A question file with errors: nothing was imported. `errors` are "line N: …" strings."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


IMPORT_MAX_BYTES = 512 * 1024


def import_questions(*, quiz: Quiz, text: str, fmt: str) -> list[Question]:
    """Parse a GIFT or Aiken file and add its questions to `quiz`, all or nothing.

    Raises ImportFailed listing every error by line (syntax, unsupported question types,
    rule violations such as a single-choice question without exactly one right answer).
    """
    from .aiken import parse_aiken
    from .content import check_question, existing_case_slugs, save_questions
    from .gift import parse_gift

    if len(text.encode("utf-8")) > IMPORT_MAX_BYTES:
        raise ImportFailed([f"The file is larger than {IMPORT_MAX_BYTES // 1024} KiB."])
    parser = {"gift": parse_gift, "aiken": parse_aiken}[fmt]
    questions, parse_errors = parser(text)
    errors = [(e.line, e.message) for e in parse_errors]
    case_slugs = existing_case_slugs()
    for q in questions:
        errors += [
            (q.line, f"{name}: {message}")
            for name, message in check_question(q, case_slugs=case_slugs)
        ]
    if not questions and not errors:
        errors.append((1, "no question found"))
    if errors:
        raise ImportFailed(
            [f"line {line}: {message}" for line, message in sorted(errors, key=lambda e: e[0])]
        )
    with transaction.atomic():
        return save_questions(quiz, questions)
