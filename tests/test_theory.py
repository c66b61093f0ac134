"""The 2024 paper's theory (replication/theory.py) against independent computations: the NTK of a tiny
two-layer network from tf.GradientTape in float64 and by hand, eq. (20)'s least squares on data made from
known constants, and, on real runs, the weights the engines keep against the model's own outputs and the
measured Θ."""

import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf

from training_response.replication import figures, theory
from training_response.replication.training import TRAINERS, run_ensemble


def _network(activation, seed, inputs=5, features=7):
    """Float64 weights [c, b_i, a, b] of y = σ(a·φ(c x + b_i) + b), with biases that leave some features
    inactive at some inputs."""
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(inputs, features)), rng.normal(size=features), rng.normal(size=(features, 1)), rng.normal(size=1)]


def _tape_ntk(weights, activation, x_o, x):
    """∇_w f(x_o) · ∇_w f(x) over all four weights, each gradient from tf.GradientTape in float64."""
    variables = [tf.Variable(w, dtype=tf.float64) for w in weights]
    phi = {"relu": tf.nn.relu, "elu": tf.nn.elu}[activation]

    def gradient(point):
        with tf.GradientTape() as tape:
            hidden = phi(tf.constant(point[None], tf.float64) @ variables[0] + variables[1])
            y = tf.sigmoid(hidden @ variables[2] + variables[3])
        return np.concatenate([g.numpy().ravel() for g in tape.gradient(y, variables)])

    at_o = gradient(x_o)
    return np.array([gradient(point) @ at_o for point in x])


@pytest.mark.parametrize("activation", ["relu", "elu"])
def test_the_exact_expression_is_the_tapes_ntk_in_float64(activation):
    weights = _network(activation, seed=1)
    rng = np.random.default_rng(2)
    x_o, x = rng.choice([-1.0, 1.0], 5), rng.choice([-1.0, 1.0], (12, 5))
    terms = theory.terms(weights, activation, x_o, x)
    np.testing.assert_allclose(theory.ntk(terms), _tape_ntk(weights, activation, x_o, x), rtol=1e-12, atol=1e-15)
    # The features are active at some inputs and not at others, so the active set matters.
    assert terms.active.min() < terms.active.max() < 7


def test_eq19_equals_the_ntk_with_relu_and_leaves_out_the_negative_part_of_elu():
    rng = np.random.default_rng(3)
    x_o, x = rng.choice([-1.0, 1.0], 5), rng.choice([-1.0, 1.0], (12, 5))
    relu = theory.terms(_network("relu", 4), "relu", x_o, x)
    np.testing.assert_allclose(theory.eq19(relu), theory.ntk(relu), rtol=1e-12)
    weights = _network("elu", 4)
    elu = theory.terms(weights, "elu", x_o, x)
    assert np.max(np.abs(theory.eq19(elu) - theory.ntk(elu))) > 1e-3
    # Eq. (19) for ELU by hand: over features with c·x + b_i > 0 at both inputs, F_o F + a² (x·x_o + 1).
    z_o, z = x_o @ weights[0] + weights[1], x @ weights[0] + weights[1]
    both = (z_o > 0) & (z > 0)
    by_hand = np.sum(np.where(both, z_o * z + weights[2][:, 0] ** 2 * (x @ x_o + 1)[:, None], 0.0), axis=1) + 1
    np.testing.assert_allclose(elu.eq19_bracket, by_hand, rtol=1e-12)


def test_one_feature_relu_network_by_hand():
    """c = (1, −1), b_1 = 0.5, a = 2, b = 0.1 at x_o = (1, 1) and x = (1, −1): z_o = 0.5, z = 2.5, so
    Θ = σ'(5.1) σ'(1.1) (0.5 · 2.5 + 2² (x·x_o + 1) + 1) with x·x_o = 0."""
    weights = [np.array([[1.0], [-1.0]]), np.array([0.5]), np.array([[2.0]]), np.array([0.1])]
    t = theory.terms(weights, "relu", np.array([1.0, 1.0]), np.array([[1.0, -1.0]]))

    def slope(u):
        s = 1 / (1 + np.exp(-u))
        return s * (1 - s)

    assert theory.ntk(t)[0] == pytest.approx(slope(5.1) * slope(1.1) * (1.25 + 4.0 + 1.0), rel=1e-14)
    assert t.overlap[0] == 0 and t.active[0] == 1


def test_eq20_fit_recovers_the_constants_a_response_was_made_from():
    rng = np.random.default_rng(5)
    x_o, x = rng.choice([-1.0, 1.0], 5), rng.choice([-1.0, 1.0], (3, 40, 5))
    weights = [np.stack([w] * 3) for w in _network("relu", 6)]
    t = theory.terms(weights, "relu", x_o, x)
    truth = np.array([[0.3, 1.5, -0.2], [1.0, 0.0, 2.0], [-0.5, 0.7, 0.1]])
    response = t.sigma_o[:, None] * t.sigma * (truth[:, :1] * t.active + truth[:, 1:2] * t.overlap + truth[:, 2:])
    constants, r2 = theory.eq20_fit(t, response)
    np.testing.assert_allclose(constants, truth, atol=1e-9)
    np.testing.assert_allclose(r2, 1.0, atol=1e-12)
    _, noisy = theory.eq20_fit(t, response + rng.normal(scale=np.std(response), size=response.shape))
    assert np.all(noisy < 0.9)


def test_r_squared_and_relative_error():
    observed = np.array([1.0, 2.0, 3.0])
    assert theory.r_squared(observed, observed) == 1.0
    assert theory.r_squared(observed, np.full(3, 2.0)) == 0.0
    assert np.isnan(theory.r_squared(np.ones(3), np.ones(3)))
    assert theory.relative_error(np.array([3.0, 4.0]), np.array([3.0, 4.5])) == pytest.approx(0.1)


def _theory_run(activation, engine, replicas=2, epochs=12):
    fig = dataclasses.replace(figures.get("2024-theory"), variants=())
    fig = dataclasses.replace(fig, model={**fig.model, "activation": activation})
    return run_ensemble(fig, replicas, epochs, seed=3, trainer=TRAINERS[engine])


@pytest.fixture(scope="module")
def runs():
    return {(a, e): _theory_run(a, e) for a in ("relu", "elu") for e in ("ensemble", "fit")}


@pytest.mark.parametrize("activation", ["relu", "elu"])
def test_both_engines_keep_the_same_weights_at_the_measured_epochs(runs, activation):
    fit, ens = runs[(activation, "fit")], runs[(activation, "ensemble")]
    weights = sorted(k for k in ens if k.startswith("weight_"))
    assert weights == ["weight_0", "weight_1", "weight_2", "weight_3"] == sorted(k for k in fit if k.startswith("weight_"))
    for key in weights:
        assert ens[key].shape[:2] == (2, len(ens["epoch"]))
        np.testing.assert_allclose(ens[key], fit[key], rtol=1e-4, atol=1e-6, err_msg=key)


@pytest.mark.parametrize("activation", ["relu", "elu"])
def test_kept_weights_give_the_measured_outputs_and_ntk(runs, activation):
    """The weights kept at each measured epoch give, through theory.py, the f(x_o) the engine measured
    there and its Θ at every probe point (float32 measurement against float64 theory)."""
    data = runs[(activation, "ensemble")]
    derived = theory.derived(data, activation, 0.1)
    for r in range(2):
        weights = [data[f"weight_{i}"][r] for i in range(4)]
        z = np.maximum(data["x_o"][r] @ weights[0] + weights[1], 0) if activation == "relu" else None
        if z is not None:
            f_o = 1 / (1 + np.exp(-(np.einsum("tn,tn->t", z, weights[2][..., 0]) + weights[3][:, 0])))
            np.testing.assert_allclose(f_o, data["f_o"][r], rtol=1e-5)
    assert np.max(derived["ntk_error"]) < 1e-4
    if activation == "relu":
        assert np.max(derived["eq19_error"]) < 1e-4
    assert derived["sigma_ratio"].shape == derived["negative_share"].shape == (2, len(data["epoch"]), 9)
    np.testing.assert_allclose(derived["sigma_ratio"][:, :, 0], 1.0, rtol=1e-6)
    np.testing.assert_allclose(derived["bracket_kernel"][:, :, 0], 1.0, rtol=1e-6)
    # Eq. (21)'s C: the normalized step at x_o (shell 0) over σ'(x_o)², with σ' from the kept weights.
    sigma_o = theory.terms([data[f"weight_{i}"][0] for i in range(4)], activation, data["x_o"][0], data["probe_x"][0]).sigma_o
    np.testing.assert_allclose(derived["eq21_c"][0], data["step"][0][:, data["distance"] == 0].mean(axis=1) / sigma_o**2, rtol=1e-5)


@pytest.mark.parametrize(
    "fig_id, changes",
    [("2024-fig1", [("probe.weights", "true"), ("model.activation", "tanh")]), ("2022-fig1", [("probe.weights", "true")])],
)
def test_keeping_weights_is_refused_where_the_theory_does_not_apply(fig_id, changes):
    from training_response.replication.settings import with_settings

    assert with_settings(figures.get("2024-fig1"), [("probe.weights", "true")]).probe["weights"] is True
    with pytest.raises(ValueError, match="probe.weights"):
        with_settings(figures.get(fig_id), changes)
