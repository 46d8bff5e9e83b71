"""Aiken (Moodle's simplest format): single-choice questions, one right answer, no feedback.

    Which metric compares positive-prediction rates across groups?
    A. Demographic parity
    B. Precision
    ANSWER: A

The question is the text before the first option (several lines are joined); options are
``A.`` or ``A)`` plus a space; ``ANSWER: X`` ends the question. Blank lines are optional.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .content import ChoiceData, QuestionData
from .models import QuestionType

OPTION_RE = re.compile(r"^([A-Z])[.)]\s+(.*)$")
ANSWER_RE = re.compile(r"^ANSWER:\s*(\S*)\s*$", re.IGNORECASE)


@dataclass
class AikenError:
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


def parse_aiken(text: str) -> tuple[list[QuestionData], list[AikenError]]:
    """Parse an Aiken file: (questions, errors). Any error means the caller should import nothing."""
    questions: list[QuestionData] = []
    errors: list[AikenError] = []
    prompt: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0

    def reset():
        nonlocal prompt, options, start
        prompt, options, start = [], [], 0

    for number, raw in enumerate(text.replace("\r\n", "\n").lstrip("\ufeff").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = ANSWER_RE.match(line)
        option = OPTION_RE.match(line)
        if answer:
            letter = answer.group(1).upper()
            if not prompt:
                errors.append(AikenError(number, _("ANSWER: without a question before it")))
            elif len(options) < 2:
                errors.append(
                    AikenError(start, _("a question needs at least two options (A. …, B. …)"))
                )
            elif letter not in [o[0] for o in options]:
                errors.append(
                    AikenError(
                        number,
                        _("ANSWER: %(letter)s is not one of the options %(options)s")
                        % {
                            "letter": letter or _("(empty)"),
                            "options": ", ".join(o[0] for o in options),
                        },
                    )
                )
            else:
                questions.append(
                    QuestionData(
                        type=QuestionType.SINGLE,
                        prompt="\n".join(prompt),
                        choices=[ChoiceData(t, k == letter) for k, t in options],
                        line=start,
                    )
                )
            reset()
        elif option and prompt:
            letter, body = option.groups()
            expected = chr(ord("A") + len(options))
            if letter != expected:
                errors.append(
                    AikenError(
                        number,
                        _("option %(letter)s where %(expected)s was expected")
                        % {"letter": letter, "expected": expected},
                    )
                )
            options.append((letter, body.strip()))
        elif options:
            errors.append(
                AikenError(
                    number, _("text after the options: expected the next option or ANSWER: X")
                )
            )
        else:
            if not prompt:
                start = number
            prompt.append(line)
    if prompt:
        errors.append(AikenError(start, _("the last question has no ANSWER: line")))
    return questions, errors


def export_aiken(questions) -> str:
    """Single-choice questions (with their choices prefetched) as Aiken; other types are skipped."""
    blocks = []
    for q in questions:
        if q.type != QuestionType.SINGLE:
            continue
        choices = list(q.choices.all())[:26]
        lines = [" ".join(q.prompt.split())]
        lines += [f"{chr(65 + i)}. {' '.join(c.text.split())}" for i, c in enumerate(choices)]
        right = next(i for i, c in enumerate(choices) if c.is_correct)
        lines.append(f"ANSWER: {chr(65 + right)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
