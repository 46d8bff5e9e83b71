"""Quiz pages: list, take (with optional per-question feedback), result, my attempts, statistics."""

import re
import uuid
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from config.spreadsheet import csv_format, csv_response, safe_cell
from config.throttles import SignupThrottle, SubmissionThrottle, throttle_wait, too_many_message
from kb.models import CaseStudy, Theme

from . import policy
from .drafts import drafts_of, keep_posted
from .forms import AttemptForm, SignupForm, field_name
from .models import Answer, Attempt, FeedbackTiming, Quiz, answers_for_result, is_teacher
from .services import (
    ATTEMPT_ALREADY_SUBMITTED,
    NO_ATTEMPTS_LEFT,
    attempt_questions,
    attempts_left,
    can_view_attempt,
    form_key,
    grade_answers,
    new_seed,
    open_attempt,
    owner_token,
    parse_seed,
    record_answer,
    start_unsaved,
    submit_attempt,
    unsaved_attempt,
    variant_seed,
)
from .stats import quiz_stats

# The list's ?case= and ?theme= take slugs; anything else matches nothing (and a NUL character
# would make PostgreSQL fail the query).
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,200}$")

SESSION_CHANGED = _(
    "Your session changed since the quiz was opened (for example you logged in or out). "
    "Check your answers below and submit again."
)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def quiz_list(request):
    quizzes = Quiz.objects.published().for_listing()
    case = request.GET.get("case", "").strip()
    theme = request.GET.get("theme", "").strip()
    if case:
        quizzes = quizzes.filter(cases__slug=case) if SLUG_RE.match(case) else quizzes.none()
    if theme:
        quizzes = quizzes.filter(themes__slug=theme) if SLUG_RE.match(theme) else quizzes.none()
    quizzes = list(quizzes.order_by("title"))
    if request.user.is_authenticated:
        best: dict[int, float] = {}
        for attempt in (
            Attempt.objects.filter(user=request.user)
            .submitted()
            .only("quiz_id", "score", "max_score")
        ):
            if attempt.percent is not None:
                best[attempt.quiz_id] = max(best.get(attempt.quiz_id, 0.0), attempt.percent)
        for quiz in quizzes:
            quiz.best_percent = best.get(quiz.pk)
    published = Quiz.objects.published()
    return render(
        request,
        "quiz/quiz_list.html",
        {
            "quizzes": quizzes,
            "case_options": CaseStudy.objects.published()
            .filter(quizzes__in=published)
            .distinct()
            .only("slug", "title")
            .order_by("title"),
            "theme_options": Theme.objects.filter(quizzes__in=published)
            .distinct()
            .only("slug", "name")
            .order_by("name"),
            "selected_case": case,
            "selected_theme": theme,
        },
    )


def _items(questions, form, recorded, drafts=None):
    """What the template shows for each question: its choices, what is selected, any feedback;
    before a post, the answers saved as drafts (quiz.drafts) fill the form."""
    items = []
    drafts = drafts or {}
    for number, question in enumerate(questions, start=1):
        name = field_name(question)
        answer = recorded.get(question.pk)
        draft = drafts.get(question.pk)
        if answer is not None:
            selected = {str(ac.choice_id) for ac in answer.answer_choices.all()}
            value = answer.given_text
        elif form.is_bound:
            selected = set(form.data.getlist(name))
            value = form.data.get(name, "")
        elif draft is not None:
            if isinstance(draft.value, list):
                selected, value = {str(v) for v in draft.value}, ""
            else:
                selected, value = set(), str(draft.value)
        else:
            selected, value = set(), ""
        items.append(
            {
                "number": number,
                "question": question,
                "name": name,
                "choices": question.ordered_choices,
                "selected": selected,
                "value": value,
                "answer": answer,
                "errors": form.errors.get(name) if form.is_bound else None,
                "flagged": draft is not None and draft.flagged,
            }
        )
    return items


def _recorded(attempt) -> dict[int, Answer]:
    if attempt.pk is None:  # not started: nothing recorded yet
        return {}
    return {a.question_id: a for a in answers_for_result().filter(attempt=attempt)}


def _closed(request, quiz, message, token):
    previous = Attempt.objects.owned_by(request.user, token).filter(quiz=quiz).submitted()
    return render(
        request,
        "quiz/quiz_detail.html",
        {"quiz": quiz, "closed": message, "previous": previous.order_by("-submitted_at")},
    )


def _fresh_seed(request, quiz) -> int:
    """A new visitor's order: one of the page cache's variants when it serves this request."""
    variant = getattr(request, "page_cache_variant", None)
    return new_seed() if variant is None else variant_seed(quiz, variant)


def _form_key(request, attempt) -> str:
    if attempt.pk is not None:
        return ""
    secret = request.META.get("CSRF_COOKIE")
    return form_key(browser_secret=secret, quiz=attempt.quiz, seed=attempt.seed)


def quiz_detail(request, slug):
    """The quiz as one form; POST checks one answer (feedback after each) or submits them all.

    Opening the quiz writes nothing: a visitor without an attempt in progress gets a form that
    carries its question order (the seed), and the attempt starts when they check a first answer
    or submit. So the page of a new visitor is the same for everyone with that seed, and the page
    cache serves it (settings.PAGE_CACHE: a few variants, for visitors without a session).
    """
    quiz = get_object_or_404(Quiz.objects.visible_to(request.user), slug=slug)
    user = request.user
    token = owner_token(request.session, create=False)
    session_changed = False
    attempt = None
    if request.method == "GET" and request.GET.get("attempt"):
        # An attempt started elsewhere (a class assignment's "Start"): the student's own only.
        public_id = _uuid(request.GET["attempt"].strip())
        attempt = (
            Attempt.objects.owned_by(user, token).filter(quiz=quiz, public_id=public_id).first()
            if public_id is not None
            else None
        )
        if attempt is not None and attempt.is_submitted:
            return redirect(attempt)
    if request.method == "POST":
        posted = request.POST.get("attempt", "").strip()
        if posted:
            public_id = _uuid(posted)
            if public_id is not None:
                attempt = (
                    Attempt.objects.owned_by(user, token)
                    .filter(quiz=quiz, public_id=public_id)
                    .first()
                )
            if attempt is not None and attempt.is_submitted:
                messages.info(request, ATTEMPT_ALREADY_SUBMITTED)
                return redirect(attempt)
            if attempt is None:
                session_changed = True
                messages.warning(request, SESSION_CHANGED)
    if attempt is None:
        attempt = open_attempt(quiz=quiz, user=user, token=token)
    if attempt is None:
        if attempts_left(quiz=quiz, user=user, token=token) == 0:
            return _closed(request, quiz, NO_ATTEMPTS_LEFT.format(n=quiz.attempts_allowed), token)
        seed = parse_seed(request.POST.get("seed")) if request.method == "POST" else None
        attempt = unsaved_attempt(
            quiz, seed=seed if seed is not None else _fresh_seed(request, quiz)
        )
    questions = attempt_questions(attempt)
    recorded = _recorded(attempt)
    data = request.POST if request.method == "POST" else None
    form = AttemptForm(data, questions=questions, locked=recorded)
    rules = policy.rules_for(attempt)  # its context's rules (a class assignment), re-read each time
    each = quiz.feedback_timing == FeedbackTiming.EACH and rules.check_each
    unanswered = []
    status = 200
    retry_after = None
    if session_changed:
        form.is_valid()  # shows the posted answers and their errors; nothing is recorded
    elif data is not None and form.is_valid():
        check = request.POST.get("check")
        if check and each:
            try:
                qid = int(check)
                with transaction.atomic():
                    started, _ = start_unsaved(
                        attempt, user=user, session=request.session, key=_form_key(request, attempt)
                    )
                    record_answer(attempt=started, question_id=qid, answer=form.answers().get(qid))
                attempt = started
            except (ValueError, ValidationError) as exc:
                if getattr(exc, "code", None) == "closed":
                    return _closed(request, quiz, exc.messages[0], token)
                form.add_error(None, getattr(exc, "messages", [gettext("Unknown question.")])[0])
            recorded = _recorded(attempt)
            form = AttemptForm(data, questions=questions, locked=recorded)
            form.is_valid()
        else:
            unanswered = form.unanswered()
            wait = None
            if not unanswered or request.POST.get("submit_anyway"):
                # The submissions budget, shared with the API; the answers stay in the form.
                wait = throttle_wait(request, SubmissionThrottle)
                if wait is not None:
                    form.add_error(None, too_many_message(wait))
                    status, retry_after, unanswered = 429, wait, []
            if wait is None and (not unanswered or request.POST.get("submit_anyway")):
                started = None
                try:
                    graded = grade_answers(questions, form.answers())  # before the write lock
                    with transaction.atomic():
                        started, new = start_unsaved(
                            attempt,
                            user=user,
                            session=request.session,
                            key=_form_key(request, attempt),
                        )
                        submit_attempt(attempt=started, questions=questions, graded=graded, new=new)
                    return redirect(started)
                except ValidationError as exc:
                    code = getattr(exc, "code", None)
                    if code == "submitted":  # a second post of the page, or a second tab
                        messages.info(request, ATTEMPT_ALREADY_SUBMITTED)
                        return redirect(started)
                    if code == "closed":
                        return _closed(request, quiz, exc.messages[0], token)
                    if code == "late":  # refused, but nothing the student typed is lost
                        if attempt.pk is not None:
                            keep_posted(attempt, questions, data, recorded)
                        status = 409
                    form.add_error(None, exc)
                    unanswered = []
                    rules = policy.rules_for(attempt)
                    each = each and rules.check_each
    elif data is not None and not session_changed:
        status = 400
    response = render(
        request,
        "quiz/quiz_detail.html",
        {
            "quiz": quiz,
            "attempt": attempt,
            "form": form,
            "items": _items(questions, form, recorded, drafts_of(attempt)),
            "unanswered": unanswered,
            "each": each,
            "rules": rules,
            "left": rules.attempts_left
            if rules.governs_limit
            else attempts_left(quiz=quiz, user=user, token=token),
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
def check_answer(request, slug):
    """JSON for the page's script: record one answer, then return that question's feedback only.

    Posts the question's fields plus the form's hidden "attempt" (empty before the first check)
    and "seed"; the first check starts the attempt, and the reply names it. Exists only for
    quizzes with feedback after each question, for the attempt's owner, before submission;
    anything else is a 404 (or a 400 with the form's message for a bad answer).
    """
    quiz = get_object_or_404(Quiz.objects.visible_to(request.user), slug=slug)
    if quiz.feedback_timing != FeedbackTiming.EACH:
        raise Http404
    user = request.user
    token = owner_token(request.session, create=False)
    posted = request.POST.get("attempt", "").strip()
    if posted:
        public_id = _uuid(posted)
        attempt = (
            Attempt.objects.owned_by(user, token).filter(quiz=quiz, public_id=public_id).first()
            if public_id is not None
            else None
        )
        if attempt is None or attempt.is_submitted:
            raise Http404
    else:
        attempt = open_attempt(quiz=quiz, user=user, token=token) or unsaved_attempt(
            quiz, seed=parse_seed(request.POST.get("seed"))
        )
    rules = policy.rules_for(attempt)
    if not rules.check_each:  # its context allows no check now (a class assignment)
        raise Http404
    questions = attempt_questions(attempt)
    try:
        qid = int(request.POST.get("question", ""))
    except ValueError:
        return JsonResponse({"error": gettext("Unknown question.")}, status=400)
    question = next((q for q in questions if q.pk == qid), None)
    if question is None:
        return JsonResponse({"error": gettext("Unknown question.")}, status=400)
    form = AttemptForm(request.POST, questions=[question], locked=_recorded(attempt))
    if not form.is_valid():
        errors = [str(e) for errors in form.errors.values() for e in errors]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    try:
        with transaction.atomic():
            started, _ = start_unsaved(
                attempt, user=user, session=request.session, key=_form_key(request, attempt)
            )
            record_answer(attempt=started, question_id=qid, answer=form.answers().get(qid))
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    attempt = started
    answer = answers_for_result().get(attempt=attempt, question_id=qid)
    html = render_to_string(
        "quiz/includes/feedback.html",
        {"answer": answer, "question": question, "review": rules},
        request=request,
    )
    return JsonResponse(
        {
            "question": qid,
            "correct": answer.is_correct,
            "html": html,
            "attempt": str(attempt.public_id),
        }
    )


@cache_control(private=True, no_store=True)
def attempt_detail(request, public_id):
    attempt = get_object_or_404(Attempt.objects.select_related("quiz", "user"), public_id=public_id)
    token = owner_token(request.session, create=False)
    if not can_view_attempt(attempt, user=request.user, token=token):
        raise Http404
    if not attempt.is_submitted:
        if is_teacher(request.user) and not _is_owner(attempt, request.user, token):
            raise Http404
        return redirect(attempt.quiz)
    answers = list(answers_for_result().filter(attempt=attempt))
    owner = _is_owner(attempt, request.user, token)
    rules = policy.rules_for(attempt) if owner else policy.DEFAULT_RULES  # teachers see all
    if rules.can_retake is not None:
        can_retake = owner and rules.can_retake
    else:
        left = attempts_left(quiz=attempt.quiz, user=request.user, token=token) if owner else None
        can_retake = owner and left != 0 and not attempt.quiz.is_archived
    return render(
        request,
        "quiz/attempt_detail.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "answers": answers,
            "owner": owner,
            "can_retake": can_retake,
            "rules": rules,
            "correct_count": sum(a.is_correct for a in answers),
        },
    )


def _is_owner(attempt, user, token) -> bool:
    if attempt.user_id is not None:
        return user.is_authenticated and user.pk == attempt.user_id
    return bool(token) and attempt.anonymous_owner == token


@login_required
def my_attempts(request):
    attempts = (
        Attempt.objects.filter(user=request.user)
        .submitted()
        .select_related("quiz")
        .order_by("submitted_at")
    )
    by_quiz = defaultdict(list)
    for attempt in attempts:
        by_quiz[attempt.quiz].append(attempt)
    groups = [
        {"quiz": quiz, "attempts": items, "best": max((a.percent or 0) for a in items)}
        for quiz, items in sorted(
            by_quiz.items(), key=lambda kv: kv[1][-1].submitted_at, reverse=True
        )
    ]
    return render(request, "quiz/my_attempts.html", {"groups": groups})


def _teacher_quiz(request, slug) -> Quiz:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not is_teacher(request.user):
        raise PermissionDenied
    return get_object_or_404(Quiz, slug=slug)


def quiz_stats_view(request, slug):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    quiz = _teacher_quiz(request, slug)
    all_attempts = request.GET.get("attempts") == "all"
    return render(
        request,
        "quiz/quiz_stats.html",
        {"quiz": quiz, "stats": quiz_stats(quiz, all_attempts=all_attempts)},
    )


def quiz_attempts_csv(request, slug):
    quiz = _teacher_quiz(request, slug)
    attempts = list(
        Attempt.objects.for_stats()
        .filter(quiz=quiz)
        .select_related("user")
        .order_by("submitted_at")
    )
    questions = list(quiz.questions.all())
    points = defaultdict(dict)
    for attempt_id, question_id, value in Answer.objects.filter(attempt__in=attempts).values_list(
        "attempt_id", "question_id", "points"
    ):
        points[attempt_id][question_id] = value
    seen = set()
    # French: French Excel's format (BOM, ";", decimal comma), headers and yes/no in French.
    fmt = csv_format(get_language())
    response, writer = csv_response(f"{quiz.slug}-attempts.csv", fmt)
    yes, no = pgettext("CSV", "yes"), pgettext("CSV", "no")
    writer.writerow(
        [
            pgettext("CSV column", "attempt"),
            pgettext("CSV column", "user"),
            pgettext("CSV column", "started_at"),
            pgettext("CSV column", "submitted_at"),
            pgettext("CSV column", "score"),
            pgettext("CSV column", "max_score"),
            pgettext("CSV column", "percent"),
            pgettext("CSV column", "passed"),
            pgettext("CSV column", "first_attempt"),
        ]
        + [f"Q{n} ({q.pk})" for n, q in enumerate(questions, start=1)]
    )
    for a in attempts:
        owner = ("u", a.user_id) if a.user_id else ("a", a.anonymous_owner or a.pk)
        first = owner not in seen
        seen.add(owner)
        writer.writerow(
            [
                a.public_id,
                safe_cell(a.user.get_username() if a.user else pgettext("CSV", "anonymous")),
                a.started_at.isoformat(),
                a.submitted_at.isoformat(),
                fmt.number(a.score),
                fmt.number(a.max_score),
                fmt.number(a.percent, 1),
                yes if a.passed else no,
                yes if first else no,
            ]
            + [fmt.number(points[a.pk].get(q.pk, "")) for q in questions]
        )
    return response


def signup(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "quiz:my-attempts")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Accounts from one address are budgeted (THROTTLE_SIGNUPS); only a valid form counts.
        wait = throttle_wait(request, SignupThrottle)
        if wait is not None:
            form.add_error(None, too_many_message(wait))
            response = render(
                request, "registration/signup.html", {"form": form, "next": next_url}, status=429
            )
            response["Retry-After"] = str(wait)
            return response
        user = form.save()
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(
            request,
            gettext("Welcome, {name}. Your attempts are now kept here.").format(
                name=user.get_username()
            ),
        )
        return redirect(next_url or "quiz:my-attempts")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})
