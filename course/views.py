"""The course path (/course/), its steps' read → predict → reveal → run actions, and the
slide-to-site map for teachers (/course/map/).

Nothing here is in the page cache: the path shows the visitor's own progress. Every action that
may compute a simulation run spends the run budget shared with the simulation pages and the API
(RunThrottle); a guess is also limited to one per step per minute per visitor.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from config.throttles import RunThrottle, form_throttle
from quiz.services import owner_token
from simulations.i18n import localize_result
from simulations.models import SimulationRun
from simulations.runner import SimulationsBusy, SimulationTimeout
from simulations.services import DEFAULT_SEED, get_or_run
from simulations.views import _not_now

from . import path as course_path
from .coverage import coverage_rows
from .models import Guess, Part
from .path import Step

GUESS_EVERY = timedelta(minutes=1)


def _step_or_404(number: int) -> Step:
    step = course_path.get_step(number)
    if step is None:
        raise Http404(gettext("No such step in the course."))
    return step


def _step_anchor(step: Step) -> str:
    return f"{reverse('course:path')}#step-{step.number}"


@never_cache
@require_GET
def course_page(request):
    steps = course_path.all_steps()
    course_path.attach_progress(request, steps)
    sections = []
    for step in steps:
        if not sections or sections[-1]["section"] != step.slide.section:
            sections.append(
                {
                    "section": step.slide.section,
                    "label": step.slide.get_section_display(),
                    "steps": [],
                }
            )
        sections[-1]["steps"].append(step)
    # Where to go on: the first step begun and not finished, else the first not finished.
    started = [s for s in steps if s.done and not s.complete]
    next_step = started[0] if started else next((s for s in steps if not s.complete), None)
    return render(
        request,
        "course/path.html",
        {
            "sections": sections,
            "steps": steps,
            "done_count": sum(1 for s in steps if s.complete),
            "next_step": next_step,
            "started": any(s.done for s in steps),
        },
    )


@require_http_methods(["GET", "POST"])
def read_step(request, number):
    """GET (the path's "Read" link): mark the step read and open its theme or case page.
    POST ("Mark as read"): mark it and come back to the step on the path."""
    step = _step_or_404(number)
    course_path.mark(request, step, Part.READ)
    if request.method == "POST" or step.read is None:
        return redirect(_step_anchor(step))
    return redirect(step.read.get_absolute_url())


def _owner(request) -> tuple:
    user = request.user if request.user.is_authenticated else None
    token = "" if user else owner_token(request.session, create=True)
    return user, token


def _guesses(request, step: Step):
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        return Guess.objects.filter(user=user, slide=step.slide)
    token = owner_token(request.session, create=False)
    if not token:
        return Guess.objects.none()
    return Guess.objects.filter(user__isnull=True, owner=token, slide=step.slide)


def parse_guess(raw: str, prediction) -> tuple[float | None, str]:
    """(the guess, "") or (None, an error message in the active language)."""
    text = (raw or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    text = text.rstrip("%×").strip()
    try:
        value = float(text) if text and len(text) <= 20 else None
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        return None, gettext("Enter a number, e.g. 42 or 0.25.")
    if not prediction.minimum <= value <= prediction.maximum:
        return None, gettext("Enter a number between {low} and {high}.").format(
            low=_plain(prediction.minimum), high=_plain(prediction.maximum)
        )
    return value, ""


def _plain(value: float) -> str:
    return f"{value:g}"


def _predict_context(step: Step, *, value="", error="") -> dict:
    return {
        "step": step,
        "prediction": step.prediction,
        "value": value if value != "" else step.prediction.default,
        "error": error,
    }


@require_http_methods(["GET", "POST"])
def predict_step(request, number):
    """The guess form; a valid guess is stored, the run made (or found) and the reveal shown."""
    step = _step_or_404(number)
    prediction = step.prediction
    if prediction is None:
        return redirect(_step_anchor(step))
    if request.method == "GET":
        return render(request, "course/predict.html", _predict_context(step))
    raw = request.POST.get("guess", "")
    value, error = parse_guess(raw, prediction)
    if value is None:
        context = _predict_context(step, value=raw[:20], error=error)
        return render(request, "course/predict.html", context, status=400)
    recent = _guesses(request, step).filter(created_at__gte=timezone.now() - GUESS_EVERY)
    last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is not None:
        wait = max(1, math.ceil((last + GUESS_EVERY - timezone.now()).total_seconds()))
        response = render(
            request,
            "throttled.html",
            {
                "title": gettext("One guess a minute"),
                "message": gettext(
                    "You guessed on this step less than a minute ago. "
                    "Look at the answer, or wait {seconds} seconds to guess again."
                ).format(seconds=wait),
                "back_url": reverse("course:reveal", kwargs={"number": step.number}),
                "back_label": gettext("See your last guess and the answer"),
            },
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    throttled = form_throttle(request, RunThrottle)
    if throttled is not None:
        return throttled
    try:
        run, _ = get_or_run(
            slug=prediction.simulation,
            params={},
            seed=DEFAULT_SEED,
            preset=prediction.preset or None,
            take_slot=True,
        )
    except (SimulationsBusy, SimulationTimeout) as exc:
        from simulations import engine

        return _not_now(request, engine.REGISTRY[prediction.simulation], exc)
    user, token = _owner(request)
    Guess.objects.create(
        owner=token,
        user=user,
        slide=step.slide,
        simulation=prediction.simulation,
        preset=prediction.preset,
        metric=prediction.metric,
        guess=value,
        actual=prediction.value(run.result),
        run_key=run.key,
    )
    course_path.mark(request, step, Part.PREDICT)
    return redirect("course:reveal", number=step.number)


def _metric(result: dict, key: str) -> dict | None:
    return next((m for m in result.get("metrics", []) if m.get("key") == key), None)


@never_cache
@require_GET
def reveal_step(request, number):
    """The visitor's last guess on this step beside the run's value and its findings."""
    step = _step_or_404(number)
    prediction = step.prediction
    guess = _guesses(request, step).order_by("-created_at").first() if prediction else None
    if guess is None:
        return (
            redirect("course:predict", number=step.number)
            if prediction
            else redirect(_step_anchor(step))
        )
    run = SimulationRun.objects.filter(key=guess.run_key).first()
    result = localize_result(run.result) if run is not None else {}
    actual = guess.actual
    also = [m for m in (_metric(result, key) for key in prediction.also) if m is not None]
    headline = _metric(result, prediction.metric)
    context = {
        "step": step,
        "prediction": prediction,
        "guess": guess,
        "actual": None if actual is None else round(actual, 1 if prediction.step >= 0.1 else 2),
        **_verdict(guess.guess, actual, prediction),
        "headline": headline,
        "also": also,
        "findings": result.get("findings", []),
        "run": run,
        "scale_max": prediction.maximum,
        "guess_pct": _position(guess.guess, prediction),
        "actual_pct": None if actual is None else _position(actual, prediction),
    }
    return render(request, "course/reveal.html", context)


def _verdict(guess: float, actual: float | None, prediction) -> dict:
    """How far off the guess was, in the question's unit (percentage points for a share)."""
    if actual is None:
        return {"direction": "", "off_by": None, "off_unit": ""}
    off = guess - actual
    close = abs(off) < prediction.step / 2
    return {
        "direction": "exact" if close else ("high" if off > 0 else "low"),
        "off_by": round(abs(off), 1 if prediction.step >= 1 else 2),
        "off_unit": "points" if prediction.unit == "%" else str(prediction.unit),
    }


def _position(value: float, prediction) -> float:
    """Where a value sits on the question's range, 0–100 (for the comparison bar)."""
    span = prediction.maximum - prediction.minimum
    share = (value - prediction.minimum) / span if span else 0
    return round(min(1.0, max(0.0, share)) * 100, 1)


@require_http_methods(["GET", "POST"])
def run_step(request, number):
    """POST: run the step's simulation (its preset if one fits), mark the step run, open the run.
    GET: the simulation's page, to set the parameters oneself."""
    step = _step_or_404(number)
    if not step.simulation:
        return redirect(_step_anchor(step))
    if request.method == "GET":
        url = reverse("simulations:simulation-detail", kwargs={"slug": step.simulation})
        return redirect(f"{url}?preset={step.preset}" if step.preset else url)
    throttled = form_throttle(request, RunThrottle)
    if throttled is not None:
        return throttled
    try:
        run, _ = get_or_run(
            slug=step.simulation,
            params={},
            seed=DEFAULT_SEED,
            preset=step.preset or None,
            take_slot=True,
        )
    except (SimulationsBusy, SimulationTimeout) as exc:
        from simulations import engine

        return _not_now(request, engine.REGISTRY[step.simulation], exc)
    course_path.mark(request, step, Part.RUN)
    return redirect(run)


@require_GET
def course_map(request):
    """Each slide of the deck → its themes, cases, simulations and quizzes, and the gap notes."""
    return render(request, "course/map.html", {"rows": coverage_rows()})
