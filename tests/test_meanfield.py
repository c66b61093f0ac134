"""The mean-field model against its closed form for constant densities, and its reading of eq. (11)."""

import numpy as np
import pytest

from training_response.replication import meanfield


def closed_form(f_start, targets, counts, a, b, epochs):
    """u = y − f under du/de = −(a I + b 1 nᵀ) u: the component along 1 (eigenvalue a + b N) and the one
    orthogonal to n (eigenvalue a) decay separately."""
    u0 = np.asarray(targets, float) - np.asarray(f_start, float)
    counts = np.asarray(counts, float)
    c = counts @ u0 / counts.sum()
    along, rest = c * np.ones_like(u0), u0 - c
    e = np.asarray(epochs, float)[:, None]
    u = np.exp(-(a + b * counts.sum()) * e) * along + np.exp(-a * e) * rest
    return np.asarray(targets, float) - u


@pytest.mark.parametrize("counts", [(5, 15), (12, 8), (10, 6, 4)])
def test_integration_matches_the_closed_form(counts):
    targets = np.array([0.0, 1.0, 0.0][: len(counts)])
    start = np.array([0.45, 0.52, 0.4][: len(counts)])
    lr, batch, theta_self, theta_cross = 0.1, sum(counts), 3.0, 1.2
    rates = meanfield.rate_matrix(counts, theta_self, theta_cross, lr, batch)
    epochs = [0, 1, 3, 10, 50, 200, 1000]
    scale = 2 * lr / batch
    expected = closed_form(start, targets, counts, scale * (theta_self - theta_cross), scale * theta_cross, epochs)
    np.testing.assert_allclose(meanfield.integrate(start, targets, rates, epochs), expected, rtol=1e-7, atol=1e-9)


def test_without_a_self_term_every_group_follows_eq_11():
    """Θ_s = Θ_c leaves eq. (11): df/de = c (−f0 ρ0 + (1 − f1) ρ1) for every group alike."""
    counts, f = np.array([5, 15]), np.array([0.3, 0.6])
    rates = meanfield.rate_matrix(counts, 2.0, 2.0, 0.1, 20)
    rho = counts / counts.sum()
    velocity = rates @ (np.array([0.0, 1.0]) - f)
    expected = 2 * 0.1 / 20 * 2.0 * counts.sum() * (-f[0] * rho[0] + (1 - f[1]) * rho[1])
    np.testing.assert_allclose(velocity, [expected, expected])


def test_fast_rates_stay_stable():
    rates = meanfield.rate_matrix([10, 10], 400.0, 10.0, 0.1, 20)
    out = meanfield.integrate([0.5, 0.5], [0.0, 1.0], rates, [0, 5, 50])
    np.testing.assert_allclose(out[-1], [0.0, 1.0], atol=1e-6)


def test_response_scale_and_group_means_by_hand():
    ntk = np.array([[4.0, 1.0, 2.0], [1.0, 6.0, 3.0], [2.0, 3.0, 5.0]])
    assert meanfield.response_scale(ntk) == (5.0, 2.0)
    np.testing.assert_allclose(meanfield.group_means(np.array([1.0, 2.0, 4.0]), np.array([0, 1, 1]), 2), [1.0, 3.0])


def test_bad_inputs():
    with pytest.raises(ValueError, match="at least one point"):
        meanfield.rate_matrix([0, 3], 1.0, 1.0, 0.1, 3)
    with pytest.raises(ValueError, match="increasing"):
        meanfield.integrate([0.5], [1.0], np.eye(1), [3, 1])


def _run_following_the_model(offset=0.0):
    """A made-up dataset run whose per-point predictions are exactly the model's group means (+ offset)."""
    counts, epochs, lr = (3, 5), np.array([0, 1, 10, 100]), 0.1
    group = np.array([0] * 3 + [1] * 5)
    ntk = np.full((8, 8), 0.5) + np.eye(8) * 1.5
    rates = meanfield.rate_matrix(counts, 2.0, 0.5, lr, 8)
    means = meanfield.integrate([0.4, 0.6], [0.0, 1.0], rates, epochs)
    output = means[:, group] + offset * (epochs[:, None] > 0)
    return {
        "epoch": epochs,
        "learning_rate": np.full(4, lr),
        "group": group[None],
        "point_y": group[None].astype(float),
        "ntk": np.broadcast_to(ntk, (1, 4, 8, 8)),
        "output": output[None],
    }


def test_the_claim_check_reads_the_model_back():
    from training_response.replication import claims

    claim = [{"claim": "", "test": "meanfield_agreement", "batch_size": 32}]
    exact = claims.evaluate_claims(claim, _run_following_the_model())[0]
    assert exact["verdict"] == claims.REPRODUCED and exact["value"]["worst_rms"] < 1e-9
    off = claims.evaluate_claims(claim, _run_following_the_model(0.2))[0]
    assert off["verdict"] == claims.NOT_REPRODUCED
