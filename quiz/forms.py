"""Forms: answering a quiz, signing up, and the admin's question-file upload."""

import math

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.text import capfirst, format_lazy
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


# --- The teachers' question editor ---------------------------------------------------------

SIMULATION_HELP = _("Optional: the simulation that shows this (“open the simulation” link).")
PRESET_HELP = _(
    "Optional: one of that simulation's presets. With JavaScript, the menu lists only the "
    "chosen simulation's presets."
)


def simulation_choices():
    """(slug, title) of every simulation, titles in the active language, sorted by title."""
    from simulations.i18n import localize

    from .models import simulation_registry

    items = [(slug, str(localize(sim.title))) for slug, sim in simulation_registry().items()]
    return [("", "---------")] + sorted(items, key=lambda item: item[1].casefold())


PRESET_OTHER_SIMULATION = _(
    "This preset belongs to another simulation ({simulation}): choose that simulation or "
    "one of this simulation's presets."
)


def preset_choices():
    """The presets grouped by simulation (an <optgroup> per simulation, named by its title).

    Values are "simulation:preset": two simulations may have presets of the same name."""
    from simulations.i18n import localize

    from .models import simulation_registry

    registry = simulation_registry()
    groups = []
    for slug, title in simulation_choices()[1:]:
        presets = [
            (f"{slug}:{preset.slug}", str(localize(preset.title)) or preset.slug)
            for preset in registry[slug].presets
        ]
        if presets:
            groups.append((title, presets))
    return [("", "---------"), *groups]


class PresetSelect(forms.Select):
    """The preset menu; each option names its simulation (data-simulation) for the JS filter."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value and ":" in str(value):
            option["attrs"]["data-simulation"] = str(value).split(":", 1)[0]
        return option


class QuestionAdminForm(forms.ModelForm):
    """The question page: the simulation and preset chosen from menus (the engine's registry).

    A preset chosen without a simulation brings its simulation along. Unknown values already
    stored (a simulation removed since) stay selectable, so opening an old question never loses
    its link silently; Question.clean then says what is wrong."""

    simulation = forms.ChoiceField(
        label=capfirst(_("simulation")), required=False, help_text=SIMULATION_HELP
    )
    preset = forms.ChoiceField(
        label=capfirst(_("preset")), required=False, help_text=PRESET_HELP, widget=PresetSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        simulations = simulation_choices()
        presets = preset_choices()
        current_sim = self.initial.get("simulation") or ""
        current_preset = self.initial.get("preset") or ""
        if current_sim and current_sim not in {slug for slug, _label in simulations}:
            simulations.append((current_sim, current_sim))
        if current_preset:
            value = f"{current_sim}:{current_preset}"
            known = {v for _group, items in presets[1:] for v, _label in items}
            if value not in known:
                presets.append((value, current_preset))
            self.initial["preset"] = value
        self.fields["simulation"].choices = simulations
        self.fields["preset"].choices = presets
        self.fields["simulation"].widget.attrs["data-simulation-menu"] = "1"
        self.fields["preset"].widget.attrs["data-preset-menu"] = "1"
        if "type" in self.fields:
            self.fields["type"].widget.attrs["data-question-type"] = "1"

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("preset") or ""
        simulation, _sep, preset = value.rpartition(":")
        cleaned["preset"] = preset
        if preset and simulation:
            chosen = cleaned.get("simulation") or ""
            if not chosen:
                cleaned["simulation"] = simulation
            elif chosen != simulation:
                self.add_error("preset", PRESET_OTHER_SIMULATION.format(simulation=simulation))
        return cleaned
