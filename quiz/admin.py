"""The teachers' quiz editor: quizzes with their questions, questions with their choices,
attempts (read only), GIFT/Aiken upload and export, links to preview and statistics.

Quizzes, questions and choices are edited in French and English side by side
(django-modeltranslation's admin classes: each translated field shows as its `_fr` and `_en`
columns, French required); a GIFT/Aiken file is imported into the language the teacher picks.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from config import history
from config.history_admin import ContentHistoryAdmin, PartHistoryAdmin
from kb.admin import DeclaredFieldsetsAdmin, FirstErrorAdminMixin
from kb.forms import AppendOrderFormSet

from .forms import QuestionAdminForm, QuestionFileForm
from .gift import export_gift
from .lint import TF_TRUE_RANGE, lint, percent
from .models import Answer, Attempt, Choice, Question, QuestionType, Quiz, choice_errors
from .services import ImportFailed, import_language, import_questions

QUIZ_HAS_ATTEMPTS = _(
    "{n} attempt(s) use this quiz: deleting it would lose students' results. "
    "Archive it instead (tick “Archived” on the quiz): it disappears for students, results stay."
)
QUESTION_HAS_ANSWERS = _(
    "{n} answer(s) were given to this question: deleting it would lose students' results. "
    "Archive it instead (tick “Archived” on the question): new attempts leave it out."
)


class QuestionImportForm(QuestionFileForm):
    """The upload form, with the language the file is written in."""

    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        label=gettext_lazy("Language of the file"),
        help_text=gettext_lazy(
            "The file's questions, choices and feedback go into this language's fields "
            "(default: the language you are using the admin in). The other language stays "
            "empty: students reading it see this text, marked as not translated, until you "
            "translate each question on its page."
        ),
    )

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language
        self.default_language = language

    def clean_language(self):
        return self.cleaned_data.get("language") or self.default_language


class ChoiceForm(forms.ModelForm):
    """A choice's row, with its translated fields side by side. `Choice.clean` names the plain
    field (`misconception`); its error goes to the translated column that has a value."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            for name in [n for n in errors.error_dict if n not in self.fields and n != "__all__"]:
                columns = [f"{name}_{code}" for code, _name in settings.LANGUAGES]
                columns = [c for c in columns if c in self.fields]
                filled = [c for c in columns if (self.cleaned_data or {}).get(c)]
                target = (filled or columns or ["__all__"])[0]
                errors.error_dict.setdefault(target, []).extend(errors.error_dict.pop(name))
        super()._update_errors(errors)


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["order", "summary", "type", "points", "is_archived"]
    readonly_fields = ["summary", "type"]
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["order", "id"]

    def has_add_permission(self, request, obj=None):
        return False  # questions are added on their own page, where their choices are checked

    @admin.display(description=_("question"))
    def summary(self, obj):
        return str(obj)


@admin.register(Quiz)
class QuizAdmin(FirstErrorAdminMixin, ContentHistoryAdmin, DeclaredFieldsetsAdmin):
    list_display = [
        "title",
        "is_published",
        "is_archived",
        "question_total",
        "attempt_total",
        "links",
    ]
    list_filter = ["is_published", "is_archived", "feedback_timing"]
    search_fields = ["title_fr", "title_en", "slug", "description_fr", "description_en"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["cases", "themes"]
    readonly_fields = ["links", "quality_checks"]
    inlines = [QuestionInline]

    class Media:
        css = {"all": ["kb/admin/admin.css"]}

    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "links"]}),
        (_("Quality checks"), {"fields": ["quality_checks"]}),
        (_("Cases and themes"), {"fields": ["cases", "themes"]}),
        (
            _("How students take it"),
            {
                "fields": [
                    "is_published",
                    "question_order",
                    "shuffle_choices",
                    "feedback_timing",
                    "pass_mark",
                    "attempts_allowed",
                    "is_archived",
                ]
            },
        ),
    ]

    @admin.display(description=_("questions"))
    def question_total(self, obj):
        return obj.active_question_total

    @admin.display(description=_("attempts"), ordering="submitted_attempts")
    def attempt_total(self, obj):
        """Submitted attempts that count in the statistics (not teachers' previews)."""
        n = obj.submitted_attempts or 0
        if not n:
            return 0
        return format_html('<a href="{}">{}</a>', reverse("quiz:stats", args=[obj.slug]), n)

    def get_queryset(self, request):
        from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
        from django.db.models.functions import Coalesce

        # One query for the list: the attempts are counted in a subquery (a second Count over
        # another join would multiply the question count).
        attempts = (
            Attempt.objects.for_stats()
            .filter(quiz=OuterRef("pk"))
            .order_by()
            .values("quiz")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_question_total=Count("questions", filter=Q(questions__is_archived=False)),
                submitted_attempts=Coalesce(Subquery(attempts, output_field=IntegerField()), 0),
            )
        )

    @admin.display(description=_("preview and tools"))
    def links(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the quiz first; then add questions, preview it and see its statistics.")
        items = [
            (
                obj.get_absolute_url(),
                _("Preview as a student") if not obj.is_published else _("View on site"),
            ),
            (reverse("quiz:stats", args=[obj.slug]), _("Statistics")),
            (reverse("admin:quiz_question_add") + f"?quiz={obj.pk}", _("Add a question")),
            (reverse("admin:quiz_quiz_import", args=[obj.pk]), _("Import GIFT/Aiken")),
            (reverse("admin:quiz_quiz_export", args=[obj.pk]), _("Export GIFT")),
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', items)

    @admin.display(description=_("what to fix"))
    def quality_checks(self, obj):
        """The lint_quizzes report for this quiz (quiz.lint), each issue linked to its question."""
        if obj is None or obj.pk is None:
            return _("Save the quiz first; its questions are then checked here.")
        report = lint(Quiz.objects.filter(pk=obj.pk))
        quiz_report = report.quizzes[0]
        items = [
            {
                "issue": issue,
                "url": reverse("admin:quiz_question_change", args=[issue.question_id])
                if issue.question_id is not None
                else "",
            }
            for issue in quiz_report.issues
        ]
        context = {
            "report": quiz_report,
            "items": items,
            "errors": len(quiz_report.errors),
            "warnings": len(quiz_report.warnings),
            "live": quiz_report.is_live,
            "site": report,
            "tf_low": percent(TF_TRUE_RANGE[0]),
            "tf_high": percent(TF_TRUE_RANGE[1]),
        }
        return render_to_string("quiz/admin/lint_report.html", context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="quiz_quiz_import",
            ),
            path(
                "<int:pk>/export.gift",
                self.admin_site.admin_view(self.export_view),
                name="quiz_quiz_export",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, pk):
        quiz = get_object_or_404(Quiz, pk=pk)
        if not (
            self.has_change_permission(request, quiz) and request.user.has_perm("quiz.add_question")
        ):
            raise PermissionDenied
        form = QuestionImportForm(
            request.POST or None, request.FILES or None, language=import_language()
        )
        errors = []
        if request.method == "POST" and form.is_valid():
            history.ensure_baseline(quiz)
            try:
                saved = import_questions(
                    quiz=quiz,
                    text=form.cleaned_data["file"],
                    fmt=form.cleaned_data["format"],
                    user=request.user,
                    language=form.cleaned_data["language"],
                )
            except ImportFailed as exc:
                errors = exc.errors
            else:
                history.record_version(quiz, user=request.user)
                messages.success(
                    request,
                    ngettext(
                        "Imported {n} question into “{quiz}”.",
                        "Imported {n} questions into “{quiz}”.",
                        len(saved),
                    ).format(n=len(saved), quiz=quiz),
                )
                return redirect("admin:quiz_quiz_change", quiz.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import questions into “{quiz}”").format(quiz=quiz),
            "quiz": quiz,
            "form": form,
            "import_errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "quiz/admin/import_questions.html", context)

    def export_view(self, request, pk):
        quiz = get_object_or_404(Quiz, pk=pk)
        if not self.has_view_permission(request, quiz):
            raise PermissionDenied
        response = HttpResponse(export_gift(quiz), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{quiz.slug}.gift.txt"'
        return response

    def get_deleted_objects(self, objs, request):
        n = Attempt.objects.filter(quiz__in=objs).count()
        if n:
            return [], {}, set(), [QUIZ_HAS_ATTEMPTS.format(n=n)]
        return super().get_deleted_objects(objs, request)


class ChoiceFormSet(AppendOrderFormSet):
    """The rules on a question's choices, checked together with the question being saved.
    A choice whose order is left empty goes after the others, in the order typed."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        flags = [
            form.cleaned_data.get("is_correct", False)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = choice_errors(self.instance.type, flags)
        if errors:
            raise ValidationError(errors)


class ChoiceInline(TranslationStackedInline):
    """Each choice a compact block, French beside English: the table of nine columns it replaces
    overflowed 1280 px (misconception and delete off screen)."""

    model = Choice
    form = ChoiceForm
    formset = ChoiceFormSet
    fields = [
        ("text_fr", "text_en"),
        ("is_correct", "order"),
        "feedback_fr",
        "feedback_en",
        "misconception_fr",
        "misconception_en",
    ]
    extra = 0
    ordering = ["order", "id"]
    classes = ["choices-inline"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name.startswith("feedback"):
            field.widget.attrs.update({"rows": 2, "class": "choice-feedback"})
        return field

    def get_extra(self, request, obj=None, **kwargs):
        return 4 if obj is None else 1


def question_preview(data) -> dict:
    """What the preview template needs, from a posted question form (language: the active one,
    else the other filled one)."""
    from django.utils.translation import get_language

    from kb.markdown import render_markdown
    from kb.views import PREVIEW_MAX_CHARS

    from .models import QUESTION_MAX_CHOICES

    languages = [code for code, _name in settings.LANGUAGES]
    active = (get_language() or languages[0])[:2]
    order = [active] + [code for code in languages if code != active]

    def text(name):
        for code in order:
            value = (data.get(f"{name}_{code}") or "").strip()
            if value:
                return value[:PREVIEW_MAX_CHARS]
        return ""

    qtype = data.get("type") or QuestionType.SINGLE
    choices = []
    if qtype != QuestionType.NUMERIC:
        try:
            total = min(int(data.get("choices-TOTAL_FORMS", 0)), 100)
        except ValueError:
            total = 0
        rows = []
        for i in range(total):
            prefix = f"choices-{i}"
            label = text(f"{prefix}-text")
            if not label or data.get(f"{prefix}-DELETE"):
                continue
            try:
                position = int(data.get(f"{prefix}-order") or 10**6 + i)
            except ValueError:
                position = 10**6 + i
            rows.append((position, i, label))
        choices = [label for _p, _i, label in sorted(rows)][:QUESTION_MAX_CHOICES]
    return {
        "type": qtype,
        "prompt_html": mark_safe(render_markdown(text("prompt"))),  # sanitised (nh3)
        "choices": choices,
        "unit": text("unit"),
        "points": data.get("points") or "1",
        "input": "radio" if qtype != QuestionType.MULTIPLE else "checkbox",
    }


TYPE_NOTE = _(
    "Fill in only what the question's type needs: choices for single choice, multiple choice "
    "and true/false; “All or nothing” for multiple choice; value, tolerance and unit for "
    "numeric. (With JavaScript, the other fields are hidden.)"
)


@admin.register(Question)
class QuestionAdmin(
    FirstErrorAdminMixin, PartHistoryAdmin, SimpleHistoryAdmin, DeclaredFieldsetsAdmin
):
    history_unit = "quiz"
    form = QuestionAdminForm
    list_display = ["__str__", "quiz", "type", "points", "order", "is_archived"]
    list_filter = ["quiz", "type", "is_archived"]
    list_select_related = ["quiz"]
    search_fields = [
        "prompt_fr",
        "prompt_en",
        "title_fr",
        "title_en",
        "choices__text_fr",
        "choices__text_en",
    ]
    autocomplete_fields = []
    inlines = [ChoiceInline]
    fieldsets = [
        (
            None,
            {
                "fields": ["quiz", "type", "title", "prompt", "points", "order", "is_archived"],
                "description": TYPE_NOTE,
                "classes": ["question-main"],
            },
        ),
        (_("Quality checks"), {"fields": ["quality_checks"]}),
        (
            _("Multiple choice"),
            {"fields": ["all_or_nothing"], "classes": ["question-type-only", "for-multiple"]},
        ),
        (
            _("Numeric"),
            {
                "fields": ["numeric_value", "numeric_tolerance", "unit"],
                "classes": ["question-type-only", "for-numeric"],
            },
        ),
        (_("Feedback and links"), {"fields": ["general_feedback", "case", "simulation", "preset"]}),
    ]
    readonly_fields = ["quality_checks"]

    class Media:
        js = ["kb/admin/markdown-preview.js", "quiz/admin-question.js"]
        css = {"all": ["kb/admin/admin.css", "quiz/admin-question.css"]}

    @admin.display(description=_("what to fix"))
    def quality_checks(self, obj):
        """This question's issues from the quiz's lint_quizzes report (quiz.lint)."""
        if obj is None or obj.pk is None:
            return _("Save the question first; it is then checked here.")
        report = lint(Quiz.objects.filter(pk=obj.quiz_id), site=False).quizzes[0]
        context = {
            "archived": obj.is_archived,
            "issues": [i for i in report.issues if i.question_id == obj.pk],
            "quiz_url": reverse("admin:quiz_quiz_change", args=[obj.quiz_id]) + "#quality-checks",
        }
        return render_to_string("quiz/admin/question_lint.html", context)

    def get_urls(self):
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="quiz_question_preview",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        context["preview_url"] = reverse("admin:quiz_question_preview")
        return super().render_change_form(request, context, *args, **kwargs)

    def preview_view(self, request):
        """The question as a student sees it, from the form's unsaved fields (POST, staff).

        Read only: nothing is saved. Bounded like the Markdown preview: each text is cut at
        PREVIEW_MAX_CHARS and at most QUESTION_MAX_CHOICES choices are rendered."""
        if request.method != "POST":
            return HttpResponse(status=405, headers={"Allow": "POST"})
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        return TemplateResponse(
            request, "quiz/admin/question_preview.html", question_preview(request.POST)
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("type", QuestionType.SINGLE)
        quiz_id = str(initial.get("quiz", ""))
        if quiz_id.isdigit():  # a new question goes after the quiz's last one
            last = Question.objects.filter(quiz_id=int(quiz_id)).order_by("-order").first()
            initial.setdefault("order", (last.order + 10) if last else 0)
        return initial

    def get_deleted_objects(self, objs, request):
        n = Answer.objects.filter(question__in=objs).count()
        if n:
            return [], {}, set(), [QUESTION_HAS_ANSWERS.format(n=n)]
        return super().get_deleted_objects(objs, request)


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = [
        "position",
        "question_text",
        "given",
        "is_correct",
        "points",
        "max_points",
        "right_answer_text",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("answer_choices")

    @admin.display(description=_("answer given"))
    def given(self, obj):
        return obj.given_text or "—"


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = [
        "public_id",
        "quiz",
        "owner",
        "submitted_at",
        "score",
        "max_score",
        "is_preview",
    ]
    list_filter = ["quiz", "is_preview", ("submitted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["quiz", "user"]
    search_fields = ["public_id", "user__username", "quiz__title"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "public_id",
        "quiz",
        "user",
        "seed",
        "is_preview",
        "started_at",
        "submitted_at",
        "score",
        "max_score",
        "result_link",
    ]
    exclude = ["anonymous_owner"]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("student"))
    def owner(self, obj):
        return obj.user.get_username() if obj.user else _("anonymous")

    @admin.display(description=_("result page"))
    def result_link(self, obj):
        if not obj.is_submitted:
            return _("Not submitted yet.")
        return format_html(
            '<a href="{}">{}</a>',
            obj.get_absolute_url(),
            _("Open the result as the student sees it"),
        )
