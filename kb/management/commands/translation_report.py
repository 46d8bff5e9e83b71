"""How complete each language is: words of content and of interface, and what is missing.

    manage.py translation_report            # a table, then every missing translation
    manage.py translation_report --strict   # the same, exit status 1 if anything is missing

Content: every translated field (django-modeltranslation) of every row a reader can see
(published cases, themes, countries, glossary, published quizzes), derived HTML left out.
Interface: every entry of the French catalogues (the English is the message id itself).
"""

from __future__ import annotations

import re
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

WORD = re.compile(r"\w+(?:['’-]\w+)*", re.UNICODE)


def words(text: str) -> int:
    return len(WORD.findall(text or ""))


def visible(row) -> bool:
    if hasattr(row, "is_published"):
        return bool(row.is_published)
    for parent in ("case", "quiz", "question"):
        owner = getattr(row, parent, None)
        if owner is not None:
            return visible(owner)
    return True


def content_report() -> tuple[Counter, list[str]]:
    from modeltranslation.translator import translator

    counts: Counter = Counter()
    missing: list[str] = []
    languages = [code for code, _ in settings.LANGUAGES]
    for model in sorted(translator.get_registered_models(), key=lambda m: m._meta.label):
        fields = [
            f for f in translator.get_options_for_model(model).fields if not f.endswith("_html")
        ]
        for row in model.objects.all():
            if not visible(row):
                continue
            for name in fields:
                values = {code: getattr(row, f"{name}_{code}") or "" for code in languages}
                if not any(v.strip() for v in values.values()):
                    continue
                for code, text in values.items():
                    counts[code] += words(text)
                    if not text.strip():
                        missing.append(f"{model._meta.label} {row.pk} «{row}»: {name} ({code})")
    return counts, missing


def interface_report() -> tuple[Counter, list[str]]:
    import polib

    from kb.management.commands.compile_catalogues import catalogue_files

    counts: Counter = Counter()
    missing: list[str] = []
    for po in catalogue_files():
        for entry in polib.pofile(str(po)):
            english = entry.msgid + (" " + entry.msgid_plural if entry.msgid_plural else "")
            french = entry.msgstr or " ".join(entry.msgstr_plural.values())
            counts["en"] += words(english)
            counts["fr"] += words(french)
            if entry.fuzzy or not french.strip():
                state = "fuzzy" if entry.fuzzy else "untranslated"
                missing.append(
                    f"{po.parent.parent.parent.parent.name}: {state}: {entry.msgid[:70]!r}"
                )
    return counts, missing


class Command(BaseCommand):
    help = "Word counts per language (content and interface) and every missing translation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--strict", action="store_true", help="Exit with status 1 if anything is missing."
        )

    def handle(self, *args, strict=False, **options):
        try:
            import polib  # noqa: F401
        except ImportError as exc:
            raise CommandError(_("polib is not installed: run `make install-dev`.")) from exc
        content, content_missing = content_report()
        interface, interface_missing = interface_report()
        self.stdout.write(f"{'':12}{'French':>10}{'English':>10}")
        self.stdout.write(f"{'content':12}{content['fr']:>10,}{content['en']:>10,}")
        self.stdout.write(f"{'interface':12}{interface['fr']:>10,}{interface['en']:>10,}")
        missing = content_missing + interface_missing
        for line in missing:
            self.stdout.write(f"missing: {line}")
        self.stdout.write(f"{len(missing)} missing translation(s).")
        if strict and missing:
            raise CommandError(f"{len(missing)} missing translation(s).")
