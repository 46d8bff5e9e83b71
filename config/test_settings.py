"""Settings for the test suite: production settings with test-only speed-ups, each with its reason."""

import os
import tempfile

# Tests run with production settings (DEBUG off), so they need a key; this one is for tests only.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret-" + "k" * 40)
os.environ.setdefault("DJANGO_DEBUG", "0")
# The test client speaks plain HTTP.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

from config.settings import *  # noqa: E402,F403
from config.settings import PAGE_CACHE, REST_FRAMEWORK, SIMULATIONS, STORAGES  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# MD5 hashing makes creating users in tests ~100x faster; never used outside tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest needs collectstatic; tests serve static files from the finders instead.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests exercise throttling explicitly; the generous default keeps other tests independent.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "anon_runs": "10000/minute",
        "anon_submissions": "10000/minute",
        "signups": "10000/minute",
        "previews": "10000/minute",
        "preview_lookaheads": "10000/minute",
    },
}
# Tests roll the database back but share one process-wide cache: a page cached by one test
# must not answer another. tests/test_caching.py turns the page cache on where it is tested.
# Tests roll the generation row back between tests: a reading kept by the process could
# outlive it, so every request reads it (tests of the reuse set it themselves).
PAGE_CACHE = {**PAGE_CACHE, "ENABLED": False, "GENERATION_MAX_AGE": 0}

# Run slots are per machine (a file lock per slot): two test runs on one machine (SQLite and
# PostgreSQL side by side) must not take each other's slots, so each test process has its own.
SIMULATIONS = {
    **SIMULATIONS,
    "LOCK_DIR": os.environ.get("SIMULATION_LOCK_DIR", "").strip()
    or tempfile.mkdtemp(prefix="rc-test-slots-"),
}
