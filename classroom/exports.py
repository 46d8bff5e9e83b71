"""A class's results as a spreadsheet: XLSX, and CSV that French Excel opens (config.spreadsheet).

A table is built once (typed values: text, numbers, dates) and written in either format. Every
text cell goes through ``safe_cell``: a nickname such as ``=HYPERLINK(…)`` stays text in both.
"""

from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, pgettext

from config.spreadsheet import csv_format, csv_response, safe_cell
from quiz.models import Answer

from .models import Assignment, Classroom
from .results import assignment_results, class_results

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)


def _columns():
    return [
        pgettext("CSV column", "assignment"),
        pgettext("CSV column", "nickname"),
        pgettext("CSV column", "joined_at"),
        pgettext("CSV column", "status"),
        pgettext("CSV column", "attempts"),
        pgettext("CSV column", "best_score"),
        pgettext("CSV column", "max_score"),
        pgettext("CSV column", "percent"),
        pgettext("CSV column", "last_submitted_at"),
    ]


def _row(results, row) -> list:
    return [
        results.assignment.quiz.title,
        row.member.nickname,
        row.member.joined_at,
        str(row.status.label),
        row.attempts,
        row.best_score,
        row.max_score,
        None if row.best_percent is None else round(row.best_percent, 1),
        row.last_submitted_at,
    ]


def class_table(classroom: Classroom) -> Table:
    """One row per student and assignment (students who joined but have no assignment: none)."""
    table = Table(title=classroom.name, headers=_columns())
    for results in class_results(classroom):
        table.rows.extend(_row(results, row) for row in results.rows)
    return table


def assignment_table(assignment: Assignment) -> Table:
    """One row per student, with the points of each question in their best attempt."""
    results = assignment_results(assignment)
    questions = list(assignment.quiz.questions.order_by("order", "pk"))
    table = Table(
        title=assignment.quiz.title,
        headers=_columns() + [f"Q{n} ({q.pk})" for n, q in enumerate(questions, start=1)],
    )
    best = _best_attempt_ids(assignment)
    points: dict[int, dict[int, float]] = {}
    for attempt_id, question_id, value in Answer.objects.filter(
        attempt_id__in=list(best.values())
    ).values_list("attempt_id", "question_id", "points"):
        points.setdefault(attempt_id, {})[question_id] = float(value)
    for row in results.rows:
        attempt_points = points.get(best.get(row.member.pk), {})
        table.rows.append(_row(results, row) + [attempt_points.get(q.pk) for q in questions])
    return table


def _best_attempt_ids(assignment: Assignment) -> dict[int, int]:
    """member id → id of their best submitted attempt on this assignment (first on a tie)."""
    best: dict[int, tuple] = {}
    links = assignment.attempt_links.filter(attempt__submitted_at__isnull=False).values_list(
        "member_id", "attempt_id", "attempt__score", "attempt__max_score", "attempt__submitted_at"
    )
    for member_id, attempt_id, score, max_score, submitted_at in links:
        percent = float(score) / float(max_score) if score is not None and max_score else 0.0
        key = (percent, -submitted_at.timestamp())
        if member_id not in best or key > best[member_id][0]:
            best[member_id] = (key, attempt_id)
    return {member_id: attempt_id for member_id, (_key, attempt_id) in best.items()}


def _local(value: datetime) -> datetime:
    return timezone.localtime(value).replace(tzinfo=None)


def write_csv(table: Table, filename: str) -> HttpResponse:
    fmt = csv_format(get_language())
    response, writer = csv_response(f"{filename}.csv", fmt)
    writer.writerow([safe_cell(h) for h in table.headers])
    for row in table.rows:
        cells = []
        for value in row:
            if value is None:
                cells.append("")
            elif isinstance(value, datetime):
                cells.append(timezone.localtime(value).isoformat(timespec="seconds"))
            elif isinstance(value, int | float):
                cells.append(fmt.number(value))
            else:
                cells.append(safe_cell(value))
        writer.writerow(cells)
    return response


def write_xlsx(table: Table, filename: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    # A sheet title: at most 31 characters, none of []:*?/\ .
    title = "".join(ch for ch in table.title if ch not in "[]:*?/\\")[:31] or "Results"
    sheet = workbook.create_sheet(title=title)
    bold = Font(bold=True)
    header = []
    for text in table.headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        cells = []
        for value in row:
            if isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=_local(value))
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif value is None or isinstance(value, int | float):
                cell = WriteOnlyCell(sheet, value=value)
            else:
                # Text is never a formula (openpyxl stores "=…" strings as formulas).
                cell = WriteOnlyCell(sheet, value=safe_cell(value))
            cells.append(cell)
        sheet.append(cells)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def respond(table: Table, fmt: str, filename: str) -> HttpResponse:
    if fmt == "csv":
        return write_csv(table, filename)
    if fmt == "xlsx":
        return write_xlsx(table, filename)
    raise Http404
