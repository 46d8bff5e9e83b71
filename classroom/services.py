"""Core services of classes shared by the student, teacher and live parts."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from quiz.models import Attempt
from quiz.services import owner_token

from .models import NICKNAME_MAX_LENGTH, Classroom, Member, normalise_code

SESSION_MEMBERS_KEY = "classroom_members"  # {class code: member id} in the student's session


class JoinError(Exception):
    """A join refused for a reason the student can act on; `field` names the form field."""

    def __init__(self, message, field: str = "nickname"):
        super().__init__(message)
        self.message = message
        self.field = field


def find_class(raw_code: str) -> Classroom | None:
    code = normalise_code(raw_code)
    if not code:
        return None
    return Classroom.objects.filter(code=code).first()


def clean_nickname(raw) -> str:
    nickname = " ".join(str(raw or "").split())
    if not nickname:
        raise JoinError(_("Choose a nickname."))
    if len(nickname) > NICKNAME_MAX_LENGTH:
        raise JoinError(_("A nickname has at most %(n)d characters.") % {"n": NICKNAME_MAX_LENGTH})
    if any(not ch.isprintable() for ch in nickname):
        raise JoinError(_("A nickname cannot contain control characters."))
    return nickname


def member_in_session(classroom: Classroom, session, user=None) -> Member | None:
    """The student this browser (or account) is in this class, if any."""
    member_id = (session.get(SESSION_MEMBERS_KEY) or {}).get(classroom.code)
    if member_id:
        member = Member.objects.filter(pk=member_id, classroom=classroom).first()
        if member is not None:
            return member
    if user is not None and user.is_authenticated:
        return Member.objects.filter(classroom=classroom, user=user).first()
    return None


def my_classes(request) -> list[Classroom]:
    """The classes this browser session (or account) has joined, newest first: the join page
    lists them so that a student finds their class again without the code."""
    ids = list((request.session.get(SESSION_MEMBERS_KEY) or {}).values())
    mine = Q(pk__in=ids)
    if request.user.is_authenticated:
        mine |= Q(user=request.user)
    elif not ids:
        return []
    members = Member.objects.filter(mine)
    return list(
        Classroom.objects.filter(members__in=members).distinct().order_by("-created_at")[:50]
    )


def join(classroom: Classroom, *, nickname, session, user=None) -> tuple[Member, bool]:
    """Join `classroom` under `nickname` (or return the member this session already is).

    Returns (member, created). Raises JoinError for an empty, too long or taken nickname.
    """
    existing = member_in_session(classroom, session, user)
    if existing is not None:
        return existing, False
    nickname = clean_nickname(nickname)
    if (
        Member.objects.annotate(lower=Lower("nickname"))
        .filter(classroom=classroom, lower=nickname.lower())
        .exists()
    ):
        raise JoinError(
            _("“%(nickname)s” is already taken in this class: choose another one.")
            % {"nickname": nickname}
        )
    token = owner_token(session, create=True)
    try:
        with transaction.atomic():
            member = Member.objects.create(
                classroom=classroom,
                nickname=nickname,
                owner_token=token,
                user=user if user is not None and user.is_authenticated else None,
            )
    except IntegrityError:  # the same nickname taken a moment ago by someone else
        raise JoinError(
            _("“%(nickname)s” is already taken in this class: choose another one.")
            % {"nickname": nickname}
        ) from None
    members = dict(session.get(SESSION_MEMBERS_KEY) or {})
    members[classroom.code] = member.pk
    session[SESSION_MEMBERS_KEY] = members
    classroom.touch()
    return member, True


def hand_over_members(*, session, user) -> int:
    """At login, the memberships of this browser session become the account's."""
    ids = list((session.get(SESSION_MEMBERS_KEY) or {}).values())
    if not ids:
        return 0
    return Member.objects.filter(pk__in=ids, user__isnull=True).update(user=user)


@transaction.atomic
def delete_classroom(classroom: Classroom) -> None:
    """Delete a class and everything its students sent (attempts made through it included)."""
    Attempt.objects.filter(class_link__assignment__classroom=classroom).delete()
    classroom.delete()
