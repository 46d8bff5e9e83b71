"""python manage.py load_course [--force]: the course deck's slides from fixtures/course/."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from course.content import ContentError, load_slides
from course.models import Slide

SLIDES_FILE = Path(settings.BASE_DIR) / "fixtures" / "course" / "slides.yaml"


class Command(BaseCommand):
    help = (
        "Load fixtures/course/slides.yaml (the course deck mapped to the site) when no slide "
        "exists yet, all or nothing; errors name the slide and field (exit code 2)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace the slides that exist.")
        parser.add_argument("--file", default=str(SLIDES_FILE), help="The YAML file.")

    def handle(self, *args, force=False, file=str(SLIDES_FILE), **options):
        if not force and Slide.objects.exists():
            self.stdout.write("Course slides already exist; not loaded.")
            return
        try:
            count = load_slides(Path(file))
        except ContentError as exc:
            raise CommandError(
                f"No slide loaded: {len(exc.errors)} error(s).\n"
                + "\n".join(f"  {e}" for e in exc.errors),
                returncode=2,
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} course slide(s)."))
