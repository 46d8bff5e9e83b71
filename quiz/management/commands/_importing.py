"""Shared by import_gift and import_aiken: read a file, import into a quiz, report by line."""

from pathlib import Path

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

    def handle(self, *args, file, quiz, **options):
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
            saved = import_questions(quiz=target, text=text, fmt=self.format)
        except ImportFailed as exc:
            lines = "\n".join(f"  {file}, {e}" for e in exc.errors)
            raise CommandError(
                f"Nothing imported: {len(exc.errors)} error(s).\n{lines}", returncode=2
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(saved)} question(s) into “{target.slug}”.")
        )
