"""The course the site serves: the slides of the French deck, each mapped to what the site has
for it (themes, cases, simulations, quizzes), and why a column is empty where it must be."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Section(models.TextChoices):
    PROBLEMS = "problems", _("Problems of machine learning")
    COSTS = "costs", _("What it costs")
    ACCEPTANCE = "acceptance", _("Will users accept it?")
    CASES = "cases", _("Cases")


def unknown_simulations(slugs) -> list[str]:
    from simulations import engine

    return [slug for slug in slugs if slug not in engine.REGISTRY]


class Slide(models.Model):
    """One slide (or one item of a slide's list) of the course deck."""

    number = models.PositiveSmallIntegerField(
        verbose_name=pgettext_lazy("slide", "number"),
        unique=True,
        help_text=_("Where the slide comes in the deck (1 = first)."),
    )
    section = models.CharField(verbose_name=_("section"), max_length=20, choices=Section.choices)
    text = models.CharField(
        verbose_name=_("slide text"),
        max_length=400,
        help_text=_("What the slide says (the French is the deck's own words)."),
    )
    themes = models.ManyToManyField(
        "kb.Theme", verbose_name=_("themes"), blank=True, related_name="slides"
    )
    cases = models.ManyToManyField(
        "kb.CaseStudy", verbose_name=_("cases"), blank=True, related_name="slides"
    )
    simulations = models.JSONField(
        verbose_name=_("simulations"),
        default=list,
        blank=True,
        help_text=_("Slugs of the simulations that let a student try the slide's point."),
    )
    quizzes = models.ManyToManyField(
        "quiz.Quiz", verbose_name=_("quizzes"), blank=True, related_name="slides"
    )
    gap_note = models.TextField(
        verbose_name=_("why something is missing"),
        blank=True,
        help_text=_(
            "Required when the slide has no theme, case, simulation or quiz: say why none can exist."
        ),
    )

    class Meta:
        verbose_name = _("course slide")
        verbose_name_plural = _("course slides")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.text}"

    def natural_key(self):
        return (self.number,)

    def clean(self):
        if not isinstance(self.simulations, list) or not all(
            isinstance(slug, str) for slug in self.simulations
        ):
            raise ValidationError({"simulations": _("Give a list of simulation slugs.")})
        unknown = unknown_simulations(self.simulations)
        if unknown:
            raise ValidationError(
                {
                    "simulations": _("Unknown simulation(s): {names}.").format(
                        names=", ".join(unknown)
                    )
                }
            )


class Part(models.TextChoices):
    """What a student does on one step of the course path, in order."""

    READ = "read", pgettext_lazy("course step", "Read")
    PREDICT = "predict", pgettext_lazy("course step", "Predict")
    RUN = "run", pgettext_lazy("course step", "Run")
    QUIZ = "quiz", pgettext_lazy("course step", "Quiz")


class StepProgress(models.Model):
    """A part of a course step a logged-in student has done (anonymous progress lives in the
    session and is copied here at log-in)."""

    user = models.ForeignKey(
        "auth.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    slide = models.ForeignKey(
        Slide, verbose_name=_("slide"), on_delete=models.CASCADE, related_name="progress"
    )
    part = models.CharField(verbose_name=_("part"), max_length=10, choices=Part.choices)
    done_at = models.DateTimeField(verbose_name=_("done at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course progress")
        verbose_name_plural = _("course progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "slide", "part"], name="course_progress_once_per_part"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.slide.number} · {self.part}"


class Guess(models.Model):
    """A student's guess of a simulation's headline number before seeing it ("predict, then
    see"), with the value the run gave: for a teacher's view of misconceptions."""

    owner = models.CharField(
        verbose_name=_("anonymous owner"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("The browser session's random token (the quiz's), while anonymous."),
    )
    user = models.ForeignKey(
        "auth.User",
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    slide = models.ForeignKey(
        Slide,
        verbose_name=_("slide"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guesses",
    )
    simulation = models.SlugField(verbose_name=_("simulation"), max_length=80)
    preset = models.SlugField(verbose_name=_("preset"), max_length=80, blank=True)
    metric = models.CharField(verbose_name=_("metric"), max_length=80)
    guess = models.FloatField(verbose_name=_("guess"))
    actual = models.FloatField(
        verbose_name=_("value of the run"),
        null=True,
        blank=True,
        help_text=_("In the unit the question asks for (a percentage for a share)."),
    )
    run_key = models.CharField(verbose_name=_("run"), max_length=64, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("guess")
        verbose_name_plural = _("guesses")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.simulation}: {self.guess} ({self.actual})"
