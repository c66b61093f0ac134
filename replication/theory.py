"""The 2024 paper's theory of the training response, computed from a network's own weights: pure
functions of (weights, activation, inputs), in float64, for its one-hidden-layer network
y = σ(Σ_i a_i F_i + b), F_i = φ(c_i·x + b_i), whose weights are [c (n_in, n), b_i (n,), a (n, 1), b (1,)]
(models.layers_2024's trainable variables, in order).

Its NTK is Θ(x_o, x) = σ'σ'_o [Σ_i F_io F_i + Σ_i a_i² φ'_io φ'_i (x·x_o + 1) + 1] (`bracket`). The paper's
eq. (19) keeps the features active (c_i·x + b_i > 0) at both inputs and takes φ' = 1 there (ReLU's
slope): Σ_{i active at both} (F_io F_i + a_i² (x·x_o + 1)) + 1 (`eq19_bracket`). For ReLU the two are equal;
for ELU the paper's expression leaves out the negative part of every feature. Eq. (20) holds the
parameters constant: σ'σ'_o (C0 n(x) + C1 x·x_o + C2), n(x) the number of features active at both
inputs (the paper's Σ C0), fitted by least squares (`eq20_fit`)."""

from typing import NamedTuple

import numpy as np

from .stats import shell_means

# φ and φ' of the hidden layer, as Keras computes them (ReLU' = 0 at 0; ELU with alpha 1).
ACTIVATIONS = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(np.float64)),
    "elu": (lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))), lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0.0)))),
}


def activation_pair(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"the theory of the 2024 paper is computed for {sorted(ACTIVATIONS)}, not {name!r}")
    return ACTIVATIONS[name]


class Terms(NamedTuple):
    """The pieces of Θ(x_o, x) at probe points x (..., P): σ' at x_o (...) and at x, the exact bracket
    (Θ / σ'σ'_o), the paper's eq. (19) bracket, the count of features active at both inputs and x·x_o."""

    sigma_o: np.ndarray
    sigma: np.ndarray
    bracket: np.ndarray
    eq19_bracket: np.ndarray
    active: np.ndarray
    overlap: np.ndarray


def _hidden(weights, phi, x):
    c, bias = np.asarray(weights[0], np.float64), np.asarray(weights[1], np.float64)
    z = np.einsum("...pi,...in->...pn", x, c) + bias[..., None, :]
    return z, phi[0](z), phi[1](z)


def _sigma_derivative(weights, features):
    a, b = np.asarray(weights[2], np.float64)[..., 0], np.asarray(weights[3], np.float64)
    y = 1.0 / (1.0 + np.exp(-(np.einsum("...pn,...n->...p", features, a) + b)))
    return y * (1.0 - y)


def terms(weights, activation, x_o, x):
    """Terms of Θ(x_o, x) for weights with any leading axes (...), x_o (..., n_in) and x (..., P, n_in)."""
    phi = activation_pair(activation)
    x_o, x = np.asarray(x_o, np.float64)[..., None, :], np.asarray(x, np.float64)
    z_o, f_o, d_o = _hidden(weights, phi, x_o)
    z, f, d = _hidden(weights, phi, x)
    a2 = np.asarray(weights[2], np.float64)[..., None, :, 0] ** 2
    overlap = np.sum(x * x_o, axis=-1)
    both = (z_o > 0) & (z > 0)
    bracket = np.sum(f_o * f + a2 * d_o * d * (overlap[..., None] + 1.0), axis=-1) + 1.0
    eq19 = np.sum(np.where(both, f_o * f + a2 * (overlap[..., None] + 1.0), 0.0), axis=-1) + 1.0
    return Terms(_sigma_derivative(weights, f_o)[..., 0], _sigma_derivative(weights, f), bracket, eq19, both.sum(axis=-1), overlap)


def ntk(t):
    """Θ(x_o, x) from its terms (the exact NTK of the network)."""
    return t.sigma_o[..., None] * t.sigma * t.bracket


def eq19(t):
    """The paper's eq. (19) as a kernel: σ'σ'_o times its bracket over the features active at both inputs."""
    return t.sigma_o[..., None] * t.sigma * t.eq19_bracket


def r_squared(observed, predicted):
    """1 − Σ(observed − predicted)² / Σ(observed − mean)² over the last axis (NaN where observed is flat)."""
    residual = np.sum((observed - predicted) ** 2, axis=-1)
    total = np.sum((observed - observed.mean(axis=-1, keepdims=True)) ** 2, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, 1.0 - residual / total, np.nan)


def relative_error(observed, predicted):
    """‖predicted − observed‖ / ‖observed‖ over the last axis."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.linalg.norm(predicted - observed, axis=-1) / np.linalg.norm(observed, axis=-1)


def eq20_fit(t, response):
    """Least-squares constants (C0, C1, C2) of eq. (20), response ≈ σ'σ'_o (C0 n(x) + C1 x·x_o + C2), per
    leading index, and the fit's R²: (constants (..., 3), r2 (...))."""
    scale = t.sigma_o[..., None] * t.sigma
    design = np.stack([scale * t.active, scale * t.overlap, scale], axis=-1)
    lead = design.shape[:-2]
    flat_design = design.reshape((-1,) + design.shape[-2:])
    flat_response = np.asarray(response, np.float64).reshape(-1, design.shape[-2])
    constants = np.stack([np.linalg.lstsq(a, y, rcond=None)[0] for a, y in zip(flat_design, flat_response)])
    constants = constants.reshape(lead + (3,))
    return constants, r_squared(np.asarray(response, np.float64), np.einsum("...pk,...k->...p", design, constants))


def survivors(data, activation):
    """Per replica and measured epoch (R, T), from the kept weights: alive, the number of features alive
    (nonzero on some probe input); alive_at_x_o, how many of those are active at x_o (c_i·x_o + b_i > 0);
    and active_at_x_o, the share of all features active at x_o."""
    phi = activation_pair(activation)
    out = {"alive": [], "alive_at_x_o": [], "active_at_x_o": []}
    for r in range(len(data["x_o"])):
        weights = [np.asarray(data[f"weight_{i}"][r]) for i in range(2)]
        at_o = _hidden(weights, phi, np.asarray(data["x_o"][r], np.float64)[None])[0][..., 0, :] > 0
        alive = (_hidden(weights, phi, np.asarray(data["probe_x"][r], np.float64))[1] != 0).any(axis=-2)
        out["alive"].append(alive.sum(axis=-1))
        out["alive_at_x_o"].append((alive & at_o).sum(axis=-1))
        out["active_at_x_o"].append(at_o.mean(axis=-1))
    return {k: np.asarray(v, np.float32) for k, v in out.items()}


def derived(data, activation, learning_rate):
    """What the theory analyses, per replica (R, T, ...) from a run's kept weights (data["weight_0"...
    "weight_3"], (R, T, ...)), x_o and probe points: `survivors`, and with the measured step and ntk:
    eq19_r2 (eq. 19 with the factor 2η of an SGD step on the MSE, against the measured normalized step),
    eq19_error and ntk_error (eq. 19's and the exact expression's relative error against the measured Θ),
    eq20_r2 and eq20_constants, eq21_c (eq. 21's C: the normalized step at x_o over σ'(x_o)²), sigma_ratio
    (σ'(x)/σ'(x_o)) and bracket_kernel (the bracket over its value at x_o) per shell, and negative_share (the
    share of each shell's normalized steps below 0)."""
    out = survivors(data, activation)
    if "step" in data and "ntk" in data:
        out.update(_response_terms(data, activation, learning_rate))
    return out


def _response_terms(data, activation, learning_rate):
    distance = np.asarray(data["distance"])
    keys = ("eq19_r2", "eq19_error", "ntk_error", "eq20_r2", "eq20_constants", "eq21_c", "sigma_ratio", "bracket_kernel", "negative_share")
    out = {k: [] for k in keys}
    at_o = distance == 0
    for r in range(len(data["x_o"])):
        weights = [np.asarray(data[f"weight_{i}"][r]) for i in range(4)]
        t = terms(weights, activation, data["x_o"][r], data["probe_x"][r])
        step, measured = np.asarray(data["step"][r], np.float64), np.asarray(data["ntk"][r], np.float64)
        out["eq19_r2"].append(r_squared(step, 2 * learning_rate * eq19(t)))
        out["eq19_error"].append(relative_error(measured, eq19(t)))
        out["ntk_error"].append(relative_error(measured, ntk(t)))
        constants, r2 = eq20_fit(t, step)
        out["eq20_constants"].append(constants)
        out["eq20_r2"].append(r2)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["sigma_ratio"].append(shell_means(t.sigma / t.sigma_o[..., None], distance)[1])
            out["bracket_kernel"].append(shell_means(t.bracket / t.bracket[..., at_o].mean(axis=-1, keepdims=True), distance)[1])
        out["negative_share"].append(shell_means((step < 0).astype(np.float64), distance)[1])
        with np.errstate(divide="ignore", invalid="ignore"):
            out["eq21_c"].append(step[..., at_o].mean(axis=-1) / t.sigma_o**2)
    return {k: np.asarray(v, np.float32 if k != "eq20_constants" else np.float64) for k, v in out.items()}
