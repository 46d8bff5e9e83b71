"""Forms: answering a quiz, signing up, and the admin's question-file upload."""

import math

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .models import QuestionType
from .services import IMPORT_MAX_BYTES

NOT_A_NUMBER = _("Enter a number, e.g. 42 or 0.25.")


def parse_number(text: str, language: str | None = None) -> float:
    """A number as people type it: 237600, 237 600, 237,600, 0.25 or 0,25. ValueError otherwise.

    With both separators, the last one is the decimal mark (1,234.5 and 1.234,5). A lone comma
    followed by three digits is a thousands separator in English (237,600) but the decimal mark
    in French, where 0,239 is what the simulation page shows and the student copies
    (`language`: the active one by default)."""
    from django.utils.translation import get_language

    language = language or get_language() or ""
    t = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("_", "")
    if "," in t and "." in t:
        decimal = "," if t.rfind(",") > t.rfind(".") else "."
        t = t.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif t.count(",") == 1 and (len(t.split(",")[1]) != 3 or language.startswith("fr")):
        t = t.replace(",", ".")
    else:
        t = t.replace(",", "")
    value = float(t)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def field_name(question) -> str:
    return f"q{question.pk}"


class AttemptForm(forms.Form):
    """One field per question; choice ids must be the question's own, numbers must parse.

    Questions already answered (feedback after each question) are locked: their field is
    disabled, so whatever is posted for them is ignored.
    """

    def __init__(self, *args, questions, locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            label = pgettext("form field", "Question {number}").format(number=question.pk)
            if question.type == QuestionType.NUMERIC:
                field = forms.CharField(required=False, max_length=60, label=label)
            else:
                options = [(str(c.pk), c.text) for c in question.choices.all()]
                if question.type == QuestionType.MULTIPLE:
                    field = forms.MultipleChoiceField(required=False, choices=options, label=label)
                else:
                    field = forms.ChoiceField(required=False, choices=options, label=label)
            field.disabled = question.pk in locked
            self.fields[field_name(question)] = field

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = field_name(question)
            if question.type == QuestionType.NUMERIC and cleaned.get(name):
                try:
                    cleaned[name] = parse_number(cleaned[name])
                except ValueError:
                    self.add_error(name, NOT_A_NUMBER)
        return cleaned

    def answers(self) -> dict[int, object]:
        """{question id: [choice ids] or number} for the open (not locked) questions answered."""
        answers = {}
        for question in self.questions:
            name = field_name(question)
            if self.fields[name].disabled:
                continue
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            if question.type == QuestionType.NUMERIC:
                answers[question.pk] = value
            elif isinstance(value, list):
                answers[question.pk] = [int(v) for v in value]
            else:
                answers[question.pk] = [int(value)]
        return answers

    def unanswered(self) -> list[int]:
        """Positions (1-based) of the questions left blank, locked ones counting as answered."""
        given = self.answers()
        return [
            n
            for n, q in enumerate(self.questions, start=1)
            if q.pk not in given and not self.fields[field_name(q)].disabled
        ]


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)
        help_texts = {
            "username": _("Letters, digits and @ . + - _ only. Shown to nobody but teachers.")
        }


class QuestionFileForm(forms.Form):
    FORMATS = [("gift", "GIFT (Moodle)"), ("aiken", "Aiken")]
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="gift")
    file = forms.FileField(
        label=_("File"),
        help_text=format_lazy(
            _(
                "A UTF-8 text file of at most {n} KiB. "
                "A file with any error imports nothing; each error is listed with its line."
            ),
            n=IMPORT_MAX_BYTES // 1024,
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than {n} KiB.").format(n=IMPORT_MAX_BYTES // 1024)
            )
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
