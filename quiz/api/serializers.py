"""Quiz API serializers. Before submission nothing says which choice is right: no is_correct,
no feedback, no misconception leaves the server until an attempt is graded."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api_relations import (
    RelationField,
    RelationSerializer,
    case_relation,
    simulation_relation,
)
from kb.api.serializers import HtmlUrlField
from kb.models import CaseStudy, Theme
from quiz.models import Answer, Attempt, Choice, Question, Quiz


def POINTS():
    """Points are JSON numbers (up to two decimals, as stored), never strings."""
    return serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )


class PublicChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "text"]


class PublicQuestionSerializer(serializers.ModelSerializer):
    prompt_html = serializers.CharField(read_only=True)
    choices = PublicChoiceSerializer(many=True, read_only=True, source="active_choices")
    points = POINTS()

    class Meta:
        model = Question
        fields = ["id", "type", "title", "prompt", "prompt_html", "points", "unit", "choices"]


class QuizListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:quiz-detail", lookup_field="slug")
    html_url = HtmlUrlField()
    cases = RelationField("case", many=True, read_only=True)
    themes = RelationField("theme", many=True, read_only=True)
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Quiz
        fields = [
            "slug",
            "title",
            "description",
            "cases",
            "themes",
            "question_count",
            "pass_mark",
            "feedback_timing",
            "attempts_allowed",
            "is_published",
            "updated_at",
            "url",
            "html_url",
        ]


class QuizDetailSerializer(QuizListSerializer):
    description_html = serializers.CharField(read_only=True)
    questions = PublicQuestionSerializer(many=True, read_only=True, source="active_questions_list")
    attempts_url = serializers.HyperlinkedIdentityField(
        view_name="api:quiz-attempts", lookup_field="slug"
    )

    class Meta(QuizListSerializer.Meta):
        fields = [*QuizListSerializer.Meta.fields, "description_html", "questions", "attempts_url"]


def quiz_detail_queryset(queryset):
    """Questions (active, in order) and their choices in a fixed number of queries."""
    return queryset.prefetch_related(
        "cases",
        "themes",
        Prefetch(
            "questions",
            queryset=Question.objects.filter(is_archived=False)
            .order_by("order", "id")
            .prefetch_related(
                Prefetch(
                    "choices",
                    queryset=Choice.objects.order_by("order", "id"),
                    to_attr="active_choices",
                )
            ),
            to_attr="active_questions_list",
        ),
    )


class QuizWriteSerializer(serializers.ModelSerializer):
    """Teachers' writes to a quiz's settings (questions are edited in the admin or by GIFT)."""

    cases = RelationField("case", many=True, queryset=CaseStudy.objects.all(), required=False)
    themes = RelationField("theme", many=True, queryset=Theme.objects.all(), required=False)
    url = serializers.HyperlinkedIdentityField(view_name="api:quiz-detail", lookup_field="slug")
    html_url = HtmlUrlField()

    class Meta:
        model = Quiz
        fields = [
            "slug",
            "title",
            "description",
            "cases",
            "themes",
            "is_published",
            "question_order",
            "shuffle_choices",
            "pass_mark",
            "feedback_timing",
            "attempts_allowed",
            "url",
            "html_url",
        ]

    def validate(self, attrs):
        instance = Quiz(**{k: v for k, v in attrs.items() if k not in ("cases", "themes")})
        if self.instance is not None:
            instance = self.instance
            for key, value in attrs.items():
                if key not in ("cases", "themes"):
                    setattr(instance, key, value)
        instance.clean()  # Django ValidationError → 400 through config.api
        return attrs


class AttemptInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        allow_empty=True,
        help_text=(
            "Question id → a list of choice ids (choice questions) or a number (numeric), e.g. "
            '{"12": [40], "13": [41, 43], "14": 237600}. Missing questions count as unanswered.'
        ),
    )
    assignment = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=(
            "A class assignment of this quiz (its id, from POST /api/v1/classes/<code>/join/): "
            "the attempt counts for the class. The caller must be a member (session or "
            "account) and the assignment open; the result then shows only what the "
            "assignment's review options allow now (hidden values are null or empty)."
        ),
    )


class AnswerResultSerializer(serializers.ModelSerializer):
    question = serializers.IntegerField(source="question_id")
    given = serializers.CharField(source="given_text")
    chosen = serializers.SerializerMethodField()
    general_feedback_html = serializers.CharField(source="question.general_feedback_html")
    points = POINTS()
    max_points = POINTS()
    case = serializers.SerializerMethodField()
    simulation = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = [
            "question",
            "position",
            "question_text",
            "is_answered",
            "given",
            "number",
            "chosen",
            "is_correct",
            "points",
            "max_points",
            "right_answer_text",
            "general_feedback_html",
            "case",
            "simulation",
        ]

    def get_chosen(self, answer) -> list[dict]:
        return [
            {
                "choice": link.choice_id,
                "text": link.choice_text,
                "was_correct": link.was_correct,
                "feedback_html": link.choice.feedback_html,
                "misconception": "" if link.was_correct else link.choice.misconception,
            }
            for link in answer.answer_choices.all()
        ]

    @extend_schema_field(RelationSerializer(allow_null=True))
    def get_case(self, answer) -> dict | None:
        case = answer.question.published_case
        if case is None:
            return None
        return case_relation(case, self.context.get("request"))

    @extend_schema_field(RelationSerializer(allow_null=True))
    def get_simulation(self, answer) -> dict | None:
        """The question's simulation; ``html_url`` opens its page on the question's preset."""
        question = answer.question
        if not question.simulation:
            return None
        return simulation_relation(
            question.simulation,
            question.simulation_title,
            self.context.get("request"),
            preset=question.preset,
        )


class AttemptResultSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    quiz = RelationField("quiz", read_only=True)
    score = POINTS()
    max_score = POINTS()
    percent = serializers.SerializerMethodField()
    passed = serializers.BooleanField(read_only=True, allow_null=True)
    answers = AnswerResultSerializer(many=True, read_only=True, source="result_answers")
    url = serializers.HyperlinkedIdentityField(
        view_name="api:attempt-detail", lookup_field="public_id", lookup_url_kwarg="public_id"
    )
    html_url = HtmlUrlField()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "quiz",
            "started_at",
            "submitted_at",
            "score",
            "max_score",
            "percent",
            "passed",
            "answers",
            "url",
            "html_url",
        ]

    def get_percent(self, attempt) -> float | None:
        """score / max_score × 100, rounded to one decimal (null before grading)."""
        percent = attempt.percent
        return None if percent is None else round(percent, 1)


class AttemptSummarySerializer(AttemptResultSerializer):
    class Meta(AttemptResultSerializer.Meta):
        fields = [f for f in AttemptResultSerializer.Meta.fields if f != "answers"]
