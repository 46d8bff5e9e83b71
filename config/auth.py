"""Login rate limiting against password guessing, for the admin and the student log-in alike.

Failed attempts are counted in the cache per (client IP, username) and per client IP. Past the
limit, `authenticate()` refuses even a right password until the window passes, and the log-in
forms say so. With several processes, set REDIS_URL so they share the counts.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver

TOO_MANY_ATTEMPTS = "Too many failed log-in attempts. Wait {minutes} minutes before trying again."


def _limits():
    conf = settings.LOGIN_RATE_LIMIT
    return conf["PER_USER"], conf["PER_IP"], conf["WINDOW_SECONDS"]


def client_ip(request) -> str:
    if request is None:
        return "unknown"
    return request.META.get("REMOTE_ADDR") or "unknown"


def _keys(request, username: str | None) -> tuple[str, str]:
    ip = client_ip(request)
    name = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:user:{ip}:{name}", f"login-fail:ip:{ip}"


def is_locked(request, username: str | None) -> bool:
    per_user, per_ip, _ = _limits()
    user_key, ip_key = _keys(request, username)
    return cache.get(user_key, 0) >= per_user or cache.get(ip_key, 0) >= per_ip


def record_failure(request, username: str | None) -> None:
    _, _, window = _limits()
    for key in _keys(request, username):
        if cache.add(key, 1, timeout=window):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


def lockout_message() -> str:
    return TOO_MANY_ATTEMPTS.format(minutes=max(1, _limits()[2] // 60))


class RateLimitedModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if is_locked(request, username):
            raise PermissionDenied(lockout_message())  # stops authenticate() for every backend
        return super().authenticate(request, username=username, password=password, **kwargs)


class LockoutMessageMixin:
    """For AuthenticationForm subclasses: a clear message when the account is locked out."""

    def clean(self):
        username = self.data.get("username")
        if is_locked(self.request, username):
            raise ValidationError(lockout_message(), code="locked")
        return super().clean()


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    record_failure(request, credentials.get("username"))


@receiver(user_logged_in)
def _clear_user_failures(sender, request, user, **kwargs):
    user_key, _ = _keys(request, user.get_username())
    cache.delete(user_key)


def admin_login_form():
    from django.contrib.admin.forms import AdminAuthenticationForm

    class RateLimitedAdminAuthenticationForm(LockoutMessageMixin, AdminAuthenticationForm):
        pass

    return RateLimitedAdminAuthenticationForm
