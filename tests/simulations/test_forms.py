"""RunForm: generated from the declarations, validated by the engine."""

import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from simulations.forms import RunForm, matching_preset

from .fakes import FakeCoin

VALID = {"n": "200", "p": "0.4", "side": "tails", "seed": "5"}


@pytest.fixture
def sim():
    return FakeCoin()


def test_fields_follow_the_declarations(sim):
    form = RunForm(sim)
    assert form.param_names == ["n", "p", "side", "loud"]
    assert list(form.fields)[:4] == ["n", "p", "side", "loud"]
    n = form.fields["n"]
    assert n.label == "Throws (flips)" and n.help_text == "How many times the coin is flipped."
    assert n.widget.input_type == "number"
    assert {
        "min": "10",
        "max": "5000",
        "step": "1",
        "inputmode": "numeric",
    }.items() <= n.widget.attrs.items()
    assert n.initial == 100
    assert form.fields["p"].widget.attrs["step"] == "0.01"
    assert isinstance(form.fields["side"], forms.ChoiceField)
    assert form.fields["side"].choices == [("heads", "Heads"), ("tails", "Tails")]
    assert isinstance(form.fields["loud"], forms.BooleanField)
    assert form.fields["seed"].initial == 0


def test_valid_data_gives_canonical_params_and_seed(sim):
    form = RunForm(sim, VALID)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["params"] == {"n": 200, "p": 0.4, "side": "tails", "loud": False}
    assert form.cleaned_data["seed"] == 5
    assert form.cleaned_data["preset_slug"] == ""


def test_float_without_a_declared_step_accepts_any(monkeypatch):
    from simulations.engine.base import Param
    from simulations.forms import param_field

    field = param_field(
        Param(name="x", type="float", default=1.0, min=0, max=2, label="X", help="h")
    )
    assert field.widget.attrs["step"] == "any"
    assert field.widget.attrs["inputmode"] == "decimal"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"n": "0"}, "n"),
        ({"n": "1e3"}, "n"),
        ({"p": "-0.1"}, "p"),
        ({"p": "inf"}, "p"),
        ({"side": "HEADS"}, "side"),
        ({"seed": "-5"}, "seed"),
        ({"seed": "0x10"}, "seed"),
    ],
)
def test_invalid_values_are_field_errors(sim, data, field):
    form = RunForm(sim, {**VALID, **data})
    assert not form.is_valid()
    assert field in form.errors


def test_seed_and_param_errors_are_reported_together(sim):
    form = RunForm(sim, {**VALID, "n": "1", "seed": "nope"})
    assert not form.is_valid()
    assert set(form.errors) == {"n", "seed"}


def test_random_seed_overrides_the_box(sim):
    seeds = set()
    for _ in range(3):
        form = RunForm(sim, {**VALID, "random_seed": "on"})
        assert form.is_valid()
        seeds.add(form.cleaned_data["seed"])
    assert len(seeds) > 1


def test_empty_seed_means_random(sim):
    form = RunForm(sim, {**VALID, "seed": ""})
    assert form.is_valid()
    assert 0 <= form.cleaned_data["seed"] <= 2**32 - 1


def test_matching_preset(sim):
    assert matching_preset(sim, sim.validate(preset="fair-coin")) == "fair-coin"
    assert matching_preset(sim, sim.validate({"n": 11})) == ""


def test_unit_already_in_the_label_is_not_repeated():
    from simulations.engine.base import Param
    from simulations.forms import param_field

    days = Param(name="d", type="int", default=5, min=1, max=9, label="Days", unit="days", help="h")
    assert param_field(days).label == "Days"


@settings(max_examples=100, deadline=None)
@given(
    n=st.text(max_size=40),
    p=st.text(max_size=40),
    side=st.text(max_size=10),
    loud=st.text(max_size=5),
    seed=st.text(max_size=25),
)
def test_no_input_makes_the_form_raise(n, p, side, loud, seed):
    form = RunForm(FakeCoin(), {"n": n, "p": p, "side": side, "loud": loud, "seed": seed})
    if form.is_valid():
        assert 10 <= form.cleaned_data["params"]["n"] <= 5000
        assert 0 <= form.cleaned_data["seed"] <= 2**32 - 1
    else:
        assert form.errors
