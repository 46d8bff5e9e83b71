"""Joining a class, for the /join/ pages and the API alike, with its budget.

Budget (per client: its address, or its account; teachers are not rationed, as elsewhere):
- every join spends THROTTLE_CLASS_JOINS (default 600 a minute: a lecture hall of 300 behind one
  address joins within a minute);
- a code that matches no class also spends THROTTLE_CLASS_CODE_MISSES (default 30 an hour); once
  it is spent, no code is looked up until it refills, so guessing codes (887 million) is slow;
- a class holds at most CLASSROOM_MAX_MEMBERS students (default 500), a nickname at most
  NICKNAME_MAX_LENGTH characters: the rows one client can add are bounded.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config.throttles import ClientRateThrottle, throttle_wait, too_many_message

from .models import Classroom, Member
from .services import JoinError, find_class, join, member_in_session

UNKNOWN_CODE = _("No class has this code. Check it with your teacher (letters and digits).")
NO_CODE = _("Type the class code your teacher gave you.")
CLASS_FULL = _("This class is full. Ask your teacher.")


class ClassJoinThrottle(ClientRateThrottle):
    """Joins by a client (THROTTLE_CLASS_JOINS), page and API together."""

    scope = "class_joins"

    def get_rate(self):
        return getattr(settings, "THROTTLE_CLASS_JOINS", "600/minute")


class ClassCodeMissThrottle(ClientRateThrottle):
    """Codes that matched no class, by a client (THROTTLE_CLASS_CODE_MISSES)."""

    scope = "class_code_misses"

    def get_rate(self):
        return getattr(settings, "THROTTLE_CLASS_CODE_MISSES", "30/hour")


class JoinRefused(Exception):
    """A join refused: `field` ("code", "nickname" or None), an HTTP status, maybe a wait."""

    def __init__(self, message, *, field=None, status=400, retry_after=None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.status = status
        self.retry_after = retry_after


def _spent(request, throttle_class) -> int | None:
    """Seconds to wait if the budget is spent, without spending it (None: some is left)."""
    throttle = throttle_class()
    key = throttle.get_cache_key(request, None)
    if key is None or throttle.rate is None:
        return None
    now = throttle.timer()
    history = [t for t in throttle.cache.get(key, []) if t > now - throttle.duration]
    if len(history) < throttle.num_requests:
        return None
    return max(1, int(throttle.duration - (now - history[-1])) + 1)


def _throttled(wait: int) -> JoinRefused:
    return JoinRefused(too_many_message(wait), status=429, retry_after=wait)


def lookup(request, raw_code) -> Classroom:
    """The class of a typed code; JoinRefused (404, or 429 once too many codes missed)."""
    if not "".join(str(raw_code or "").split()):
        raise JoinRefused(NO_CODE, field="code")
    wait = _spent(request, ClassCodeMissThrottle)
    if wait is not None:
        raise _throttled(wait)
    classroom = find_class(str(raw_code))
    if classroom is None:
        throttle_wait(request, ClassCodeMissThrottle)  # counts this miss
        raise JoinRefused(UNKNOWN_CODE, field="code", status=404)
    return classroom


def join_class(request, raw_code, nickname) -> tuple[Classroom, Member, bool]:
    """Join the class of `raw_code` as `nickname` (or find this session's membership).

    Spends the joins budget; raises JoinRefused with the form field and status to answer.
    """
    wait = throttle_wait(request, ClassJoinThrottle)
    if wait is not None:
        raise _throttled(wait)
    classroom = raw_code if isinstance(raw_code, Classroom) else lookup(request, raw_code)
    user = getattr(request, "user", None)
    existing = member_in_session(classroom, request.session, user)
    if existing is not None:
        return classroom, existing, False
    limit = getattr(settings, "CLASSROOM_MAX_MEMBERS", 500)
    if Member.objects.filter(classroom=classroom).count() >= limit:
        raise JoinRefused(CLASS_FULL, field="nickname", status=409)
    try:
        member, created = join(classroom, nickname=nickname, session=request.session, user=user)
    except JoinError as exc:
        raise JoinRefused(exc.message, field=exc.field) from None
    return classroom, member, created
