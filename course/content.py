"""Load the course deck's slides (fixtures/course/slides.yaml) with the themes, cases,
simulations and quizzes each one maps to. All or nothing; errors name the slide and field."""

from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from kb.models import CaseStudy, Theme
from quiz.models import Quiz

from .models import Section, Slide

KEYS = {
    "number",
    "section",
    "text_fr",
    "text_en",
    "themes",
    "cases",
    "simulations",
    "quizzes",
    "gap_note_fr",
    "gap_note_en",
}


class ContentError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _slugs(item, key, where, errors) -> list[str]:
    value = item.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(f"{where}: '{key}' must be a list of slugs.")
        return []
    return value


def _lookup(model, slugs, key, where, errors) -> list:
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        errors.append(f"{where}: unknown {key}: {', '.join(missing)}.")
    return [found[slug] for slug in slugs if slug in found]


def load_slides(path: Path) -> int:
    """Replace every slide by the file's; returns how many were loaded."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError([f"{path}: {exc}"]) from None
    if not isinstance(data, list):
        raise ContentError([f"{path}: expected a list of slides."])
    errors: list[str] = []
    prepared = []
    numbers = set()
    for index, item in enumerate(data, 1):
        where = f"{Path(path).name}, slide #{index}"
        if not isinstance(item, dict):
            errors.append(f"{where}: expected a mapping.")
            continue
        unknown = sorted(set(item) - KEYS)
        if unknown:
            errors.append(f"{where}: unknown key(s): {', '.join(unknown)}.")
        number = item.get("number")
        if not isinstance(number, int) or number < 1 or number in numbers:
            errors.append(f"{where}: 'number' must be a new positive whole number.")
        numbers.add(number)
        if item.get("section") not in Section.values:
            errors.append(f"{where}: 'section' must be one of {', '.join(Section.values)}.")
        for key in ("text_fr", "text_en"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                errors.append(f"{where}: '{key}' is required.")
        themes = _lookup(Theme, _slugs(item, "themes", where, errors), "themes", where, errors)
        cases = _lookup(CaseStudy, _slugs(item, "cases", where, errors), "cases", where, errors)
        quizzes = _lookup(Quiz, _slugs(item, "quizzes", where, errors), "quizzes", where, errors)
        slide = Slide(
            number=number if isinstance(number, int) else 0,
            section=item.get("section") or "",
            text_fr=(item.get("text_fr") or "").strip(),
            text_en=(item.get("text_en") or "").strip(),
            simulations=_slugs(item, "simulations", where, errors),
            gap_note_fr=(item.get("gap_note_fr") or "").strip(),
            gap_note_en=(item.get("gap_note_en") or "").strip(),
        )
        try:
            slide.clean()
        except ValidationError as exc:
            errors += [f"{where}: {m}" for m in exc.messages]
        prepared.append((slide, themes, cases, quizzes))
    if errors:
        raise ContentError(errors)
    with transaction.atomic():
        # Slides are updated in place by number (students' progress points at them); a slide
        # the file no longer has is deleted.
        Slide.objects.exclude(number__in=[s.number for s, *_ in prepared]).delete()
        existing = {s.number: s.pk for s in Slide.objects.all()}
        for slide, themes, cases, quizzes in prepared:
            slide.pk = existing.get(slide.number)
            slide.save()
            # One by one, so the links keep the file's order (the course path takes the first).
            for related, objects in (
                (slide.themes, themes),
                (slide.cases, cases),
                (slide.quizzes, quizzes),
            ):
                related.clear()
                for obj in objects:
                    related.add(obj)
    return len(prepared)
