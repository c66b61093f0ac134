import warnings

import numpy as np
import pytest

from training_response.replication import claims, stats
from training_response.replication.claims.verdicts import Reading


def _data(response, epochs, distance, kernel_epochs):
    return {"step": response, "epoch": np.asarray(epochs), "distance": np.asarray(distance), "kernel_epochs": np.asarray(kernel_epochs)}


def test_power_law_fit_recovers_a_closed_form():
    epochs = np.arange(1, 1001)
    fit = stats.power_law_fit(epochs, 3.0 * epochs**-0.7, (10, 1000))
    assert abs(fit["tau"] - 0.7) < 1e-9 and abs(fit["prefactor"] - 3.0) < 1e-9 and fit["r2"] > 0.999999
    assert np.isnan(stats.power_law_fit(epochs, epochs * 0.0, (10, 1000))["tau"])


def test_power_law_verdicts():
    epochs = np.arange(0, 101)
    distance = np.array([0, 1])
    power = np.stack([np.stack([(epochs + 1.0) ** -1, 0.5 * (epochs + 1.0) ** -1], axis=1)] * 3)
    claim = {"claim": "power law", "test": "power_law", "window": (5, None)}
    assert claims.evaluate_claims([claim], _data(power, epochs, distance, [0]))[0]["verdict"] == claims.REPRODUCED
    rising = power[:, ::-1]
    assert claims.evaluate_claims([claim], _data(rising, epochs, distance, [0]))[0]["verdict"] == claims.NOT_REPRODUCED


def test_power_law_taus_equal_each_rows_own_fit():
    rng = np.random.default_rng(1)
    epochs = np.arange(0, 200, 5)
    curves = np.exp(rng.normal(size=(7, len(epochs)))) * np.maximum(epochs, 1.0) ** -0.6
    curves[1, 10] = -0.2  # a non-positive point is left out of the fit
    curves[2, 3:] = 0.0  # fewer than three positive points: undefined
    curves[3, 12] = np.nan  # a non-finite value in the window: undefined
    curves[4, 0] = np.inf  # outside the window: ignored
    curves[5] = 2.0  # flat: τ = 0
    taus = stats.power_law_taus(epochs, curves, (10, 150))
    for curve, tau in zip(curves, taus):
        expected = stats.power_law_fit(epochs, curve, (10, 150))["tau"]
        assert (np.isnan(tau) and np.isnan(expected)) or tau == pytest.approx(expected, abs=1e-12)
    assert np.isnan(taus[2]) and np.isnan(taus[3]) and not np.isnan(taus[1]) and taus[5] == pytest.approx(0.0, abs=1e-12)


def test_line_fits_equal_numpys_polyfit_row_by_row():
    rng = np.random.default_rng(0)
    levels = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    rows = rng.normal(size=(6, 5)) + 0.3 * levels
    rows[2] = 5.0  # flat: R² undefined
    rows[4, 1] = np.nan  # not finite: both undefined
    slopes, r2 = stats.line_fits(levels, rows)
    for row, slope, fit in zip(rows, slopes, r2):
        if not np.all(np.isfinite(row)):
            assert np.isnan(slope) and np.isnan(fit)
            continue
        expected_slope, intercept = np.polyfit(levels, row, 1)
        assert slope == pytest.approx(expected_slope, abs=1e-12)
        if np.var(row) == 0:
            assert np.isnan(fit)
        else:
            assert fit == pytest.approx(1 - np.var(row - expected_slope * levels - intercept) / np.var(row), abs=1e-12)


def test_spearman_by_hand():
    assert stats.spearman([0, 1, 2, 3], [5, 4, 2, 1]) == -1.0
    assert abs(stats.spearman([0, 1, 2, 3], [1, 3, 2, 4]) - 0.8) < 1e-12
    assert np.isnan(stats.spearman([0, 1, 2, 3], [5, np.nan, 2, 1]))


def test_the_kernel_is_undefined_where_the_response_at_x_o_is_zero():
    # A response that decayed to exactly 0 in float32 (a very long run): NaN at that epoch, no numpy warning.
    distance = np.array([0, 1, 1, 2])
    response = np.array([[[2.0, 1.0, 0.5, 0.4], [0.0, 1e-9, 0.0, 0.0]]])  # (R=1, T=2, P=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        levels, k = stats.kernel(response, distance)
    assert list(levels) == [0, 1, 2]
    np.testing.assert_allclose(k[0, 0], [1.0, 0.375, 0.2])
    assert np.all(np.isnan(k[0, 1]))


def test_kernel_checks_on_made_up_kernels():
    """The kernel shape checks read the trained kernel epochs (e > 0) only: the untrained kernel at epoch 0
    here neither falls monotonically (rho -0.7) nor stays positive, and decides none of them."""
    distance = np.repeat(np.arange(5), 2)
    rng = np.random.default_rng(0)
    # Epoch 0: up and down, negative at distances 2 and 4; epoch 1: linear fall from 1 to -0.6; epoch 2: a peak at distance 2.
    untrained = np.array([1.0, 1.0, 0.2, 0.2, -0.3, -0.3, 0.9, 0.9, -0.5, -0.5])
    shape1 = 1.0 - 0.4 * distance
    shape2 = np.array([1.0, 1.0, 1.5, 1.5, 2.0, 2.0, 1.2, 1.2, 0.5, 0.5])
    response = np.stack([np.stack([untrained, shape1, shape2]) + 0.01 * rng.standard_normal((3, 10)) for _ in range(8)])
    data = _data(response, [0, 1, 2], distance, [0, 1, 2])
    wanted = [
        {"claim": "", "test": "kernel_decreasing", "max_epoch": 1},
        {"claim": "", "test": "kernel_decreasing", "max_epoch": 0},
        {"claim": "", "test": "peak_shift"},
        {"claim": "", "test": "kernel_sign", "expect": "positive"},
        {"claim": "", "test": "kernel_sign", "expect": "not positive"},
    ]
    records = claims.evaluate_claims(wanted, data)
    assert [c["verdict"] for c in records] == [
        claims.REPRODUCED,
        claims.UNDEFINED,  # no trained epoch up to epoch 0: nothing to read
        claims.REPRODUCED,
        claims.NOT_REPRODUCED,
        claims.REPRODUCED,
    ]
    assert records[0]["value"]["epochs"] == [1] and records[1]["value"]["epochs"] == []
    assert records[2]["value"]["peak_distance"] == [0.0, 0.0, 2.0]
    # The lowest trained value: epoch 1 at distance 4 (about -0.6), not the untrained -0.5 at distance 4.
    assert (records[3]["value"]["at_epoch"], records[3]["value"]["at_distance"]) == (1, 4)
    assert records[3]["value"]["min_kernel"] == pytest.approx(-0.6, abs=0.02)

    # Trained kernels that stay positive are positive, however negative the untrained one.
    shape1 = 1.0 - 0.1 * distance
    response = np.stack([np.stack([untrained, shape1, shape2]) + 0.01 * rng.standard_normal((3, 10)) for _ in range(8)])
    signs = claims.evaluate_claims(wanted[3:], _data(response, [0, 1, 2], distance, [0, 1, 2]))
    assert [c["verdict"] for c in signs] == [claims.REPRODUCED, claims.NOT_REPRODUCED]
    assert signs[0]["value"]["min_kernel"] > 0.4


# The S-curve claim's definition: rho(distance, kernel) at most −0.8, curvature beyond 2 s.e.
S_CURVE = (-0.8, 2.0)


def test_s_shape_detects_a_falling_sigmoid_and_not_a_hump():
    levels = np.arange(9)
    rng = np.random.default_rng(1)
    noise = 0.005 * rng.standard_normal((10, 9))
    falling = -np.tanh(levels - 4.0) + noise
    hump = np.exp(-((levels - 3.0) ** 2) / 4) + noise
    decay = np.exp(-levels / 2.0) + noise
    assert stats.s_shaped(levels, falling, *S_CURVE)
    assert not stats.s_shaped(levels, hump, *S_CURVE)
    assert not stats.s_shaped(levels, decay, *S_CURVE)


def test_kernel_linearity_and_slope_trend_on_made_up_kernels():
    distance = np.repeat(np.arange(6), 3)
    rng = np.random.default_rng(2)
    # Linear kernels whose slope shrinks from -0.2 to -0.1 over three epochs; then a curved one.
    linear = np.stack([1.0 + s * distance for s in (-0.2, -0.15, -0.1)])
    response = np.stack([linear + 0.001 * rng.standard_normal(linear.shape) for _ in range(5)])
    data = _data(response, [0, 1, 2], distance, [0, 1, 2])
    wanted = [
        {"claim": "", "test": "kernel_linear"},
        {"claim": "", "test": "kernel_slope_trend", "expect": "diminishing"},
        {"claim": "", "test": "kernel_slope_trend", "expect": "growing"},
    ]
    verdicts = [c["verdict"] for c in claims.evaluate_claims(wanted, data)]
    assert verdicts == [claims.REPRODUCED, claims.REPRODUCED, claims.NOT_REPRODUCED]
    curved = np.stack([np.stack([np.exp(-((distance - 2.5) ** 2))] * 3)] * 5) + 1.0
    assert claims.evaluate_claims(wanted[:1], _data(curved, [0, 1, 2], distance, [0, 1, 2]))[0]["verdict"] == claims.NOT_REPRODUCED


def _aging_run(rng, epochs, distance, tau, width, tau_spread=0.0):
    """Six runs aging as (e + 1)^-tau (each run its own tau, spread by `tau_spread`) with a kernel
    exp(-distance / width) that drifts along the epochs."""
    shape = np.exp(-distance / width)
    curves = [(epochs + 1.0) ** -(tau + tau_spread * rng.standard_normal()) * (1 + 0.01 * rng.standard_normal()) for _ in range(6)]
    response = np.stack([c[:, None] * (shape[None] + (epochs[:, None] / 100.0) * distance[None] * 0.1) for c in curves])
    return _data(response, epochs, distance, epochs)


def test_reference_comparisons_on_made_up_runs():
    """Comparisons with another figure's runs, far past their minimum effects; a missing reference
    figure decides nothing: the claim is undefined."""
    epochs = np.array([0, 1, 10, 100])
    distance = np.repeat(np.arange(5), 2)
    rng = np.random.default_rng(3)
    steep_narrow, shallow_broad = _aging_run(rng, epochs, distance, 1.0, 1.0), _aging_run(rng, epochs, distance, 0.3, 4.0)
    reference = {"ref": {"": steep_narrow}}
    wanted = [
        {"claim": "", "test": "exponent_differs", "window": (1, None), "reference": "ref"},
        {"claim": "", "test": "exponent_differs", "window": (1, None), "reference": "ref", "direction": "higher"},
        {"claim": "", "test": "kernel_broader", "near": 2, "reference": "ref"},
        {"claim": "", "test": "kernel_drift"},
        {"claim": "", "test": "kernel_broader", "near": 2, "reference": "missing"},
    ]
    records = claims.evaluate_claims(wanted, shallow_broad, reference)
    assert [c["verdict"] for c in records] == [
        claims.REPRODUCED,
        claims.NOT_REPRODUCED,
        claims.REPRODUCED,
        claims.REPRODUCED,
        claims.UNDEFINED,
    ]
    assert records[4]["value"] == {"reference": None} and records[4]["decision"][0]["verdict"] == claims.UNDEFINED


def test_a_shift_needs_its_minimum_effect_with_the_interval_wholly_past_it():
    """exponent_differs demands |tau - tau_ref| beyond TAU_EFFECT (0.1), judged on the 95% interval: a
    difference of 0.04 known to many digits is no difference (not reproduced), and a mean difference past
    0.1 whose interval reaches below it is inconclusive."""
    epochs = np.array([0, 1, 10, 100])
    distance = np.repeat(np.arange(5), 2)
    rng = np.random.default_rng(3)
    reference = {"ref": {"": _aging_run(rng, epochs, distance, 1.0, 1.0)}}
    _aging_run(rng, epochs, distance, 0.3, 4.0)  # keeps the draws of the test above
    near, edge, far = (_aging_run(rng, epochs, distance, tau, 1.0, spread) for tau, spread in ((1.05, 0.0), (1.16, 0.05), (1.5, 0.05)))
    claim = {"claim": "", "test": "exponent_differs", "window": (1, None), "reference": "ref"}
    decided = [claims.evaluate_claims([claim], data, reference)[0] for data in (near, edge, far)]
    assert [c["verdict"] for c in decided] == [claims.NOT_REPRODUCED, claims.INCONCLUSIVE, claims.REPRODUCED]
    (near_d,), (edge_d,), (far_d,) = (c["decision"] for c in decided)
    assert {d["effect_size"] for d in (near_d, edge_d, far_d)} == {0.1}
    # Nonzero far beyond its interval, but short of the minimum effect.
    assert 0.03 < near_d["value"] < 0.1 and near_d["ci95"][1] - near_d["ci95"][0] < 1e-9
    # Past the minimum effect on its value, not on its interval.
    assert edge_d["value"] > 0.1 and edge_d["ci95"][0] < 0.1 < edge_d["ci95"][1]
    assert far_d["ci95"][0] > 0.1


def _pair_run(x2_decay, replicas=8, seed=0):
    """Two-point runs whose normalized self-responses decay to 0.1 (x1) and x2_decay (x2) by the last epoch."""
    rng = np.random.default_rng(seed)
    epochs = np.array([0, 10, 100, 1000])
    step = np.zeros((replicas, len(epochs), 2, 2))
    for r in range(replicas):
        scale = 1 + 0.05 * rng.standard_normal()
        step[r, :, 0, 0] = 2.0 * np.geomspace(1.0, 0.1 * scale, len(epochs))
        step[r, :, 1, 1] = 3.0 * np.geomspace(1.0, x2_decay * scale, len(epochs))
    return {"step": step, "epoch": epochs}


def test_two_point_checks_on_made_up_runs():
    close, far = _pair_run(0.15), _pair_run(0.8, seed=1)
    np.testing.assert_allclose(stats.pair_size_difference(far)[:, -1].mean(), 0.7, atol=0.05)
    wanted = [
        {"claim": "", "test": "pair_difference_differs", "variant": "close", "reference_variant": "far"},
        {"claim": "", "test": "pair_aging_enhanced", "variant": "close", "reference_variant": "far"},
        {"claim": "", "test": "pair_aging_enhanced", "variant": "far", "reference_variant": "close"},
        {"claim": "", "test": "pair_aging_limited", "variant": "far"},
        {"claim": "", "test": "pair_aging_limited", "variant": "close"},
    ]
    records = claims.evaluate_claims(wanted, {"close": close, "far": far})
    assert [c["verdict"] for c in records] == [
        claims.REPRODUCED,
        claims.REPRODUCED,
        claims.NOT_REPRODUCED,
        claims.REPRODUCED,
        claims.NOT_REPRODUCED,
    ]
    # log 0.8 / log 0.1
    assert records[3]["value"]["ratio"] == pytest.approx(np.log(0.8) / np.log(0.1), rel=0.1)


def test_group_moves_on_made_up_trajectories():
    """g1 falls to a minimum at epoch 10 and rises; g0 falls throughout."""
    epochs = np.array([0, 1, 10, 100, 1000])
    g0 = np.array([0.5, 0.45, 0.3, 0.1, 0.02])
    g1 = np.array([0.5, 0.45, 0.35, 0.6, 0.95])
    rng = np.random.default_rng(0)
    output = np.stack([np.stack([g0, g0, g1], axis=-1) + 0.01 * rng.standard_normal((5, 3)) for _ in range(6)])
    data = {"epoch": epochs, "output": output, "group": np.tile([0, 0, 1], (6, 1))}
    wanted = [
        {"claim": "", "test": "group_move", "group": 1, "path": ["start", ["min", 1]], "direction": "down"},
        {"claim": "", "test": "group_move", "group": 1, "path": ["start", ["min", 1], "end"], "direction": "up"},
        {"claim": "", "test": "group_move", "group": 0, "path": ["start", ["min", 1], "end"], "direction": "up"},
    ]
    records = claims.evaluate_claims(wanted, data)
    assert [c["verdict"] for c in records] == [claims.REPRODUCED, claims.REPRODUCED, claims.NOT_REPRODUCED]
    assert records[1]["value"]["waypoint_epochs"] == [0, 10, 1000]


def test_bootstrap_interval_of_a_mean_matches_the_normal_interval():
    """The bootstrap over runs resamples a check's Reading (its value's scalars): for a mean it gives the
    normal 95% interval; below BOOTSTRAP_MIN_REPLICAS runs, none."""
    rng = np.random.default_rng(5)
    values = rng.normal(2.0, 1.0, size=400)
    data = {"f_o": values[:, None], "epoch": np.array([0])}

    def mean_check(data, params, reference=None):
        return Reading("mean", {"mean": float(np.mean(data["f_o"][:, 0]))}, "", ())

    lo, hi = stats.bootstrap_intervals(mean_check, data, {}, None, resamples=2000)["mean"]
    half = 1.96 * values.std(ddof=1) / np.sqrt(len(values))
    assert lo == pytest.approx(values.mean() - half, abs=0.15 * half)
    assert hi == pytest.approx(values.mean() + half, abs=0.15 * half)
    few = {"f_o": values[: stats.BOOTSTRAP_MIN_REPLICAS - 1, None], "epoch": np.array([0])}
    assert stats.bootstrap_intervals(mean_check, few, {}, None) == {}


def test_shell_reduction_leaves_every_shell_check_unchanged():
    """Claims read from shell means give the values they give from the raw per-point histories."""
    rng = np.random.default_rng(2)
    epochs = np.array([0, 1, 10, 100])
    distance = np.array([0, 1, 1, 1, 2, 2, 3])
    response = np.stack([(epochs[:, None] + 1.0) ** -0.7 * np.exp(-distance[None] / 2) * (1 + 0.05 * rng.standard_normal((4, 7))) for _ in range(5)])
    data = {"step": response, "output": response * 0.5, "epoch": epochs, "distance": distance, "kernel_epochs": epochs}
    wanted = [
        {"claim": "", "test": "power_law", "window": (1, None)},
        {"claim": "", "test": "kernel_decreasing"},
        {"claim": "", "test": "peak_shift"},
        {"claim": "", "test": "kernel_linear"},
        {"claim": "", "test": "delta_function"},
    ]
    raw = claims.evaluate_claims(wanted, data, resamples=0)
    reduced = claims.evaluate_claims(wanted, stats.shell_reduced(data), resamples=0)
    for a, b in zip(raw, reduced):
        assert a["verdict"] == b["verdict"]
        np.testing.assert_allclose(
            [v for v in stats.scalars(a["value"]).values()], [v for v in stats.scalars(b["value"]).values()], rtol=1e-12
        )
