"""python manage.py load_quizzes [--force]: the initial quizzes from fixtures/quizzes/*.yaml."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quiz.content import ContentError, load_quiz_files
from quiz.models import Quiz

QUIZ_DIR = Path(settings.BASE_DIR) / "fixtures" / "quizzes"


class Command(BaseCommand):
    help = (
        "Load fixtures/quizzes/*.yaml (format: docs/quiz-content-format.md) when no quiz exists "
        "yet, all or nothing; errors name the file, question number and field (exit code 2)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even if quizzes exist: quizzes with the same slug and no attempts are replaced.",
        )
        parser.add_argument("--dir", default=str(QUIZ_DIR), help="Directory of the YAML files.")

    def handle(self, *args, force=False, dir=str(QUIZ_DIR), **options):
        if not force and Quiz.objects.exists():
            self.stdout.write("Quizzes already exist; quiz files not loaded.")
            return
        paths = sorted(Path(dir).glob("*.yaml"))
        try:
            loaded = load_quiz_files(paths)
        except ContentError as exc:
            raise CommandError(
                f"No quiz loaded: {len(exc.errors)} error(s).\n"
                + "\n".join(f"  {e}" for e in exc.errors),
                returncode=2,
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {len(loaded)} quiz(zes) from {len(paths)} file(s).")
        )
