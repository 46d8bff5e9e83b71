"""Vanishing gradients: per-layer gradient norms of a deep fully connected network, in NumPy."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from scipy.special import expit

from ._shared import log_axis, sig, times
from .base import Chart, Check, Metric, Param, Preset, Result, Simulation, Table
from .charts import line_chart

N_SAMPLES = 128
N_INPUTS = 10
TINY = 1e-250
LOSS_TOLERANCE = 0.01
"""Loss changes smaller than this (in nats) count as no change: learned, rose or stayed put."""
REACH_VANISHED = 0.01
"""Below this share of the output's error reaching the first layer, the signal has vanished."""

#: The largest slope of each activation: sigmoid'(0) = 1/4, tanh'(0) = 1, ReLU' = 1 for z > 0.
MAX_SLOPE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}

ACTIVATION_LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
INIT_LABELS = {
    "xavier": "Xavier/Glorot (variance 2 / (fan-in + fan-out))",
    "he": "He (variance 2 / fan-in)",
    "small": "small Gaussian (standard deviation 0.1)",
}

GLOROT_2010 = (
    "Glorot & Bengio, 'Understanding the difficulty of training deep feedforward neural "
    "networks', AISTATS 2010 (sigmoid's slope is at most 1/4; the chain rule multiplies one "
    "factor per layer)"
)
HE_2015 = (
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


def _percent(x: float) -> str:
    """A relative change as a readable percentage, however small (3e-8 → 'less than 0.001%')."""
    if x * 100 < 0.001:
        return "less than 0.001%"
    return f"{sig(100 * x)}%"


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
    title: ClassVar[str] = (
        "Vanishing gradients: why the first layers of a deep network stop learning"
    )
    question: ClassVar[str] = (
        "How much of the training signal reaches the first layers of a deep network, and how "
        "do the activation function and the initialisation change that?"
    )
    version: ClassVar[str] = "2"
    cases: ClassVar[tuple[str, ...]] = ()
    themes: ClassVar[tuple[str, ...]] = ("vanishing-gradients", "cost")
    explanation: ClassVar[str] = """
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
"""
    params: ClassVar[tuple[Param, ...]] = (
        Param(
            name="activation",
            type="choice",
            default="sigmoid",
            label="Activation function",
            help="The non-linearity applied after every hidden layer.",
            choices=(("sigmoid", "Sigmoid"), ("tanh", "Tanh"), ("relu", "ReLU")),
        ),
        Param(
            name="init",
            type="choice",
            default="xavier",
            label="Weight initialisation",
            help="How the starting weights are drawn.",
            choices=(
                ("xavier", "Xavier/Glorot"),
                ("he", "He"),
                ("small", "Small Gaussian (sd 0.1)"),
            ),
        ),
        Param(
            name="depth",
            type="int",
            default=10,
            label="Hidden layers",
            help="Number of hidden layers between the inputs and the output.",
            min=2,
            max=30,
            step=1,
            unit="layers",
        ),
        Param(
            name="width",
            type="int",
            default=32,
            label="Units per layer",
            help="Number of units in every hidden layer.",
            min=4,
            max=64,
            step=4,
            unit="units",
        ),
        Param(
            name="steps",
            type="int",
            default=50,
            label="Training steps",
            help="Full-batch gradient-descent steps before the second measurement.",
            min=0,
            max=200,
            step=10,
            unit="steps",
        ),
        Param(
            name="learning_rate",
            type="float",
            default=0.1,
            label="Learning rate",
            help="Size of each gradient-descent step.",
            min=0.001,
            max=2.0,
            step=0.01,
        ),
    )
    presets: ClassVar[tuple[Preset, ...]] = (
        Preset(
            slug="deep-sigmoid",
            title="Deep sigmoid network",
            description="Twelve sigmoid layers with Xavier initialisation: the classic vanishing gradient.",
            params={"activation": "sigmoid", "init": "xavier", "depth": 12, "width": 32},
            source="Teaching values (no case); the effect follows Glorot & Bengio (AISTATS 2010).",
        ),
        Preset(
            slug="tanh-xavier",
            title="Tanh with Xavier initialisation",
            description="Tanh's slope reaches 1 near zero, so the gradient shrinks more slowly.",
            params={"activation": "tanh", "init": "xavier", "depth": 12, "width": 32},
            source="Teaching values (no case).",
        ),
        Preset(
            slug="relu-he",
            title="ReLU with He initialisation",
            description="The usual remedy: gradients of every layer stay within one order of magnitude.",
            params={"activation": "relu", "init": "he", "depth": 12, "width": 32},
            source="Teaching values (no case); the initialisation is He et al. (ICCV 2015).",
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
                    "moment": "at initialisation",
                    "grad_norm": init_norms[layer],
                    "delta_norm": first.delta_norms[layer],
                    "weight_change": 0.0,
                }
            )
        if p["steps"] > 0:
            for layer in range(depth):
                rows.append(
                    {
                        "layer": layer + 1,
                        "moment": f"after {steps_done} steps",
                        "grad_norm": after_norms[layer] if diverged_at is None else None,
                        "delta_norm": last.delta_norms[layer] if diverged_at is None else None,
                        "weight_change": moved[layer] if diverged_at is None else None,
                    }
                )
        table = Table(
            key="layers",
            title="Gradient norm of each hidden layer's weights",
            columns=[
                ("layer", "Layer (1 = nearest the inputs)"),
                ("moment", "When"),
                ("grad_norm", "Gradient norm of the weights"),
                ("delta_norm", "Norm of the back-propagated error"),
                ("weight_change", "Weight change since initialisation (relative)"),
            ],
            rows=rows,
        )
        chart_rows = [
            {"layer": r["layer"], "moment": r["moment"], "grad_norm": r["grad_norm"]}
            for r in rows
            if r["grad_norm"] is not None and r["grad_norm"] > 0
        ]
        spec = line_chart(
            f"Gradient norm by layer ({ACTIVATION_LABELS[activation]}, {depth} layers)",
            chart_rows,
            x="layer",
            y="grad_norm",
            x_title="Hidden layer (1 = nearest the inputs)",
            y_title="Gradient norm (log scale)",
            color="moment",
            color_title="When",
        )
        log_axis(spec)
        chart = Chart(
            key="gradient-by-layer",
            title="Gradient norm by layer",
            description=(
                f"The gradient of layer 1's weights is {times(ratio_init)} than that of layer "
                f"{depth} at initialisation ({ACTIVATION_LABELS[activation]}, log scale)."
            ),
            spec=spec,
            table="layers",
        )

        metrics = [
            Metric(
                key="first_to_last",
                label="Gradient norm, first layer ÷ last hidden layer (at initialisation)",
                value=ratio_init,
                help="Below 0.01 means the first layer gets at least 100 times less signal.",
            ),
            Metric(
                key="shrink_per_layer",
                label="Average shrink factor of the back-propagated error per layer",
                value=mean_shrink,
                help="Geometric mean over layers; 1 means no shrinking.",
            ),
            Metric(
                key="shrink_bound",
                label="Upper bound per layer: largest slope × spectral norm of the weights",
                value=mean_bound,
                help="Geometric mean over layers of max f' × ‖W‖₂.",
            ),
            Metric(
                key="signal_reach",
                label="Back-propagated error at the first layer ÷ error at the output",
                value=reach,
                help="At initialisation; below 0.01 the training signal has vanished before "
                "reaching the first layer, whatever the first/last ratio says.",
            ),
            Metric(key="loss_before", label="Training loss at initialisation", value=first.loss),
            Metric(
                key="loss_constant",
                label="Loss of always answering with the share of 'yes'",
                value=constant_loss,
                help="A trained network whose loss is not below this has learned nothing from "
                "its inputs.",
            ),
            Metric(
                key="loss_after",
                label=f"Training loss after {steps_done} steps",
                value=loss_after,
            ),
            Metric(
                key="first_layer_change",
                label="Relative change of the first layer's weights",
                value=moved[0] if diverged_at is None else None,
                unit="×100 %",
            ),
            Metric(
                key="last_layer_change",
                label="Relative change of the last hidden layer's weights",
                value=moved[-1] if diverged_at is None else None,
                unit="×100 %",
            ),
        ]

        findings = [self._ratio_finding(activation, depth, ratio_init, reach)]
        shrink_sentence = (
            "Each layer multiplied the back-propagated error by {shrink:.2f} on average; the "
            "largest slope of {name} ({slope:g}) times the weights' spectral norm caps that "
            "factor at {bound:.2f}."
        )
        findings.append(
            shrink_sentence.format(
                shrink=mean_shrink,
                name=ACTIVATION_LABELS[activation],
                slope=MAX_SLOPE[activation],
                bound=mean_bound,
            )
        )
        if p["steps"] > 0 and diverged_at is None:
            values = {
                "steps": steps_done,
                "first": _percent(moved[0]),
                "last": _percent(moved[-1]),
                "before": first.loss,
                "after": loss_after,
                "constant": constant_loss,
                "rate": p["learning_rate"],
            }
            if moved[-1] < 1e-5:
                movement = (
                    "After {steps} steps the first layer's weights had moved by {first} and the "
                    "last hidden layer's by {last}: no layer's weights moved visibly."
                )
            elif moved[0] < moved[-1] / 10:
                movement = (
                    "After {steps} steps the first layer's weights had moved by {first} and the "
                    "last hidden layer's by {last}: the early layers barely moved."
                )
            else:
                movement = (
                    "After {steps} steps the first layer's weights had moved by {first} and the "
                    "last hidden layer's by {last}: every layer's weights moved by a comparable "
                    "amount."
                )
            findings.append(movement.format(**values))
            if training == "rose":
                outcome = (
                    "Yet the training loss rose, from {before:.3f} to {after:.3f}: with a "
                    "learning rate of {rate:g} the steps overshoot, so the weights moved without "
                    "learning (the training is unstable)."
                )
            elif training == "learned":
                outcome = (
                    "The training loss fell from {before:.3f} to {after:.3f}, below the "
                    "{constant:.3f} of always answering with the share of 'yes' in the data: "
                    "the network learned something from its inputs."
                )
            else:
                outcome = (
                    "The training loss went from {before:.3f} to {after:.3f}, no better than "
                    "the {constant:.3f} of always answering with the share of 'yes' in the "
                    "data: in {steps} steps the network learned nothing from its inputs."
                )
            findings.append(outcome.format(**values))
        elif diverged_at is not None:
            findings.append(
                "Training diverged at step {step}: with a learning rate of {rate:g} the weights "
                "blew up (an exploding gradient).".format(step=diverged_at, rate=p["learning_rate"])
            )

        checks = [
            Check(
                key="shrink-bound",
                label="Each layer's shrink factor stays under its chain-rule bound",
                passed=all(s <= b * (1 + 1e-9) for s, b in zip(shrink, bounds, strict=True)),
                expected=(
                    f"at every layer, ‖δ_l‖ ≤ {MAX_SLOPE[activation]:g} × ‖W_(l+1)‖₂ × ‖δ_(l+1)‖ "
                    f"(largest slope of {ACTIVATION_LABELS[activation]} × spectral norm)"
                ),
                observed=(
                    f"largest observed factor {max(shrink):.3f} where its bound was "
                    f"{bounds[int(np.argmax(shrink))]:.3f}"
                    if shrink
                    else "one hidden layer only"
                ),
                reference=(
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
                    label="With sigmoid, the first layer's error signal is bounded by a product of factors",
                    passed=delta_ratio <= bound_product * (1 + 1e-9),
                    expected=(
                        f"‖δ_1‖ / ‖δ_{depth}‖ ≤ product of the {depth - 1} per-layer bounds = "
                        f"{bound_product:.2g}"
                        + (" (orders of magnitude below 1)" if bound_product < 0.01 else "")
                    ),
                    observed=f"{delta_ratio:.2g}",
                    reference=GLOROT_2010,
                    kind="consistency",
                )
            )
        if activation == "relu" and p["init"] == "he" and 2 * depth <= width:
            checks.append(
                Check(
                    key="relu-he-stable",
                    label="ReLU with He initialisation keeps the back-propagated error within one order of magnitude",
                    passed=delta_spread < 10,
                    expected=(
                        "largest ÷ smallest per-layer norm of the back-propagated error < 10 at "
                        "initialisation (for networks at most half as deep as they are wide)"
                    ),
                    observed=f"{delta_spread:.2f}",
                    reference=HE_2015,
                )
            )
        return Result(
            metrics=metrics, tables=[table], charts=[chart], findings=findings, checks=checks
        )

    @staticmethod
    def _ratio_finding(activation: str, depth: int, ratio: float, reach: float) -> str:
        """The first sentence: how the first layer's gradient compares with the last's.

        ``reach`` (error at the first layer ÷ error at the output) catches the case the ratio
        cannot see: every layer's gradient vanishing together.
        """
        values = {"name": ACTIVATION_LABELS[activation], "depth": depth, "ratio": ratio}
        if ratio == 0 or not np.isfinite(ratio):
            return (
                "With {name} and {depth} layers, some layer passes no gradient back at all at "
                "initialisation: all of its units are inactive (dead), so the layers below it "
                "cannot learn.".format(**values)
            )
        if ratio < 0.01:
            return (
                "With {name} and {depth} layers, the gradient reaching the first layer at "
                "initialisation is {factor} times smaller than at the last hidden layer: it "
                "vanishes on its way back.".format(factor=sig(1 / ratio), **values)
            )
        if ratio < 0.1:
            return (
                "With {name} and {depth} layers, the gradient reaching the first layer at "
                "initialisation is {factor} times smaller than at the last hidden layer, less "
                "than two orders of magnitude.".format(factor=sig(1 / ratio), **values)
            )
        if ratio > 10:
            return (
                "With {name} and {depth} layers, the gradient explodes backwards: the first "
                "layer's is {factor} times larger than the last hidden layer's.".format(
                    factor=sig(ratio), **values
                )
            )
        if reach < REACH_VANISHED:
            return (
                "With {name} and {depth} layers, the first and last hidden layers receive "
                "gradients of the same order of magnitude (ratio {ratio:.2f}), but only because "
                "both are tiny: the error reaching the first layer is {factor} times smaller than "
                "at the output, so every layer's gradient vanishes together.".format(
                    factor=sig(1 / reach), **values
                )
            )
        return (
            "With {name} and {depth} layers, the first and last hidden layers receive gradients "
            "of the same order of magnitude (ratio {ratio:.2f}).".format(**values)
        )


SIMULATION = VanishingGradientSimulation()
