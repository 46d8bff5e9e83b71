"""Reality Check settings: one module, every environment-dependent knob from a variable.

Variables (all documented in README.md):
DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL,
DJANGO_SECURE_SSL_REDIRECT, DJANGO_ADMIN_URL, DJANGO_CSRF_TRUSTED_ORIGINS, DJANGO_LOG_LEVEL,
API_THROTTLE_ANON_RUNS, API_THROTTLE_ANON_SUBMISSIONS, DJANGO_PAGE_CACHE,
DJANGO_PAGE_CACHE_GENERATION_MAX_AGE, DJANGO_TRUSTED_PROXIES, THROTTLE_SIGNUPS,
SIMULATION_MAX_CONCURRENT, SIMULATION_TIME_LIMIT, SIMULATION_RETRY_AFTER, SIMULATION_LOCK_DIR,
LOGIN_MAX_FAILURES_PER_ACCOUNT, DJANGO_MAX_BODY_BYTES, DJANGO_SQLITE_WRITE_WAIT,
SIMULATION_RUNS_UNKEPT_DAYS, SIMULATION_RUNS_UNKEPT_MAX, SIMULATION_RUNS_KEPT_DAYS,
THROTTLE_PREVIEWS, SIMULATION_PREVIEW_CACHE_SECONDS, SIMULATION_SLOT_WAIT,
THROTTLE_PREVIEW_LOOKAHEADS, SIMULATION_LOOKAHEAD_SLOTS,
THROTTLE_CLASS_JOINS, THROTTLE_CLASS_CODE_MISSES, CLASSROOM_MAX_MEMBERS.
"""

import hashlib
import os
import secrets
import tempfile
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.api_docs import API_DESCRIPTION, API_TAGS

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}.") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise ImproperlyConfigured(f"{name} must be a number of seconds (0 or more); got {raw!r}.")
    return value


# --- Core ----------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Set DJANGO_DEBUG=1 for local development (a key is then generated into .secret_key)."
        )
    key_file = BASE_DIR / ".secret_key"  # git-ignored
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, as its documentation requires
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.syndication",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",  # the older, per-model history (read-only on the history pages)
    "reversion",  # a case or quiz with its parts, one version per save (config/history.py)
    "kb",
    "simulations",
    "quiz",
    "course",
    "classroom",
    "pagecache",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.limits.RequestLimitsMiddleware",  # body size, NUL in path, busy database: 413/400/503
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.i18n.ApiLanguageMiddleware",  # ?lang= and Accept-Language for /api/, before Locale
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pagecache.middleware.PublicPageCacheMiddleware",  # after auth and messages: it reads both
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "config.api_deprecation.DeprecationMiddleware",  # Deprecation/Sunset on what is going
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context_processors.site",
                "config.context_processors.languages",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at BEGIN so
    # concurrent submissions wait (busy timeout) instead of failing with "database is locked".
    # Connections are kept (DJANGO_CONN_MAX_AGE) as for PostgreSQL: opening one runs the PRAGMAs
    # below and registers Django's SQL functions, which cost more than a cached page (issue 7).
    # config.sqlite: Django's backend with write transactions queued on a file lock (see there).
    DATABASES["default"]["ENGINE"] = "config.sqlite"
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DJANGO_TEST_SQLITE_NAME") or ":memory:"}
DB_IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------
# Two caches. "default" keeps whole pages (pagecache/): local memory in each process, the fastest,
# unless REDIS_URL is set. "shared" keeps what every process must agree on (throttle counts,
# failed log-ins): Redis when REDIS_URL is set (several hosts), otherwise a table in the database
# (one machine, any number of workers; `manage.py migrate` creates it; see README, Performance).
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
SHARED_CACHE = "shared"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        SHARED_CACHE: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "shared",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "reality-check",
        },
        SHARED_CACHE: {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rc_shared_cache",
            # Throttle and log-in counts live minutes; past this many rows the oldest third go.
            "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 3},
        },
    }
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Auth ----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["config.auth.RateLimitedModelBackend"]
# Failed log-ins are counted per (account, address) and per account from any address; there is
# no lock-out per address alone, so a classroom behind one address cannot be locked out by one
# person (config/auth.py).
LOGIN_RATE_LIMIT = {
    "PER_USER": env_int("LOGIN_MAX_FAILURES_PER_USER", 5),
    "PER_ACCOUNT": env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 20),
    "WINDOW_SECONDS": env_int("LOGIN_LOCKOUT_SECONDS", 900),
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# --- i18n ----------------------------------------------------------------------------------
# The course is French: French is the default for a visitor whose browser says nothing, and
# the language a teacher must fill in first; English is complete beside it.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates are shown and typed in this zone (assignments' opening and closing times, named beside
# them): the course is taught in France. Stored in UTC (USE_TZ). DJANGO_TIME_ZONE to change it.
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "").strip() or "Europe/Paris"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
    raise ImproperlyConfigured(f"DJANGO_TIME_ZONE={TIME_ZONE!r} is not a known time zone") from exc
USE_I18N = True
USE_TZ = True
# django-modeltranslation: one column per language on each translated field (title_fr,
# title_en); French is required in the admin, English may be left empty and then falls back
# (visibly, see kb/templatetags/translated.py) to French, and French to English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_LANGUAGES = ("fr", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("fr", "en")}

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security ------------------------------------------------------------------------------
# Addresses or networks of the reverse proxies in front of the site (e.g. "127.0.0.1,10.0.0.0/24").
# X-Forwarded-For is believed only from these; empty: it is ignored (config/clients.py).
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", "")


def _check_trusted_proxies(entries: list[str]) -> None:
    import ipaddress

    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"DJANGO_TRUSTED_PROXIES must list addresses or networks; got {entry!r}."
            ) from None


_check_trusted_proxies(TRUSTED_PROXIES)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# No inline script anywhere: data reaches JavaScript through json_script (type=application/json).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_048_576  # 1 MiB: no legitimate form or API body is larger
FILE_UPLOAD_MAX_MEMORY_SIZE = 1_048_576
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 262_144)  # 256 KiB for JSON API bodies

# --- Django REST framework -----------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated write then gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api_support.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "config.api_support.BoundedSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon_runs": os.environ.get("API_THROTTLE_ANON_RUNS", "30/minute"),
        "anon_submissions": os.environ.get("API_THROTTLE_ANON_SUBMISSIONS", "30/minute"),
        "signups": os.environ.get("THROTTLE_SIGNUPS", "10/hour"),
        # Explorable simulations: each debounced slider position asks for one preview (never
        # stored; cached; a computed one takes a run slot like a run).
        "previews": os.environ.get("THROTTLE_PREVIEWS", "120/minute"),
        # The slider's next positions, asked while the student reads the chart (look-ahead).
        "preview_lookaheads": os.environ.get("THROTTLE_PREVIEW_LOOKAHEADS", "60/minute"),
    },
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Reality Check API",
    # The introduction and the tags are in config/api_docs.py (issue 18).
    "DESCRIPTION": API_DESCRIPTION,
    "TAGS": [{"name": name, "description": text} for name, text in API_TAGS],
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.add_error_responses",
        "config.api_schema.add_language_parameters",
        "config.api_schema.organise_operations",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "kb.models.CaseStatus",
        "FactStatusEnum": "kb.models.FactStatus",
        "DatePrecisionEnum": "kb.models.DatePrecision",
    },
}


# --- App settings --------------------------------------------------------------------------
def _default_lock_dir() -> str:
    """One directory per checkout, so two sites on one machine do not share their slots."""
    tag = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    return str(Path(tempfile.gettempdir()) / f"reality-check-{tag}")


SIMULATIONS = {
    "MAX_SEED": 2**32 - 1,
    # Runs computed at once on this machine by the web workers together (a file lock per slot in
    # LOCK_DIR); beyond that a run request gets 503 with Retry-After. One per core leaves the
    # other core for pages on a 2-core machine.
    "MAX_CONCURRENT": env_int("SIMULATION_MAX_CONCURRENT", 1),
    # Previews computed ahead of the student (the slider's next positions) at the lowest CPU
    # priority, in slots of their own: they never take a run slot. 0 turns look-ahead off.
    "LOOKAHEAD_SLOTS": env_int("SIMULATION_LOOKAHEAD_SLOTS", 1),
    # A run still computing after this many seconds is stopped (its process is killed).
    "TIME_LIMIT": env_float("SIMULATION_TIME_LIMIT", 10.0),
    "RETRY_AFTER": env_int("SIMULATION_RETRY_AFTER", 5),
    "LOCK_DIR": os.environ.get("SIMULATION_LOCK_DIR", "").strip() or _default_lock_dir(),
    # A run posted through the page's form waits this long for a slot before the 503 (a
    # preview of the explorable page may hold it for a moment); the API and previews do not
    # wait. Kept short: a waiting request holds a sync worker.
    "FORM_SLOT_WAIT": env_float("SIMULATION_SLOT_WAIT", 2.0),
    # Previews (explorable pages) stay in the "default" cache this long (simulations/preview.py).
    "PREVIEW_CACHE_SECONDS": env_int("SIMULATION_PREVIEW_CACHE_SECONDS", 600),
}
# Whole pages served to anonymous visitors from the cache until content changes (pagecache/).
PAGE_CACHE = {
    # Off under DEBUG: template edits do not change the generation, so a developer would see
    # stale pages.
    "ENABLED": env_bool("DJANGO_PAGE_CACHE", not DEBUG),
    "TIMEOUT": 600,
    # Each worker re-reads the content generation at most once a second: another worker's
    # save shows within a second (the saving worker's at once), and a cached hit on PostgreSQL
    # skips a round trip. 0 reads it on every request.
    "GENERATION_MAX_AGE": env_float("DJANGO_PAGE_CACHE_GENERATION_MAX_AGE", 1.0),
    "VIEWS": [
        "kb:home",
        "kb:case-list",
        "kb:case-detail",
        "kb:theme-list",
        "kb:theme-detail",
        "kb:glossary",
        "kb:feed",
        "quiz:quiz-list",
        "simulations:simulation-list",
        "simulations:simulation-detail",
        "simulations:run-detail",
        "api:case-list",
        "api:case-detail",
        "api:theme-list",
        "api:theme-detail",
        "quiz:quiz-detail",
    ],
    # A quiz page is personal for a visitor with a session (attempt in progress, attempts
    # left); a new visitor's page depends only on its question order, one of 8 per quiz.
    # A run page offers "compare with the pinned run" to a visitor who pinned one (session).
    "SESSIONLESS_VIEWS": ["quiz:quiz-detail", "simulations:run-detail"],
    "VARIANTS": {"quiz:quiz-detail": 8},
}

# --- Logging -------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Abuse limits, storage and housekeeping (issue 12; README "Limits and housekeeping") ------
# Every request body that is not the API's: forms and multipart uploads (the admin's GIFT/Aiken
# import, at most quiz.services.IMPORT_MAX_BYTES, fits), refused by Content-Length before
# anything is read or written (config.limits). Django's own limit does not count file parts.
REQUEST_MAX_BODY_BYTES = env_int("DJANGO_MAX_BODY_BYTES", DATA_UPLOAD_MAX_MEMORY_SIZE)
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "config.limits.SafeJSONParser",  # deep nesting and lone surrogates are a 400
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
# SQLite: how long a write waits for another write transaction before a 503 (config.sqlite).
SQLITE_WRITE_WAIT_SECONDS = env_float("DJANGO_SQLITE_WRITE_WAIT", 10.0)
# Stored simulation runs (simulations.retention; pruned by `manage.py housekeeping`).
SIMULATION_RUN_RETENTION = {
    # A run nobody kept is deleted this many days after it was last opened or asked for.
    "UNKEPT_DAYS": env_int("SIMULATION_RUNS_UNKEPT_DAYS", 7),
    # ... and, beyond this many such runs, the least recently used go first.
    "UNKEPT_MAX": env_int("SIMULATION_RUNS_UNKEPT_MAX", 5000),
    # A kept run (opened again by its permalink on a later visit) stays this long after its
    # last opening.
    "KEPT_DAYS": env_int("SIMULATION_RUNS_KEPT_DAYS", 730),
}
# Classes (classroom.retention; pruned by `manage.py housekeeping`): a class with no activity
# (join, submission, live session) for this many days is deleted with everything its students sent.
CLASSROOM_RETENTION_DAYS = env_int("CLASSROOM_RETENTION_DAYS", 365)
# Joining a class (/join/ and POST /api/v1/classes/<code>/join/), per client (address, or
# account): every join spends THROTTLE_CLASS_JOINS (a lecture hall of 300 behind one address joins
# within a minute); a code that matches no class also spends THROTTLE_CLASS_CODE_MISSES, and
# once that is spent no code is looked up (guessing codes: 887 million of them); a class holds
# at most CLASSROOM_MAX_MEMBERS students.
THROTTLE_CLASS_JOINS = os.environ.get("THROTTLE_CLASS_JOINS", "600/minute")
THROTTLE_CLASS_CODE_MISSES = os.environ.get("THROTTLE_CLASS_CODE_MISSES", "30/hour")
CLASSROOM_MAX_MEMBERS = env_int("CLASSROOM_MAX_MEMBERS", 500)
