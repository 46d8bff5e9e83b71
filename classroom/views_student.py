"""The student's side of a class: joining (/join/, /join/<code>/), the class page (/class/<code>/)
and starting an assignment (which then runs through the quiz's own page).

Everything works without JavaScript: plain forms and links.
"""

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from quiz.models import Attempt

from . import assignments, live
from .joining import JoinRefused, join_class
from .models import CODE_LENGTH, NICKNAME_MAX_LENGTH, Assignment, Classroom, normalise_code
from .services import member_in_session, my_classes


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Class code"),
        max_length=40,  # typed with spaces or dashes: normalised before the look-up
        help_text=format_lazy(
            _("The {n} letters and digits your teacher shows (case does not matter)."),
            n=CODE_LENGTH,
        ),
    )
    nickname = forms.CharField(
        label=_("Your nickname"),
        max_length=NICKNAME_MAX_LENGTH,
        required=False,  # checked by the join service, with its own message
        help_text=_("What your teacher sees. No e-mail, no account needed."),
    )


def _class_url(classroom) -> str:
    return reverse("classroom:class", kwargs={"code": classroom.code})


def _landing_url(classroom) -> str:
    """Where a student goes on joining: the live check-in while one is running (the projector
    shows the join QR code in its lobby), else the class page."""
    if live.running(classroom) is not None:
        return reverse("classroom:live-student", kwargs={"code": classroom.code})
    return _class_url(classroom)


def _join_page(request, form, classroom=None, status=200):
    return render(
        request,
        "classroom/student/join.html",
        {"form": form, "classroom": classroom, "my_classes": my_classes(request)},
        status=status,
    )


def _post_join(request, form, classroom=None):
    if not form.is_valid():
        return _join_page(request, form, classroom, status=400)
    try:
        classroom, member, created = join_class(
            request, classroom or form.cleaned_data["code"], form.cleaned_data["nickname"]
        )
    except JoinRefused as exc:
        form.add_error(exc.field, exc.message)
        response = _join_page(request, form, classroom, status=exc.status)
        if exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response
    return HttpResponseRedirect(_landing_url(classroom))


@never_cache
def join(request):
    """Type the code and a nickname."""
    if request.method == "POST":
        return _post_join(request, JoinForm(request.POST))
    initial = {"code": request.GET.get("code", "")[:40]}
    return _join_page(request, JoinForm(initial=initial))


@never_cache
def join_code(request, code):
    """From the QR code or the link: the code is known, a nickname is all that is asked."""
    classroom = Classroom.objects.filter(code=normalise_code(code)).first()
    if classroom is None:
        form = JoinForm(initial={"code": code[:40]})
        return _join_page(request, form, status=404)
    if member_in_session(classroom, request.session, request.user) is not None:
        return redirect(_landing_url(classroom))
    if request.method == "POST":
        data = request.POST.copy()
        data["code"] = classroom.code
        return _post_join(request, JoinForm(data), classroom)
    return _join_page(request, JoinForm(initial={"code": classroom.code}), classroom)


@never_cache
def class_page(request, code):
    """The student's class: what is due, what opens later, what is closed (with the score when
    the review options show it). A visitor who is not a member gets the join form."""
    if code != normalise_code(code):
        return redirect("classroom:class", code=normalise_code(code))
    classroom = Classroom.objects.filter(code=code).first()
    member = (
        member_in_session(classroom, request.session, request.user)
        if classroom is not None
        else None
    )
    if member is None:
        return redirect("classroom:join-code", code=code)
    now = timezone.now()
    items = list(classroom.assignments.select_related("quiz").order_by("closes_at", "pk"))
    attempts: dict[int, list] = {a.pk: [] for a in items}
    for attempt in Attempt.objects.filter(
        class_link__member=member, class_link__assignment__in=items
    ).select_related("class_link"):
        attempts[attempt.class_link.assignment_id].append(attempt)
    rows = [assignments.student_view(a, member, attempts[a.pk], now) for a in items]
    return render(
        request,
        "classroom/student/class.html",
        {
            "classroom": classroom,
            "member": member,
            "due": [r for r in rows if r["assignment"].is_open(now)],
            "upcoming": [r for r in rows if now < r["assignment"].opens_at],
            "closed": [r for r in rows if r["assignment"].is_closed(now)][::-1],
            "zone": assignments.zone_name(),
            "live_session": live.running(classroom),
        },
    )


@never_cache
@require_POST
def start_assignment(request, code, pk):
    """Start (or resume) the student's attempt, then take it on the quiz's page."""
    classroom = get_object_or_404(Classroom, code=code)
    member = member_in_session(classroom, request.session, request.user)
    if member is None:
        return redirect("classroom:join-code", code=code)
    assignment = get_object_or_404(
        Assignment.objects.select_related("quiz"), pk=pk, classroom=classroom
    )
    try:
        attempt = assignments.start(assignment, member, user=request.user, session=request.session)
    except assignments.AssignmentRefused as exc:
        from django.contrib import messages

        messages.warning(request, exc.message)
        return redirect(_class_url(classroom))
    url = reverse("quiz:quiz-detail", kwargs={"slug": assignment.quiz.slug})
    return redirect(f"{url}?{urlencode({'attempt': attempt.public_id})}")
