"""Static files: collectstatic with the production storage succeeds (hashed, compressed names)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings


@pytest.mark.slow
def test_collectstatic_with_the_production_manifest_storage(tmp_path):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--no-input", verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/vega/vega-embed.min.js" in manifest
    assert "vendor/pico/pico.min.css" in manifest
