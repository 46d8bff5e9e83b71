"""python manage.py lint_quizzes [--quiz SLUG] [--all] [--json]: item-writing checks."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from quiz.lint import ERROR, RULES, Issue, Report, lint
from quiz.models import Quiz


class Command(BaseCommand):
    help = (
        "Check quizzes for cues that let students guess (longest option, true/false balance, "
        "“all/none of the above”, ticking every box…), missing feedback and misconceptions. "
        "Exit code 1 when a published quiz (or the site) has an error; warnings never fail."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiz",
            metavar="SLUG",
            help="Check this quiz only (draft or not); site-wide rules are then left out.",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also check drafts (their errors are shown but do not fail the command).",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, quiz=None, all=False, json=False, **options):
        if quiz is not None:
            selection = Quiz.objects.filter(slug=quiz)
            if not selection.exists():
                raise CommandError(f"No quiz with the slug “{quiz}”.", returncode=2)
            report = lint(selection, site=False)
        elif all:
            report = lint(Quiz.objects.filter(Q(is_archived=False)))
        else:
            report = lint()
        if json:
            self.stdout.write(dump_json(report))
        else:
            self.stdout.write(render_text(report, style=self.style))
        if report.failed:
            raise SystemExit(1)


def dump_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


def where(issue: Issue) -> str:
    if issue.question_id is None:
        return "quiz"
    return f"Q{issue.question_number} (id {issue.question_id}) “{issue.question_text}”"


def render_text(report: Report, *, style) -> str:
    lines = []

    def add(issue: Issue, indent: str):
        label = style.ERROR("error") if issue.severity == ERROR else style.WARNING("warning")
        lines.append(
            f"{indent}{label} [{issue.rule}] {where(issue)}"
            if issue.quiz
            else f"{indent}{label} [{issue.rule}]"
        )
        lines.append(f"{indent}    {issue.message}")

    if report.site_checked:
        lines.append(
            f"Site: {report.true_keyed} of {report.true_false} true/false questions in "
            "published quizzes have True as the right answer."
        )
        for issue in report.site_issues:
            add(issue, "  ")
    for quiz_report in report.quizzes:
        state = "published" if quiz_report.is_live else "draft (errors do not fail)"
        if quiz_report.quiz.is_archived:
            state = "archived (errors do not fail)"
        lines.append("")
        lines.append(
            f"{quiz_report.quiz.slug} — {state}: {len(quiz_report.errors)} error(s), "
            f"{len(quiz_report.warnings)} warning(s); right option clearly longest in "
            f"{quiz_report.longest_keyed} of {quiz_report.single_choice} single-choice "
            f"questions; True is the answer to {quiz_report.true_keyed} of "
            f"{quiz_report.true_false} true/false questions."
        )
        for issue in sorted(quiz_report.issues, key=sort_key):
            add(issue, "  ")
    issues = report.issues
    errors = sum(i.severity == ERROR for i in issues)
    lines.append("")
    lines.append(
        f"{len(report.quizzes)} quiz(zes) checked: {errors} error(s), "
        f"{len(issues) - errors} warning(s)."
    )
    if report.failed:
        lines.append(style.ERROR("FAILED: a published quiz breaks a rule (errors above)."))
    else:
        lines.append(style.SUCCESS("OK: no published quiz breaks a rule."))
    return "\n".join(lines)


def sort_key(issue: Issue):
    return (issue.question_number or 0, issue.severity != ERROR, list(RULES).index(issue.rule))
