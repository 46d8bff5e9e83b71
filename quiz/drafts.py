"""Draft answers: the quiz page's script saves each answer as it is given.

POST /quizzes/<slug>/draft/ (JSON, CSRF header, the session's own attempt)::

    {"attempt": "<public id>" or "", "seed": 123,
     "answers": {"q12": ["34"], "q13": "0,25", "q14": []},
     "flagged": {"q12": true}}

The first draft of a new visitor starts the attempt, exactly as a first checked answer does
(quiz.services.start_unsaved, with the page's form key), and the reply names it. Answers are
validated as the submission validates them (quiz.forms.AttemptForm): an unknown question or
choice, or text that is not a number, is a 400 with ``{"errors": {"q12": ["…"]}}`` and nothing
is saved. A draft is never graded and never counts: the submission grades what the form posts
(the page prefills it from the drafts) and deletes the drafts. An answer already checked
(feedback after each question) is final: a draft for it is not saved, and the reply lists it
under ``"final"`` (not an error: a draft sent just before the check can arrive just after it,
and the checked answer is the one that counts).

Budget: a body of at most DRAFT_MAX_BYTES, at most one draft row per question of the attempt
(the value at most 60 characters or the question's choices), and THROTTLE_QUIZ_DRAFTS requests
per client (default 120 a minute, in the shared throttle cache, as the other budgets).
"""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config.throttles import ClientRateThrottle, throttle_wait, too_many_message

from .forms import AttemptForm, field_name
from .models import Answer, Attempt, DraftAnswer, QuestionType, Quiz
from .services import (
    ATTEMPT_ALREADY_SUBMITTED,
    _lock_open_attempt,
    attempt_questions,
    open_attempt,
    owner_token,
    parse_seed,
    start_unsaved,
    unsaved_attempt,
)

DRAFT_MAX_BYTES = 16 * 1024
DEFAULT_DRAFT_RATE = "120/minute"

UNKNOWN_QUESTION = _("This question is not part of the quiz.")
NOT_AN_ANSWER = _("Send a list of choice ids, or the number as text.")
ONE_CHOICE = _("This question takes one choice.")
BAD_REQUEST = _("The request is not a draft this page could send.")
NOT_YOUR_ATTEMPT = _("No attempt of yours in progress has this id.")
DRAFT_TOO_LARGE = _("A draft is limited to {n} bytes.")
BAD_SEED = _("The page's question order is missing.")


class DraftThrottle(ClientRateThrottle):
    """Draft saves by a client (THROTTLE_QUIZ_DRAFTS, default 120 a minute)."""

    scope = "quiz_drafts"

    def get_rate(self):
        return getattr(settings, "THROTTLE_QUIZ_DRAFTS", DEFAULT_DRAFT_RATE)


def _error(status: int, message, **extra) -> JsonResponse:
    return JsonResponse({"error": str(message), **extra}, status=status)


def _field_errors(errors: dict) -> JsonResponse:
    return JsonResponse(
        {
            "error": gettext("Some answers could not be saved."),
            "errors": {k: [str(m) for m in v] for k, v in errors.items()},
        },
        status=400,
    )


def _as_values(question, raw) -> list[str] | None:
    """The posted value as the form's field values, or None when its shape is wrong."""
    if question.type == QuestionType.NUMERIC:
        return [raw] if isinstance(raw, str) else None
    if isinstance(raw, str | int) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, list):
        return None
    values = []
    for value in raw:
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        values.append(str(value))
    return values


def validate_drafts(questions, answers: dict, flagged: dict, recorded) -> tuple[dict, dict, dict]:
    """(values by question id, flags by question id, errors by field name)."""
    by_name = {field_name(q): q for q in questions}
    errors: dict[str, list] = {}
    values: dict[int, object] = {}
    flags: dict[int, bool] = {}
    data = MultiValueDict()
    posted = []
    for name, raw in answers.items():
        question = by_name.get(name)
        if question is None:
            errors[name] = [UNKNOWN_QUESTION]
            continue
        if question.pk in recorded:
            continue  # checked, so final: the caller reports it (save_draft's "final")
        field_values = _as_values(question, raw)
        if field_values is None:
            errors[name] = [NOT_AN_ANSWER]
            continue
        if question.type != QuestionType.MULTIPLE and len(field_values) > 1:
            errors[name] = [ONE_CHOICE]
            continue
        data.setlist(name, field_values)
        posted.append(question)
    if posted:
        form = AttemptForm(data, questions=posted)
        if not form.is_valid():
            for name, messages in form.errors.items():
                errors[name] = list(messages)
        for question in posted:
            name = field_name(question)
            if name in errors:
                continue
            if question.type == QuestionType.NUMERIC:
                values[question.pk] = data[name].strip()  # as typed: nothing is lost
            else:
                values[question.pk] = [int(v) for v in data.getlist(name) if v != ""]
    for name, flag in flagged.items():
        question = by_name.get(name)
        if question is None:
            errors[name] = [UNKNOWN_QUESTION]
        elif not isinstance(flag, bool):
            errors[name] = [BAD_REQUEST]
        else:
            flags[question.pk] = flag
    return values, flags, errors


def save_drafts(attempt: Attempt, values: dict, flags: dict) -> None:
    """Write the drafts of an attempt in progress (call inside a transaction)."""
    existing = {d.question_id: d for d in DraftAnswer.objects.filter(attempt=attempt)}
    for qid in set(values) | set(flags):
        draft = existing.get(qid) or DraftAnswer(attempt=attempt, question_id=qid)
        if qid in values:
            draft.value = values[qid]
        if qid in flags:
            draft.flagged = flags[qid]
        if draft.pk is not None and draft.value in ("", []) and not draft.flagged:
            draft.delete()
        elif draft.pk is not None or draft.value not in ("", []) or draft.flagged:
            draft.save()


def keep_posted(attempt: Attempt, questions, post, recorded=()) -> None:
    """Keep a refused submission's answers as drafts (a late class assignment): the answers
    that validate are saved as the script would have saved them; nothing is graded."""
    answers = {}
    for question in questions:
        name = field_name(question)
        if question.pk in recorded or name not in post:
            continue
        if question.type == QuestionType.NUMERIC:
            answers[name] = post.get(name, "")
        else:
            answers[name] = post.getlist(name)
    values, flags, _errors = validate_drafts(questions, answers, {}, set(recorded))
    with transaction.atomic():
        save_drafts(attempt, values, flags)


def drafts_of(attempt: Attempt) -> dict[int, DraftAnswer]:
    if attempt.pk is None:
        return {}
    return {d.question_id: d for d in DraftAnswer.objects.filter(attempt=attempt)}


@never_cache
@require_POST
def save_draft(request, slug):
    quiz = get_object_or_404(Quiz.objects.visible_to(request.user), slug=slug)
    if len(request.body) > DRAFT_MAX_BYTES:
        return _error(413, DRAFT_TOO_LARGE.format(n=DRAFT_MAX_BYTES))
    wait = throttle_wait(request, DraftThrottle)
    if wait is not None:
        response = _error(429, too_many_message(wait))
        response["Retry-After"] = str(wait)
        return response
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _error(400, BAD_REQUEST)
    if not isinstance(body, dict):
        return _error(400, BAD_REQUEST)
    answers = body.get("answers") or {}
    flagged = body.get("flagged") or {}
    posted = body.get("attempt") or ""
    if (
        not isinstance(answers, dict)
        or not isinstance(flagged, dict)
        or not isinstance(posted, str)
    ):
        return _error(400, BAD_REQUEST)

    user = request.user
    token = owner_token(request.session, create=False)
    if posted:
        from .views import _uuid

        public_id = _uuid(posted)
        attempt = (
            Attempt.objects.owned_by(user, token).filter(quiz=quiz, public_id=public_id).first()
            if public_id is not None
            else None
        )
        if attempt is None:
            return _error(404, NOT_YOUR_ATTEMPT)
        if attempt.is_submitted:
            return _error(409, ATTEMPT_ALREADY_SUBMITTED, result=attempt.get_absolute_url())
    else:
        attempt = open_attempt(quiz=quiz, user=user, token=token)
        if attempt is None:
            seed = parse_seed(body.get("seed"))
            if seed is None:
                return _field_errors({"seed": [BAD_SEED]})
            attempt = unsaved_attempt(quiz, seed=seed)

    questions = attempt_questions(attempt)
    recorded = set()
    if attempt.pk is not None:
        recorded = set(Answer.objects.filter(attempt=attempt).values_list("question_id", flat=True))
    values, flags, errors = validate_drafts(questions, answers, flagged, recorded)
    if errors:
        return _field_errors(errors)
    final = {field_name(q) for q in questions if q.pk in recorded and field_name(q) in answers}
    from .views import _form_key

    try:
        with transaction.atomic():
            started, new = start_unsaved(
                attempt, user=user, session=request.session, key=_form_key(request, attempt)
            )
            if not new:  # lock the row; answers checked since the look above are final too
                started = _lock_open_attempt(started)
                locked = set(
                    Answer.objects.filter(attempt=started).values_list("question_id", flat=True)
                )
                for question in questions:
                    if question.pk in locked and question.pk in values:
                        del values[question.pk]
                        final.add(field_name(question))
            save_drafts(started, values, flags)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "closed":
            return _error(403, exc.messages[0])
        if getattr(exc, "code", None) == "submitted":
            return _error(409, ATTEMPT_ALREADY_SUBMITTED)
        if hasattr(exc, "error_dict"):
            return _field_errors(exc.message_dict)
        return _error(400, exc.messages[0])
    return JsonResponse(
        {
            "attempt": str(started.public_id),
            "saved": sorted(field_name(q) for q in questions if q.pk in values or q.pk in flags),
            "final": sorted(final),
            "saved_at": timezone.now().isoformat(),
        }
    )
