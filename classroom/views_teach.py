"""The teacher's side of classes, at /teach/: classes, assignments, results, exports, QR code.

Only teachers (the Teachers group's classroom permission) and superusers come in: anyone else
is sent to log in, or gets a 403 page if logged in. A class is found only among the classes the
teacher may see (owner, co-teacher, superuser): any other code is a 404, whoever owns it.
"""

from functools import wraps
from io import BytesIO

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from quiz.models import Attempt

from . import exports
from .forms import (
    ASSIGNMENTS_FULL,
    CLASSES_FULL,
    MAX_ASSIGNMENTS_PER_CLASS,
    MAX_CLASSES_PER_TEACHER,
    AssignmentForm,
    ClassroomForm,
)
from .models import Assignment, Classroom
from .results import (
    Status,
    assignment_results,
    assignment_stats,
    class_guesses,
    class_results,
)
from .services import delete_classroom

LIVE_START_TEMPLATE = "classroom/live/_start_form.html"


def can_teach(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("classroom.view_classroom"))
    )


def teacher_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_teach(request.user):
            return render(request, "classroom/teach/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def teacher_class(request, code) -> Classroom:
    """The class `code` if this teacher may see it; 404 otherwise (whoever owns it)."""
    return get_object_or_404(
        Classroom.objects.visible_to(request.user).select_related("owner"), code=code.upper()
    )


def can_manage(classroom: Classroom, user) -> bool:
    """Renaming, co-teachers and deleting: the owner and superusers (co-teachers run the class)."""
    return user.is_superuser or classroom.owner_id == user.pk


def join_url(request, classroom: Classroom) -> str:
    """The absolute join link, without a language prefix: the student's phone is redirected to
    its own language (LocaleMiddleware), and the QR code stays small."""
    return request.build_absolute_uri(f"/join/{classroom.code}/")


def live_enabled() -> bool:
    try:
        get_template(LIVE_START_TEMPLATE)
    except TemplateDoesNotExist:
        return False
    return True


@teacher_required
@require_http_methods(["GET", "POST"])
def home(request):
    classes = (
        Classroom.objects.visible_to(request.user)
        .select_related("owner")
        .annotate(
            n_members=Count("members", distinct=True),
            n_assignments=Count("assignments", distinct=True),
        )
        .order_by("-created_at")
    )
    form = ClassroomForm(request.POST or None, owner=request.user)
    if request.method == "POST":
        owned = Classroom.objects.filter(owner=request.user).count()
        if owned >= MAX_CLASSES_PER_TEACHER:
            form.add_error(None, CLASSES_FULL % {"n": MAX_CLASSES_PER_TEACHER})
        elif form.is_valid():
            classroom = form.save()
            messages.success(
                request,
                _("Class “%(name)s” created: its join code is %(code)s.")
                % {"name": classroom.name, "code": classroom.code},
            )
            return redirect("classroom:teach-class", code=classroom.code)
    return render(request, "classroom/teach/home.html", {"classes": classes, "form": form})


@teacher_required
def class_detail(request, code):
    classroom = teacher_class(request, code)
    members = list(classroom.members.all())
    results = class_results(classroom)
    context = {
        "classroom": classroom,
        "members": members,
        "results": results,
        "guesses": class_guesses(classroom, members),
        "join_url": join_url(request, classroom),
        "can_manage": can_manage(classroom, request.user),
        "co_teachers": list(classroom.co_teachers.order_by("username")),
        "live_enabled": live_enabled(),
        "Status": Status,
    }
    return render(request, "classroom/teach/class_detail.html", context)


@teacher_required
def class_qr(request, code):
    classroom = teacher_class(request, code)
    url = join_url(request, classroom)
    qr = segno.make(url, error="m")
    buffer = BytesIO()
    qr.save(buffer, kind="svg", scale=8, border=2, dark="#000", light="#fff", title=url)
    # segno writes width and height; a viewBox as well lets the image scale (phone, projector).
    width, height = qr.symbol_size(scale=8, border=2)
    svg = buffer.getvalue().replace(b"<svg ", f'<svg viewBox="0 0 {width} {height}" '.encode(), 1)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@teacher_required
@require_http_methods(["GET", "POST"])
def class_edit(request, code):
    classroom = teacher_class(request, code)
    if not can_manage(classroom, request.user):
        return render(
            request, "classroom/teach/forbidden.html", {"classroom": classroom}, status=403
        )
    form = ClassroomForm(request.POST or None, instance=classroom)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Class saved."))
        return redirect("classroom:teach-class", code=classroom.code)
    return render(
        request, "classroom/teach/class_form.html", {"classroom": classroom, "form": form}
    )


@teacher_required
@require_http_methods(["GET", "POST"])
def class_delete(request, code):
    classroom = teacher_class(request, code)
    if not can_manage(classroom, request.user):
        return render(
            request, "classroom/teach/forbidden.html", {"classroom": classroom}, status=403
        )
    counts = {
        "members": classroom.members.count(),
        "assignments": classroom.assignments.count(),
        "attempts": Attempt.objects.filter(class_link__assignment__classroom=classroom).count(),
        "live_sessions": classroom.live_sessions.count(),
    }
    if request.method == "POST":
        name = classroom.name
        delete_classroom(classroom)
        messages.success(request, _("Class “%(name)s” deleted.") % {"name": name})
        return redirect("classroom:teach-home")
    return render(
        request, "classroom/teach/class_delete.html", {"classroom": classroom, "counts": counts}
    )


def _assignment(classroom, pk) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related("quiz", "classroom"), classroom=classroom, pk=pk
    )


@teacher_required
@require_http_methods(["GET", "POST"])
def assignment_form(request, code, pk=None):
    classroom = teacher_class(request, code)
    assignment = _assignment(classroom, pk) if pk else None
    form = AssignmentForm(request.POST or None, instance=assignment, classroom=classroom)
    if (
        request.method == "POST"
        and assignment is None
        and classroom.assignments.count() >= MAX_ASSIGNMENTS_PER_CLASS
    ):
        form.is_valid()
        form.add_error(None, ASSIGNMENTS_FULL % {"n": MAX_ASSIGNMENTS_PER_CLASS})
    elif request.method == "POST" and form.is_valid():
        assignment = form.save()
        classroom.touch()
        messages.success(request, _("Assignment saved."))
        return redirect(reverse("classroom:teach-class", args=[classroom.code]) + "#assignments")
    return render(
        request,
        "classroom/teach/assignment_form.html",
        {"classroom": classroom, "assignment": assignment, "form": form},
    )


@teacher_required
@require_http_methods(["GET", "POST"])
def assignment_delete(request, code, pk):
    classroom = teacher_class(request, code)
    assignment = _assignment(classroom, pk)
    attempts = Attempt.objects.filter(class_link__assignment=assignment).count()
    if request.method == "POST":
        Attempt.objects.filter(class_link__assignment=assignment).delete()
        assignment.delete()
        messages.success(request, _("Assignment deleted."))
        return redirect(reverse("classroom:teach-class", args=[classroom.code]) + "#assignments")
    return render(
        request,
        "classroom/teach/assignment_delete.html",
        {"classroom": classroom, "assignment": assignment, "attempts": attempts},
    )


@teacher_required
def assignment_detail(request, code, pk):
    classroom = teacher_class(request, code)
    assignment = _assignment(classroom, pk)
    all_attempts = request.GET.get("attempts") == "all"
    return render(
        request,
        "classroom/teach/assignment_detail.html",
        {
            "classroom": classroom,
            "assignment": assignment,
            "results": assignment_results(assignment),
            "stats": assignment_stats(assignment, all_attempts=all_attempts),
            "Status": Status,
        },
    )


@teacher_required
def class_export(request, code, fmt):
    classroom = teacher_class(request, code)
    return exports.respond(exports.class_table(classroom), fmt, f"class-{classroom.code}")


@teacher_required
def assignment_export(request, code, pk, fmt):
    classroom = teacher_class(request, code)
    assignment = _assignment(classroom, pk)
    return exports.respond(
        exports.assignment_table(assignment),
        fmt,
        f"class-{classroom.code}-{assignment.quiz.slug}",
    )
