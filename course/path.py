"""The course path: the deck's slides as steps (read → predict → run → quiz) and the visitor's
progress, kept in the session and, for a logged-in student, in the account."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from kb.models import CaseStudy, Theme
from quiz.models import Attempt, Quiz
from quiz.services import SESSION_OWNER_KEY
from simulations import engine
from simulations.i18n import local_simulation, localize

from .models import Part, Section, Slide, StepProgress
from .predictions import Prediction, prediction_for

SESSION_PROGRESS_KEY = "course_progress"
PARTS = [part.value for part in Part]
# The deck's order: the problems of machine learning, then costs and acceptance, then the cases.
SECTION_ORDER = [Section.PROBLEMS, Section.COSTS, Section.ACCEPTANCE, Section.CASES]


@dataclass
class Step:
    slide: Slide
    read: Theme | CaseStudy | None = None
    simulation: str = ""  # engine slug
    simulation_title: str = ""
    preset: str = ""  # the run step's preset ("" = defaults)
    prediction: Prediction | None = None
    quiz: Quiz | None = None
    done: set = field(default_factory=set)

    @property
    def number(self) -> int:
        return self.slide.number

    @property
    def parts(self) -> list[str]:
        """The parts this step has (a slide with no simulation has nothing to predict or run)."""
        has = {
            Part.READ: self.read is not None,
            Part.PREDICT: self.prediction is not None,
            Part.RUN: bool(self.simulation),
            Part.QUIZ: self.quiz is not None,
        }
        return [part.value for part in Part if has[part]]

    @property
    def ticks(self) -> list[dict]:
        return [
            {
                "part": part.value,
                "label": part.label,
                "available": part.value in self.parts,
                "done": part.value in self.done,
            }
            for part in Part
        ]

    @property
    def complete(self) -> bool:
        return bool(self.parts) and all(part in self.done for part in self.parts)


def _step_simulation(slide: Slide) -> str:
    """The step's simulation: the first of the slide's that asks a guess, else its first."""
    slugs = [slug for slug in slide.simulations if slug in engine.REGISTRY]
    for slug in slugs:
        if prediction_for(slug) is not None:
            return slug
    return slugs[0] if slugs else ""


def _fitting_preset(slug: str, cases: list[CaseStudy]) -> str:
    """A preset of the simulation built from one of the slide's cases, in the slide's order."""
    simulation = engine.REGISTRY.get(slug)
    if simulation is None:
        return ""
    for case in cases:
        for preset in simulation.presets:
            if preset.case == case.slug:
                return preset.slug
    return ""


def build_step(slide: Slide, order: dict | None = None) -> Step:
    """A step from a slide whose themes, cases and quizzes are prefetched (published only);
    ``order`` gives each link's place in the slide's list (the deck's file order)."""
    order = order or {}

    def ordered(name):
        rank = order.get(name, {})
        items = list(getattr(slide, name).all())
        return sorted(items, key=lambda obj: rank.get((slide.pk, obj.pk), 0))

    themes, cases, quizzes = ordered("themes"), ordered("cases"), ordered("quizzes")
    if slide.section == Section.CASES:
        read = cases[0] if cases else (themes[0] if themes else None)
    else:
        read = themes[0] if themes else (cases[0] if cases else None)
    slug = _step_simulation(slide)
    title = localize(engine.REGISTRY[slug].title) if slug else ""
    return Step(
        slide=slide,
        read=read,
        simulation=slug,
        simulation_title=title,
        preset=_fitting_preset(slug, cases) if slug else "",
        prediction=prediction_for(slug) if slug else None,
        quiz=quizzes[0] if quizzes else None,
    )


def _link_order(slides) -> dict:
    """{"themes": {(slide pk, theme pk): rank}, …}: the order links were saved in (3 queries)."""
    ids = [s.pk for s in slides]
    order = {}
    for name, target in (("themes", "theme_id"), ("cases", "casestudy_id"), ("quizzes", "quiz_id")):
        through = getattr(Slide, name).through
        rows = (
            through.objects.filter(slide_id__in=ids).order_by("pk").values_list("slide_id", target)
        )
        order[name] = {row: rank for rank, row in enumerate(rows)}
    return order


def slides_queryset():
    return Slide.objects.prefetch_related(
        Prefetch("themes", queryset=Theme.objects.all()),
        Prefetch("cases", queryset=CaseStudy.objects.published()),
        Prefetch("quizzes", queryset=Quiz.objects.published()),
    )


def all_steps() -> list[Step]:
    """Every step in the deck's order (sections in SECTION_ORDER, then slide number)."""
    rank = {section.value: i for i, section in enumerate(SECTION_ORDER)}
    slides = sorted(slides_queryset(), key=lambda s: (rank.get(s.section, 99), s.number))
    order = _link_order(slides)
    return [build_step(slide, order) for slide in slides]


def get_step(number: int) -> Step | None:
    slide = slides_queryset().filter(number=number).first()
    return build_step(slide, _link_order([slide])) if slide is not None else None


# --- progress ---------------------------------------------------------------------------------


def _session_progress(session) -> dict[str, list[str]]:
    value = session.get(SESSION_PROGRESS_KEY)
    return value if isinstance(value, dict) else {}


def mark(request, step: Step, part: str) -> None:
    """Record that the visitor did this part of the step (once; idempotent)."""
    if part not in PARTS:
        raise ValueError(part)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        try:
            with transaction.atomic():
                StepProgress.objects.get_or_create(user=user, slide=step.slide, part=part)
        except IntegrityError:  # the same part marked twice at once
            pass
        return
    progress = _session_progress(request.session)
    done = progress.get(str(step.number), [])
    if part not in done:
        progress[str(step.number)] = [p for p in PARTS if p in done or p == part]
        request.session[SESSION_PROGRESS_KEY] = progress


def attach_progress(request, steps: list[Step]) -> None:
    """Fill each step's ``done`` from the session, the account and the quiz attempts (3 queries
    at most)."""
    session = request.session
    for number, parts in _session_progress(session).items():
        for step in steps:
            if str(step.number) == number:
                step.done.update(p for p in parts if p in PARTS)
    user = getattr(request, "user", None)
    logged_in = user is not None and user.is_authenticated
    if logged_in:
        rows = StepProgress.objects.filter(
            user=user, slide__in=[s.slide for s in steps]
        ).values_list("slide_id", "part")
        by_slide = {}
        for slide_id, part in rows:
            by_slide.setdefault(slide_id, set()).add(part)
        for step in steps:
            step.done.update(by_slide.get(step.slide.pk, set()))
    token = session.get(SESSION_OWNER_KEY)
    quizzes = {step.quiz.pk for step in steps if step.quiz is not None}
    if quizzes and (logged_in or token):
        taken = set(
            Attempt.objects.owned_by(user if logged_in else None, token)
            .submitted()
            .filter(quiz__in=quizzes)
            .values_list("quiz_id", flat=True)
        )
        for step in steps:
            if step.quiz is not None and step.quiz.pk in taken:
                step.done.add(Part.QUIZ.value)


def hand_over_progress(*, session, user) -> int:
    """Copy the session's progress into the account of the user who just logged in."""
    progress = _session_progress(session)
    if not progress or user is None or not user.is_authenticated:
        return 0
    numbers = [int(n) for n in progress if str(n).isdigit()]
    slides = {s.number: s for s in Slide.objects.filter(number__in=numbers)}
    existing = set(
        StepProgress.objects.filter(user=user, slide__in=slides.values()).values_list(
            "slide_id", "part"
        )
    )
    rows = [
        StepProgress(user=user, slide=slides[int(n)], part=part)
        for n, parts in progress.items()
        if str(n).isdigit() and int(n) in slides
        for part in parts
        if part in PARTS and (slides[int(n)].pk, part) not in existing
    ]
    StepProgress.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def simulation_page(step: Step):
    return local_simulation(engine.REGISTRY[step.simulation]) if step.simulation else None
