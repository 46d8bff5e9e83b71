"""The admin home for teachers: what happened, what students miss, what content needs work.

A fixed number of queries (about ten), each bounded by a LIMIT except one aggregate over the
answers, whose small result is cached for five minutes; only what the teacher may view is
computed.
"""

from collections import defaultdict

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from .models import Answer, Attempt, Question, Quiz

RECENT_ATTEMPTS = 8
MISSED_QUIZZES = 5
MISSED_BELOW = 0.5  # a question is "missed" when fewer than half of its answers are right
MISSED_MIN_ANSWERS = 3  # …out of at least this many answers
CONTENT_LISTED = 6
MISSED_CACHE_KEY = "admin-home:most-missed:v1"
MISSED_CACHE_SECONDS = 300


def _empty(field: str, language: str) -> Q:
    name = f"{field}_{language}"
    return Q(**{name: ""}) | Q(**{f"{name}__isnull": True})


def _missing_translation(fields: list[str]) -> Q:
    query = Q()
    for field in fields:
        query |= _empty(field, "fr") | _empty(field, "en")
    return query


def _missing_languages(obj, fields: list[str]) -> list[str]:
    return [
        language
        for language in ("fr", "en")
        if any(not getattr(obj, f"{field}_{language}", "") for field in fields)
    ]


def teach_url() -> str | None:
    """The classroom app's teachers' page (/teach/), when that app is installed."""
    if not apps.is_installed("classroom"):
        return None
    try:
        return reverse("classroom:teach-home")
    except NoReverseMatch:
        return None


def recent_attempts(user):
    if not user.has_perm("quiz.view_attempt"):
        return None
    attempts = (
        Attempt.objects.for_stats()
        .select_related("quiz", "user")
        .order_by("-submitted_at")[:RECENT_ATTEMPTS]
    )
    return [
        {
            "attempt": a,
            "url": reverse("admin:quiz_attempt_change", args=[a.pk]),
            "stats_url": reverse("quiz:stats", args=[a.quiz.slug]),
        }
        for a in attempts
    ]


def _missed_counts() -> list[tuple[int, int, int]]:
    """(quiz id, missed questions, questions answered) for the most-missed quizzes.

    One aggregate over every submitted answer: about 1 s for 100,000 answers on SQLite, so the
    result is cached for MISSED_CACHE_SECONDS (ids and counts only; titles are read fresh)."""

    def compute():
        rows = (
            Answer.objects.filter(
                attempt__submitted_at__isnull=False,
                attempt__is_preview=False,
                question__is_archived=False,
            )
            .values("question_id", "question__quiz_id")
            .annotate(n=Count("pk"), right=Count("pk", filter=Q(is_correct=True)))
            .order_by()
        )
        missed = defaultdict(int)
        answered = defaultdict(int)
        for row in rows:
            quiz_id = row["question__quiz_id"]
            answered[quiz_id] += 1
            if row["n"] >= MISSED_MIN_ANSWERS and row["right"] / row["n"] < MISSED_BELOW:
                missed[quiz_id] += 1
        ranked = sorted(missed.items(), key=lambda kv: (-kv[1], kv[0]))[:MISSED_QUIZZES]
        return [(quiz_id, n, answered[quiz_id]) for quiz_id, n in ranked]

    return cache.get_or_set(MISSED_CACHE_KEY, compute, MISSED_CACHE_SECONDS)


def most_missed_quizzes(user):
    """Quizzes ranked by how many of their questions most students get wrong."""
    if not user.has_perm("quiz.view_attempt"):
        return None
    ranked = _missed_counts()
    quizzes = Quiz.objects.in_bulk([quiz_id for quiz_id, _n, _total in ranked])
    return [
        {
            "quiz": quizzes[quiz_id],
            "missed": n,
            "questions": total,
            "stats_url": reverse("quiz:stats", args=[quizzes[quiz_id].slug]),
        }
        for quiz_id, n, total in ranked
        if quiz_id in quizzes
    ]


def content_to_fix(user):
    """Content with a French or English field left empty, and key facts not verified."""
    from kb.models import CaseStudy, FactStatus, KeyFact

    groups = []
    checks = [
        ("kb.view_casestudy", CaseStudy, ["title", "summary", "body"], "admin:kb_casestudy_change"),
        ("quiz.view_quiz", Quiz, ["title"], "admin:quiz_quiz_change"),
        ("quiz.view_question", Question, ["prompt"], "admin:quiz_question_change"),
    ]
    for perm, model, fields, url_name in checks:
        if not user.has_perm(perm):
            continue
        queryset = model.objects.filter(_missing_translation(fields))
        if model is Question:
            queryset = queryset.filter(is_archived=False)
        total = queryset.count()
        if not total:
            continue
        items = [
            {
                "obj": obj,
                "url": reverse(url_name, args=[obj.pk]),
                "missing": _missing_languages(obj, fields),
            }
            for obj in queryset.order_by("pk")[:CONTENT_LISTED]
        ]
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        groups.append(
            {"model": model._meta, "total": total, "items": items, "changelist": changelist}
        )
    unverified = None
    if user.has_perm("kb.view_keyfact"):
        facts = KeyFact.objects.exclude(status=FactStatus.VERIFIED)
        by_status = dict(
            facts.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        if by_status:
            changelist = reverse("admin:kb_keyfact_changelist")
            unverified = {
                "total": sum(by_status.values()),
                "statuses": [
                    {
                        "label": FactStatus(status).label,
                        "n": n,
                        "url": f"{changelist}?status__exact={status}",
                    }
                    for status, n in sorted(by_status.items())
                ],
                "items": [
                    {"fact": f, "url": reverse("admin:kb_keyfact_change", args=[f.pk])}
                    for f in facts.select_related("case").order_by("case_id", "order", "pk")[
                        :CONTENT_LISTED
                    ]
                ],
            }
    return {"translations": groups, "unverified": unverified}


def teacher_home(user) -> dict:
    return {
        "recent": recent_attempts(user),
        "missed": most_missed_quizzes(user),
        "fix": content_to_fix(user),
        "teach_url": teach_url(),
    }
