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
