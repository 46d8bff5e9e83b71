"""Quiz API: quizzes without their answers, submitting graded attempts, a student's attempts."""

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_support import CacheHeadersMixin
from config.throttles import SubmissionThrottle
from quiz import policy
from quiz.models import Attempt, Quiz, answers_for_result, is_teacher
from quiz.services import (
    can_view_attempt,
    get_or_start_attempt,
    owner_token,
    submit_attempt,
)

from . import serializers

# Submissions through the API and through the quiz page spend one budget (config.throttles).
AnonSubmissionThrottle = SubmissionThrottle


@extend_schema_view(
    list=extend_schema(summary="List published quizzes (filter by case and theme slugs)"),
    retrieve=extend_schema(
        summary="A quiz with its questions and choices, without answers or feedback"
    ),
    create=extend_schema(summary="Create a quiz (teachers)"),
    update=extend_schema(summary="Replace a quiz's settings (teachers)"),
    partial_update=extend_schema(summary="Update a quiz's settings (teachers)"),
)
class QuizViewSet(CacheHeadersMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_fields = {"cases__slug": ["exact"], "themes__slug": ["exact"]}
    search_fields = ["title", "description"]
    ordering_fields = ["title", "updated_at"]
    ordering = ["title"]
    # Quizzes with attempts are archived, not deleted.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        queryset = Quiz.objects.visible_to(self.request.user)
        if self.action == "list":
            return queryset.for_listing().distinct()
        if self.action == "retrieve":
            return serializers.quiz_detail_queryset(queryset.for_listing())
        return queryset

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.QuizListSerializer
        if self.action == "retrieve":
            return serializers.QuizDetailSerializer
        return serializers.QuizWriteSerializer

    def get_object(self):
        self._cache_object = super().get_object()
        return self._cache_object


def redact(data: dict, rules: policy.AttemptRules) -> dict:
    """A result without what the attempt's context does not show now (quiz.policy)."""
    if rules.shows_everything:
        return data
    if not rules.score:
        data.update(score=None, max_score=None, percent=None, passed=None)
    for answer in data.get("answers", []):
        if not rules.score:
            answer.update(is_correct=None, points=None)
        if not rules.right_answers:
            answer["right_answer_text"] = ""
        if not rules.feedback:
            answer["general_feedback_html"] = ""
        for chosen in answer["chosen"]:
            if not rules.score:
                chosen["was_correct"] = None
            if not rules.feedback:
                chosen.update(feedback_html="", misconception="")
    return data


def attempt_with_result(attempt_id) -> Attempt:
    attempt = Attempt.objects.select_related("quiz").prefetch_related(
        Prefetch("answers", queryset=answers_for_result(), to_attr="result_answers")
    )
    return attempt.get(pk=attempt_id)


class AttemptSubmitView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AnonSubmissionThrottle]

    @extend_schema(
        summary="Submit answers to a quiz: the graded attempt with feedback",
        description=(
            "Starts an attempt and submits it in one request. Owned by the authenticated user, "
            "or by the caller's session (keep the session cookie to read it again). 400 names "
            "unknown question or choice ids; nothing is stored then."
        ),
        request=serializers.AttemptInputSerializer,
        responses={201: serializers.AttemptResultSerializer},
    )
    def post(self, request, slug):
        quiz = get_object_or_404(Quiz.objects.published(), slug=slug)
        incoming = serializers.AttemptInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        token = None if user else owner_token(request.session, create=True)
        assignment = incoming.validated_data.get("assignment")
        with transaction.atomic():  # one write transaction: start and submit
            if assignment is not None:  # a class assignment's attempt (quiz.policy)
                attempt = policy.start_attempt(quiz=quiz, request=request, assignment=assignment)
                if attempt is None:
                    raise NotFound("No assignment of yours has this id.")
            else:
                attempt = get_or_start_attempt(quiz=quiz, user=user, token=token)
            attempt = submit_attempt(attempt=attempt, answers=incoming.validated_data["answers"])
        data = serializers.AttemptResultSerializer(
            attempt_with_result(attempt.pk), context={"request": request}
        ).data
        return Response(redact(data, policy.rules_for(attempt)), status=status.HTTP_201_CREATED)


class AttemptViewSet(CacheHeadersMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The authenticated student's own submitted attempts."""

    personal = True
    permission_classes = [IsAuthenticated]
    serializer_class = serializers.AttemptSummarySerializer
    filterset_fields = {"quiz__slug": ["exact"]}
    ordering_fields = ["submitted_at", "score"]
    ordering = ["-submitted_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Attempt.objects.none()
        return Attempt.objects.filter(user=self.request.user).submitted().select_related("quiz")

    @extend_schema(summary="My submitted attempts (authenticated students)")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class AttemptDetailView(CacheHeadersMixin, APIView):
    personal = True
    permission_classes = [AllowAny]

    @extend_schema(
        summary="A graded attempt (its owner, by user or session, and teachers)",
        responses=serializers.AttemptResultSerializer,
        parameters=[OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
    )
    def get(self, request, public_id):
        attempt = Attempt.objects.filter(public_id=public_id).first()
        token = owner_token(request.session, create=False)
        if (
            attempt is None
            or attempt.submitted_at is None
            or not can_view_attempt(attempt, user=request.user, token=token)
        ):
            raise NotFound("No submitted attempt of yours has this id.")
        data = serializers.AttemptResultSerializer(
            attempt_with_result(attempt.pk), context={"request": request}
        ).data
        if not is_teacher(request.user):  # what the attempt's context shows its owner now
            data = redact(data, policy.rules_for(attempt))
        return Response(data)
