"""python manage.py lint_quizzes [--quiz SLUG] [--all] [--json] [--lang fr|en]: item-writing
checks, on the French and the English text; the report is written in --lang (default: the
active language, French unless told otherwise)."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the report (both languages' texts are checked whatever it is).",
        )

    def handle(self, *args, lang=None, **options):
        if lang is None:
            return self.run(**options)
        with translation.override(lang):
            return self.run(**options)

    def run(self, *, quiz=None, all=False, json=False, **options):
        if quiz is not None:
            selection = Quiz.objects.filter(slug=quiz)
            if not selection.exists():
                raise CommandError(
                    _("No quiz with the slug “{slug}”.").format(slug=quiz), returncode=2
                )
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
        place = _("quiz")
    else:
        place = _("Q{number} (id {id}) “{text}”").format(
            number=issue.question_number, id=issue.question_id, text=issue.question_text
        )
    if issue.language:
        place += f" [{issue.language}]"
    return place


def render_text(report: Report, *, style) -> str:
    lines = []

    def add(issue: Issue, indent: str):
        label = style.ERROR(_("error")) if issue.severity == ERROR else style.WARNING(_("warning"))
        lines.append(
            f"{indent}{label} [{issue.rule}] {where(issue)}"
            if issue.quiz
            else f"{indent}{label} [{issue.rule}]"
        )
        lines.append(f"{indent}    {issue.message}")

    if report.site_checked:
        lines.append(
            _(
                "Site: {true} of {total} true/false questions in published quizzes have True "
                "as the right answer."
            ).format(true=report.true_keyed, total=report.true_false)
        )
        for issue in report.site_issues:
            add(issue, "  ")
    for quiz_report in report.quizzes:
        state = _("published") if quiz_report.is_live else _("draft (errors do not fail)")
        if quiz_report.quiz.is_archived:
            state = _("archived (errors do not fail)")
        lines.append("")
        lines.append(
            _(
                "{slug} — {state}: {errors} error(s), {warnings} warning(s); right option "
                "clearly longest in {longest} of {single} single-choice questions; True is the "
                "answer to {true} of {true_false} true/false questions."
            ).format(
                slug=quiz_report.quiz.slug,
                state=state,
                errors=len(quiz_report.errors),
                warnings=len(quiz_report.warnings),
                longest=quiz_report.longest_keyed,
                single=quiz_report.single_choice,
                true=quiz_report.true_keyed,
                true_false=quiz_report.true_false,
            )
        )
        for issue in sorted(quiz_report.issues, key=sort_key):
            add(issue, "  ")
    issues = report.issues
    errors = sum(i.severity == ERROR for i in issues)
    lines.append("")
    lines.append(
        ngettext(
            "{n} quiz checked: {errors} error(s), {warnings} warning(s).",
            "{n} quiz(zes) checked: {errors} error(s), {warnings} warning(s).",
            len(report.quizzes),
        ).format(n=len(report.quizzes), errors=errors, warnings=len(issues) - errors)
    )
    if report.failed:
        lines.append(style.ERROR(_("FAILED: a published quiz breaks a rule (errors above).")))
    else:
        lines.append(style.SUCCESS(_("OK: no published quiz breaks a rule.")))
    return "\n".join(lines)


def sort_key(issue: Issue):
    return (issue.question_number or 0, issue.severity != ERROR, list(RULES).index(issue.rule))
