"""Shared by import_gift and import_aiken: read a file, import into a quiz, report by line."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quiz.models import Quiz
from quiz.services import IMPORT_MAX_BYTES, ImportFailed, import_questions


class ImportCommand(BaseCommand):
    format = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import (UTF-8).")
        parser.add_argument(
            "--quiz", required=True, help="Slug of the quiz that gets the questions."
        )
        parser.add_argument(
            "--lang",
            choices=[code for code, _ in settings.LANGUAGES],
            default=None,
            help="Language the file is written in: its texts go into that language's columns "
            f"(default: {settings.LANGUAGE_CODE}); the other language falls back to them until "
            "translated.",
        )

    def handle(self, *args, file, quiz, lang=None, **options):
        target = Quiz.objects.filter(slug=quiz).first()
        if target is None:
            raise CommandError(f"No quiz with the slug “{quiz}”.", returncode=2)
        path = Path(file)
        try:
            if path.stat().st_size > IMPORT_MAX_BYTES:
                raise CommandError(
                    f"{file}: larger than {IMPORT_MAX_BYTES // 1024} KiB.", returncode=2
                )
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.", returncode=2) from None
        except UnicodeDecodeError:
            raise CommandError(f"{file}: not UTF-8 text.", returncode=2) from None
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}.", returncode=2) from None
        try:
            saved = import_questions(
                quiz=target, text=text, fmt=self.format, language=lang or settings.LANGUAGE_CODE
            )
        except ImportFailed as exc:
            lines = "\n".join(f"  {file}, {e}" for e in exc.errors)
            raise CommandError(
                f"Nothing imported: {len(exc.errors)} error(s).\n{lines}", returncode=2
            ) from None
        language = lang or settings.LANGUAGE_CODE
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(saved)} question(s) into “{target.slug}” ({language})."
            )
        )
