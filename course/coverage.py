"""The seed's coverage table: each slide of the course deck → its themes, cases, simulations and
quizzes on the site, with the reason where a column is empty."""

from dataclasses import dataclass, field

from simulations import engine
from simulations.i18n import localize

from .models import Slide

COLUMNS = ("themes", "cases", "simulations", "quizzes")


@dataclass
class Row:
    slide: Slide
    themes: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    simulations: list = field(default_factory=list)  # (slug, title)
    quizzes: list = field(default_factory=list)

    @property
    def empty(self) -> list[str]:
        return [name for name in COLUMNS if not getattr(self, name)]

    @property
    def unexplained(self) -> bool:
        return bool(self.empty) and not (self.slide.gap_note or "").strip()


def coverage_rows() -> list[Row]:
    """One row per slide, in deck order (a fixed number of queries)."""
    slides = Slide.objects.prefetch_related("themes", "cases", "quizzes").order_by("number")
    rows = []
    for slide in slides:
        simulations = [
            (slug, localize(engine.REGISTRY[slug].title))
            for slug in slide.simulations
            if slug in engine.REGISTRY
        ]
        rows.append(
            Row(
                slide=slide,
                themes=list(slide.themes.all()),
                cases=list(slide.cases.all()),
                simulations=simulations,
                quizzes=list(slide.quizzes.all()),
            )
        )
    return rows
