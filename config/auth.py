"""Login rate limiting against password guessing, for the admin and the student log-in alike.

Failed attempts are counted per (account, client address) and per account from any address, in
the "shared" cache (the database, or Redis with REDIS_URL), so every worker and host sees the same
counts. Past either limit, `authenticate()` refuses that account, even with the right password,
until the window passes, and the log-in forms say so. Nothing is counted per address alone: a
classroom behind one address (a school's NAT, or a proxy that is not configured as trusted) is
never locked out as a whole by one person's failures; only the accounts that person tried are.

The address is the client's own (config.clients: X-Forwarded-For only from a trusted proxy).

Why not django-axes: it compares one failure limit with every parameter combination it counts, so
counting per account from any address (to stop guessing spread over many addresses) would lock an
account after as few failures as per (account, address); here the per-account limit is higher.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from config.clients import client_ip

TOO_MANY_ATTEMPTS = _(
    "Too many failed log-in attempts for this account. Wait {minutes} minutes before trying again."
)
TOO_MANY_ATTEMPTS_ONE_MINUTE = _(
    "Too many failed log-in attempts for this account. Wait a minute before trying again."
)


def _cache():
    return caches[getattr(settings, "SHARED_CACHE", "default")]


def _limits():
    conf = settings.LOGIN_RATE_LIMIT
    return conf["PER_USER"], conf["PER_ACCOUNT"], conf["WINDOW_SECONDS"]


def _keys(request, username: str | None) -> tuple[str, str]:
    """(per account and address, per account) cache keys."""
    ip = client_ip(request)
    name = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:user:{ip}:{name}", f"login-fail:account:{name}"


def is_locked(request, username: str | None) -> bool:
    per_user, per_account, _ = _limits()
    user_key, account_key = _keys(request, username)
    counts = _cache().get_many([user_key, account_key])
    return counts.get(user_key, 0) >= per_user or counts.get(account_key, 0) >= per_account


def record_failure(request, username: str | None) -> None:
    _, _, window = _limits()
    cache = _cache()
    for key in _keys(request, username):
        if cache.add(key, 1, timeout=window):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


def lockout_message() -> str:
    minutes = max(1, _limits()[2] // 60)
    if minutes == 1:
        return str(TOO_MANY_ATTEMPTS_ONE_MINUTE)
    return TOO_MANY_ATTEMPTS.format(minutes=minutes)


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
    # The right password from this address clears this address's count; the account's count
    # (failures from elsewhere) runs out with its window.
    user_key, _ = _keys(request, user.get_username())
    _cache().delete(user_key)


def admin_login_form():
    from django.contrib.admin.forms import AdminAuthenticationForm

    class RateLimitedAdminAuthenticationForm(LockoutMessageMixin, AdminAuthenticationForm):
        pass

    return RateLimitedAdminAuthenticationForm


def login_form():
    """The student log-in form, with the same lock-out message as the admin's."""
    from django.contrib.auth.forms import AuthenticationForm

    class RateLimitedAuthenticationForm(LockoutMessageMixin, AuthenticationForm):
        pass

    return RateLimitedAuthenticationForm
