"""The rules of an assignment for a student: open or not, attempts left, what they may see now.

An assignment's attempt is an ordinary quiz attempt linked to the assignment and the student
(AssignmentAttempt). It is created when the student presses "Start" on their class page (so the
quiz page always knows which attempt counts for the class) and then runs through the quiz's own
page, check endpoint, drafts and submission. The quiz app consults `ClassroomPolicy` (registered
in quiz.policy) each time it shows or submits the attempt:

- the assignment's attempts limit applies, not the quiz's;
- a submission after `closes_at` is refused with code "late": the quiz page shows the answers
  back with the message and keeps them as drafts — nothing the student typed is lost;
- the review options decide what the student sees during the attempt (the per-question check
  only if the "during" options allow something), right after submitting, and after the close.
  The moment is re-evaluated at every request.

Dates are shown in the site's time zone (settings.TIME_ZONE), named next to them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quiz.models import Attempt
from quiz.policy import AttemptRules
from quiz.services import new_seed, owner_token

from .models import Assignment, AssignmentAttempt, Member

NOT_OPEN_YET = _("This assignment opens on {date} ({zone}). Come back then.")
CLOSED = _("This assignment closed on {date} ({zone}).")
LATE = _(
    "This assignment closed on {date} ({zone}): your answers were not submitted. "
    "They are kept below, so you can copy them or show them to your teacher."
)
LATE_NOTE = _(
    "The assignment closed on {date} ({zone}): this attempt can no longer be submitted. "
    "Your answers are kept below."
)
NO_ATTEMPTS_LEFT = _("You have used all {n} attempts allowed for this assignment.")
NOT_A_MEMBER = _("Join the class first.")

DURING, AFTER, CLOSED_MOMENT = "during", "after", "closed"


def zone_name() -> str:
    return settings.TIME_ZONE


def when(value) -> str:
    """A date and time in the site's time zone, in the active language's format."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def link_of(attempt: Attempt) -> AssignmentAttempt | None:
    """The attempt's class link (cached on the attempt: one query per request)."""
    if attempt is None or attempt.pk is None:
        return None
    if "_class_link" not in attempt.__dict__:
        attempt.__dict__["_class_link"] = (
            AssignmentAttempt.objects.select_related("assignment__classroom", "member")
            .filter(attempt_id=attempt.pk)
            .first()
        )
    return attempt.__dict__["_class_link"]


def attempts_of(assignment: Assignment, member: Member):
    return Attempt.objects.filter(
        class_link__assignment=assignment, class_link__member=member
    ).order_by("-started_at")


def used_attempts(assignment: Assignment, member: Member) -> int:
    return attempts_of(assignment, member).filter(submitted_at__isnull=False).count()


def attempts_left(assignment: Assignment, member: Member, used: int | None = None) -> int | None:
    if assignment.max_attempts is None:
        return None
    if used is None:
        used = used_attempts(assignment, member)
    return max(0, assignment.max_attempts - used)


def open_attempt(assignment: Assignment, member: Member) -> Attempt | None:
    return attempts_of(assignment, member).filter(submitted_at__isnull=True).first()


def moment(assignment: Assignment, attempt: Attempt | None, now=None) -> str:
    now = now or timezone.now()
    if assignment.is_closed(now):
        return CLOSED_MOMENT
    if attempt is not None and attempt.submitted_at is not None:
        return AFTER
    return DURING


def review(assignment: Assignment, at: str) -> tuple[bool, bool, bool]:
    """(score, per-choice feedback, right answers) the options allow at a moment."""
    if at == CLOSED_MOMENT:
        return (
            assignment.review_closed_score,
            assignment.review_closed_feedback,
            assignment.review_closed_right_answers,
        )
    if at == AFTER:
        return (
            assignment.review_after_score,
            assignment.review_after_feedback,
            assignment.review_after_right_answers,
        )
    during = assignment.review_during_feedback or assignment.review_during_right_answers
    return during, assignment.review_during_feedback, assignment.review_during_right_answers


def class_url(classroom) -> str:
    return reverse("classroom:class", kwargs={"code": classroom.code})


def rules_for_link(link: AssignmentAttempt, attempt: Attempt, now) -> AttemptRules:
    assignment = link.assignment
    at = moment(assignment, attempt, now)
    submitted = attempt.submitted_at is not None
    if not submitted and at == CLOSED_MOMENT:
        score = feedback = right = False  # a late attempt: nothing more to check or see
        check = False
    else:
        score, feedback, right = review(assignment, at)
        check = not submitted and (feedback or right)
    left = attempts_left(assignment, link.member)
    notes = [
        gettext("This attempt counts for your class “{name}”.").format(
            name=assignment.classroom.name
        )
    ]
    if at != CLOSED_MOMENT:
        notes.append(
            gettext("The assignment closes on {date} ({zone}).").format(
                date=when(assignment.closes_at), zone=zone_name()
            )
        )
        later = review(assignment, CLOSED_MOMENT)
        if submitted and any(
            b and not a for a, b in zip((score, feedback, right), later, strict=True)
        ):
            notes.append(gettext("You will see more about your answers after the close."))
    elif not submitted:
        notes.append(str(LATE_NOTE).format(date=when(assignment.closes_at), zone=zone_name()))
    return AttemptRules(
        check_each=check,
        score=score,
        feedback=feedback,
        right_answers=right,
        can_retake=at != CLOSED_MOMENT and left != 0,
        governs_limit=True,
        attempts_left=left,
        note=" ".join(notes),
        back_url=class_url(assignment.classroom),
        back_label=gettext("Back to the class"),
    )


class ClassroomPolicy:
    """The classroom's provider for quiz.policy (registered in ClassroomConfig.ready)."""

    def start_attempt(self, *, quiz, request, assignment=None, **context):
        if assignment is None:
            return None
        from .api_student import start_api_attempt

        return start_api_attempt(quiz=quiz, assignment_id=assignment, request=request)

    def rules(self, attempt, now):
        link = link_of(attempt)
        if link is None:
            return None
        return rules_for_link(link, attempt, now)

    def check_submission(self, attempt, now) -> bool:
        link = link_of(attempt)
        if link is None:
            return False
        assignment = link.assignment
        if assignment.is_closed(now):
            raise ValidationError(
                LATE.format(date=when(assignment.closes_at), zone=zone_name()), code="late"
            )
        if assignment.max_attempts is not None:
            _serialise_member(link.member)
            used = (
                attempts_of(assignment, link.member)
                .filter(submitted_at__isnull=False)
                .exclude(pk=attempt.pk)
                .count()
            )
            if used >= assignment.max_attempts:
                raise ValidationError(
                    NO_ATTEMPTS_LEFT.format(n=assignment.max_attempts), code="closed"
                )
        return True


def _serialise_member(member: Member) -> None:
    """Two submissions of one student take turns (PostgreSQL: a row lock; SQLite writes one at
    a time already), so the second counts the first."""
    if connection.vendor == "postgresql":
        list(Member.objects.select_for_update().filter(pk=member.pk).values_list("pk"))


class AssignmentRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def refusal(assignment: Assignment, member: Member, now=None) -> str | None:
    """Why this student may not start an attempt now, or None."""
    now = now or timezone.now()
    if now < assignment.opens_at:
        return NOT_OPEN_YET.format(date=when(assignment.opens_at), zone=zone_name())
    if assignment.is_closed(now):
        return CLOSED.format(date=when(assignment.closes_at), zone=zone_name())
    if attempts_left(assignment, member) == 0:
        return NO_ATTEMPTS_LEFT.format(n=assignment.max_attempts)
    return None


@transaction.atomic
def start(assignment: Assignment, member: Member, *, user, session) -> Attempt:
    """The student's attempt in progress for this assignment, or a new one linked to it.

    Raises AssignmentRefused before the opening, after the close, or with no attempts left.
    """
    now = timezone.now()
    if now < assignment.opens_at or assignment.is_closed(now):
        raise AssignmentRefused(refusal(assignment, member, now))
    current = open_attempt(assignment, member)
    if current is not None:
        return current
    message = refusal(assignment, member, now)
    if message:
        raise AssignmentRefused(message)
    quiz = assignment.quiz
    authenticated = user is not None and user.is_authenticated
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user if authenticated else None,
        anonymous_owner="" if authenticated else owner_token(session, create=True),
        seed=new_seed(),
        is_preview=not quiz.is_published or quiz.is_archived,
    )
    AssignmentAttempt.objects.create(assignment=assignment, member=member, attempt=attempt)
    assignment.classroom.touch()
    return attempt


def student_view(assignment: Assignment, member: Member, attempts: list, now) -> dict:
    """What the class page shows for one assignment."""
    submitted = [a for a in attempts if a.submitted_at is not None]
    in_progress = next((a for a in attempts if a.submitted_at is None), None)
    left = attempts_left(assignment, member, used=len(submitted))
    best = max(submitted, key=lambda a: a.score or 0, default=None)
    last = max(submitted, key=lambda a: a.submitted_at, default=None)
    shown_score = review(assignment, moment(assignment, last, now))[0] if last else False
    return {
        "assignment": assignment,
        "quiz": assignment.quiz,
        "submitted": submitted,
        "in_progress": in_progress,
        "left": left,
        "best": best if shown_score else None,
        "last": last,
        "score_hidden": last is not None and not shown_score,
        "can_start": assignment.is_open(now) and (left != 0 or in_progress is not None),
    }
