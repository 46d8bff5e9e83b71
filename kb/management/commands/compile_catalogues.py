"""Compile every ``locale/<lang>/LC_MESSAGES/*.po`` into its ``.mo`` without GNU gettext.

A fresh machine has Python and make only, so the compiled catalogues are committed and this
command (polib, a development dependency) rebuilds them; tests/test_translations.py fails
when a committed ``.mo`` does not match its ``.po``. ``--check`` changes nothing and exits 1
if any ``.mo`` is missing or out of date.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogue_files() -> list[Path]:
    """Every .po of the project (apps' locale/ folders and LOCALE_PATHS)."""
    root = Path(settings.BASE_DIR)
    found = set()
    for po in root.glob("**/locale/*/LC_MESSAGES/*.po"):
        parts = po.relative_to(root).parts
        if parts[0].startswith(".") or parts[0] in {"staticfiles", "node_modules"}:
            continue
        found.add(po)
    return sorted(found)


def compiled_bytes(po_path: Path) -> bytes:
    """The .mo polib makes from ``po_path`` (deterministic: entries sorted by msgid)."""
    import tempfile

    import polib

    catalogue = polib.pofile(str(po_path), wrapwidth=0)
    with tempfile.NamedTemporaryFile(suffix=".mo") as tmp:
        catalogue.save_as_mofile(tmp.name)
        return Path(tmp.name).read_bytes()


class Command(BaseCommand):
    help = "Compile the .po catalogues into .mo files with polib (no GNU gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only report .mo files that are out of date."
        )

    def handle(self, *args, check=False, **options):
        try:
            import polib  # noqa: F401
        except ImportError as exc:  # a production install has no dev dependencies
            raise CommandError(
                "polib is not installed: run `make install-dev` (the .mo files are committed, "
                "so a production install does not need this command)."
            ) from exc
        stale = []
        for po in catalogue_files():
            mo = po.with_suffix(".mo")
            data = compiled_bytes(po)
            if mo.exists() and mo.read_bytes() == data:
                continue
            stale.append(mo)
            if not check:
                mo.write_bytes(data)
                self.stdout.write(f"Compiled {mo.relative_to(settings.BASE_DIR)}")
        if check and stale:
            names = ", ".join(str(m.relative_to(settings.BASE_DIR)) for m in stale)
            raise CommandError(f"Out of date (run `make messages`): {names}")
        if not stale:
            self.stdout.write("All catalogues are compiled and up to date.")
