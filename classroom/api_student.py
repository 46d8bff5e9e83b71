"""The student's side of a class in the API: joining, and starting an assignment's attempt.

- ``POST /api/v1/classes/<code>/join/`` (anyone) ``{"nickname": "Ada"}`` → 201 with the member,
  the class's name and what is due (200 when this session or account is already a member);
  400 for an empty, too long or taken nickname, 404 for an unknown code, 409 for a full class,
  429 past the join budget (classroom.joining).
- ``POST /api/v1/quizzes/<slug>/attempts/`` with ``"assignment": <id>``: the attempt counts for
  that class (quiz.api.views consults quiz.policy, whose classroom provider is
  `start_api_attempt` below): the caller must be a member (session or account), the assignment
  open and with attempts left.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_relations import RelationField

from . import assignments
from .joining import JoinRefused, join_class
from .models import Assignment, Classroom, Member
from .services import member_in_session


class JoinInputSerializer(serializers.Serializer):
    nickname = serializers.CharField(
        max_length=200, allow_blank=True, help_text="What the teacher sees (at most 40 characters)."
    )


class DueAssignmentSerializer(serializers.ModelSerializer):
    quiz = RelationField("quiz", read_only=True)
    attempts_left = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "quiz",
            "opens_at",
            "closes_at",
            "max_attempts",
            "attempts_left",
        ]

    def get_attempts_left(self, assignment) -> int | None:
        return assignments.attempts_left(assignment, self.context["member"])


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["id", "nickname", "joined_at"]
        ref_name = "ClassMember"


class JoinResultSerializer(serializers.Serializer):
    member = MemberSerializer()
    class_title = serializers.CharField(help_text="The class's name, as its teacher wrote it.")
    code = serializers.CharField()
    time_zone = serializers.CharField()
    due = DueAssignmentSerializer(many=True)


class ClassJoinView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = []  # the join budget is spent in classroom.joining (page and API alike)

    @extend_schema(
        summary="Join a class with a nickname (anyone)",
        description=(
            "Keep the session cookie: it is how the class knows you afterwards (or log in: the "
            "membership is then your account's). 201 for a new member, 200 when this session "
            "or account already is one. 400: empty, too long or taken nickname; 404: no class "
            "has this code; 409: the class is full; 429: too many joins or unknown codes."
        ),
        request=JoinInputSerializer,
        responses={201: JoinResultSerializer, 200: JoinResultSerializer},
    )
    def post(self, request, code):
        incoming = JoinInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            classroom, member, created = join_class(
                request, code, incoming.validated_data["nickname"]
            )
        except JoinRefused as exc:
            if exc.status == 429:
                raise Throttled(wait=exc.retry_after, detail=exc.message) from None
            if exc.status == 404:
                raise NotFound(exc.message) from None
            if exc.status == 409:
                return Response(
                    {
                        "error": {
                            "status": 409,
                            "code": "class_full",
                            "message": exc.message,
                            "fields": {},
                        }
                    },
                    status=409,
                )
            raise serializers.ValidationError({exc.field or "nickname": [exc.message]}) from None
        now = timezone.now()
        due = [
            a
            for a in classroom.assignments.select_related("quiz").order_by("closes_at", "pk")
            if a.is_open(now)
        ]
        data = JoinResultSerializer(
            {
                "member": member,
                "class_title": classroom.name,
                "code": classroom.code,
                "time_zone": assignments.zone_name(),
                "due": due,
            },
            context={"member": member, "request": request},
        ).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


ASSIGNMENT_NOT_FOUND = "No assignment of a class you joined has this id."


def start_api_attempt(*, quiz, assignment_id, request):
    """The attempt of the caller for this assignment (started or resumed), for the attempts API.

    NotFound (404) unless the assignment is of this quiz and of a class the caller is in (by
    session or account); ValidationError (400) before the opening, after the close or with no
    attempts left.
    """
    assignment = (
        Assignment.objects.select_related("classroom", "quiz")
        .filter(pk=assignment_id, quiz=quiz)
        .first()
    )
    member = (
        member_in_session(assignment.classroom, request.session, request.user)
        if assignment is not None
        else None
    )
    if member is None:
        raise NotFound(ASSIGNMENT_NOT_FOUND)
    user = request.user if request.user.is_authenticated else None
    try:
        return assignments.start(assignment, member, user=user, session=request.session)
    except assignments.AssignmentRefused as exc:
        raise ValidationError({"assignment": [exc.message]}, code="closed") from None


def class_of(code) -> Classroom | None:
    return Classroom.objects.filter(code=code).first()
