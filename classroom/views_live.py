"""The live check-in's pages: the projector (/teach/live/<id>/, the class's teachers only) and the
student's phone (/class/<code>/live/, the class's members only), each with a small JSON state
that static/classroom/live.js polls. Every button is a POST form that works without JavaScript.

Budgets (anything a visitor can trigger):
- polls of state.json: LIVE_POLLS_PER_MINUTE per member (a phone polling every 2 s uses 30),
  counted in the default cache (per process, or Redis when REDIS_URL is set) so that a poll
  never writes to the database; a request from someone who is not a member is refused after
  two queries and counted per address (LIVE_REFUSALS_PER_MINUTE);
- answers: once per member and question (the database's unique constraint), a JSON body of at
  most LIVE_MAX_BODY_BYTES.
"""

from __future__ import annotations

import json
import time

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from config.clients import client_ip
from quiz.models import Question, Quiz

from . import live
from .models import Classroom, LiveSession, LiveState, Member, normalise_code
from .services import SESSION_MEMBERS_KEY

LIVE_POLLS_PER_MINUTE = 120
LIVE_REFUSALS_PER_MINUTE = 60
LIVE_MAX_BODY_BYTES = 2048


# --- Budgets -------------------------------------------------------------------------------------


def _within(key: str, per_minute: int) -> bool:
    """A fixed one-minute window counter in the default cache (no database write)."""
    window = int(time.time() // 60)
    full = f"live:{key}:{window}"
    if cache.add(full, 1, timeout=70):
        return True
    try:
        return cache.incr(full) <= per_minute
    except ValueError:  # expired between add and incr
        cache.add(full, 1, timeout=70)
        return True


def _too_many():
    response = JsonResponse({"detail": _("Too many requests: please wait a minute.")}, status=429)
    response["Retry-After"] = "60"
    return response


# --- Who is asking -------------------------------------------------------------------------------


def _member(request, code: str) -> Member | None:
    """This browser's member of the class `code` (one query), or None."""
    code = normalise_code(code)
    member_id = (request.session.get(SESSION_MEMBERS_KEY) or {}).get(code)
    if member_id:
        member = (
            Member.objects.select_related("classroom")
            .filter(pk=member_id, classroom__code=code)
            .first()
        )
        if member is not None:
            return member
    user = request.user
    if user.is_authenticated:
        return (
            Member.objects.select_related("classroom")
            .filter(classroom__code=code, user=user)
            .first()
        )
    return None


def _join_url(code: str) -> str:
    """The join form for the class (the student part's URL, /join/<code>/)."""
    for name in ("classroom:join-code", "classroom:join"):
        try:
            return reverse(name, kwargs={"code": code})
        except Exception:  # noqa: BLE001 — the student part may name it otherwise
            continue
    live_url = reverse("classroom:live-student", kwargs={"code": code})
    return live_url.replace(f"class/{code}/live/", f"join/{code}/")


def _latest_session(classroom_id: int) -> LiveSession | None:
    return LiveSession.objects.filter(classroom_id=classroom_id).order_by("-pk").first()


def _teacher_session(request, pk: int) -> LiveSession:
    session = get_object_or_404(LiveSession.objects.select_related("classroom", "quiz"), pk=pk)
    if not session.classroom.is_teacher(request.user):
        raise Http404
    return session


# --- Teacher: start, projector, steps ------------------------------------------------------------


@require_POST
def live_start(request, code):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    classroom = Classroom.objects.filter(code=normalise_code(code)).first()
    if classroom is None or not classroom.is_teacher(request.user):
        raise Http404
    quiz = Quiz.objects.visible_to(request.user).filter(pk=request.POST.get("quiz") or 0).first()
    back = request.POST.get("next") or ""
    if quiz is None:
        messages.error(request, _("Choose a quiz for the live check-in."))
        return HttpResponseRedirect(back if back.startswith("/") else reverse("kb:home"))
    try:
        session = live.start(classroom, quiz, user=request.user)
    except live.LiveError as error:
        messages.error(request, str(error.message))
        return HttpResponseRedirect(back if back.startswith("/") else reverse("kb:home"))
    return redirect("classroom:live-projector", pk=session.pk)


def _question(session: LiveSession) -> Question | None:
    question_id = session.current_question_id
    if question_id is None:
        return None
    return Question.objects.prefetch_related("choices").filter(pk=question_id).first()


def _join_qr(request, classroom: Classroom) -> tuple[str, str]:
    """The lobby's join link and its QR code: the same link as the class page's, without a
    language prefix, so that each phone opens the join page in its own language."""
    from .views_teach import join_url

    url = join_url(request, classroom)
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=8, border=2, dark="#000", light="#fff", omitsize=True)
    return url, mark_safe(svg)  # noqa: S308 — segno's own SVG of our own URL


@never_cache
@require_GET
def projector(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    session = _teacher_session(request, pk)
    classroom = session.classroom
    question = _question(session)
    context = {
        "session": session,
        "classroom": classroom,
        "question": question,
        "members": classroom.members.count(),
        "answers": live.answer_count(session),
        "total": len(session.question_ids),
        "number": session.position + 1,
    }
    if session.state == LiveState.LOBBY:
        context["join_url"], context["qr_svg"] = _join_qr(request, classroom)
    if session.state == LiveState.REVEALED and question is not None:
        context["distribution"] = live.distribution(session, question)
    if session.state == LiveState.FINISHED:
        context["misconceptions"] = live.misconceptions(session)
        context["summary"] = live.summary(session)
        if classroom.show_leaderboard:
            context["leaderboard"] = live.leaderboard(session)
    return render(request, "classroom/live/projector.html", context)


@never_cache
@require_GET
def projector_state(request, pk):
    if not request.user.is_authenticated:
        raise Http404
    session = _teacher_session(request, pk)
    return JsonResponse(
        {
            "revision": session.revision,
            "state": session.state,
            "position": session.position,
            "answers": live.answer_count(session),
            "members": session.classroom.members.count(),
        }
    )


@require_POST
def live_step(request, pk, action):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("classroom:live-projector", kwargs={"pk": pk}))
    session = _teacher_session(request, pk)
    try:
        seen = int(request.POST.get("revision", ""))
    except ValueError:
        seen = None
    try:
        live.step(session, action, seen_revision=seen)
    except live.LiveError as error:
        messages.warning(request, str(error.message))
    return redirect("classroom:live-projector", pk=session.pk)


# --- Student: the phone --------------------------------------------------------------------------


@never_cache
@require_GET
def student_live(request, code):
    member = _member(request, code)
    if member is None:
        messages.info(request, _("Join the class with a nickname to take part in the check-in."))
        return redirect(_join_url(normalise_code(code)))
    session = _latest_session(member.classroom_id)
    context = {
        "member": member,
        "classroom": member.classroom,
        "session": session,
        "poll_token": poll_token(member),
    }
    if session is not None:
        question = _question(session)
        context.update(
            question=question,
            response=live.response_of(session, member),
            total=len(session.question_ids),
            number=session.position + 1,
        )
        if session.state == LiveState.REVEALED and question is not None:
            context["right_answer"] = live.distribution(session, question).right_answer
        if context["response"] is not None and question is not None:
            picked = set(context["response"].choice_ids or [])
            context["picked_choices"] = [c for c in question.choices.all() if c.pk in picked]
    return render(request, "classroom/live/student.html", context)


# The poll's one query (after the session's): this browser's member of the class `code` and
# the class's newest live session. Raw SQL: the ORM's compilation was half the cost of a poll.
POLL_SQL = """
SELECT m.id, s.id, s.revision, s.state, s.position, s.question_ids
FROM classroom_member m
JOIN classroom_classroom c ON c.id = m.classroom_id
LEFT JOIN classroom_livesession s ON s.id = (
    SELECT MAX(s2.id) FROM classroom_livesession s2 WHERE s2.classroom_id = c.id
)
WHERE m.id = %s AND c.code = %s
"""


POLL_TOKEN_SALT = "classroom.live.poll"


def poll_token(member: Member) -> str:
    """What the phone page puts in its state.json address: the member, signed, so that a poll
    needs neither the session nor its database row (it only lets one read the class's state)."""
    return signing.dumps([member.pk, member.classroom.code], salt=POLL_TOKEN_SALT, compress=True)


def _poll_member_id(request, code: str):
    token = request.GET.get("t")
    if token:
        try:
            member_id, token_code = signing.loads(token, salt=POLL_TOKEN_SALT)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return member_id if token_code == code else None
    return (request.session.get(SESSION_MEMBERS_KEY) or {}).get(code)


def _poll_row(request, code: str):
    code = normalise_code(code)
    member_id = _poll_member_id(request, code)
    if member_id:
        with connection.cursor() as cursor:
            cursor.execute(POLL_SQL, [member_id, code])
            row = cursor.fetchone()
        if row is not None:
            return row
    if request.GET.get("t"):
        return None
    member = _member(request, code)  # an account's membership (rare: the slower way)
    if member is None:
        return None
    session = _latest_session(member.classroom_id)
    if session is None:
        return (member.pk, None, None, None, None, None)
    return (
        member.pk,
        session.pk,
        session.revision,
        session.state,
        session.position,
        session.question_ids,
    )


@never_cache
@require_GET
def student_state(request, code):
    row = _poll_row(request, code)
    if row is None:
        if not _within(f"refused:{client_ip(request)}", LIVE_REFUSALS_PER_MINUTE):
            return _too_many()
        return JsonResponse({"detail": _("Not found.")}, status=404)
    member_id, session_id, revision, state, position, question_ids = row
    if not _within(f"poll:{member_id}", LIVE_POLLS_PER_MINUTE):
        return _too_many()
    if session_id is None:
        return JsonResponse({"session": None, "revision": 0, "state": "none"})
    if isinstance(question_ids, str | bytes):
        question_ids = json.loads(question_ids)
    question = None
    if state in (LiveState.QUESTION, LiveState.REVEALED) and 0 <= position < len(question_ids):
        question = question_ids[position]
    return JsonResponse(
        {
            "session": session_id,
            "revision": revision,
            "state": state,
            "position": position,
            "total": len(question_ids),
            "question": question,
        }
    )


def _answer_payload(request) -> tuple[object, object] | None:
    """(question id, raw answer) from a form or a JSON body; None when the body is unreadable."""
    if request.content_type == "application/json":
        if len(request.body) > LIVE_MAX_BODY_BYTES:
            return None
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
        return data.get("question"), data.get("answer")
    choices = request.POST.getlist("choice")
    raw = choices if len(choices) > 1 else (choices[0] if choices else request.POST.get("number"))
    return request.POST.get("question"), raw


@require_POST
def student_answer(request, code):
    wants_json = request.content_type == "application/json"
    member = _member(request, code)
    if member is None:
        if wants_json:
            return JsonResponse({"detail": _("Not found.")}, status=404)
        return redirect(_join_url(normalise_code(code)))
    back = reverse("classroom:live-student", kwargs={"code": member.classroom.code})
    payload = _answer_payload(request)
    status, message, reason = 200, "", ""
    if payload is None:
        status, message = 400, _("The answer could not be read.")
    else:
        session = _latest_session(member.classroom_id)
        try:
            if session is None:
                raise live.LiveError(live.QUESTION_CLOSED)
            live.record_answer(session, member, *payload)
            status, message = 201, _("Answer recorded.")
        except live.AlreadyAnswered as error:
            status, message, reason = 409, str(error.message), "already_answered"
        except live.LiveError as error:
            status, message, reason = 409, str(error.message), "question_closed"
        except ValidationError as error:
            status, message = 400, " ".join(str(m) for m in error.messages)
    if wants_json:
        body = {"detail": message} if status >= 400 else {"message": message}
        if reason:
            body["code"] = reason
        return JsonResponse(body, status=status)
    if status == 201:
        messages.success(request, message)
    else:
        messages.warning(request, message)
    return HttpResponseRedirect(back)
