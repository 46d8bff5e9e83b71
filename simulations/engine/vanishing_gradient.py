"""Vanishing gradients: per-layer gradient norms of a deep fully connected network, in NumPy."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from scipy.special import expit

from ._shared import log_axis, sig
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table
from .charts import line_chart
from .text import N_, Int, Msg, Num, Pct, plural

N_SAMPLES = 128
N_INPUTS = 10
TINY = 1e-250
LOSS_TOLERANCE = 0.01
"""Loss changes smaller than this (in nats) count as no change: learned, rose or stayed put."""
REACH_VANISHED = 0.01
"""Below this share of the output's error reaching the first layer, the signal has vanished."""

#: The largest slope of each activation: sigmoid'(0) = 1/4, tanh'(0) = 1, ReLU' = 1 for z > 0.
MAX_SLOPE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}

ACTIVATION_LABELS = {"sigmoid": N_("sigmoid"), "tanh": N_("tanh"), "relu": N_("ReLU")}
INIT_LABELS = {
    "xavier": "Xavier/Glorot (variance 2 / (fan-in + fan-out))",
    "he": "He (variance 2 / fan-in)",
    "small": "small Gaussian (standard deviation 0.1)",
}

GLOROT_2010 = N_(
    "Glorot & Bengio, 'Understanding the difficulty of training deep feedforward neural "
    "networks', AISTATS 2010 (sigmoid's slope is at most 1/4; the chain rule multiplies one "
    "factor per layer)"
)
HE_2015 = N_(
    "He, Zhang, Ren & Sun, 'Delving Deep into Rectifiers', ICCV 2015 (He initialisation keeps "
    "the variance of ReLU gradients constant from layer to layer)"
)


def _activate(z: np.ndarray, kind: str) -> np.ndarray:
    if kind == "sigmoid":
        return expit(z)
    if kind == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


def _slope(z: np.ndarray, a: np.ndarray, kind: str) -> np.ndarray:
    """Derivative of the activation at ``z``, given its output ``a``."""
    if kind == "sigmoid":
        return a * (1.0 - a)
    if kind == "tanh":
        return 1.0 - a * a
    return (z > 0).astype(float)


def _init_weights(
    sizes: list[int], init: str, rng: np.random.Generator
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        if init == "xavier":
            scale = np.sqrt(2.0 / (fan_in + fan_out))
        elif init == "he":
            scale = np.sqrt(2.0 / fan_in)
        else:
            scale = 0.1
        weights.append(rng.normal(0.0, scale, size=(fan_in, fan_out)))
        biases.append(np.zeros(fan_out))
    return weights, biases


@dataclass(frozen=True)
class _Pass:
    """One forward and backward pass: the loss, the gradients and their per-layer norms."""

    loss: float
    grad_w: list[np.ndarray]
    grad_b: list[np.ndarray]
    delta_norms: list[float]
    """Frobenius norm of dLoss/dZ (the back-propagated error) at each hidden layer."""
    output_norm: float
    """Norm of dLoss/dlogit, the error at the output where back-propagation starts."""


def _forward_backward(
    x: np.ndarray,
    y: np.ndarray,
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    activation: str,
) -> _Pass:
    """Binary cross-entropy of a fully connected network with a linear output unit.

    Parameters
    ----------
    x : ndarray of shape (n, d)
    y : ndarray of shape (n,)
        Labels 0/1.
    weights, biases : list of ndarray
        Hidden layers first, the output layer last.
    activation : {"sigmoid", "tanh", "relu"}

    Returns
    -------
    _Pass
    """
    zs, activations = [], [x]
    for w, b in zip(weights[:-1], biases[:-1], strict=True):
        z = activations[-1] @ w + b
        zs.append(z)
        activations.append(_activate(z, activation))
    logit = (activations[-1] @ weights[-1] + biases[-1])[:, 0]
    # log(1 + e^t) - y t is the cross-entropy of a logit, written to avoid overflow.
    loss = float(np.mean(np.logaddexp(0.0, logit) - y * logit))
    delta = ((expit(logit) - y) / len(y))[:, None]
    output_norm = float(np.linalg.norm(delta))
    grad_w = [np.empty(0)] * len(weights)
    grad_b = [np.empty(0)] * len(weights)
    delta_norms = [0.0] * len(zs)
    grad_w[-1] = activations[-1].T @ delta
    grad_b[-1] = delta.sum(axis=0)
    for layer in range(len(zs) - 1, -1, -1):
        delta = (delta @ weights[layer + 1].T) * _slope(
            zs[layer], activations[layer + 1], activation
        )
        # Values this small are zero for any purpose here; left in, subnormal floats make the
        # matrix products hundreds of times slower.
        delta[np.abs(delta) < TINY] = 0.0
        delta_norms[layer] = float(np.linalg.norm(delta))
        grad_w[layer] = activations[layer].T @ delta
        grad_b[layer] = delta.sum(axis=0)
    return _Pass(
        loss=loss, grad_w=grad_w, grad_b=grad_b, delta_norms=delta_norms, output_norm=output_norm
    )


def _safe_ratio(top: float, bottom: float) -> float:
    """``top / bottom``, with 0 when both are zero (a dead ReLU layer passes nothing back)."""
    if bottom == 0:
        return 0.0 if top == 0 else float("inf")
    return top / bottom


def _number(text: str) -> Num | Msg:
    """A number as Python formatted it (``f"{x:.2g}"``, ``sig(x)``…) as a typed value with the
    same digits, so each language writes it its own way: '0.0012' → Num(0.0012, 4),
    '1,200' → Num(1200, 0), '3.4e-07' → '3.4e-07' with a French decimal comma."""
    text = text.replace(",", "")
    if "e" in text:
        mantissa, exponent = text.split("e")
        return Msg("{mantissa}e{exponent}", mantissa=_number(mantissa), exponent=exponent)
    digits = len(text.split(".")[1]) if "." in text else 0
    return Num(float(text), digits)


def _sig(x: float) -> Num | Msg | str:
    """:func:`sig` as a typed number: about two significant figures (12345 → '12,000')."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    return _number(sig(x))


def _times(ratio: float) -> Msg:
    """A ratio as words: 0.001 → '1,000 times smaller', 3.2 → '3.2 times larger'."""
    if not math.isfinite(ratio) or ratio <= 0:
        return N_("incomparably smaller")
    if ratio < 1:
        return Msg("{factor} times smaller", factor=_sig(1 / ratio))
    return Msg("{factor} times larger", factor=_sig(ratio))


def _percent(x: float) -> Pct | Msg:
    """A relative change as a readable percentage, however small (3e-8 → 'less than 0.001%')."""
    if x * 100 < 0.001:
        return Msg("less than {share}", share=Pct(0.00001, 3))
    value = _sig(100 * x)
    if isinstance(value, Num):
        return Pct(value.value / 100, value.digits)
    return Msg("{number}%", number=value)  # beyond 1e9 %, written in scientific notation


def _constant_loss(y: np.ndarray) -> float:
    """Cross-entropy of always answering with the share of 1s in ``y`` (no input used).

    A network whose training loss is not below this has learned nothing from its inputs, only
    the base rate; it is the loss of the best constant prediction (the entropy of the labels).
    """
    share = float(np.mean(y))
    if share in (0.0, 1.0):
        return 0.0
    return -(share * math.log(share) + (1 - share) * math.log(1 - share))


def _geometric_mean(values: list[float]) -> float:
    """Geometric mean of non-negative numbers; 0 if any is 0, 1 for an empty list."""
    if not values:
        return 1.0
    if min(values) <= 0:
        return 0.0
    return float(np.exp(np.mean(np.log(values))))


class VanishingGradientSimulation(Simulation):
    """Back-propagate through a deep network and measure how much gradient each layer gets."""

    slug: ClassVar[str] = "vanishing-gradient"
    title: ClassVar[str] = N_(
        "Vanishing gradients: why the first layers of a deep network stop learning"
    )
    question: ClassVar[str] = N_(
        "How much of the training signal reaches the first layers of a deep network, and how "
        "do the activation function and the initialisation change that?"
    )
    version: ClassVar[str] = "3"
    cases: ClassVar[tuple[str, ...]] = ()
    themes: ClassVar[tuple[str, ...]] = ("vanishing-gradients", "cost")
    explanation: ClassVar[str] = N_("""
**The model.** A fully connected network with *depth* hidden layers of *width* units each,
written in plain NumPy, learns a yes/no rule from 128 synthetic examples with 10 inputs. Its
loss is the cross-entropy; training is plain gradient descent on the whole batch.
Back-propagation computes the gradient layer by layer, from the output back to the input, and
each step back multiplies it by that layer's weights and by the slope of its activation.

**What to try.** Start with the default sigmoid network, then switch to tanh, then to ReLU with
He initialisation. Make the network deeper (20 or 30 layers) or narrower. Set the training steps
to 0 to see the network as it starts.

**What to look for.** The chart uses a logarithmic scale: a straight downward slope from the
last layer to the first means every layer divides the gradient by the same factor. Sigmoid's
slope is never more than 1/4, so unless the weights are large each layer shrinks the gradient;
after ten layers the first layer typically receives a gradient about a million times smaller
than the last (from tens of thousands to a few million, depending on the seed), and its weights
hardly move during training. ReLU with He initialisation keeps the gradients of all layers within
the same order of magnitude. Watch the training loss too: if it rises, the learning rate is too
large; if it does not fall below the loss of always answering with the share of "yes", the
network has learned nothing from its inputs. A first/last ratio near 1 can also hide that every
layer's gradient is tiny (try tanh with the small initialisation): the run then says so.

**Limits.** One small synthetic task, full-batch gradient descent with a fixed learning rate, no
momentum, normalisation layers or residual connections (the remedies used in practice). A large
learning rate can make training diverge; the run says so when it does. The slides' point about
cost stands: deep networks that do learn need many such steps, and every step costs compute.
""")
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="activation",
            type="choice",
            default="sigmoid",
            label=N_("Activation function"),
            help=N_("The non-linearity applied after every hidden layer."),
            choices=(("sigmoid", N_("Sigmoid")), ("tanh", N_("Tanh")), ("relu", N_("ReLU"))),
        ),
        Param(
            name="init",
            type="choice",
            default="xavier",
            label=N_("Weight initialisation"),
            help=N_("How the starting weights are drawn."),
            choices=(
                ("xavier", N_("Xavier/Glorot")),
                ("he", N_("He")),
                ("small", N_("Small Gaussian (sd 0.1)")),
            ),
        ),
        Param(
            name="depth",
            type="int",
            default=10,
            label=N_("Hidden layers"),
            help=N_("Number of hidden layers between the inputs and the output."),
            min=2,
            max=30,
            step=1,
            unit=N_("layers"),
        ),
        Param(
            name="width",
            type="int",
            default=32,
            label=N_("Units per layer"),
            help=N_("Number of units in every hidden layer."),
            min=4,
            max=64,
            step=4,
            unit=N_("units"),
        ),
        Param(
            name="steps",
            type="int",
            default=50,
            label=N_("Training steps"),
            help=N_("Full-batch gradient-descent steps before the second measurement."),
            min=0,
            max=200,
            step=10,
            unit=N_("steps"),
        ),
        Param(
            name="learning_rate",
            type="float",
            default=0.1,
            label=N_("Learning rate"),
            help=N_("Size of each gradient-descent step."),
            min=0.001,
            max=2.0,
            step=0.01,
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="deep-sigmoid",
            title=N_("Deep sigmoid network"),
            description=N_(
                "Twelve sigmoid layers with Xavier initialisation: the classic vanishing gradient."
            ),
            params={"activation": "sigmoid", "init": "xavier", "depth": 12, "width": 32},
            source=N_(
                "Teaching values (no case); the effect follows Glorot & Bengio (AISTATS 2010)."
            ),
        ),
        Preset(
            slug="tanh-xavier",
            title=N_("Tanh with Xavier initialisation"),
            description=N_(
                "Tanh's slope reaches 1 near zero, so the gradient shrinks more slowly."
            ),
            params={"activation": "tanh", "init": "xavier", "depth": 12, "width": 32},
            source=N_("Teaching values (no case)."),
        ),
        Preset(
            slug="relu-he",
            title=N_("ReLU with He initialisation"),
            description=N_(
                "The usual remedy: gradients of every layer stay within one order of magnitude."
            ),
            params={"activation": "relu", "init": "he", "depth": 12, "width": 32},
            source=N_("Teaching values (no case); the initialisation is He et al. (ICCV 2015)."),
        ),
    )

    def simulate(self, p: dict[str, Any], rng: np.random.Generator) -> Result:
        """Measure per-layer gradient norms at initialisation and after training.

        Parameters
        ----------
        p : dict
            Validated parameters (see :attr:`params`).
        rng : numpy.random.Generator
            The run's only source of randomness.

        Returns
        -------
        Result
        """
        activation, depth, width = p["activation"], p["depth"], p["width"]
        x = rng.normal(size=(N_SAMPLES, N_INPUTS))
        y = (np.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] > 0).astype(float)
        sizes = [N_INPUTS] + [width] * depth + [1]
        weights, biases = _init_weights(sizes, p["init"], rng)
        initial_weights = [w.copy() for w in weights]

        first = _forward_backward(x, y, weights, biases, activation)
        # Spectral norms of the hidden-to-hidden matrices that carry the gradient backwards.
        spectral = [float(np.linalg.norm(weights[layer], 2)) for layer in range(1, depth)]

        current = first
        diverged_at: int | None = None
        with np.errstate(over="ignore", invalid="ignore"):
            for step in range(p["steps"]):
                for layer in range(len(weights)):
                    weights[layer] -= p["learning_rate"] * current.grad_w[layer]
                    biases[layer] -= p["learning_rate"] * current.grad_b[layer]
                current = _forward_backward(x, y, weights, biases, activation)
                if not np.isfinite(current.loss) or not all(
                    np.isfinite(g).all() for g in current.grad_w
                ):
                    diverged_at = step + 1
                    break
        last = current

        init_norms = [float(np.linalg.norm(g)) for g in first.grad_w[:depth]]
        # After a divergence the weights hold inf/nan: nothing below reads them.
        diverged = diverged_at is not None
        after_norms = [0.0 if diverged else float(np.linalg.norm(g)) for g in last.grad_w[:depth]]
        moved = [
            0.0
            if diverged
            else _safe_ratio(
                float(np.linalg.norm(weights[layer] - initial_weights[layer])),
                float(np.linalg.norm(initial_weights[layer])),
            )
            for layer in range(depth)
        ]
        shrink = [
            _safe_ratio(first.delta_norms[layer], first.delta_norms[layer + 1])
            for layer in range(depth - 1)
        ]
        bounds = [MAX_SLOPE[activation] * s for s in spectral]
        ratio_init = _safe_ratio(init_norms[0], init_norms[-1])
        delta_ratio = _safe_ratio(first.delta_norms[0], first.delta_norms[-1])
        bound_product = float(np.prod(bounds)) if bounds else 1.0
        mean_shrink = _geometric_mean(shrink)
        mean_bound = _geometric_mean(bounds)
        delta_spread = _safe_ratio(max(first.delta_norms), min(first.delta_norms))
        steps_done = p["steps"] if diverged_at is None else diverged_at
        loss_after = last.loss if diverged_at is None else float("nan")
        constant_loss = _constant_loss(y)
        # Share of the output's error that reaches the first hidden layer: a ratio of first to
        # last layer near 1 can hide that both are tiny (the signal vanishes everywhere).
        reach = _safe_ratio(first.delta_norms[0], first.output_norm)
        if diverged_at is not None or p["steps"] == 0:
            training = "diverged" if diverged_at is not None else "untrained"
        elif loss_after > first.loss + LOSS_TOLERANCE:
            training = "rose"
        elif loss_after < constant_loss - LOSS_TOLERANCE:
            training = "learned"
        else:
            training = "flat"

        rows = []
        for layer in range(depth):
            rows.append(
                {
                    "layer": layer + 1,
                    "moment": N_("at initialisation"),
                    "grad_norm": init_norms[layer],
                    "delta_norm": first.delta_norms[layer],
                    "weight_change": 0.0,
                }
            )
        after_steps = plural(
            "after {steps} step", "after {steps} steps", steps_done, steps=Int(steps_done)
        )
        if p["steps"] > 0:
            for layer in range(depth):
                rows.append(
                    {
                        "layer": layer + 1,
                        "moment": after_steps,
                        "grad_norm": after_norms[layer] if diverged_at is None else None,
                        "delta_norm": last.delta_norms[layer] if diverged_at is None else None,
                        "weight_change": moved[layer] if diverged_at is None else None,
                    }
                )
        table = Table(
            key="layers",
            title=N_("Gradient norm of each hidden layer's weights"),
            columns=[
                ("layer", N_("Layer (1 = nearest the inputs)")),
                ("moment", N_("When")),
                ("grad_norm", N_("Gradient norm of the weights")),
                ("delta_norm", N_("Norm of the back-propagated error")),
                ("weight_change", N_("Weight change since initialisation (relative)")),
            ],
            rows=rows,
        )
        chart_rows = [
            {"layer": r["layer"], "moment": r["moment"], "grad_norm": r["grad_norm"]}
            for r in rows
            if r["grad_norm"] is not None and r["grad_norm"] > 0
        ]
        spec = line_chart(
            Msg(
                "Gradient norm by layer ({name}, {depth} layers)",
                name=ACTIVATION_LABELS[activation],
                depth=Int(depth),
            ),
            chart_rows,
            x="layer",
            y="grad_norm",
            x_title=N_("Hidden layer (1 = nearest the inputs)"),
            y_title=N_("Gradient norm (log scale)"),
            color="moment",
            color_title=N_("When"),
        )
        log_axis(spec)
        chart = Chart(
            key="gradient-by-layer",
            title=N_("Gradient norm by layer"),
            description=Msg(
                "The gradient of layer 1's weights is {times} than that of layer {depth} at "
                "initialisation ({name}, log scale).",
                times=_times(ratio_init),
                depth=Int(depth),
                name=ACTIVATION_LABELS[activation],
            ),
            spec=spec,
            table="layers",
        )

        metrics = [
            Metric(
                key="first_to_last",
                label=N_("Gradient norm, first layer ÷ last hidden layer (at initialisation)"),
                value=ratio_init,
                help=N_("Below 0.01 means the first layer gets at least 100 times less signal."),
            ),
            Metric(
                key="shrink_per_layer",
                label=N_("Average shrink factor of the back-propagated error per layer"),
                value=mean_shrink,
                help=N_("Geometric mean over layers; 1 means no shrinking."),
            ),
            Metric(
                key="shrink_bound",
                label=N_("Upper bound per layer: largest slope × spectral norm of the weights"),
                value=mean_bound,
                help=N_("Geometric mean over layers of max f' × ‖W‖₂."),
            ),
            Metric(
                key="signal_reach",
                label=N_("Back-propagated error at the first layer ÷ error at the output"),
                value=reach,
                help=N_(
                    "At initialisation; below 0.01 the training signal has vanished before "
                    "reaching the first layer, whatever the first/last ratio says."
                ),
            ),
            Metric(
                key="loss_before", label=N_("Training loss at initialisation"), value=first.loss
            ),
            Metric(
                key="loss_constant",
                label=N_("Loss of always answering with the share of 'yes'"),
                value=constant_loss,
                help=N_(
                    "A trained network whose loss is not below this has learned nothing from "
                    "its inputs."
                ),
            ),
            Metric(
                key="loss_after",
                label=plural(
                    "Training loss after {steps} step",
                    "Training loss after {steps} steps",
                    steps_done,
                    steps=Int(steps_done),
                ),
                value=loss_after,
            ),
            Metric(
                key="first_layer_change",
                label=N_("Relative change of the first layer's weights"),
                value=moved[0] if diverged_at is None else None,
                unit="×100 %",
            ),
            Metric(
                key="last_layer_change",
                label=N_("Relative change of the last hidden layer's weights"),
                value=moved[-1] if diverged_at is None else None,
                unit="×100 %",
            ),
        ]

        findings = [self._ratio_finding(activation, depth, ratio_init, reach)]
        findings.append(
            Msg(
                "Each layer multiplied the back-propagated error by {shrink} on average; the "
                "largest slope of {name} ({slope}) times the weights' spectral norm caps that "
                "factor at {bound}.",
                shrink=Num(mean_shrink, 2),
                name=ACTIVATION_LABELS[activation],
                slope=_number(f"{MAX_SLOPE[activation]:g}"),
                bound=Num(mean_bound, 2),
            )
        )
        if p["steps"] > 0 and diverged_at is None:
            moved_values = {
                "steps": Int(steps_done),
                "first": _percent(moved[0]),
                "last": _percent(moved[-1]),
            }
            if moved[-1] < 1e-5:
                movement = plural(
                    "After {steps} step the first layer's weights had moved by {first} and the "
                    "last hidden layer's by {last}: no layer's weights moved visibly.",
                    "After {steps} steps the first layer's weights had moved by {first} and the "
                    "last hidden layer's by {last}: no layer's weights moved visibly.",
                    steps_done,
                    **moved_values,
                )
            elif moved[0] < moved[-1] / 10:
                movement = plural(
                    "After {steps} step the first layer's weights had moved by {first} and the "
                    "last hidden layer's by {last}: the early layers barely moved.",
                    "After {steps} steps the first layer's weights had moved by {first} and the "
                    "last hidden layer's by {last}: the early layers barely moved.",
                    steps_done,
                    **moved_values,
                )
            else:
                movement = plural(
                    "After {steps} step the first layer's weights had moved by {first} and the "
                    "last hidden layer's by {last}: every layer's weights moved by a comparable "
                    "amount.",
                    "After {steps} steps the first layer's weights had moved by {first} and the "
                    "last hidden layer's by {last}: every layer's weights moved by a comparable "
                    "amount.",
                    steps_done,
                    **moved_values,
                )
            findings.append(movement)
            before, after = Num(first.loss, 3), Num(loss_after, 3)
            constant = Num(constant_loss, 3)
            if training == "rose":
                outcome = Msg(
                    "Yet the training loss rose, from {before} to {after}: with a learning rate "
                    "of {rate} the steps overshoot, so the weights moved without learning (the "
                    "training is unstable).",
                    before=before,
                    after=after,
                    rate=_number(f"{p['learning_rate']:g}"),
                )
            elif training == "learned":
                outcome = Msg(
                    "The training loss fell from {before} to {after}, below the {constant} of "
                    "always answering with the share of 'yes' in the data: the network learned "
                    "something from its inputs.",
                    before=before,
                    after=after,
                    constant=constant,
                )
            else:
                outcome = plural(
                    "The training loss went from {before} to {after}, no better than the "
                    "{constant} of always answering with the share of 'yes' in the data: in "
                    "{steps} step the network learned nothing from its inputs.",
                    "The training loss went from {before} to {after}, no better than the "
                    "{constant} of always answering with the share of 'yes' in the data: in "
                    "{steps} steps the network learned nothing from its inputs.",
                    steps_done,
                    before=before,
                    after=after,
                    constant=constant,
                    steps=Int(steps_done),
                )
            findings.append(outcome)
        elif diverged_at is not None:
            findings.append(
                Msg(
                    "Training diverged at step {step}: with a learning rate of {rate} the "
                    "weights blew up (an exploding gradient).",
                    step=Int(diverged_at),
                    rate=_number(f"{p['learning_rate']:g}"),
                )
            )

        checks = [
            Check(
                key="shrink-bound",
                label=N_("Each layer's shrink factor stays under its chain-rule bound"),
                passed=all(s <= b * (1 + 1e-9) for s, b in zip(shrink, bounds, strict=True)),
                expected=Msg(
                    "at every layer, ‖δ_l‖ ≤ {slope} × ‖W_(l+1)‖₂ × ‖δ_(l+1)‖ (largest slope of "
                    "{name} × spectral norm)",
                    slope=_number(f"{MAX_SLOPE[activation]:g}"),
                    name=ACTIVATION_LABELS[activation],
                ),
                observed=(
                    Msg(
                        "largest observed factor {factor} where its bound was {bound}",
                        factor=Num(max(shrink), 3),
                        bound=Num(bounds[int(np.argmax(shrink))], 3),
                    )
                    if shrink
                    else N_("one hidden layer only")
                ),
                reference=N_(
                    "An inequality of linear algebra (a matrix cannot stretch a vector by more "
                    "than its spectral norm), true for any weights; it shows how the cap is "
                    "computed, not that the gradient vanishes"
                ),
                kind="consistency",
            )
        ]
        if activation == "sigmoid":
            checks.append(
                Check(
                    key="sigmoid-vanishes",
                    label=N_(
                        "With sigmoid, the first layer's error signal is bounded by a product of "
                        "factors"
                    ),
                    passed=delta_ratio <= bound_product * (1 + 1e-9),
                    expected=(
                        Msg(
                            "‖δ_1‖ / ‖δ_{depth}‖ ≤ product of the {count} per-layer bounds = "
                            "{product} (orders of magnitude below 1)",
                            depth=str(depth),
                            count=Int(depth - 1),
                            product=_number(f"{bound_product:.2g}"),
                        )
                        if bound_product < 0.01
                        else Msg(
                            "‖δ_1‖ / ‖δ_{depth}‖ ≤ product of the {count} per-layer bounds = "
                            "{product}",
                            depth=str(depth),
                            count=Int(depth - 1),
                            product=_number(f"{bound_product:.2g}"),
                        )
                    ),
                    observed=_number(f"{delta_ratio:.2g}"),
                    reference=GLOROT_2010,
                    kind="consistency",
                )
            )
        if activation == "relu" and p["init"] == "he" and 2 * depth <= width:
            checks.append(
                Check(
                    key="relu-he-stable",
                    label=N_(
                        "ReLU with He initialisation keeps the back-propagated error within one "
                        "order of magnitude"
                    ),
                    passed=delta_spread < 10,
                    expected=N_(
                        "largest ÷ smallest per-layer norm of the back-propagated error < 10 at "
                        "initialisation (for networks at most half as deep as they are wide)"
                    ),
                    observed=Num(delta_spread, 2),
                    reference=HE_2015,
                )
            )
        return Result(
            metrics=metrics, tables=[table], charts=[chart], findings=findings, checks=checks
        )

    @staticmethod
    def _ratio_finding(activation: str, depth: int, ratio: float, reach: float) -> Msg:
        """The first sentence: how the first layer's gradient compares with the last's.

        ``reach`` (error at the first layer ÷ error at the output) catches the case the ratio
        cannot see: every layer's gradient vanishing together.
        """
        name, layers = ACTIVATION_LABELS[activation], Int(depth)
        if ratio == 0 or not np.isfinite(ratio):
            return Msg(
                "With {name} and {depth} layers, some layer passes no gradient back at all at "
                "initialisation: all of its units are inactive (dead), so the layers below it "
                "cannot learn.",
                name=name,
                depth=layers,
            )
        if ratio < 0.01:
            return Msg(
                "With {name} and {depth} layers, the gradient reaching the first layer at "
                "initialisation is {factor} times smaller than at the last hidden layer: it "
                "vanishes on its way back.",
                name=name,
                depth=layers,
                factor=_sig(1 / ratio),
            )
        if ratio < 0.1:
            return Msg(
                "With {name} and {depth} layers, the gradient reaching the first layer at "
                "initialisation is {factor} times smaller than at the last hidden layer, less "
                "than two orders of magnitude.",
                name=name,
                depth=layers,
                factor=_sig(1 / ratio),
            )
        if ratio > 10:
            return Msg(
                "With {name} and {depth} layers, the gradient explodes backwards: the first "
                "layer's is {factor} times larger than the last hidden layer's.",
                name=name,
                depth=layers,
                factor=_sig(ratio),
            )
        if reach < REACH_VANISHED:
            return Msg(
                "With {name} and {depth} layers, the first and last hidden layers receive "
                "gradients of the same order of magnitude (ratio {ratio}), but only because "
                "both are tiny: the error reaching the first layer is {factor} times smaller than "
                "at the output, so every layer's gradient vanishes together.",
                name=name,
                depth=layers,
                ratio=Num(ratio, 2),
                factor=_sig(1 / reach),
            )
        return Msg(
            "With {name} and {depth} layers, the first and last hidden layers receive gradients "
            "of the same order of magnitude (ratio {ratio}).",
            name=name,
            depth=layers,
            ratio=Num(ratio, 2),
        )


SIMULATION = VanishingGradientSimulation()
