"""The production static storage, minus the .js reference rewriting (see benchmarks/settings.py)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class BenchStaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple(
        (glob, rules)
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
        if glob != "*.js"
    )
