"""Quizzes, questions and choices (teacher content, versioned) and attempts with their answers."""

import random
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from config.translation_support import render_each_language
from kb.markdown import normalize_newlines, render_markdown

NUMERIC_NEEDS_VALUE = _("A numeric question needs the right value.")
NUMERIC_NEEDS_TOLERANCE = _("A numeric question needs a tolerance (0 or more) around the value.")
MISCONCEPTION_ON_CORRECT = _(
    "A misconception describes why someone picks a wrong choice; this choice is marked correct."
)
PRESET_NEEDS_SIMULATION = _("Pick the simulation this preset belongs to.")
# Bounds (review L3): the admin's quiz page posts ~5 fields per question (within
# DATA_UPLOAD_MAX_NUMBER_FIELDS), the preview page stays small, and Aiken can name every choice.
QUIZ_MAX_QUESTIONS = 200
QUESTION_MAX_CHOICES = 26
QUIZ_FULL = _(
    "This quiz already has {n} questions, the most a quiz can hold ({max}). "
    "Archive or move questions, or start another quiz."
)
PUBLISHED_NEEDS_QUESTIONS = _(
    "A published quiz needs at least one question. Save it as a draft, add questions, then publish."
)


def markdown_text(html: str) -> str:
    """The text of rendered Markdown: tags removed, entities decoded, spaces collapsed."""
    import html as html_lib

    from django.utils.html import strip_tags

    return " ".join(html_lib.unescape(strip_tags(html or "")).split())


def shorten_words(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with "…" when cut."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def simulation_registry() -> dict:
    """The simulations that exist (slug → simulation), from the pure engine."""
    from simulations import engine

    return engine.REGISTRY


def simulation_errors(simulation: str, preset: str) -> dict[str, str]:
    """Errors for a simulation slug and preset slug that do not exist ({} when both are fine)."""
    if not simulation:
        return {"preset": PRESET_NEEDS_SIMULATION} if preset else {}
    registry = simulation_registry()
    if simulation not in registry:
        names = ", ".join(sorted(registry)) or pgettext("no simulation", "none yet")
        return {
            "simulation": _("Unknown simulation “{simulation}”. Simulations: {names}.").format(
                simulation=simulation, names=names
            )
        }
    if preset:
        presets = [p.slug for p in registry[simulation].presets]
        if preset not in presets:
            names = ", ".join(presets) or pgettext("no preset", "none")
            return {
                "preset": _(
                    "Unknown preset “{preset}” for {simulation}. Its presets: {names}."
                ).format(preset=preset, simulation=simulation, names=names)
            }
    return {}


def simulation_url(simulation: str, preset: str = "") -> str:
    """The page of a simulation (with a preset to run in one click), or "" when it has none."""
    if not simulation:
        return ""
    try:
        url = reverse("simulations:simulation-detail", kwargs={"slug": simulation})
    except NoReverseMatch:
        url = f"/simulations/{simulation}/"
    return f"{url}?preset={preset}" if preset else url


class QuestionOrder(models.TextChoices):
    FIXED = "fixed", _("Fixed (as ordered here)")
    SHUFFLED = "shuffled", _("Shuffled for each attempt")


class FeedbackTiming(models.TextChoices):
    END = "end", _("At the end")
    EACH = "each", _("After each question")


class QuizQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, is_archived=False)

    def visible_to(self, user):
        """Published quizzes, plus drafts and archived ones for teachers (preview)."""
        if is_teacher(user):
            return self.all()
        return self.published()

    def for_listing(self):
        """Everything the list page touches, in a fixed number of queries."""
        from kb.models import CaseStudy

        return self.annotate(
            question_count=Count("questions", filter=Q(questions__is_archived=False))
        ).prefetch_related(
            Prefetch("cases", queryset=CaseStudy.objects.published().only("slug", "title")),
            "themes",
        )


class QuizManager(models.Manager.from_queryset(QuizQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def is_teacher(user) -> bool:
    """Teachers (and superusers) may preview drafts and see every attempt and statistics."""
    return bool(
        user and user.is_authenticated and user.is_active and user.has_perm("quiz.view_attempt")
    )


class Quiz(models.Model):
    slug = models.SlugField(
        verbose_name=_("slug"),
        unique=True,
        help_text=_("Short name used in the address, e.g. predpol."),
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    description = models.TextField(
        verbose_name=_("description"),
        blank=True,
        help_text=_("Markdown. What the quiz checks, shown above the questions."),
    )
    description_html = models.TextField(
        verbose_name=_("description html"), editable=False, default=""
    )
    cases = models.ManyToManyField(
        "kb.CaseStudy",
        verbose_name=_("cases"),
        blank=True,
        related_name="quizzes",
        help_text=_("The cases this quiz is about."),
    )
    themes = models.ManyToManyField(
        "kb.Theme",
        verbose_name=_("themes"),
        blank=True,
        related_name="quizzes",
        help_text=_("The ML problems it covers."),
    )
    is_published = models.BooleanField(
        verbose_name=_("published"),
        default=False,
        db_index=True,
        help_text=_(
            "Only published quizzes are listed and can be taken by students. "
            "Teachers can preview drafts."
        ),
    )
    is_archived = models.BooleanField(
        verbose_name=_("archived"),
        default=False,
        help_text=_(
            "Hide the quiz for good while keeping its attempts and results "
            "(use this instead of deleting a quiz that has attempts)."
        ),
    )
    question_order = models.CharField(
        verbose_name=_("question order"),
        max_length=10,
        choices=QuestionOrder,
        default=QuestionOrder.FIXED,
    )
    shuffle_choices = models.BooleanField(
        verbose_name=_("shuffle choices"),
        default=False,
        help_text=_("Show the choices of each question in a different order per attempt."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        verbose_name=_("pass mark"),
        default=60,
        validators=[MaxValueValidator(100)],
        help_text=_("Percentage of the maximum score needed to pass."),
    )
    feedback_timing = models.CharField(
        verbose_name=_("feedback timing"),
        max_length=10,
        choices=FeedbackTiming,
        default=FeedbackTiming.END,
        help_text=_("“After each question” lets students check each answer (it is then locked)."),
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        verbose_name=_("attempts allowed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("How many times one student may submit this quiz. Empty: unlimited."),
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    objects = QuizManager()
    # history: registered in quiz/translation.py, after the translated columns exist

    class Meta:
        verbose_name = _("quiz")
        ordering = ["title"]
        verbose_name_plural = _("quizzes")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        render_each_language(
            self, "description", "description_html", render_markdown, normalize_newlines
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("quiz:quiz-detail", kwargs={"slug": self.slug})

    # The admin checks questions in its own inline; loaders create questions after the quiz.
    questions_checked_elsewhere = False

    def clean(self):
        if (
            self.is_published
            and not self.questions_checked_elsewhere
            and not (self.pk and self.questions.filter(is_archived=False).exists())
        ):
            raise ValidationError({"is_published": PUBLISHED_NEEDS_QUESTIONS})

    def natural_key(self):
        return (self.slug,)

    def active_questions(self):
        return self.questions.filter(is_archived=False)


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice (several right answers)")
    TRUEFALSE = "truefalse", _("True / false")
    NUMERIC = "numeric", _("Numeric")


class Question(models.Model):
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions"
    )
    type = models.CharField(
        verbose_name=_("type"), max_length=10, choices=QuestionType, default=QuestionType.SINGLE
    )
    title = models.CharField(
        verbose_name=_("title"),
        max_length=200,
        blank=True,
        help_text=_("Optional short name (GIFT ::title::), for teachers."),
    )
    prompt = models.TextField(
        verbose_name=_("prompt"), help_text=_("Markdown. The question as students read it.")
    )
    prompt_html = models.TextField(verbose_name=_("prompt html"), editable=False, default="")
    points = models.DecimalField(
        verbose_name=_("points"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Points for a fully right answer."),
    )
    all_or_nothing = models.BooleanField(
        verbose_name=_("all or nothing"),
        default=False,
        help_text=_(
            "Multiple choice only: no partial credit, all and only the right choices score. "
            "Otherwise each right choice earns 1/k of the points and each wrong one loses 1/k "
            "(k = number of right choices), never below 0."
        ),
    )
    general_feedback = models.TextField(
        verbose_name=_("general feedback"),
        blank=True,
        help_text=_("Markdown. Shown to every student after answering: the explanation."),
    )
    general_feedback_html = models.TextField(
        verbose_name=_("general feedback html"), editable=False, default=""
    )
    numeric_value = models.FloatField(
        verbose_name=_("numeric value"),
        null=True,
        blank=True,
        help_text=_("Numeric questions: the right value."),
    )
    numeric_tolerance = models.FloatField(
        verbose_name=_("numeric tolerance"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Numeric questions: answers within value ± tolerance (inclusive) are right."),
    )
    unit = models.CharField(
        verbose_name=_("unit"),
        max_length=40,
        blank=True,
        help_text=_("Numeric questions: unit shown next to the input."),
    )
    case = models.ForeignKey(
        "kb.CaseStudy",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quiz_questions",
        help_text=_("The case this question links back to."),
    )
    simulation = models.CharField(
        verbose_name=_("simulation"),
        max_length=80,
        blank=True,
        help_text=_("Optional simulation slug: “open the simulation that shows this”."),
    )
    preset = models.CharField(
        verbose_name=_("preset"),
        max_length=80,
        blank=True,
        help_text=_("Optional preset slug of that simulation."),
    )
    order = models.PositiveIntegerField(
        verbose_name=_("order"), default=0, help_text=_("Lower numbers come first.")
    )
    is_archived = models.BooleanField(
        verbose_name=_("archived"),
        default=False,
        help_text=_(
            "Leave the question out of new attempts, keeping past answers "
            "(use this instead of deleting an answered question)."
        ),
    )

    # history: registered in quiz/translation.py, after the translated columns exist

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "id"]

    def __str__(self):
        # Plain text (admin messages, lists, statistics): the Markdown rendered and its tags
        # removed, cut at a word boundary.
        if self.title:
            return shorten_words(self.title, 80)
        return shorten_words(markdown_text(self.prompt_html or render_markdown(self.prompt)), 80)

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def render(self) -> None:
        """Normalise the Markdown fields and render their HTML (save, and bulk imports, call it)."""
        render_each_language(self, "prompt", "prompt_html", render_markdown, normalize_newlines)
        render_each_language(
            self, "general_feedback", "general_feedback_html", render_markdown, normalize_newlines
        )

    def clean(self):
        errors = {}
        if self.pk is None and self.quiz_id is not None:
            total = Question.objects.filter(quiz_id=self.quiz_id).count()
            if total >= QUIZ_MAX_QUESTIONS:
                errors["quiz"] = QUIZ_FULL.format(n=total, max=QUIZ_MAX_QUESTIONS)
        if self.type == QuestionType.NUMERIC:
            if self.numeric_value is None:
                errors["numeric_value"] = NUMERIC_NEEDS_VALUE
            if self.numeric_tolerance is None:
                errors["numeric_tolerance"] = NUMERIC_NEEDS_TOLERANCE
        errors.update(simulation_errors(self.simulation, self.preset))
        if errors:
            raise ValidationError(errors)

    @property
    def is_choice(self) -> bool:
        return self.type != QuestionType.NUMERIC

    @property
    def simulation_url(self) -> str:
        return simulation_url(self.simulation, self.preset)

    @property
    def published_case(self):
        """The linked case if students may read it, else None: a draft or unpublished case
        (e.g. taken down) never reaches them through quiz feedback."""
        case = self.case
        return case if case is not None and case.is_published else None

    @property
    def simulation_title(self) -> str:
        """The simulation's title in the active language (the engine's message, localised)."""
        from simulations.i18n import localize

        simulation = simulation_registry().get(self.simulation)
        return localize(simulation.title) if simulation else self.simulation

    def right_answer_text(self, choices=None) -> str:
        """The right answer in words, as kept on each Answer ("value ± tolerance" for numbers)."""
        if self.type == QuestionType.NUMERIC:
            value = format_number(self.numeric_value)
            unit = f" {self.unit}" if self.unit else ""
            if self.numeric_tolerance:
                return f"{value}{unit} (± {format_number(self.numeric_tolerance)})"
            return f"{value}{unit}"
        choices = self.choices.all() if choices is None else choices
        return "; ".join(c.text for c in choices if c.is_correct)


def format_number(value: float | None, language: str | None = None) -> str:
    """237 600, 0.239; in French 237 600 and 0,239 (decimal comma, no-break space between
    thousands). `language`: the active one by default."""
    from django.utils.translation import get_language

    if value is None:
        return ""
    if float(value).is_integer():
        text = f"{int(value):,}".replace(",", " ") if abs(value) >= 10_000 else str(int(value))
    else:
        text = f"{value:g}"
    if (language or get_language() or "").startswith("fr"):
        text = text.replace(".", ",").replace(" ", "\u00a0")
    return text


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(verbose_name=_("text"), max_length=500)
    is_correct = models.BooleanField(default=False, verbose_name=_("correct"))
    feedback = models.TextField(
        verbose_name=_("feedback"),
        blank=True,
        help_text=_(
            "Markdown. Shown to students who picked this choice: why it is right or wrong."
        ),
    )
    feedback_html = models.TextField(verbose_name=_("feedback html"), editable=False, default="")
    misconception = models.CharField(
        verbose_name=_("misconception"),
        max_length=200,
        blank=True,
        help_text=_(
            "Wrong choices only: the misconception behind picking it, e.g. "
            "“confuses accuracy with precision”. Statistics count them."
        ),
    )
    order = models.PositiveIntegerField(verbose_name=_("order"), default=0)

    # history: registered in quiz/translation.py, after the translated columns exist

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def render(self) -> None:
        """Normalise the feedback and render its HTML (save, and bulk imports, call it)."""
        render_each_language(self, "feedback", "feedback_html", render_markdown, normalize_newlines)

    def clean(self):
        if self.is_correct and self.misconception:
            raise ValidationError({"misconception": MISCONCEPTION_ON_CORRECT})


class AttemptQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def for_stats(self):
        """Submitted attempts that count: not teachers' previews of drafts."""
        return self.submitted().filter(is_preview=False)

    def with_form_key(self, key: str):
        """The attempt started from this page (see quiz.services.form_key).

        The unique index on form_key is partial (non-empty keys only); SQLite uses a partial
        index only when the query repeats its condition, hence the redundant exclude (without
        it, a full scan: 15 ms with 100,000 attempts).
        """
        return self.filter(~models.Q(form_key=""), form_key=key).order_by()

    def owned_by(self, user, owner_token: str | None):
        """Attempts of this user (logged in) or of this browser session (anonymous)."""
        if user is not None and user.is_authenticated:
            return self.filter(user=user)
        if owner_token:
            return self.filter(user__isnull=True, anonymous_owner=owner_token)
        return self.none()


class Attempt(models.Model):
    public_id = models.UUIDField(
        verbose_name=_("public id"), default=uuid.uuid4, unique=True, editable=False
    )
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quiz_attempts",
    )
    anonymous_owner = models.CharField(
        verbose_name=_("anonymous owner"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("Random token kept in the anonymous student's session."),
    )
    seed = models.PositiveIntegerField(
        verbose_name=_("seed"), help_text=_("Orders questions and choices for this attempt.")
    )
    form_key = models.CharField(
        verbose_name=_("form key"),
        max_length=64,
        blank=True,
        default="",
        editable=False,
        help_text=(
            _(
                "Identifies the page the attempt was started from (browser, quiz, order), so that "
                "a double click or a re-post of that page never starts a second attempt."
            )
        ),
    )
    is_preview = models.BooleanField(
        verbose_name=_("preview"),
        default=False,
        help_text=_("Taken while the quiz was a draft: left out of statistics."),
    )
    started_at = models.DateTimeField(verbose_name=_("started at"), auto_now_add=True)
    submitted_at = models.DateTimeField(
        verbose_name=_("submitted at"), null=True, blank=True, db_index=True
    )
    score = models.DecimalField(
        verbose_name=_("score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_score = models.DecimalField(
        verbose_name=_("max score"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["quiz", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["form_key"],
                condition=~models.Q(form_key=""),
                name="quiz_attempt_unique_form_key",
            )
        ]

    def __str__(self):
        return f"{self.quiz} — {self.public_id}"

    def get_absolute_url(self):
        return reverse("quiz:attempt-detail", kwargs={"public_id": self.public_id})

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return float(self.score) * 100 / float(self.max_score)

    @property
    def passed(self) -> bool | None:
        percent = self.percent
        return None if percent is None else percent >= self.quiz.pass_mark

    def order_questions(self, questions: list) -> list:
        """The questions in this attempt's order: fixed, or shuffled from the stored seed."""
        questions = list(questions)
        if self.quiz.question_order == QuestionOrder.SHUFFLED:
            random.Random(self.seed).shuffle(questions)
        return questions

    def order_choices(self, question, choices: list) -> list:
        choices = list(choices)
        if self.quiz.shuffle_choices and question.type != QuestionType.TRUEFALSE:
            random.Random(self.seed * 1_000_003 + question.pk).shuffle(choices)
        return choices


class Answer(models.Model):
    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    position = models.PositiveSmallIntegerField(
        verbose_name=_("position"), help_text=_("Where the question was in the attempt.")
    )
    question_text = models.TextField(
        verbose_name=_("question text"), help_text=_("The prompt as the student read it.")
    )
    choices = models.ManyToManyField(
        Choice, verbose_name=_("choices"), through="AnswerChoice", related_name="answers"
    )
    number = models.FloatField(
        verbose_name=_("number"),
        null=True,
        blank=True,
        help_text=_("Numeric questions: the value given."),
    )
    is_answered = models.BooleanField(verbose_name=_("is answered"), default=False)
    is_correct = models.BooleanField(verbose_name=_("is correct"), default=False)
    points = models.DecimalField(
        verbose_name=_("points"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    max_points = models.DecimalField(verbose_name=_("max points"), max_digits=8, decimal_places=2)
    right_answer_text = models.TextField(
        verbose_name=_("right answer text"), help_text=_("The right answer when it was answered.")
    )
    answered_at = models.DateTimeField(verbose_name=_("answered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="quiz_one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"{self.attempt_id}: {self.question_text[:60]}"

    @property
    def given_text(self) -> str:
        """The answer given, as text kept when it was answered."""
        if not self.is_answered:
            return ""
        if self.number is not None:
            return format_number(self.number)
        return "; ".join(ac.choice_text for ac in self.answer_choices.all())


class AnswerChoice(models.Model):
    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="answer_choices"
    )
    choice = models.ForeignKey(
        Choice, verbose_name=_("choice"), on_delete=models.PROTECT, related_name="answer_choices"
    )
    choice_text = models.CharField(
        verbose_name=_("choice text"),
        max_length=500,
        help_text=_("The choice as the student read it."),
    )
    was_correct = models.BooleanField(
        verbose_name=_("was correct"), help_text=_("Whether this choice was right when answered.")
    )

    class Meta:
        verbose_name = _("answer choice")
        verbose_name_plural = _("answer choices")
        constraints = [
            models.UniqueConstraint(fields=["answer", "choice"], name="quiz_choice_once_per_answer")
        ]

    def __str__(self):
        return self.choice_text


class DraftAnswer(models.Model):
    """An answer being given, saved as the student gives it (the quiz page's script), so that an
    attempt in progress survives a reload or a lost connection. Never graded and never counted:
    the submission grades what the form posts (prefilled from the drafts); submitting deletes
    them."""

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="drafts"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="drafts"
    )
    value = models.JSONField(
        verbose_name=_("value"),
        default=list,
        blank=True,
        help_text=_("The choice ids picked (a list), or the number as typed (text)."),
    )
    flagged = models.BooleanField(verbose_name=_("flagged for review"), default=False)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("draft answer")
        verbose_name_plural = _("draft answers")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="quiz_one_draft_per_question"
            )
        ]

    def __str__(self):
        return f"{self.attempt_id}: {self.question_id}"


def answers_for_result():
    """Answers with what the result page shows, in a fixed number of queries."""
    return Answer.objects.select_related("question", "question__case").prefetch_related(
        Prefetch(
            "answer_choices",
            queryset=AnswerChoice.objects.select_related("choice").order_by(
                "choice__order", "choice_id"
            ),
        )
    )


SINGLE_NEEDS_ONE_CORRECT = _(
    "A single-choice question needs exactly one correct choice; this one has {n}."
)
TRUEFALSE_NEEDS_TWO = _(
    "A true/false question needs exactly two choices (True and False), one of them correct; "
    "this one has {n} choices and {c} correct."
)
MULTIPLE_NEEDS_CORRECT = _("A multiple-choice question needs at least one correct choice.")
NEEDS_TWO_CHOICES = _("A choice question needs at least two choices; this one has {n}.")
NUMERIC_HAS_CHOICES = _("A numeric question takes a number, not choices: remove the choices.")
TOO_MANY_CHOICES = _("A question takes at most {max} choices; this one has {n}.")


def choice_errors(question_type: str, correct_flags: list[bool]) -> list[str]:
    """The rules every question's choices follow, worded for teachers (admin, YAML, GIFT)."""
    n, c = len(correct_flags), sum(bool(f) for f in correct_flags)
    if question_type == QuestionType.NUMERIC:
        return [NUMERIC_HAS_CHOICES] if n else []
    if question_type == QuestionType.TRUEFALSE:
        return [] if n == 2 and c == 1 else [TRUEFALSE_NEEDS_TWO.format(n=n, c=c)]
    errors = [] if n >= 2 else [NEEDS_TWO_CHOICES.format(n=n)]
    if n > QUESTION_MAX_CHOICES:
        errors.append(TOO_MANY_CHOICES.format(max=QUESTION_MAX_CHOICES, n=n))
    if question_type == QuestionType.SINGLE and c != 1:
        errors.append(SINGLE_NEEDS_ONE_CORRECT.format(n=c))
    if question_type == QuestionType.MULTIPLE and c < 1:
        errors.append(MULTIPLE_NEEDS_CORRECT)
    return errors
