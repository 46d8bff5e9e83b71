"""GIFT (Moodle's text format): parse into QuestionData, and export questions back to GIFT.

Supported: ``::title::``, ``=``/``~`` choices, ``%n%`` weights (negative too), ``#`` per-choice
feedback, ``####`` general feedback, ``{T}``/``{F}``/``{TRUE}``/``{FALSE}``, numeric ``{#v:t}``,
``{#v}`` and ``{#a..b}``, ``//`` comments, ``$CATEGORY`` lines (ignored), ``[markdown]``-style
format prefixes (dropped: text is Markdown here), escapes ``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n``.

Mapping to this site's questions: one ``=`` answer → single choice; no ``=`` and ``~%n%``
weights → multiple choice, where positive weights mark the right choices and must be equal
(each right choice earns 1/k here) and any negative or zero weight marks a wrong one.

Reported, never guessed: matching, short answer, essay, description, missing word, numeric
with several answers, unequal positive weights, partial credit on a single-answer question.

Extension: a comment ``// reality-check: {json}`` before a question carries what GIFT cannot
(points, all_or_nothing, unit, case, simulation, preset, misconceptions by choice number).
Moodle ignores it as a comment; the exporter writes it so an export re-imports identically.
"""

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .content import ChoiceData, QuestionData, truefalse_choices
from .models import QuestionType

META_PREFIX = "// reality-check:"
_PLACEHOLDERS = {
    "~": "\ue000",
    "=": "\ue001",
    "#": "\ue002",
    "{": "\ue003",
    "}": "\ue004",
    ":": "\ue005",
    "\\": "\ue006",
}
_RESTORE = {v: k for k, v in _PLACEHOLDERS.items()}
_ESCAPE_RE = re.compile(r"\\([~=#{}:\\n])")


@dataclass
class GiftError:
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


def _protect(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: "\n" if m.group(1) == "n" else _PLACEHOLDERS[m.group(1)], text)


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(ch, ch) for ch in text).strip()


def _blocks(text: str):
    """Yield (first line number, block text, meta json text, meta line) for each question."""
    current: list[str] = []
    start = 0
    meta = None
    pending = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(META_PREFIX):
            if current:
                meta = (number, stripped[len(META_PREFIX) :])
            else:
                pending = (number, stripped[len(META_PREFIX) :])
            continue
        if stripped.startswith("//") or stripped.startswith("$CATEGORY"):
            continue
        if not stripped:
            if current:
                yield start, "\n".join(current), meta
                current, meta = [], None
            continue
        if not current:
            start, meta, pending = number, pending, None
        current.append(line)
    if current:
        yield start, "\n".join(current), meta


def _weight(text: str) -> tuple[float | None, str]:
    match = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", text)
    if not match:
        return None, text
    return float(match.group(1)), text[match.end() :]


def _split_feedback(text: str) -> tuple[str, str]:
    head, _sep, feedback = text.partition("#")
    return head, feedback


def _number(text: str) -> float:
    value = float(text.strip())
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def _parse_numeric(body: str) -> tuple[float, float]:
    body = body.strip()
    answers = [a for a in re.split(r"=", body) if a.strip()]
    if len(answers) != 1:
        raise _Unsupported(_("numeric question with several answers (only one value is supported)"))
    weight, answer = _weight(answers[0])
    if weight is not None and weight != 100:
        raise _Unsupported(_("numeric answer with partial credit"))
    answer, feedback = _split_feedback(answer)
    if feedback.strip():
        raise _Invalid(_("feedback on a numeric answer: put it in the general feedback (####)"))
    answer = _restore(answer)
    try:
        if ".." in answer:
            low, high = (_number(x) for x in answer.split("..", 1))
            if high < low:
                raise _Invalid(
                    _("range %(answer)s: the end is below the start") % {"answer": answer}
                )
            return (low + high) / 2, (high - low) / 2
        if ":" in answer:
            value, tolerance = answer.split(":", 1)
            tolerance = _number(tolerance)
            if tolerance < 0:
                raise _Invalid(_("the tolerance cannot be negative"))
            return _number(value), tolerance
        return _number(answer), 0.0
    except ValueError:
        raise _Invalid(
            _("“%(answer)s” is not a number, a value:tolerance or a low..high range")
            % {"answer": answer}
        ) from None


def _short(value, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Unsupported(Exception):
    pass


class _Invalid(Exception):
    pass


def _parse_block(block: str) -> QuestionData:
    text = _protect(block).strip()
    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise _Invalid(_("the title has no closing ::"))
        title, text = _restore(text[2:end]), text[end + 2 :].strip()
    text = re.sub(r"^\[(html|markdown|plain|moodle)\]", "", text).strip()
    open_ = text.find("{")
    if open_ < 0:
        if "}" in text:
            raise _Invalid(_("a } without its {"))
        raise _Unsupported(_("description (text without an answer in { })"))
    close = text.find("}", open_)
    if close < 0:
        raise _Invalid(_("the answer block has no closing }"))
    if "{" in text[open_ + 1 : close]:
        raise _Invalid(_("a { inside the answer block (escape it as \\{)"))
    after = text[close + 1 :].strip()
    if "{" in after:
        raise _Unsupported(_("several answer blocks in one question"))
    if after:
        raise _Unsupported(_("missing word (text after the answer block)"))
    prompt = _restore(text[:open_])
    if not prompt:
        raise _Invalid(_("the question has no text before {"))
    body = text[open_ + 1 : close]
    general = ""
    if "####" in body:
        body, general = body.split("####", 1)
        general = _restore(general)
    body = body.strip()
    if not body:
        raise _Unsupported(_("essay (empty answer block)"))
    q = QuestionData(type=QuestionType.SINGLE, prompt=prompt, title=title, feedback=general)
    if body.startswith("#"):
        q.type = QuestionType.NUMERIC
        q.numeric_value, q.numeric_tolerance = _parse_numeric(body[1:])
        return q
    tf = re.fullmatch(r"(TRUE|FALSE|T|F)\s*((?:#[^#]*){0,2})", body, flags=re.S)
    if tf:
        answer = tf.group(1).startswith("T")
        parts = [_restore(p) for p in tf.group(2).split("#")[1:]] + ["", ""]
        wrong_feedback, right_feedback = parts[0], parts[1]
        q.type = QuestionType.TRUEFALSE
        q.choices = truefalse_choices(
            answer,
            feedback_true=right_feedback if answer else wrong_feedback,
            feedback_false=wrong_feedback if answer else right_feedback,
        )
        return q
    pieces = re.split(r"([=~])", body)
    if pieces[0].strip():
        raise _Invalid(
            _("“%(text)s” before the first = or ~ answer") % {"text": _restore(pieces[0])}
        )
    answers = []
    for marker, content in zip(pieces[1::2], pieces[2::2], strict=True):
        weight, content = _weight(content)
        answer, feedback = _split_feedback(content)
        if "->" in answer:
            # Translators: the GIFT "matching" question type (pairs written a -> b).
            raise _Unsupported(_("matching"))
        answers.append((marker, weight, _restore(answer), _restore(feedback)))
    if all(m == "=" for m, *_rest in answers):
        raise _Unsupported(_("short answer (only = answers, no ~ choices)"))
    right = [a for a in answers if a[0] == "="]
    if len(right) > 1:
        raise _Invalid(_("several = answers: mark several right choices with ~%n% weights instead"))
    if right:
        if right[0][1] is not None and right[0][1] != 100:
            raise _Invalid(_("a = answer is fully right; drop its %n% weight"))
        if any(a[1] is not None and a[1] > 0 for a in answers if a[0] == "~"):
            raise _Unsupported(_("partial credit on a single-answer question"))
        q.choices = [ChoiceData(t, m == "=", f) for m, _w, t, f in answers]
        return q
    positive = [a[1] for a in answers if a[1] is not None and a[1] > 0]
    if not positive:
        raise _Invalid(_("no right answer: mark it with = or a positive %n% weight"))
    if max(positive) - min(positive) > 0.01:
        raise _Unsupported(
            _("unequal positive weights (here each right choice earns the same share, 1/k)")
        )
    if len(positive) == 1 and abs(positive[0] - 100) <= 0.01:
        q.type = QuestionType.SINGLE
    else:
        q.type = QuestionType.MULTIPLE
    q.choices = [ChoiceData(t, w is not None and w > 0, f) for _m, w, t, f in answers]
    return q


def _apply_meta(q: QuestionData, raw: str) -> None:
    try:
        meta = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _Invalid(
            _("the reality-check comment is not valid JSON (%(error)s)") % {"error": exc.msg}
        ) from None
    except RecursionError:
        raise _Invalid(_("the reality-check comment is nested too deeply")) from None
    if not isinstance(meta, dict):
        raise _Invalid(_("the reality-check comment must hold a JSON object"))
    unknown = set(meta) - {
        "points",
        "all_or_nothing",
        "unit",
        "case",
        "simulation",
        "preset",
        "misconceptions",
    }
    if unknown:
        raise _Invalid(
            _("unknown key(s) in the reality-check comment: %(keys)s")
            % {"keys": ", ".join(sorted(unknown))}
        )
    if "points" in meta:
        points = meta["points"]
        try:
            if isinstance(points, bool | list | dict) or points is None:
                raise InvalidOperation
            q.points = Decimal(str(points))
        except InvalidOperation:
            raise _Invalid(
                _("points “%(points)s” is not a number") % {"points": _short(points)}
            ) from None
        if not q.points.is_finite():  # NaN, sNaN, Infinity: Decimal parses them
            raise _Invalid(
                _("points “%(points)s” is not a finite number") % {"points": _short(points)}
            )
    q.all_or_nothing = bool(meta.get("all_or_nothing", False))
    for key in ("unit", "case", "simulation", "preset"):
        setattr(q, key, str(meta.get(key) or ""))
    misconceptions = meta.get("misconceptions") or {}
    if not isinstance(misconceptions, dict):
        raise _Invalid(_("misconceptions must map choice numbers to text"))
    for number, text in misconceptions.items():
        try:
            index = int(number) - 1
        except ValueError:
            index = -1
        if not 0 <= index < len(q.choices):  # "0" or "-1" would pick a choice from the end
            raise _Invalid(
                _("misconception for choice %(number)s, which does not exist")
                % {"number": _short(number)}
            )
        q.choices[index].misconception = str(text)


def parse_gift(text: str) -> tuple[list[QuestionData], list[GiftError]]:
    """Parse a GIFT file: (questions, errors). Any error means the caller should import nothing."""
    questions, errors = [], []
    for line, block, meta in _blocks(text.replace("\r\n", "\n").lstrip("\ufeff")):
        try:
            q = _parse_block(block)
            if meta is not None:
                try:
                    _apply_meta(q, meta[1])
                except _Invalid as exc:
                    errors.append(GiftError(meta[0], str(exc)))
                    continue
        except _Unsupported as exc:
            errors.append(
                GiftError(line, _("unsupported question type: %(reason)s") % {"reason": exc})
            )
            continue
        except _Invalid as exc:
            errors.append(GiftError(line, str(exc)))
            continue
        q.line = line
        questions.append(q)
    return questions, errors


# --- export -----------------------------------------------------------------------------------
def escape(text: str) -> str:
    text = (text or "").strip().replace("\\", "\\\\")
    for ch in "~=#{}:":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _weight_text(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return f"%{text}%"


def question_to_gift(question, choices) -> str:
    """One question as a GIFT block (with a reality-check comment when GIFT cannot say it all)."""
    meta = {}
    if question.points != 1:
        meta["points"] = (
            str(question.points.normalize())
            if isinstance(question.points, Decimal)
            else str(question.points)
        )
    if question.all_or_nothing and question.type == QuestionType.MULTIPLE:
        meta["all_or_nothing"] = True
    for key in ("unit", "simulation", "preset"):
        if getattr(question, key):
            meta[key] = getattr(question, key)
    if question.case_id:
        meta["case"] = question.case.slug
    misconceptions = {
        str(n): c.misconception for n, c in enumerate(choices, start=1) if c.misconception
    }
    if misconceptions:
        meta["misconceptions"] = misconceptions
    lines = []
    if meta:
        lines.append(f"{META_PREFIX} {json.dumps(meta, ensure_ascii=False)}")
    head = f"::{escape(question.title)}::" if question.title else ""
    general = f"####{escape(question.general_feedback)}" if question.general_feedback else ""
    prompt = f"{head}[markdown]{escape(question.prompt)}"
    if question.type == QuestionType.NUMERIC:
        tolerance = question.numeric_tolerance or 0
        answer = f"#{_fmt(question.numeric_value)}" + (f":{_fmt(tolerance)}" if tolerance else "")
        lines.append(f"{prompt} {{{answer}{general}}}")
    elif question.type == QuestionType.TRUEFALSE:
        right = next(c for c in choices if c.is_correct)
        wrong = next(c for c in choices if not c.is_correct)
        letter = "T" if right.text.strip().lower() == "true" else "F"
        fb = (
            f"#{escape(wrong.feedback)}#{escape(right.feedback)}"
            if (right.feedback or wrong.feedback)
            else ""
        )
        lines.append(f"{prompt} {{{letter}{fb}{general}}}")
    else:
        lines.append(f"{prompt} {{")
        k = sum(c.is_correct for c in choices) or 1
        for c in choices:
            fb = f"#{escape(c.feedback)}" if c.feedback else ""
            if question.type == QuestionType.SINGLE:
                marker = "=" if c.is_correct else "~"
            else:
                marker = "~" + _weight_text((100 if c.is_correct else -100) / k)
            lines.append(f"\t{marker}{escape(c.text)}{fb}")
        if general:
            lines.append(f"\t{general}")
        lines.append("}")
    return "\n".join(lines)


def export_gift(quiz) -> str:
    """The quiz's active questions as a GIFT file."""
    questions = (
        quiz.questions.filter(is_archived=False).select_related("case").prefetch_related("choices")
    )
    blocks = [
        f"// {quiz.title} — exported from Reality Check ({quiz.slug})",
        f"$CATEGORY: $course$/{quiz.slug}",
    ]
    blocks += [question_to_gift(q, list(q.choices.all())) for q in questions]
    return "\n\n".join(blocks) + "\n"
