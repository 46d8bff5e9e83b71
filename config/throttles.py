"""Request budgets shared by every worker and by both doors (the API and the HTML forms).

The counts live in the "shared" cache (the database table, or Redis when REDIS_URL is set), so
three workers allow what one would, and a form and the API spend the same budget: a run posted
through the page and one posted to the API count against the same
``throttle_<scope>_<client>`` key. A client is its address (config.clients: X-Forwarded-For only
from a trusted proxy) or, once logged in, its account; teachers (staff) are not throttled.

In the API these are DRF throttle classes (429 with Retry-After in the API's JSON error shape).
For the HTML forms, :func:`form_throttle` answers with the page below at status 429 and the same
Retry-After.
"""

from __future__ import annotations

import math

from django.core.cache import caches
from django.shortcuts import render
from django.utils.connection import ConnectionProxy
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import SimpleRateThrottle

from config.clients import client_ip

SHARED_CACHE = "shared"


class ClientRateThrottle(SimpleRateThrottle):
    """A budget per client for one scope (a rate in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES)."""

    cache = ConnectionProxy(caches, SHARED_CACHE)

    def get_ident(self, request):
        return client_ip(request)

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.is_staff:
                return None  # teachers preparing material are not rationed
            ident = f"user-{user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class RunThrottle(ClientRateThrottle):
    """Simulation runs computed for a client (API_THROTTLE_ANON_RUNS), page and API together."""

    scope = "anon_runs"


class PreviewThrottle(ClientRateThrottle):
    """Simulation previews (computed, never stored) for the explorable pages (THROTTLE_PREVIEWS)."""

    scope = "previews"


class LookaheadThrottle(ClientRateThrottle):
    """Previews asked ahead of the student by the explorable pages (THROTTLE_PREVIEW_LOOKAHEADS),
    apart from the student's own previews."""

    scope = "preview_lookaheads"


class SubmissionThrottle(ClientRateThrottle):
    """Quiz submissions by a client (API_THROTTLE_ANON_SUBMISSIONS), page and API together."""

    scope = "anon_submissions"


class SignupThrottle(ClientRateThrottle):
    """Accounts created from one address (THROTTLE_SIGNUPS)."""

    scope = "signups"


TOO_MANY_REQUESTS = _(
    "You have sent too many requests of this kind in a short time. "
    "Please wait {seconds} seconds and try again."
)
TOO_MANY_REQUESTS_ONE_SECOND = _(
    "You have sent too many requests of this kind in a short time. "
    "Please wait a second and try again."
)


def throttle_wait(request, throttle_class: type[ClientRateThrottle]) -> int | None:
    """None when the request is within its budget (and then counts it), else the seconds to wait.

    Call it once per form submission that spends the budget.
    """
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def too_many_message(wait: int) -> str:
    if wait == 1:
        return str(TOO_MANY_REQUESTS_ONE_SECOND)
    return TOO_MANY_REQUESTS.format(seconds=wait)


def form_throttle(request, throttle_class: type[ClientRateThrottle]):
    """None when the request is within its budget, else a 429 page with Retry-After."""
    wait = throttle_wait(request, throttle_class)
    if wait is None:
        return None
    response = render(
        request,
        "throttled.html",
        {"message": too_many_message(wait)},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response
