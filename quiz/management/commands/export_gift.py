"""python manage.py export_gift --quiz SLUG [--lang fr|en] [FILE]"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from quiz.gift import export_gift
from quiz.models import Quiz


class Command(BaseCommand):
    help = (
        "Write a quiz's questions as GIFT, to FILE or to standard output. Re-imports identically."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Output file (default: standard output).")
        parser.add_argument("--quiz", required=True, help="Slug of the quiz to export.")
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the texts written (GIFT holds one; a text not translated yet is "
            f"written in the other language). Default: {settings.LANGUAGE_CODE}.",
        )

    def handle(self, *args, file=None, quiz, lang=settings.LANGUAGE_CODE, **options):
        target = Quiz.objects.filter(slug=quiz).first()
        if target is None:
            raise CommandError(f"No quiz with the slug “{quiz}”.", returncode=2)
        with translation.override(lang):
            text = export_gift(target)
        if not file:
            self.stdout.write(text, ending="")
            return
        try:
            Path(file).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}.", returncode=2) from None
        self.stderr.write(f"Wrote {file}.")
