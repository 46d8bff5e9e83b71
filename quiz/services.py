"""Grading, and the services that start, answer, submit and hand over attempts.

One grading function (`grade`) serves the pages and the API alike. Scores are exact: a fraction
of the question's points in [0, 1], turned into points rounded to the cent.
"""

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    Answer,
    AnswerChoice,
    Attempt,
    Choice,
    DraftAnswer,
    Question,
    QuestionType,
    Quiz,
)

ATTEMPT_ALREADY_SUBMITTED = _("This attempt has already been submitted.")
NO_ATTEMPTS_LEFT = _("You have used all {n} attempts allowed for this quiz.")
UNKNOWN_QUESTION = _("Question {id} is not part of this quiz.")
UNKNOWN_CHOICE = _("Choice {id} is not a choice of question {question}.")
ONE_CHOICE_ONLY = _("Question {question} takes one choice; {n} were given.")
NOT_A_NUMBER = _("Question {question} needs a number.")
NUMBER_FOR_CHOICE = _("Question {question} needs choices, not a number.")
CHOICES_FOR_NUMBER = _("Question {question} needs a number, not choices.")
ANSWER_FIRST = _("Choose or type an answer before checking it.")
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


SEED_LIMIT = 2**31


def new_seed() -> int:
    """A random seed for a new attempt's order of questions and choices."""
    return secrets.randbelow(SEED_LIMIT)


def variant_seed(quiz: Quiz, variant: int) -> int:
    """The seed of one of the quiz's cached page variants (the page cache picks the variant)."""
    digest = hashlib.sha256(f"quiz-variant:{quiz.pk}:{variant}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % SEED_LIMIT


def parse_seed(value) -> int | None:
    """A seed sent back by the quiz form, or None when it is missing or not one we could issue."""
    try:
        seed = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return seed if 0 <= seed < SEED_LIMIT else None


def open_attempt(*, quiz: Quiz, user, token: str | None) -> Attempt | None:
    """The student's attempt in progress on this quiz, if any (no query for a new visitor)."""
    owned = Attempt.objects.owned_by(user, token).filter(quiz=quiz, submitted_at__isnull=True)
    return owned.order_by("-started_at").first()


def unsaved_attempt(quiz: Quiz, *, seed: int | None = None) -> Attempt:
    """An attempt not yet started: it orders the questions a new visitor sees, writes nothing.

    The attempt is created (with this seed, which the form sends back) only when the student
    checks a first answer or submits: opening a quiz costs no write, so the page can be cached.
    """
    return Attempt(quiz=quiz, seed=new_seed() if seed is None else seed)


def get_or_start_attempt(
    *, quiz: Quiz, user, token: str | None, seed: int | None = None
) -> Attempt:
    """The student's attempt in progress on this quiz, or a new one (ValidationError if none left).

    A new attempt takes `seed` (the order the student was shown) or a random one.
    """
    attempt = open_attempt(quiz=quiz, user=user, token=token)
    if attempt is not None:
        return attempt
    return _create_attempt(quiz=quiz, user=user, token=token, seed=seed)


def _serialise_owner(quiz: Quiz, *, user_id, token: str | None) -> None:
    """Hold, to the end of the transaction, a lock on this student's attempts at this quiz.

    Counting the submitted attempts and then writing is a race under PostgreSQL's READ
    COMMITTED: twelve simultaneous submissions all counted 0 and 2-3 were stored where one was
    allowed (review M3). A transaction-scoped advisory lock per (quiz, owner) makes them take
    turns; each then counts what the previous ones committed. Only quizzes with a limit take
    it. SQLite needs none: its write transactions already run one at a time (IMMEDIATE).
    """
    if quiz.attempts_allowed is None or connection.vendor != "postgresql":
        return
    owner = f"u{user_id}" if user_id is not None else f"a{token or ''}"
    digest = hashlib.blake2b(f"quiz-attempts:{quiz.pk}:{owner}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )


def _check_attempts_left(attempt: Attempt) -> None:
    """ValidationError when the attempt's owner has used every attempt the quiz allows."""
    quiz = attempt.quiz
    if quiz.attempts_allowed is None:
        return
    token = attempt.anonymous_owner or None
    _serialise_owner(quiz, user_id=attempt.user_id, token=token)
    owned = Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False).exclude(pk=attempt.pk)
    if attempt.user_id is not None:
        owned = owned.filter(user_id=attempt.user_id)
    elif token:
        owned = owned.filter(user__isnull=True, anonymous_owner=token)
    else:
        return
    if owned.count() >= quiz.attempts_allowed:
        raise ValidationError(NO_ATTEMPTS_LEFT.format(n=quiz.attempts_allowed), code="closed")


def _create_attempt(
    *, quiz: Quiz, user, token, seed=None, key: str = "", new_owner: bool = False
) -> Attempt:
    """A new attempt; `new_owner`: the token was made just now, so it has used no attempt."""
    authenticated = user is not None and user.is_authenticated
    _serialise_owner(quiz, user_id=user.pk if authenticated else None, token=token)
    if not new_owner and attempts_left(quiz=quiz, user=user, token=token) == 0:
        raise ValidationError(NO_ATTEMPTS_LEFT.format(n=quiz.attempts_allowed), code="closed")
    anonymous = user is None or not user.is_authenticated
    return Attempt.objects.create(
        quiz=quiz,
        user=None if anonymous else user,
        anonymous_owner=(token or "") if anonymous else "",
        seed=new_seed() if seed is None else seed,
        form_key=key,
        is_preview=not quiz.is_published or quiz.is_archived,
    )


# A page re-posted within this time (double click, reload, a second tab) finds the attempt it
# started; later, the same page starts a new attempt.
FORM_KEY_WINDOW = timedelta(hours=1)


def form_key(*, browser_secret: str | None, quiz: Quiz, seed: int) -> str:
    """Names one quiz page in one browser: the same for every post of that page, "" if unknown.

    `browser_secret` is the browser's CSRF secret (request.META["CSRF_COOKIE"]): the only thing
    two simultaneous first posts of a new visitor share, since neither has a session yet.
    """
    if not browser_secret:
        return ""
    return salted_hmac(
        "quiz.form_key", f"{browser_secret}:{quiz.pk}:{seed}", algorithm="sha256"
    ).hexdigest()


def start_unsaved(attempt: Attempt, *, user, session, key: str = "") -> tuple[Attempt, bool]:
    """The saved attempt for `attempt`, and whether it was created just now: itself if already
    started, else the one this page started (same `key`, see form_key), the open one, or a new
    one with the attempt's seed.

    Call inside a transaction. For an anonymous student this gives the session its owner
    token if it has none yet, or the token of the attempt this page started (the first of two
    simultaneous posts from one browser created it, in another session).
    """
    if attempt.pk is not None:
        return attempt, False
    quiz = attempt.quiz
    anonymous = user is None or not user.is_authenticated
    if key:
        started = Attempt.objects.with_form_key(key).first()
        if started is not None:
            if _adopt(started, quiz=quiz, user=user, session=session):
                return started, False
            key = ""  # an old page or another owner: start afresh
    new_owner = anonymous and session.get(SESSION_OWNER_KEY) is None
    token = owner_token(session, create=True) if anonymous else None
    if not new_owner:  # a new token owns nothing yet: no attempt to resume, none used
        open_one = open_attempt(quiz=quiz, user=user, token=token)
        if open_one is not None:
            return open_one, False
    fields = {"quiz": quiz, "user": user, "token": token, "seed": attempt.seed}
    try:
        with transaction.atomic():
            return _create_attempt(**fields, key=key, new_owner=new_owner), True
    except IntegrityError:
        # The page's other post created it between our look and our insert (PostgreSQL).
        started = Attempt.objects.with_form_key(key).get()
        if new_owner:
            del session[SESSION_OWNER_KEY]  # made above for the insert that lost: not ours
        if _adopt(started, quiz=quiz, user=user, session=session):
            return started, False
        if new_owner:
            session[SESSION_OWNER_KEY] = token
        return _create_attempt(**fields, new_owner=new_owner), True


def _adopt(started: Attempt, *, quiz: Quiz, user, session) -> bool:
    """Whether this request may carry on with `started`, the attempt its page began; for an
    anonymous student the session then holds that attempt's owner token."""
    if started.quiz_id != quiz.pk or started.started_at < timezone.now() - FORM_KEY_WINDOW:
        return False
    if user is not None and user.is_authenticated:
        return started.user_id == user.pk
    current = session.get(SESSION_OWNER_KEY)
    if started.user_id is not None or current not in (None, started.anonymous_owner):
        return False
    session[SESSION_OWNER_KEY] = started.anonymous_owner
    return True


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
        except (TypeError, ValueError, OverflowError):  # OverflowError: an int like 10**400
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
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(value)  # 197.5 is no choice id (int() would take 197)
            choice = by_id[int(value)]
        except (KeyError, TypeError, ValueError, OverflowError):
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


def grade_answers(questions: list[Question], answers: Mapping) -> dict:
    """Validate and grade an answer to each question, in memory: no query, no write.

    Returns {question id: (Answer, [AnswerChoice])} for submit_attempt(graded=...): grading
    before the transaction keeps the write lock (SQLite has one) for the writes alone. Raises
    ValidationError for an id that is not one of the questions or choices.
    """
    given = _validate_keys(questions, answers)
    return {q.pk: _build_answer(None, q, 0, given.get(q.pk)) for q in questions}


@transaction.atomic
def submit_attempt(
    *,
    attempt: Attempt,
    answers: Mapping | None = None,
    questions: list[Question] | None = None,
    graded: dict | None = None,
    new: bool = False,
) -> Attempt:
    """Record the answers, grade every question and close the attempt; returns the attempt.

    `answers` maps question ids to a list of choice ids (choice questions) or a number
    (numeric); missing questions count as unanswered (0 points). Answers already recorded
    (feedback after each question) are kept as they were. Raises ValidationError when the
    attempt is already submitted (ATTEMPT_ALREADY_SUBMITTED) or when an id does not belong to
    the attempt's quiz; then nothing is written. Two concurrent submissions cannot both grade:
    the attempt row is locked and the loser sees it submitted.

    A caller that already holds the quiz's active questions (with their choices, in any order)
    and their grades (grade_answers) passes them, and nothing is read twice. `new=True` says
    the attempt was created in the current transaction (start_unsaved's second value): no other
    request can see it yet, so there is nothing to lock and no recorded answer to look for.
    """
    if new:
        recorded = {}
    else:
        attempt = _lock_open_attempt(attempt)
        recorded = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    # A context (a class assignment, quiz.policy) may refuse the submission (after its close)
    # and then applies its own attempts limit instead of the quiz's.
    from . import policy

    # An attempt created in this transaction has no context yet (no query for a new visitor).
    if new or not policy.check_submission(attempt):
        # Two attempts of one student opened before either was submitted must not both count.
        _check_attempts_left(attempt)
    if questions is None:
        questions = attempt_questions(attempt)
    else:  # back to the quiz's own order, then the attempt's
        questions = attempt.order_questions(sorted(questions, key=lambda q: (q.order, q.pk)))
    if graded is None:
        graded = grade_answers(questions, answers or {})
    rows, links = [], []
    for position, question in enumerate(questions, start=1):
        if question.pk in recorded:
            continue
        row, row_links = graded[question.pk]
        row.attempt, row.position = attempt, position
        rows.append(row)
        links.extend(row_links)
    Answer.objects.bulk_create(rows)
    if not new:  # drafts never count: what was submitted is graded, and they are done with
        DraftAnswer.objects.filter(attempt=attempt).delete()
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


def import_language(language: str | None = None) -> str:
    """A content language: `language` if given, else the active one (French when neither)."""
    from django.conf import settings
    from django.utils.translation import get_language

    codes = [code for code, _ in settings.LANGUAGES]
    for candidate in (language, get_language(), settings.LANGUAGE_CODE):
        code = (candidate or "").split("-")[0].lower()
        if code in codes:
            return code
    return codes[0]


def import_questions(
    *, quiz: Quiz, text: str, fmt: str, user=None, language: str | None = None
) -> list[Question]:
    """Parse a GIFT or Aiken file and add its questions to `quiz`, all or nothing.

    The file's texts go into `language`'s columns ("fr" or "en"; default: the active language,
    i.e. the teacher's); the other language stays empty and falls back to it.

    Raises ImportFailed listing every error by line (syntax, unsupported question types,
    rule violations such as a single-choice question without exactly one right answer, text
    the database cannot store, more questions than a quiz holds). `user` is recorded in the
    questions' history.
    """
    from .aiken import parse_aiken
    from .content import check_question, existing_case_slugs, quiz_room_errors, save_questions
    from .gift import parse_gift

    if len(text.encode("utf-8", "surrogatepass")) > IMPORT_MAX_BYTES:
        raise ImportFailed(
            [gettext("The file is larger than {n} KiB.").format(n=IMPORT_MAX_BYTES // 1024)]
        )
    parser = {"gift": parse_gift, "aiken": parse_aiken}[fmt]
    questions, parse_errors = parser(text)
    language = import_language(language)
    for q in questions:
        q.language = language
    errors = [(e.line, e.message) for e in parse_errors]
    case_slugs = existing_case_slugs()
    for q in questions:
        errors += [
            (q.line, f"{name}: {message}")
            for name, message in check_question(q, case_slugs=case_slugs)
        ]
    if not questions and not errors:
        errors.append((1, gettext("no question found")))
    errors += [(1, message) for message in quiz_room_errors(quiz, len(questions))]
    if errors:
        raise ImportFailed(
            [
                gettext("line {line}: {message}").format(line=line, message=message)
                for line, message in sorted(errors, key=lambda e: e[0])
            ]
        )
    with transaction.atomic():
        return save_questions(quiz, questions, user=user)
