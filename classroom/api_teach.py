"""Teachers' API for classes: list and create classes, their assignments, their results.

Authenticated teachers only (token or session, like the other authenticated endpoints). A class
is looked up among those the caller may see (owner, co-teacher, superuser): any other code,
whoever owns it, is a 404 in the API's error shape. Nothing here is cached by shared caches
(``Cache-Control: private, no-store``).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.generics import ListCreateAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_relations import RelationField, RelationSerializer, quiz_relation
from config.api_support import CacheHeadersMixin
from quiz.models import Quiz

from .forms import (
    ASSIGNMENTS_FULL,
    CLASSES_FULL,
    MAX_ASSIGNMENTS_PER_CLASS,
    MAX_CLASSES_PER_TEACHER,
    resolve_co_teachers,
)
from .models import Assignment, Classroom
from .results import class_results
from .views_teach import can_teach, join_url

TAGS = ["classes"]


class IsTeacher(BasePermission):
    message = "Only teachers (the Teachers group) may use classes."

    def has_permission(self, request, view):
        return can_teach(request.user)


# --- serializers -------------------------------------------------------------------------------


class UserNamesField(serializers.ListField):
    """A list of user names in and out (the co-teachers' accounts out)."""

    def to_representation(self, data):
        return sorted(u.get_username() for u in data.all())


class ClassroomSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    co_teachers = UserNamesField(
        child=serializers.CharField(max_length=150),
        required=False,
        max_length=50,
        help_text="User names of other teachers who may see and run the class.",
    )
    title = serializers.CharField(
        source="name", max_length=120, help_text="The class's name, as students see it."
    )
    join_url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    students = serializers.IntegerField(source="n_members", read_only=True, default=0)

    class Meta:
        model = Classroom
        fields = [
            "code",
            "title",
            "show_leaderboard",
            "owner",
            "co_teachers",
            "join_url",
            "html_url",
            "students",
            "created_at",
            "last_activity_at",
        ]
        read_only_fields = ["code", "created_at", "last_activity_at"]

    def get_join_url(self, obj) -> str:
        return join_url(self.context["request"], obj)

    def get_html_url(self, obj) -> str:
        """The class's page for its teachers (/teach/classes/<code>/)."""
        return self.context["request"].build_absolute_uri(
            reverse("classroom:teach-class", kwargs={"code": obj.code})
        )

    def validate_co_teachers(self, names):
        try:
            return resolve_co_teachers(names, owner=self.context["request"].user)
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.messages) from None

    def create(self, validated_data):
        co_teachers = validated_data.pop("co_teachers", [])
        classroom = Classroom.objects.create(owner=self.context["request"].user, **validated_data)
        classroom.co_teachers.set(co_teachers)
        return classroom


class AssignmentSerializer(serializers.ModelSerializer):
    quiz = RelationField(
        "quiz",
        queryset=Quiz.objects.published(),
        help_text="A published quiz: its slug when writing, the relation object when reading.",
    )
    max_attempts = serializers.IntegerField(
        min_value=1, max_value=100, allow_null=True, required=False, default=1
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
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
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs):
        if attrs["closes_at"] <= attrs["opens_at"]:
            raise ApiValidationError({"closes_at": ["The assignment must close after it opens."]})
        return attrs


class StudentResultSerializer(serializers.Serializer):
    nickname = serializers.CharField(source="member.nickname")
    status = serializers.ChoiceField(
        choices=["not_started", "in_progress", "submitted", "late"],
        help_text="late: an attempt left open at the close, refused.",
    )
    attempts = serializers.IntegerField(help_text="Submitted attempts.")
    best_percent = serializers.FloatField(allow_null=True)
    best_score = serializers.FloatField(allow_null=True)
    max_score = serializers.FloatField(allow_null=True)
    last_submitted_at = serializers.DateTimeField(allow_null=True)


class AssignmentResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="assignment.pk")
    quiz = serializers.SerializerMethodField()
    opens_at = serializers.DateTimeField(source="assignment.opens_at")
    closes_at = serializers.DateTimeField(source="assignment.closes_at")
    submitted = serializers.IntegerField()
    students = StudentResultSerializer(source="rows", many=True)

    @extend_schema_field(RelationSerializer)
    def get_quiz(self, result) -> dict:
        return quiz_relation(result.assignment.quiz, self.context.get("request"))


class MemberSerializer(serializers.Serializer):
    nickname = serializers.CharField()
    joined_at = serializers.DateTimeField()

    class Meta:
        ref_name = "ClassResultMember"


ResultsSerializer = inline_serializer(
    "ClassResults",
    fields={
        "code": serializers.CharField(),
        "title": serializers.CharField(),
        "members": MemberSerializer(many=True),
        "assignments": AssignmentResultSerializer(many=True),
    },
)


# --- views -------------------------------------------------------------------------------------


class TeacherAPIMixin(CacheHeadersMixin):
    personal = True
    permission_classes = [IsAuthenticated, IsTeacher]

    def get_classroom(self) -> Classroom:
        return get_object_or_404(
            Classroom.objects.visible_to(self.request.user), code=self.kwargs["code"].upper()
        )


class ClassroomListView(TeacherAPIMixin, ListCreateAPIView):
    serializer_class = ClassroomSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Classroom.objects.none()
        return (
            Classroom.objects.visible_to(self.request.user)
            .select_related("owner")
            .prefetch_related("co_teachers")
            .annotate(n_members=Count("members", distinct=True))
            .order_by("-created_at", "pk")
        )

    @extend_schema(tags=TAGS, summary="The classes I teach (own and shared; all for superusers)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Create a class: its join code and join link",
        description=f"At most {MAX_CLASSES_PER_TEACHER} classes per teacher.",
        responses={201: ClassroomSerializer},
    )
    def post(self, request, *args, **kwargs):
        if Classroom.objects.filter(owner=request.user).count() >= MAX_CLASSES_PER_TEACHER:
            raise PermissionDenied(str(CLASSES_FULL % {"n": MAX_CLASSES_PER_TEACHER}))
        return super().post(request, *args, **kwargs)


class AssignmentListView(TeacherAPIMixin, ListCreateAPIView):
    serializer_class = AssignmentSerializer
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return self.get_classroom().assignments.select_related("quiz")

    @extend_schema(tags=TAGS, summary="A class's assignments (its teachers)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Set a quiz to a class with dates, attempts and review options",
        description=f"At most {MAX_ASSIGNMENTS_PER_CLASS} assignments per class.",
        responses={201: AssignmentSerializer},
    )
    def post(self, request, *args, **kwargs):
        classroom = self.get_classroom()
        if classroom.assignments.count() >= MAX_ASSIGNMENTS_PER_CLASS:
            raise PermissionDenied(str(ASSIGNMENTS_FULL % {"n": MAX_ASSIGNMENTS_PER_CLASS}))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save(classroom=classroom)
        classroom.touch()
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class ClassResultsView(TeacherAPIMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary="A class's results: each student's status and best score per assignment",
        responses=ResultsSerializer,
    )
    def get(self, request, code):
        classroom = self.get_classroom()
        results = class_results(classroom)
        members = classroom.members.all()
        return Response(
            {
                "code": classroom.code,
                "title": classroom.name,
                "members": MemberSerializer(members, many=True).data,
                "assignments": AssignmentResultSerializer(
                    results, many=True, context={"request": request}
                ).data,
            }
        )
