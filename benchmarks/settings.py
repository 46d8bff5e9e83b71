"""Production settings plus the one thing only a benchmark needs: a route to a bare view.

``make bench`` runs gunicorn with ``DJANGO_SETTINGS_MODULE=benchmarks.settings``. Everything
comes from ``config.settings`` (so DEBUG, middleware, database and cache are what production
gets from the same environment); only the URLconf and, optionally, STATIC_ROOT change.
Keeping the bare view out of ``config/`` means no production deployment can route to it, and
no environment variable in the real settings can switch URLconfs.
"""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]

# config's storage cannot collect static/vendor/vega/vega-interpreter.min.js: its last line
# names a source map that is not vendored, so ``collectstatic`` fails with DEBUG off. Until that
# is fixed, the benchmark collects with the same storage minus the rewriting of references
# inside .js files (page rendering only looks names up in the manifest, which is unchanged).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "benchmarks.static.BenchStaticFilesStorage"},
}
