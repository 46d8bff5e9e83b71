"""Classes: a teacher's class, its students (nicknames, no accounts), dated assignments of quizzes,
the attempts made through them, and live check-in sessions at the projector.

Nothing here is public: a class is seen by its owner, its co-teachers and superusers
(`Classroom.objects.visible_to(user)`), and by its own students through their session.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Join codes: no 0/O, 1/I/L, no vowels-but-A/E/U confusion worth keeping; 31 symbols, 6 long:
# 887 million codes, read aloud or typed on a phone without ambiguity.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
NICKNAME_MAX_LENGTH = 40


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a student typed → the stored form: upper case, spaces and dashes dropped."""
    return "".join(ch for ch in (raw or "").upper() if ch not in " -\t")


class ClassroomQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The classes a teacher may open: their own and those shared with them; all for superusers."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(Q(owner=user) | Q(co_teachers=user)).distinct()


class Classroom(models.Model):
    name = models.CharField(verbose_name=_("name"), max_length=120)
    code = models.CharField(
        verbose_name=_("join code"),
        max_length=12,
        unique=True,
        editable=False,
        help_text=_("What students type at /join/ (no ambiguous characters)."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher"),
        on_delete=models.CASCADE,
        related_name="owned_classes",
    )
    co_teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-teachers"),
        blank=True,
        related_name="shared_classes",
        help_text=_("Other teachers who may see and run this class."),
    )
    show_leaderboard = models.BooleanField(
        verbose_name=_("show a leaderboard"),
        default=False,
        help_text=_("Live check-in: show the nicknames with the most right answers at the end."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    last_activity_at = models.DateTimeField(
        verbose_name=_("last activity"),
        default=timezone.now,
        db_index=True,
        help_text=_("Joins, submissions and live sessions; retention counts from here."),
    )

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        if not self.code:
            # Collisions are rare (887 M codes); retry a few times rather than fail.
            for _attempt in range(10):
                code = new_code()
                if not Classroom.objects.filter(code=code).exists():
                    self.code = code
                    break
        super().save(*args, **kwargs)

    def is_teacher(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        if user.is_superuser or user.pk == self.owner_id:
            return True
        return self.co_teachers.filter(pk=user.pk).exists()

    def touch(self) -> None:
        Classroom.objects.filter(pk=self.pk).update(last_activity_at=timezone.now())


class Member(models.Model):
    """A student in a class: a nickname, tied to a browser session (and later, maybe an account)."""

    classroom = models.ForeignKey(
        Classroom, verbose_name=_("class"), on_delete=models.CASCADE, related_name="members"
    )
    nickname = models.CharField(verbose_name=_("nickname"), max_length=NICKNAME_MAX_LENGTH)
    owner_token = models.CharField(
        verbose_name=_("session token"),
        max_length=64,
        db_index=True,
        help_text=_(
            "The random token of the student's browser session (quiz.services.owner_token)."
        ),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="class_memberships",
    )
    joined_at = models.DateTimeField(verbose_name=_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("student")
        verbose_name_plural = _("students")
        ordering = ["nickname"]
        constraints = [
            models.UniqueConstraint(
                "classroom", Lower("nickname"), name="classroom_member_unique_nickname"
            )
        ]

    def __str__(self):
        return self.nickname


class Assignment(models.Model):
    """A quiz set to a class, open between two dates, with Moodle-style review options.

    Review options say what a student sees at three moments: during the attempt (only meaningful
    for quizzes with feedback after each question), right after submitting, and after the close.
    """

    classroom = models.ForeignKey(
        Classroom, verbose_name=_("class"), on_delete=models.CASCADE, related_name="assignments"
    )
    quiz = models.ForeignKey(
        "quiz.Quiz", verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="assignments"
    )
    opens_at = models.DateTimeField(verbose_name=_("opens at"))
    closes_at = models.DateTimeField(verbose_name=_("closes at"))
    max_attempts = models.PositiveSmallIntegerField(
        verbose_name=_("attempts allowed"),
        null=True,
        blank=True,
        default=1,
        help_text=_("How many times each student may submit. Empty: unlimited."),
    )
    review_during_feedback = models.BooleanField(
        verbose_name=_("during: feedback on each choice"), default=False
    )
    review_during_right_answers = models.BooleanField(
        verbose_name=_("during: the right answers"), default=False
    )
    review_after_score = models.BooleanField(verbose_name=_("right after: score"), default=True)
    review_after_feedback = models.BooleanField(
        verbose_name=_("right after: feedback on each choice"), default=False
    )
    review_after_right_answers = models.BooleanField(
        verbose_name=_("right after: the right answers"), default=False
    )
    review_closed_score = models.BooleanField(
        verbose_name=_("after the close: score"), default=True
    )
    review_closed_feedback = models.BooleanField(
        verbose_name=_("after the close: feedback on each choice"), default=True
    )
    review_closed_right_answers = models.BooleanField(
        verbose_name=_("after the close: the right answers"), default=True
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["closes_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="classroom_assignment_closes_after_opening",
            )
        ]

    def __str__(self):
        return f"{self.quiz} — {self.classroom}"

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The assignment must close after it opens.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at


class AssignmentAttempt(models.Model):
    """A quiz attempt made through an assignment: it counts for this class."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="attempt_links",
    )
    member = models.ForeignKey(
        Member, verbose_name=_("student"), on_delete=models.CASCADE, related_name="attempt_links"
    )
    attempt = models.OneToOneField(
        "quiz.Attempt",
        verbose_name=_("attempt"),
        on_delete=models.CASCADE,
        related_name="class_link",
    )

    class Meta:
        verbose_name = _("assignment attempt")
        verbose_name_plural = _("assignment attempts")

    def __str__(self):
        return f"{self.member} — {self.assignment}"


class LiveState(models.TextChoices):
    LOBBY = "lobby", _("Waiting for students")
    QUESTION = "question", _("Question open")
    REVEALED = "revealed", _("Answer revealed")
    FINISHED = "finished", _("Finished")


class LiveSession(models.Model):
    """A live check-in of a quiz in front of a class. The state lives here (not in a process), so
    any worker on any host answers the phones' and the projector's polls the same way."""

    classroom = models.ForeignKey(
        Classroom, verbose_name=_("class"), on_delete=models.CASCADE, related_name="live_sessions"
    )
    quiz = models.ForeignKey(
        "quiz.Quiz", verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="live_sessions"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        verbose_name=_("state"), max_length=10, choices=LiveState, default=LiveState.LOBBY
    )
    question_ids = models.JSONField(
        verbose_name=_("questions"), default=list, help_text=_("Question ids, frozen at the start.")
    )
    position = models.PositiveSmallIntegerField(
        verbose_name=_("position"), default=0, help_text=_("Index in the questions (0-based).")
    )
    revision = models.PositiveIntegerField(
        verbose_name=_("revision"),
        default=0,
        help_text=_("Goes up at every change of state: phones redraw when it changes."),
    )
    started_at = models.DateTimeField(verbose_name=_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.quiz} — {self.classroom}"

    @property
    def current_question_id(self) -> int | None:
        if self.state in (LiveState.QUESTION, LiveState.REVEALED) and 0 <= self.position < len(
            self.question_ids
        ):
            return self.question_ids[self.position]
        return None


class LiveResponse(models.Model):
    """One student's answer to one question of a live session (stored once: unique)."""

    session = models.ForeignKey(
        LiveSession,
        verbose_name=_("live session"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    question = models.ForeignKey(
        "quiz.Question", verbose_name=_("question"), on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("student"), on_delete=models.CASCADE, related_name="live_responses"
    )
    choice_ids = models.JSONField(verbose_name=_("choices"), default=list, blank=True)
    value = models.FloatField(verbose_name=_("value"), null=True, blank=True)
    is_correct = models.BooleanField(verbose_name=_("right"), default=False)
    answered_at = models.DateTimeField(verbose_name=_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("live answer")
        verbose_name_plural = _("live answers")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "question", "member"], name="classroom_live_response_once"
            )
        ]

    def __str__(self):
        return f"{self.member} — {self.question_id}"
