"""python manage.py seed_coverage [--lang fr|en] [--check]: the course deck's coverage table."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from course.coverage import coverage_rows


def _cell(items) -> str:
    return "; ".join(items) if items else "—"


class Command(BaseCommand):
    help = (
        "Print the coverage table (slide → themes → cases → simulations → quizzes) as Markdown. "
        "With --check, exit 1 when a slide has an empty column and no note saying why."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lang", default="en", choices=["en", "fr"])
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, lang="en", check=False, **options):
        with translation.override(lang):
            rows = coverage_rows()
            if not rows:
                raise CommandError("No course slide in the database: run load_course first.")
            french = lang == "fr"
            header = (
                [
                    "Diapositive",
                    "Thèmes",
                    "Cas",
                    "Simulations",
                    "Quiz",
                    "Pourquoi une case est vide",
                ]
                if french
                else ["Slide", "Themes", "Cases", "Simulations", "Quizzes", "Why a cell is empty"]
            )
            lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
            for row in rows:
                cells = [
                    f"{row.slide.number}. {row.slide.text}",
                    _cell([t.name for t in row.themes]),
                    _cell([c.title for c in row.cases]),
                    _cell([f"{title} (`{slug}`)" for slug, title in row.simulations]),
                    _cell([q.title for q in row.quizzes]),
                    (row.slide.gap_note or "") if row.empty else "",
                ]
                lines.append(
                    "| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |"
                )
            self.stdout.write("\n".join(lines))
            unexplained = [row for row in rows if row.unexplained]
        if check and unexplained:
            for row in unexplained:
                self.stderr.write(
                    f"Slide {row.slide.number}: no {', '.join(row.empty)} and no note saying why."
                )
            raise CommandError(
                f"{len(unexplained)} slide(s) with an unexplained empty cell.", returncode=1
            )
