"""The run form, generated from a simulation's parameter declarations.

Number fields are text on the server (with ``type=number`` and min/max/step in the browser) so
that the engine's own ``Param.coerce`` decides what is valid: the form, the CLI and the API
reject the same inputs with the same messages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from .engine import MAX_SEED, ParamError, Simulation
from .i18n import english, local_param, localize
from .services import DEFAULT_SEED, SEED_MESSAGE, parse_seed, random_seed

# Longest text a number field accepts: generous for "0.000001" or "4294967295", short enough
# that no one posts megabytes into a field.
MAX_NUMBER_CHARS = 32


def _number_attr(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def param_field(param) -> forms.Field:
    """The form field for one declared parameter, its words in the active language."""
    # "Days (days)" says nothing twice: the unit shows only when the label names it in
    # neither language (decided on the English words, so both pages agree).
    show_unit = bool(param.unit) and english(param.unit).lower() not in english(param.label).lower()
    param = local_param(param)
    show_unit = show_unit and param.unit.lower() not in param.label.lower()
    label = f"{param.label} ({param.unit})" if show_unit else param.label
    common = {"label": label, "help_text": param.help, "initial": param.default}
    if param.type == "bool":
        return forms.BooleanField(required=False, **common)
    if param.type == "choice":
        allowed = ", ".join(label for _, label in param.choices)
        return forms.ChoiceField(
            choices=[tuple(choice) for choice in param.choices],
            # Django's default message echoes the value back, null bytes and all.
            error_messages={
                "invalid_choice": gettext("Choose one of: {choices}.").format(choices=allowed)
            },
            **common,
        )
    step = param.step if param.step is not None else (1 if param.type == "int" else "any")
    attrs = {
        "min": _number_attr(param.min),
        "max": _number_attr(param.max),
        "step": _number_attr(step) if step != "any" else "any",
        "inputmode": "numeric" if param.type == "int" else "decimal",
    }
    return forms.CharField(
        max_length=MAX_NUMBER_CHARS,
        widget=forms.NumberInput(attrs=attrs),
        **common,
    )


class RunForm(forms.Form):
    """Parameters of one simulation, a seed and the "new random seed" switch.

    ``cleaned_data["params"]`` holds the engine's canonical parameters and
    ``cleaned_data["seed"]`` the seed to use once the form is valid.
    """

    seed = forms.CharField(
        required=False,
        max_length=20,
        label=gettext_lazy("Seed"),
        help_text=lazy(
            lambda: gettext(
                "A whole number from 0 to {max}. The same parameters and seed always give the "
                "same result; another seed draws other samples. Leave it empty for a random one."
            ).format(max=MAX_SEED),
            str,
        )(),
        widget=forms.NumberInput(
            attrs={"min": "0", "max": str(MAX_SEED), "step": "1", "inputmode": "numeric"}
        ),
    )
    random_seed = forms.BooleanField(
        required=False,
        label=gettext_lazy("Use a new random seed"),
        help_text=gettext_lazy("The server picks a seed for you and shows it with the result."),
    )

    def __init__(self, simulation: Simulation, *args: Any, **kwargs: Any):
        self.simulation = simulation
        super().__init__(*args, **kwargs)
        params = {param.name: param_field(param) for param in simulation.params}
        # Parameters first, then seed controls; the engine's names cannot clash with ours
        # unless a simulation declares "seed", "random_seed" or "preset", which it must not.
        own = dict(self.fields)
        self.fields = {**params, **own}
        self.fields["seed"].initial = DEFAULT_SEED
        self.param_names = list(params)

    def param_fields(self):
        return [self[name] for name in self.param_names]

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("seed") or "").strip()
        if "seed" not in self.errors:
            if cleaned.get("random_seed") or not text:
                cleaned["seed"] = random_seed()
            else:
                try:
                    cleaned["seed"] = parse_seed(text)
                except ParamError:
                    self.add_error("seed", localize(SEED_MESSAGE))
        if any(name in self.errors for name in self.param_names):
            return cleaned
        raw = {name: cleaned[name] for name in self.param_names}
        try:
            cleaned["params"] = self.simulation.validate(raw)
        except ParamError as exc:
            for name, messages in exc.errors.items():
                field = name if name in self.param_names else None
                for message in messages:
                    self.add_error(field, localize(message))
            return cleaned
        cleaned["preset_slug"] = matching_preset(self.simulation, cleaned["params"])
        return cleaned


def initial_from_params(simulation: Simulation, params: dict[str, Any]) -> dict[str, Any]:
    """Form initial values for a full parameter dict (known names only)."""
    names = {param.name for param in simulation.params}
    return {name: value for name, value in params.items() if name in names}


def matching_preset(simulation: Simulation, params: dict[str, Any]) -> str:
    """The slug of the first preset whose parameters are exactly ``params``, else ""."""
    for preset in simulation.presets:
        try:
            if simulation.validate(preset=preset.slug) == params:
                return preset.slug
        except ParamError:
            continue
    return ""
