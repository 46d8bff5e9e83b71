"""The live check-in: a state machine over LiveSession and LiveResponse.

    lobby --open--> question --reveal--> revealed --next--> question (next one) … --> finished
                        \\--next (skip the reveal)--^        finish: from any state but finished

The state lives in the database, so any worker on any host answers the same way. Every change
bumps `revision` in the same UPDATE (``F("revision") + 1``) and is conditional on the revision
the teacher saw (compare-and-swap): two teachers clicking "Next" at the same moment move the
session one question, not two; the second click is told the session had already moved on.

An answer is stored once per member and question (the unique constraint; get-or-create): a
second answer to the same question is refused politely (``AlreadyAnswered``), it never replaces
the first, so what the projector counted stays counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quiz.models import Question, QuestionType, Quiz, format_number
from quiz.services import _clean_answer, grade

from .models import Classroom, LiveResponse, LiveSession, LiveState, Member

NO_QUESTIONS = _("This quiz has no questions to ask.")
MOVED_ON = _("The session had already moved on (another click or another teacher): here it is now.")
NOT_ALLOWED = _("That step is not possible now: the session is “%(state)s”.")
QUESTION_CLOSED = _("This question is closed: answers are no longer taken.")
ALREADY_ANSWERED = _("Your answer to this question is already recorded.")
UNKNOWN_ACTION = _("Unknown step.")

NUMERIC_GROUPS = 10  # numbers: each distinct value up to this many, else this many equal bins
LEADERBOARD_SIZE = 10


class LiveError(Exception):
    """A step or an answer refused for a reason the person can read."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class AlreadyAnswered(LiveError):
    def __init__(self):
        super().__init__(ALREADY_ANSWERED)


class StaleRevision(LiveError):
    def __init__(self):
        super().__init__(MOVED_ON)


# --- Starting and moving -----------------------------------------------------------------------


@transaction.atomic
def start(classroom: Classroom, quiz: Quiz, *, user=None) -> LiveSession:
    """A new session of `quiz` for `classroom`, its question order frozen; any session of the
    class still running is finished (phones follow the newest one)."""
    question_ids = list(
        quiz.active_questions().order_by("order", "pk").values_list("pk", flat=True)
    )
    if not question_ids:
        raise LiveError(NO_QUESTIONS)
    LiveSession.objects.filter(classroom=classroom).exclude(state=LiveState.FINISHED).update(
        state=LiveState.FINISHED, revision=F("revision") + 1, updated_at=timezone.now()
    )
    session = LiveSession.objects.create(
        classroom=classroom,
        quiz=quiz,
        started_by=user if user is not None and user.is_authenticated else None,
        question_ids=question_ids,
        revision=1,
    )
    classroom.touch()
    return session


def running(classroom: Classroom) -> LiveSession | None:
    """The class's live session still running (lobby, question or reveal), if any."""
    return (
        LiveSession.objects.filter(classroom=classroom)
        .select_related("quiz")
        .exclude(state=LiveState.FINISHED)
        .order_by("-pk")
        .first()
    )


# action → the states it may start from
ACTIONS = {
    "open": (LiveState.LOBBY,),
    "reveal": (LiveState.QUESTION,),
    "next": (LiveState.QUESTION, LiveState.REVEALED),
    "finish": (LiveState.LOBBY, LiveState.QUESTION, LiveState.REVEALED),
}


def step(session: LiveSession, action: str, *, seen_revision: int | None = None) -> LiveSession:
    """Apply `action` to `session` if its revision is still `seen_revision` (default: the one
    read now). Returns the session as it is afterwards. Raises LiveError (StaleRevision when
    someone else moved it first)."""
    if action not in ACTIONS:
        raise LiveError(UNKNOWN_ACTION)
    current = LiveSession.objects.get(pk=session.pk)
    if seen_revision is None:
        seen_revision = current.revision
    if current.revision != seen_revision:
        raise StaleRevision()
    if current.state not in ACTIONS[action]:
        raise LiveError(NOT_ALLOWED % {"state": current.get_state_display()})
    changes: dict = {}
    if action == "open":
        changes = {"state": LiveState.QUESTION, "position": 0}
    elif action == "reveal":
        changes = {"state": LiveState.REVEALED}
    elif action == "next":
        if current.position + 1 < len(current.question_ids):
            changes = {"state": LiveState.QUESTION, "position": current.position + 1}
        else:
            changes = {"state": LiveState.FINISHED}
    elif action == "finish":
        changes = {"state": LiveState.FINISHED}
    updated = LiveSession.objects.filter(
        pk=current.pk, revision=seen_revision, state=current.state
    ).update(revision=F("revision") + 1, updated_at=timezone.now(), **changes)
    if not updated:
        raise StaleRevision()
    Classroom.objects.filter(pk=current.classroom_id).update(last_activity_at=timezone.now())
    return LiveSession.objects.get(pk=current.pk)


# --- Answers -----------------------------------------------------------------------------------


def record_answer(session: LiveSession, member: Member, question_id, raw) -> LiveResponse:
    """Store `member`'s answer `raw` (choice id(s) or a number) to the open question.

    Raises LiveError when the question is not the open one, ValidationError for a malformed
    answer (the quiz app's messages), AlreadyAnswered for a second answer."""
    current = LiveSession.objects.only("state", "position", "question_ids").get(pk=session.pk)
    try:
        question_id = int(question_id)
    except (TypeError, ValueError):
        raise LiveError(QUESTION_CLOSED) from None
    if current.state != LiveState.QUESTION or current.current_question_id != question_id:
        raise LiveError(QUESTION_CLOSED)
    if member.classroom_id != session.classroom_id:
        raise LiveError(QUESTION_CLOSED)
    question = Question.objects.prefetch_related("choices").get(pk=question_id)
    if isinstance(raw, str) and question.type == QuestionType.NUMERIC:
        raw = raw.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    chosen, number, answered = _clean_answer(question, raw)
    if not answered:
        raise ValidationError(_("Choose or type an answer first."))
    verdict = grade(
        question, question.choices.all(), selected=[c.pk for c in chosen], number=number
    )
    response, created = LiveResponse.objects.get_or_create(
        session=session,
        question_id=question_id,
        member=member,
        defaults={
            "choice_ids": [c.pk for c in chosen],
            "value": number,
            "is_correct": verdict.is_correct,
        },
    )
    if not created:
        raise AlreadyAnswered()
    return response


def response_of(session: LiveSession, member: Member | None) -> LiveResponse | None:
    question_id = session.current_question_id
    if member is None or question_id is None:
        return None
    return LiveResponse.objects.filter(
        session=session, question_id=question_id, member=member
    ).first()


# --- What the projector shows ------------------------------------------------------------------


def answer_count(session: LiveSession) -> int:
    question_id = session.current_question_id
    if question_id is None:
        return 0
    return LiveResponse.objects.filter(session=session, question_id=question_id).count()


@dataclass
class Bar:
    label: str
    count: int
    share: float  # percent of the answers
    is_correct: bool = False
    misconception: str = ""


@dataclass
class Distribution:
    question: Question
    answers: int
    right: int
    bars: list[Bar] = field(default_factory=list)
    right_answer: str = ""


def distribution(session: LiveSession, question: Question) -> Distribution:
    """How the class answered `question`: per choice, or numbers grouped (each value when there
    are few, else equal bins), the count of right answers and the right answer in words."""
    rows = list(
        LiveResponse.objects.filter(session=session, question=question).values_list(
            "choice_ids", "value", "is_correct"
        )
    )
    n = len(rows)
    result = Distribution(question=question, answers=n, right=sum(1 for r in rows if r[2]))
    share = (lambda k: 100 * k / n) if n else (lambda k: 0.0)
    if question.type == QuestionType.NUMERIC:
        result.right_answer = question.right_answer_text()
        values = sorted(r[1] for r in rows if r[1] is not None)
        if not values:
            return result
        counts = Counter(values)
        if len(counts) <= NUMERIC_GROUPS:
            for value, count in sorted(counts.items()):
                ok = grade(question, [], number=value).is_correct
                result.bars.append(Bar(format_number(value), count, share(count), ok))
        else:
            low, high = values[0], values[-1]
            width = (high - low) / NUMERIC_GROUPS
            bins = [0] * NUMERIC_GROUPS
            for value in values:
                bins[min(NUMERIC_GROUPS - 1, int((value - low) / width))] += 1
            for i, count in enumerate(bins):
                a, b = low + i * width, low + (i + 1) * width
                label = f"{format_number(round(a, 3))} – {format_number(round(b, 3))}"
                target = question.numeric_value
                ok = target is not None and a <= target <= b
                result.bars.append(Bar(label, count, share(count), ok))
        return result
    choices = list(question.choices.all())
    result.right_answer = question.right_answer_text(choices)
    picks = Counter(pk for r in rows for pk in (r[0] or []))
    for choice in choices:
        count = picks.get(choice.pk, 0)
        result.bars.append(
            Bar(choice.text, count, share(count), choice.is_correct, choice.misconception)
        )
    return result


def misconceptions(session: LiveSession) -> list[tuple[str, int]]:
    """The misconceptions behind the wrong choices the class picked, most picked first."""
    picks = Counter(
        pk
        for ids in LiveResponse.objects.filter(session=session, is_correct=False).values_list(
            "choice_ids", flat=True
        )
        for pk in (ids or [])
    )
    if not picks:
        return []
    from quiz.models import Choice

    totals: Counter = Counter()
    for choice in Choice.objects.filter(pk__in=picks, is_correct=False).exclude(misconception=""):
        totals[choice.misconception] += picks[choice.pk]
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def leaderboard(session: LiveSession) -> list[tuple[str, int]]:
    """Nicknames with the most right answers (only shown when the class says so)."""
    rows = (
        Member.objects.filter(live_responses__session=session)
        .annotate(right=Count("live_responses", filter=Q(live_responses__is_correct=True)))
        .filter(right__gt=0)
        .order_by("-right", "nickname")
        .values_list("nickname", "right")[:LEADERBOARD_SIZE]
    )
    return list(rows)


def summary(session: LiveSession) -> dict:
    """Final figures: answers, right answers, students who answered at least once."""
    agg = LiveResponse.objects.filter(session=session).aggregate(
        answers=Count("pk"),
        right=Count("pk", filter=Q(is_correct=True)),
        students=Count("member", distinct=True),
    )
    return agg
