"""Teachers' forms: a class (name, co-teachers by user name, leaderboard) and an assignment."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.teachers import TEACHERS_GROUP
from quiz.models import Quiz

from .models import Assignment, Classroom

MAX_CO_TEACHERS = 20
MAX_CLASSES_PER_TEACHER = 200  # storage budget: a teacher's classes, all kept until retention
MAX_ASSIGNMENTS_PER_CLASS = 100
ASSIGNMENTS_FULL = _("This class already has %(n)d assignments: delete old ones first.")
CLASSES_FULL = _("You already have %(n)d classes: delete old ones first.")


def teachers():
    """Accounts that may be co-teachers: active members of Teachers, and superusers."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name=TEACHERS_GROUP) | Q(is_superuser=True), is_active=True)
        .distinct()
    )


def resolve_co_teachers(names, *, owner=None) -> list:
    """User names → teacher accounts (ValidationError naming the unknown ones); the owner and
    duplicates dropped. User names match whatever their case when that is unambiguous."""
    wanted = []
    for part in names:
        name = str(part).strip()
        if name and name.lower() not in {n.lower() for n in wanted}:
            wanted.append(name)
    if len(wanted) > MAX_CO_TEACHERS:
        raise forms.ValidationError(_("At most %(n)d co-teachers.") % {"n": MAX_CO_TEACHERS})
    found = {}
    if wanted:
        matches = teachers().filter(
            Q.create([("username__iexact", n) for n in wanted], connector=Q.OR)
        )
        for user in matches:
            found.setdefault(user.get_username().lower(), []).append(user)
    users, missing = [], []
    for name in wanted:
        candidates = found.get(name.lower(), [])
        exact = [u for u in candidates if u.get_username() == name]
        if exact or len(candidates) == 1:
            users.append((exact or candidates)[0])
        else:
            missing.append(name)
    if missing:
        raise forms.ValidationError(
            _("No teacher has the user name %(names)s.")
            % {"names": ", ".join(f"“{n}”" for n in missing)}
        )
    return [u for u in users if owner is None or u.pk != owner.pk]


class ClassroomForm(forms.ModelForm):
    co_teacher_names = forms.CharField(
        label=_("Co-teachers"),
        required=False,
        max_length=1000,
        help_text=_(
            "User names of other teachers who may see and run this class, separated by commas."
        ),
    )

    class Meta:
        model = Classroom
        fields = ["name", "show_leaderboard"]

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner if owner is not None else getattr(self.instance, "owner", None)
        if self.instance.pk:
            self.fields["co_teacher_names"].initial = ", ".join(
                u.get_username() for u in self.instance.co_teachers.order_by("username")
            )
        self.fields["name"].widget.attrs.update({"autocomplete": "off"})

    def clean_co_teacher_names(self):
        raw = self.cleaned_data.get("co_teacher_names") or ""
        return resolve_co_teachers(raw.replace(";", ",").split(","), owner=self.owner)

    def save(self, commit=True):
        classroom = super().save(commit=False)
        if self.owner is not None and not classroom.owner_id:
            classroom.owner = self.owner
        if commit:
            classroom.save()
            classroom.co_teachers.set(self.cleaned_data.get("co_teacher_names") or [])
        return classroom


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


REVIEW_MOMENTS = [
    ("during", _("During the attempt")),
    ("after", _("Right after submitting")),
    ("closed", _("After the close")),
]
REVIEW_ITEMS = [
    ("score", _("Score")),
    ("feedback", _("Feedback on each choice")),
    ("right_answers", _("The right answers")),
]


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
            "quiz",
            "opens_at",
            "closes_at",
            "max_attempts",
            "review_during_feedback",
            "review_during_right_answers",
            "review_after_score",
            "review_after_feedback",
            "review_after_right_answers",
            "review_closed_score",
            "review_closed_feedback",
            "review_closed_right_answers",
        ]
        widgets = {"opens_at": DateTimeLocalInput(), "closes_at": DateTimeLocalInput()}

    def __init__(self, *args, classroom=None, **kwargs):
        super().__init__(*args, **kwargs)
        if classroom is not None:
            self.instance.classroom = classroom
        quizzes = Quiz.objects.published()
        if self.instance.pk:  # keep the assigned quiz even if it was unpublished since
            quizzes = Quiz.objects.filter(Q(pk__in=quizzes) | Q(pk=self.instance.quiz_id))
        self.fields["quiz"].queryset = quizzes.order_by("title")
        self.fields["max_attempts"].widget.attrs.update({"min": 1, "max": 100})
        self.fields["max_attempts"].validators.append(MaxValueValidator(100))
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = [
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%d %H:%M",
            ]
        if not self.instance.pk and not self.is_bound:
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("opens_at", now)
            self.initial.setdefault("closes_at", now + timedelta(days=7))

    def review_grid(self):
        """The review options as Moodle shows them: rows = what, columns = when."""
        rows = []
        for item, item_label in REVIEW_ITEMS:
            cells = []
            for moment, moment_label in REVIEW_MOMENTS:
                name = f"review_{moment}_{item}"
                cells.append(
                    {"field": self[name] if name in self.fields else None, "moment": moment_label}
                )
            rows.append({"label": item_label, "cells": cells})
        return {"moments": [label for _, label in REVIEW_MOMENTS], "rows": rows}

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The assignment must close after it opens."))
        return cleaned
