"""Verdicts of every claim check in replication/claims/: each of the three a check can return.

Every check is called directly on small seeded synthetic data built from its own definition, once per
verdict it can return (where one cannot occur by construction, the section says why).
"""

import numpy as np
import pytest

from training_response.replication.claims import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED, aging, dynamics, features, kernels

R, INC, NR = REPRODUCED, INCONCLUSIVE, NOT_REPRODUCED


def _shells(aging_curves, kernels, epochs, kernel_epochs=None):
    """A shell run: response (R, T, H) = aging (R, T) × kernel (R, T, H), one probe point per distance
    0..H−1; the kernel's value at distance 0 is forced to 1 so that stats.kernel gives it back."""
    kernels = np.array(kernels, dtype=np.float64)
    kernels[:, :, 0] = 1.0
    response = np.asarray(aging_curves, dtype=np.float64)[:, :, None] * kernels
    epochs = np.asarray(epochs)
    return {
        "step": response,
        "epoch": epochs,
        "distance": np.arange(kernels.shape[2]),
        "kernel_epochs": epochs if kernel_epochs is None else np.asarray(kernel_epochs),
    }


def _aging_run(tau, epochs=(0, 1, 3, 10, 30, 100, 300, 1000), replicas=6, noise=0.01, seed=0):
    """Aging curves c·e^−τ per replica (c = 1 + noise; epoch 0 read as 1), with a flat kernel over distances 0..2."""
    rng = np.random.default_rng(seed)
    epochs = np.asarray(epochs)
    curves = np.stack([(1 + noise * rng.standard_normal()) * np.maximum(epochs, 1.0) ** -tau for _ in range(replicas)])
    return _shells(curves, np.full((replicas, len(epochs), 3), 0.5), epochs)


# s_curve ---------------------------------------------------------------------------------------------

LEVELS = np.arange(9)
SIGMOID = (1 - np.tanh(LEVELS - 4.0)) / (1 - np.tanh(-4.0))  # falls in an S from 1 at x_o
DECAY = np.exp(-LEVELS / 2.0)  # convex everywhere: no concave part near x_o, so no S


def _kernel_run(shapes, replicas=10, seed=1, offsets=None):
    """Kernel epochs 0, 1, ...; the kernel at epoch e is shapes[e] plus 0.005 noise per replica, or, with
    `offsets`, plus offsets[r] at every distance of replica r (a spread with an exactly known mean)."""
    rng = np.random.default_rng(seed)
    shapes = np.stack(shapes)
    if offsets is not None:
        kernels = shapes[None] + np.asarray(offsets, dtype=np.float64)[:, None, None]
    else:
        kernels = np.stack([shapes + 0.005 * rng.standard_normal(shapes.shape) for _ in range(replicas)])
    return _shells(np.ones(kernels.shape[:2]), kernels, np.arange(len(shapes)))


def test_s_curve_sigmoid_kernel_at_every_trained_epoch_is_reproduced():
    """A falling tanh at all 3 trained epochs: S-shaped at all of them (share 1 >= 0.5)."""
    _, value, _, verdict = kernels.check_s_curve(_kernel_run([DECAY, SIGMOID, SIGMOID, SIGMOID]), {"expect": True})
    assert verdict == R
    assert value["s_shaped"] == [True, True, True]


def test_s_curve_exponential_kernel_everywhere_is_not_reproduced():
    """An exponential decay has no concave part, so no trained epoch is S-shaped (share 0)."""
    _, value, _, verdict = kernels.check_s_curve(_kernel_run([DECAY] * 4), {"expect": True})
    assert verdict == NR
    assert value["s_shaped"] == [False, False, False]


def test_s_curve_sigmoid_at_one_of_three_trained_epochs_is_inconclusive():
    """S-shaped at 1 of 3 trained epochs: share 1/3, neither >= 0.5 nor 0."""
    _, value, _, verdict = kernels.check_s_curve(_kernel_run([DECAY, SIGMOID, DECAY, DECAY]), {"expect": True})
    assert verdict == INC
    assert np.mean(value["s_shaped"]) == pytest.approx(1 / 3)


def test_s_curve_expected_absent_and_no_sigmoid_is_reproduced():
    """Expected absent: exponential kernels at every trained epoch (share 0) reproduce it."""
    _, value, _, verdict = kernels.check_s_curve(_kernel_run([DECAY] * 3), {"expect": False})
    assert verdict == R
    assert not any(value["s_shaped"])


def test_s_curve_without_trained_kernel_epochs_is_inconclusive():
    """Only epoch 0 among the kernel epochs: nothing to judge."""
    data = _kernel_run([SIGMOID, SIGMOID])
    data["kernel_epochs"] = np.array([0])
    _, value, _, verdict = kernels.check_s_curve(data, {"expect": True})
    assert verdict == INC
    assert value["epochs"] == []


# kernel_variability ----------------------------------------------------------------------------------


def _drifting_kernels(drifts):
    """Kernel epochs 0, 1, 2 over distances 0..4; replica r's kernel moves by drifts[r]·e at distances >= 1,
    so its variability (mean |K_e − K_0| over distances and trained epochs) is drifts[r]·1.5·4/5."""
    drifts = np.asarray(drifts, dtype=np.float64)
    epochs = np.arange(3)
    base = np.exp(-np.arange(5) / 2.0)
    kernels = base[None, None, :] + drifts[:, None, None] * epochs[None, :, None] * (np.arange(5) >= 1)
    return _shells(np.ones((len(drifts), 3)), kernels, epochs)


VARIABILITY = {"reference": "fig", "expect": "lower"}
STEADY = [0.010, 0.012, 0.008, 0.011, 0.009]  # mean 0.010, tight
MOVING = [0.100, 0.120, 0.080, 0.110, 0.090]  # mean 0.100


def test_kernel_variability_steadier_than_reference_is_reproduced():
    """Expected lower: drift 0.01 per epoch against the reference's 0.1, far beyond 2 s.e."""
    ref = {"": _drifting_kernels(MOVING)}
    _, value, _, verdict = kernels.check_kernel_variability(_drifting_kernels(STEADY), VARIABILITY, ref)
    assert verdict == R
    assert value["variability"] == pytest.approx(0.010 * 1.5 * 4 / 5)


def test_kernel_variability_more_variable_than_reference_is_not_reproduced():
    """Expected lower but the kernel drifts 10× more than the reference's: the wrong side."""
    ref = {"": _drifting_kernels(STEADY)}
    _, value, _, verdict = kernels.check_kernel_variability(_drifting_kernels(MOVING), VARIABILITY, ref)
    assert verdict == NR
    assert value["variability"] > value["reference_variability"]


def test_kernel_variability_slightly_lower_within_error_is_inconclusive():
    """Expected lower: 0.099 against 0.100 with a spread of 0.01 per run, on the right side but within 2 s.e."""
    ref = {"": _drifting_kernels(MOVING)}
    _, value, _, verdict = kernels.check_kernel_variability(_drifting_kernels(np.array(MOVING) - 0.001), VARIABILITY, ref)
    assert verdict == INC
    assert value["variability"] < value["reference_variability"]


def test_kernel_variability_without_reference_is_inconclusive():
    """No reference figure loaded: the comparison cannot be made."""
    _, value, _, verdict = kernels.check_kernel_variability(_drifting_kernels(STEADY), VARIABILITY, None)
    assert verdict == INC
    assert value == {"reference": None}


# faster_decay ----------------------------------------------------------------------------------------

DECAY_PARAMS = {"reference": "fig", "window": (1, 100)}


def _decay_run(tau, seed):
    """Aging curves e^−τ over 8 runs, with 5% noise per run at epoch 1 only, so the log-drop has a spread."""
    data = _aging_run(tau, replicas=8, noise=0.0)
    rng = np.random.default_rng(seed)
    data["step"][:, 1] *= (1 + 0.05 * rng.standard_normal(8))[:, None]
    return data


def test_faster_decay_steeper_aging_than_reference_is_reproduced():
    """τ = 1 against the reference's τ = 0.3: log(Δ(100)/Δ(1)) ≈ −log 100 against ≈ −0.3·log 100, far beyond 2 s.e."""
    _, value, _, verdict = aging.check_faster_decay(_decay_run(1.0, 0), DECAY_PARAMS, {"": _decay_run(0.3, 1)})
    assert verdict == R
    assert value["log_drop"] == pytest.approx(-np.log(100.0), abs=0.05)


def test_faster_decay_shallower_aging_than_reference_is_not_reproduced():
    """τ = 0.3 against the reference's τ = 1: a slower decay, log-drop not lower."""
    _, value, _, verdict = aging.check_faster_decay(_decay_run(0.3, 0), DECAY_PARAMS, {"": _decay_run(1.0, 1)})
    assert verdict == NR
    assert value["log_drop"] - value["reference_log_drop"] == pytest.approx(0.7 * np.log(100.0), abs=0.1)


def test_faster_decay_window_epoch_missing_in_reference_is_inconclusive():
    """The reference never measured epoch 100, an end of the window."""
    ref = {"": _aging_run(0.3, epochs=(0, 1, 3, 10, 30), seed=1)}
    _, value, _, verdict = aging.check_faster_decay(_decay_run(1.0, 0), DECAY_PARAMS, ref)
    assert verdict == INC
    assert value == {"log_drop": None}


def test_faster_decay_same_noise_slightly_steeper_exponent_is_inconclusive():
    """τ = 0.505 against 0.5 with the same 5% noise per run at epoch 1: lower by 0.023, within 2 s.e."""
    _, value, _, verdict = aging.check_faster_decay(_decay_run(0.505, 0), DECAY_PARAMS, {"": _decay_run(0.5, 0)})
    assert verdict == INC
    assert value["log_drop"] - value["reference_log_drop"] == pytest.approx(-0.005 * np.log(100.0))


# plateau ---------------------------------------------------------------------------------------------


def test_plateau_constant_aging_curve_is_reproduced():
    """τ = 0 (a constant response with 1% noise per run): log-log slope 0 over the last decade."""
    _, value, _, verdict = aging.check_plateau(_aging_run(0.0), {})
    assert verdict == R
    assert value["slope"] == pytest.approx(0.0, abs=1e-9)


def test_plateau_power_law_decay_tau_one_is_not_reproduced():
    """τ = 1: slope ≈ −1 over epochs 100..1000, below −0.5 (still decaying)."""
    _, value, _, verdict = aging.check_plateau(_aging_run(1.0), {})
    assert verdict == NR
    assert value["slope"] == pytest.approx(-1.0)


def test_plateau_slow_decay_tau_0p3_is_inconclusive():
    """τ = 0.3: slope ≈ −0.3, neither within ±0.1 nor below −0.5."""
    _, value, _, verdict = aging.check_plateau(_aging_run(0.3), {})
    assert verdict == INC
    assert value["slope"] == pytest.approx(-0.3)


def test_plateau_too_few_epochs_in_last_decade_is_inconclusive():
    """Only 2 measured epochs in [100, 1000]: the fit is undefined (NaN slope)."""
    _, value, _, verdict = aging.check_plateau(_aging_run(1.0, epochs=(0, 1, 10, 100, 1000)), {})
    assert verdict == INC
    assert np.isnan(value["slope"])


# exponent_matches ------------------------------------------------------------------------------------

MATCH_PARAMS = {"reference": "fig", "window": (1, None)}


def test_exponent_matches_tau_0p5_against_0p55_is_reproduced():
    """Exponents 0.5 and 0.55: gap 0.05 <= 0.1."""
    _, value, _, verdict = aging.check_exponent_matches(_aging_run(0.5), MATCH_PARAMS, {"": _aging_run(0.55, seed=1)})
    assert verdict == R
    assert abs(value["tau"] - value["reference_tau"]) == pytest.approx(0.05)


def test_exponent_matches_tau_0p5_against_1_is_not_reproduced():
    """Exponents 0.5 and 1.0: gap 0.5 > 0.3."""
    _, value, _, verdict = aging.check_exponent_matches(_aging_run(0.5), MATCH_PARAMS, {"": _aging_run(1.0, seed=1)})
    assert verdict == NR
    assert abs(value["tau"] - value["reference_tau"]) == pytest.approx(0.5)


def test_exponent_matches_tau_0p5_against_0p7_is_inconclusive():
    """Exponents 0.5 and 0.7: gap 0.2, between 0.1 and 0.3."""
    _, value, _, verdict = aging.check_exponent_matches(_aging_run(0.5), MATCH_PARAMS, {"": _aging_run(0.7, seed=1)})
    assert verdict == INC
    assert abs(value["tau"] - value["reference_tau"]) == pytest.approx(0.2)


def test_exponent_matches_without_reference_is_inconclusive():
    """No reference figure loaded."""
    _, value, _, verdict = aging.check_exponent_matches(_aging_run(0.5), MATCH_PARAMS, None)
    assert verdict == INC
    assert value == {"reference": None}


# feature_trend ---------------------------------------------------------------------------------------


def _features(change, replicas=8, noise=0.01, seed=2):
    """⟨F⟩ (R, T) over 5 epochs from 1.0, changing linearly by `change` per run, plus noise on the last epoch."""
    rng = np.random.default_rng(seed)
    values = 1.0 + np.outer(np.ones(replicas), np.linspace(0.0, change, 5))
    values[:, -1] += noise * rng.standard_normal(replicas)
    return {"feature_mean": values}


def test_feature_trend_falling_features_expected_decreasing_is_reproduced():
    """⟨F⟩ falls by 0.5 with 0.01 noise: far more than 2 s.e. below 0."""
    _, value, _, verdict = features.check_feature_trend(_features(-0.5), {"expect": "decreasing"})
    assert verdict == R
    assert value["change"] == pytest.approx(-0.5, abs=0.02)


def test_feature_trend_rising_features_expected_decreasing_is_not_reproduced():
    """⟨F⟩ rises by 0.5: it changes the other way."""
    _, value, _, verdict = features.check_feature_trend(_features(0.5), {"expect": "decreasing"})
    assert verdict == NR
    assert value["change"] == pytest.approx(0.5, abs=0.02)


def test_feature_trend_tiny_fall_within_noise_is_inconclusive():
    """⟨F⟩ falls by 0.001 with 0.1 noise per run (mean change still < 0 for this seed): within 2 s.e."""
    _, value, _, verdict = features.check_feature_trend(_features(-0.001, noise=0.1, seed=5), {"expect": "decreasing"})
    assert verdict == INC
    assert -2.0 * value["change_sem"] <= value["change"] <= 0.0


def test_feature_trend_rising_features_expected_increasing_is_reproduced():
    """Expected increasing: ⟨F⟩ rises by 0.5."""
    _, value, _, verdict = features.check_feature_trend(_features(0.5), {"expect": "increasing"})
    assert verdict == R
    assert value["last"] == pytest.approx(1.5, abs=0.02)


# dead_fraction ---------------------------------------------------------------------------------------

DEAD_PARAMS = {"at_least": 0.3, "fail_below": 0.1}


def _dead(last, replicas=5, seed=3):
    """Dead fractions (R, 3 epochs) from 0 to `last` ± 0.01."""
    rng = np.random.default_rng(seed)
    dead = np.zeros((replicas, 3))
    dead[:, 1] = last / 2
    dead[:, 2] = last + 0.01 * rng.standard_normal(replicas)
    return {"dead_fraction": dead}


def test_dead_fraction_half_dead_at_the_end_is_reproduced():
    """Mean dead fraction ≈ 0.5 at the last epoch, at least 0.3."""
    _, value, _, verdict = features.check_dead_fraction(_dead(0.5), DEAD_PARAMS)
    assert verdict == R
    assert value["last"] == pytest.approx(0.5, abs=0.02)


def test_dead_fraction_almost_none_dead_is_not_reproduced():
    """Mean dead fraction ≈ 0.05 at the last epoch, below 0.1."""
    _, value, _, verdict = features.check_dead_fraction(_dead(0.05), DEAD_PARAMS)
    assert verdict == NR
    assert value["last"] == pytest.approx(0.05, abs=0.02)


def test_dead_fraction_one_fifth_dead_is_inconclusive():
    """Mean dead fraction ≈ 0.2, between 0.1 and 0.3."""
    _, value, _, verdict = features.check_dead_fraction(_dead(0.2), DEAD_PARAMS)
    assert verdict == INC
    assert value["last"] == pytest.approx(0.2, abs=0.02)


# power_law_less_clear --------------------------------------------------------------------------------

LESS_CLEAR = {"reference": "fig", "window": (1, None)}


def _bumpy(amplitude, seed=0):
    """τ = 0.5 aging curves times (1 + amplitude·(−1)^k) over the measured epochs k: a zigzag that spoils the fit."""
    data = _aging_run(0.5, seed=seed)
    data["step"] *= (1 + amplitude * (-1.0) ** np.arange(len(data["epoch"])))[None, :, None]
    return data


def test_power_law_less_clear_zigzag_curve_against_clean_reference_is_reproduced():
    """A ±30% zigzag on the aging curve against a clean power law: lower R²."""
    _, value, _, verdict = aging.check_power_law_less_clear(_bumpy(0.3), LESS_CLEAR, {"": _aging_run(0.5, seed=1)})
    assert verdict == R
    assert value["r2"] < value["reference_r2"]


def test_power_law_less_clear_clean_curve_against_zigzag_reference_is_not_reproduced():
    """A clean power law against a zigzag reference: R² not lower."""
    _, value, _, verdict = aging.check_power_law_less_clear(_aging_run(0.5), LESS_CLEAR, {"": _bumpy(0.3, seed=1)})
    assert verdict == NR
    assert value["r2"] > 0.999


def test_power_law_less_clear_too_few_epochs_in_window_is_inconclusive():
    """Only 2 positive epochs in the fit window (1, 3): R² undefined."""
    data = _aging_run(0.5, epochs=(0, 1, 3))
    _, value, _, verdict = aging.check_power_law_less_clear(data, LESS_CLEAR, {"": _aging_run(0.5, seed=1)})
    assert verdict == INC
    assert np.isnan(value["r2"])


def test_power_law_less_clear_without_reference_is_inconclusive():
    """No reference figure loaded."""
    _, value, _, verdict = aging.check_power_law_less_clear(_bumpy(0.3), LESS_CLEAR, None)
    assert verdict == INC
    assert value == {"reference": None}


# image_kernel_decreasing -----------------------------------------------------------------------------


def _images(kernel_of_distance, replicas=5, others=40, seed=4):
    """Image runs (R, 2 epochs, 1 + others): x_o at distance 0 with response 2, the others at random
    distances in [1, 10] with response 2·kernel_of_distance(d, rng) at the last epoch."""
    rng = np.random.default_rng(seed)
    distance = np.concatenate([np.zeros((replicas, 1)), rng.uniform(1, 10, (replicas, others))], axis=1)
    step = np.full((replicas, 2, 1 + others), 2.0)
    step[:, 1, 1:] = 2.0 * np.stack([kernel_of_distance(d, rng) for d in distance[:, 1:]])
    return {"step": step, "epoch": np.array([0, 10]), "distance": distance, "kernel_epochs": np.array([0, 10])}


def test_image_kernel_decreasing_exponential_kernel_is_reproduced():
    """K = exp(−d/3) + 1% noise: every binned kernel falls with distance (rho ≈ −1)."""
    data = _images(lambda d, rng: np.exp(-d / 3) + 0.01 * rng.standard_normal(d.shape))
    _, value, _, verdict = kernels.check_image_kernel_decreasing(data, {})
    assert verdict == R
    assert value["median_spearman_rho"] == pytest.approx(-1.0)


def test_image_kernel_decreasing_rising_kernel_is_not_reproduced():
    """K = d/10 rises with distance (rho = +1 > −0.5)."""
    _, value, _, verdict = kernels.check_image_kernel_decreasing(_images(lambda d, rng: d / 10), {})
    assert verdict == NR
    assert value["median_spearman_rho"] == pytest.approx(1.0)


def test_image_kernel_decreasing_partly_shuffled_kernel_is_inconclusive():
    """10 images, one per bin, with kernel ranks 9,8,2,6,5,4,3,7,1,0 over increasing distance: rho = −23/33 ≈ −0.697."""
    ranks = np.array([9, 8, 2, 6, 5, 4, 3, 7, 1, 0], dtype=np.float64)
    data = _images(lambda d, rng: (ranks[np.argsort(np.argsort(d))] + 1) / 20, others=10)
    _, value, _, verdict = kernels.check_image_kernel_decreasing(data, {})
    assert verdict == INC
    assert value["median_spearman_rho"] == pytest.approx(-23 / 33)


def test_image_kernel_decreasing_flat_kernel_is_inconclusive():
    """K = 0.5 at every distance: no ranks to correlate, rho NaN."""
    _, value, _, verdict = kernels.check_image_kernel_decreasing(_images(lambda d, rng: np.full(d.shape, 0.5)), {})
    assert verdict == INC
    assert np.isnan(value["median_spearman_rho"])


# power_law -------------------------------------------------------------------------------------------

WHOLE_RUN = {"window": (1, None)}


def test_power_law_clean_decay_is_reproduced():
    """τ = 0.5 with 1% noise on the prefactor: τ > 0 and R² ≈ 1."""
    _, value, _, verdict = aging.check_power_law(_aging_run(0.5), WHOLE_RUN)
    assert verdict == R
    assert value["tau"] == pytest.approx(0.5)


def test_power_law_rising_curve_is_not_reproduced():
    """τ = −0.5: the response grows."""
    _, value, _, verdict = aging.check_power_law(_aging_run(-0.5), WHOLE_RUN)
    assert verdict == NR
    assert value["tau"] == pytest.approx(-0.5)


def test_power_law_zigzag_decay_is_inconclusive():
    """A ±30% zigzag on τ = 0.5: decaying with R² ≈ 0.93, between 0.80 and 0.95."""
    _, value, _, verdict = aging.check_power_law(_bumpy(0.3), WHOLE_RUN)
    assert verdict == INC
    assert 0.8 <= value["r2"] < 0.95


def test_power_law_expected_unclear_zigzag_is_reproduced_and_clean_law_is_not():
    """Expected "decreasing without a clear power law": the zigzag (R² < 0.95) fits it, a clean law does not."""
    unclear = {**WHOLE_RUN, "expect_clear": False}
    assert aging.check_power_law(_bumpy(0.3), unclear)[3] == R
    assert aging.check_power_law(_aging_run(0.5), unclear)[3] == NR


def test_power_law_too_few_epochs_in_window_is_inconclusive():
    """Two positive epochs in the window: τ undefined, whichever law is expected."""
    data = _aging_run(0.5, epochs=(0, 1, 3))
    assert aging.check_power_law(data, WHOLE_RUN)[3] == INC
    assert aging.check_power_law(data, {**WHOLE_RUN, "expect_clear": False})[3] == INC


# exponent_differs ------------------------------------------------------------------------------------

SPREAD = 0.01 * (-1.0) ** np.arange(8)  # ±0.01 per run: mean exactly 0, s.e. ≈ 0.0038


def _tau_run(taus, epochs=(0, 1, 3, 10, 30, 100, 300, 1000)):
    """One pure power law e^−τ per run (epoch 0 read as 1), so that each run's fit gives its own τ back."""
    epochs = np.asarray(epochs)
    curves = np.stack([np.maximum(epochs, 1.0) ** -t for t in taus])
    return _shells(curves, np.full((len(taus), len(epochs), 3), 0.5), epochs)


def _exponents(tau, reference_tau, direction):
    params = {"reference": "fig", "window": (1, None), "direction": direction}
    return aging.check_exponent_differs(_tau_run(tau + SPREAD), params, {"": _tau_run(reference_tau + SPREAD)})


def test_exponent_differs_tau_1_against_0p3_is_reproduced():
    """τ = 1.0 against 0.3, either expectation: 0.7 apart, far beyond 2 combined s.e."""
    assert _exponents(1.0, 0.3, "differs")[3] == R
    assert _exponents(1.0, 0.3, "higher")[3] == R


def test_exponent_differs_equal_exponents_are_not_reproduced():
    """The same τ = 0.5: no difference; expected higher, 0.3 against 1.0 is on the wrong side."""
    assert _exponents(0.5, 0.5, "differs")[3] == NR
    assert _exponents(0.3, 1.0, "higher")[3] == NR


def test_exponent_differs_slightly_higher_within_error_is_inconclusive():
    """Expected higher: 0.501 against 0.5, on the right side but within 2 combined s.e. (the two-sided
    "differs" has no inconclusive verdict: a difference exceeds the bound or it does not)."""
    _, value, _, verdict = _exponents(0.501, 0.5, "higher")
    assert verdict == INC
    assert value["tau"] - value["reference_tau"] == pytest.approx(0.001)


def test_exponent_differs_without_reference_is_inconclusive():
    _, value, _, verdict = aging.check_exponent_differs(_tau_run(0.5 + SPREAD), {"reference": "fig"}, None)
    assert verdict == INC
    assert value == {"reference": None}


# kernel_decreasing -----------------------------------------------------------------------------------

RISING = 1 + LEVELS / 8.0
# Up to distance 2, then down: rho ≈ −0.76, falling over most of the curve but not throughout.
LATE_FALL = np.array([1.0, 1.4, 1.5, 1.4, 1.2, 1.0, 0.9, 0.8, 0.7])


def test_kernel_decreasing_exponential_kernel_is_reproduced():
    _, value, _, verdict = kernels.check_kernel_decreasing(_kernel_run([DECAY] * 3), {})
    assert verdict == R
    assert value["spearman_rho"] == pytest.approx([-1.0] * 3)


def test_kernel_decreasing_rising_kernel_is_not_reproduced():
    _, value, _, verdict = kernels.check_kernel_decreasing(_kernel_run([RISING] * 3), {})
    assert verdict == NR
    assert value["spearman_rho"] == pytest.approx([1.0] * 3)


def test_kernel_decreasing_kernel_falling_after_a_rise_is_inconclusive():
    """rho ≈ −0.76 at every epoch: above −0.8, yet its median is not above −0.5."""
    _, value, _, verdict = kernels.check_kernel_decreasing(_kernel_run([LATE_FALL] * 3), {})
    assert verdict == INC
    assert -0.8 < max(value["spearman_rho"]) and np.median(value["spearman_rho"]) <= -0.5


def test_kernel_decreasing_tests_only_epochs_up_to_max_epoch():
    """A kernel that rises from epoch 2 on still falls at the tested epochs 0..1."""
    _, value, _, verdict = kernels.check_kernel_decreasing(_kernel_run([DECAY, DECAY, RISING]), {"max_epoch": 1})
    assert verdict == R
    assert value["epochs"] == [0, 1]


# peak_shift ------------------------------------------------------------------------------------------


def _bump(at):
    """A kernel peaking at 1.5 at distance `at` (1 at x_o)."""
    return 1.0 + 0.5 * np.exp(-((LEVELS - at) ** 2))


def test_peak_shift_peak_moving_out_is_reproduced():
    _, value, _, verdict = kernels.check_peak_shift(_kernel_run([DECAY, _bump(2), _bump(4)]), {})
    assert verdict == R
    assert value["peak_distance"] == [0, 2, 4]


def test_peak_shift_peak_staying_at_x_o_is_not_reproduced():
    _, value, _, verdict = kernels.check_peak_shift(_kernel_run([DECAY] * 3), {})
    assert verdict == NR
    assert value["peak_distance"] == [0, 0, 0]


def test_peak_shift_peak_moving_back_is_inconclusive():
    """Out to distance 4, then back to 2."""
    _, value, _, verdict = kernels.check_peak_shift(_kernel_run([DECAY, _bump(4), _bump(2)]), {})
    assert verdict == INC
    assert value["peak_distance"] == [0, 4, 2]


# kernel_sign -----------------------------------------------------------------------------------------

NEGATIVE = 1.0 - 1.5 * LEVELS / 8  # down to −0.5
BARELY_NEGATIVE = np.where(LEVELS == 8, -0.001, DECAY)  # −0.001 at the far end


def test_kernel_sign_positive_kernel():
    """Never below 0: expected positive it is reproduced, expected not positive it is not."""
    data = _kernel_run([DECAY] * 3)
    assert kernels.check_kernel_sign(data, {"expect": "positive"})[3] == R
    assert kernels.check_kernel_sign(data, {"expect": "not positive"})[3] == NR


def test_kernel_sign_clearly_negative_kernel():
    """Down to −0.5 with 0.005 noise: far below 0."""
    data = _kernel_run([NEGATIVE] * 3)
    _, value, _, verdict = kernels.check_kernel_sign(data, {"expect": "positive"})
    assert verdict == NR
    assert value["min_kernel"] == pytest.approx(-0.5, abs=0.01) and value["at_distance"] == 8
    assert kernels.check_kernel_sign(data, {"expect": "not positive"})[3] == R


def test_kernel_sign_barely_negative_kernel_is_inconclusive():
    """Mean −0.001 at the far end with runs ±0.01 apart: below 0, within 2 s.e., for either expectation."""
    data = _kernel_run([BARELY_NEGATIVE] * 2, offsets=SPREAD)
    _, value, _, verdict = kernels.check_kernel_sign(data, {"expect": "positive"})
    assert verdict == INC
    assert -2 * value["min_kernel_sem"] < value["min_kernel"] < 0
    assert kernels.check_kernel_sign(data, {"expect": "not positive"})[3] == INC


# kernel_broader --------------------------------------------------------------------------------------

BROADER = {"reference": "fig", "near": 2}
BROAD, NARROW = np.exp(-LEVELS / 4.0), np.exp(-LEVELS / 1.0)


def test_kernel_broader_broad_against_narrow_is_reproduced():
    _, value, _, verdict = kernels.check_kernel_broader(_kernel_run([BROAD] * 3), BROADER, {"": _kernel_run([NARROW] * 3, seed=2)})
    assert verdict == R
    assert value["near_kernel"] == pytest.approx(np.mean(BROAD[1:3]), abs=0.01)


def test_kernel_broader_narrow_against_broad_is_not_reproduced():
    _, value, _, verdict = kernels.check_kernel_broader(_kernel_run([NARROW] * 3), BROADER, {"": _kernel_run([BROAD] * 3, seed=2)})
    assert verdict == NR
    assert value["near_kernel"] < value["reference_near_kernel"]


def test_kernel_broader_higher_by_less_than_the_error_is_inconclusive():
    """0.001 higher near x_o, with runs ±0.01 apart: within 2 combined s.e."""
    data = _kernel_run([BROAD] * 3, offsets=SPREAD + 0.001)
    _, value, _, verdict = kernels.check_kernel_broader(data, BROADER, {"": _kernel_run([BROAD] * 3, offsets=SPREAD)})
    assert verdict == INC
    assert value["near_kernel"] - value["reference_near_kernel"] == pytest.approx(0.001)


def test_kernel_broader_without_reference_is_inconclusive():
    assert kernels.check_kernel_broader(_kernel_run([BROAD] * 3), BROADER, None)[3] == INC


# kernel_linear ---------------------------------------------------------------------------------------

LINE = 1.0 - 0.1 * LEVELS


def test_kernel_linear_straight_kernel_is_reproduced():
    _, value, _, verdict = kernels.check_kernel_linear(_kernel_run([LINE] * 3), {})
    assert verdict == R
    assert min(value["r2"]) > 0.99


def test_kernel_linear_fast_exponential_is_not_reproduced():
    """exp(−d): a line fits it with R² ≈ 0.55."""
    _, value, _, verdict = kernels.check_kernel_linear(_kernel_run([NARROW] * 3), {})
    assert verdict == NR
    assert min(value["r2"]) < 0.8


def test_kernel_linear_slow_exponential_is_inconclusive():
    """exp(−d/4): R² ≈ 0.93, between 0.80 and 0.95."""
    _, value, _, verdict = kernels.check_kernel_linear(_kernel_run([BROAD] * 3), {})
    assert verdict == INC
    assert 0.8 <= min(value["r2"]) < 0.95


# kernel_slope_trend ----------------------------------------------------------------------------------


def _slopes(slopes):
    """Straight kernels 1 + s·d, one slope per kernel epoch."""
    return _kernel_run([1.0 + s * LEVELS for s in slopes])


SHRINKING = (-0.25, -0.2, -0.15, -0.1, -0.05)
SHUFFLED = (-0.25, -0.1, -0.2, -0.15, -0.05)  # |slope| ranks 5, 2, 4, 3, 1 over the epochs: rho = −0.7


def test_kernel_slope_trend_shrinking_slope_expected_diminishing_is_reproduced():
    _, value, _, verdict = kernels.check_kernel_slope_trend(_slopes(SHRINKING), {"expect": "diminishing"})
    assert verdict == R
    assert value["spearman_rho"] == pytest.approx(-1.0)


def test_kernel_slope_trend_growing_slope_expected_diminishing_is_not_reproduced():
    assert kernels.check_kernel_slope_trend(_slopes(SHRINKING[::-1]), {"expect": "diminishing"})[3] == NR
    assert kernels.check_kernel_slope_trend(_slopes(SHRINKING[::-1]), {"expect": "growing"})[3] == R


def test_kernel_slope_trend_mostly_shrinking_slope_is_inconclusive():
    """rho = −0.7: diminishing, but not at −0.8 (expected growing, the opposite sign fails it)."""
    _, value, _, verdict = kernels.check_kernel_slope_trend(_slopes(SHUFFLED), {"expect": "diminishing"})
    assert verdict == INC
    assert value["spearman_rho"] == pytest.approx(-0.7)
    assert kernels.check_kernel_slope_trend(_slopes(SHUFFLED), {"expect": "growing"})[3] == NR


# kernel_drift ----------------------------------------------------------------------------------------


def _drifts(shifts):
    """Kernel epochs 0, 1, ...: the exponential kernel raised by shifts[e] at distances >= 1."""
    return _kernel_run([DECAY + s * (LEVELS >= 1) for s in shifts])


def test_kernel_drift_kernel_moving_away_is_reproduced():
    _, value, _, verdict = kernels.check_kernel_drift(_drifts([0, 0.1, 0.2, 0.3, 0.4, 0.5]), {})
    assert verdict == R
    assert value["spearman_rho"] == pytest.approx(1.0)


def test_kernel_drift_kernel_coming_back_is_not_reproduced():
    """Drift ranks 1, 6, 5, 4, 3, 2: rho = −1/7."""
    _, value, _, verdict = kernels.check_kernel_drift(_drifts([0, 0.4, 0.3, 0.2, 0.1, 0.05]), {})
    assert verdict == NR
    assert value["spearman_rho"] == pytest.approx(-1 / 7)


def test_kernel_drift_kernel_wandering_is_inconclusive():
    """Drift ranks 1, 5, 3, 4, 2: rho = 0.1."""
    _, value, _, verdict = kernels.check_kernel_drift(_drifts([0, 0.3, 0.1, 0.2, 0.05]), {})
    assert verdict == INC
    assert value["spearman_rho"] == pytest.approx(0.1)


# delta_function --------------------------------------------------------------------------------------


def _predictions(f_by_distance, replicas=4):
    """Predictions f at distances 0..3 from x_o, the same for every run, at 2 epochs."""
    f = np.asarray(f_by_distance, dtype=np.float64)
    return {"output": np.tile(f, (replicas, 2, 1)), "distance": np.arange(len(f))}


def test_delta_function_narrow_spike_is_reproduced():
    """Spike 0.5 over a background of 0.5, distance 1 rising 0.1 of it."""
    _, value, _, verdict = features.check_delta_function(_predictions([1.0, 0.55, 0.5, 0.5]), {})
    assert verdict == R
    assert value["spike"] == pytest.approx(0.5) and value["relative_width_at_1"] == pytest.approx(0.1)


def test_delta_function_no_spike_or_a_broad_one_is_not_reproduced():
    """Spike 0.05 (below 0.1), or distance 1 rising 0.9 of a 0.5 spike (more than 0.8)."""
    assert features.check_delta_function(_predictions([0.55, 0.5, 0.5, 0.5]), {})[3] == NR
    assert features.check_delta_function(_predictions([1.0, 0.95, 0.5, 0.5]), {})[3] == NR


def test_delta_function_small_spike_is_inconclusive():
    """Spike 0.2: between 0.1 and 0.3."""
    _, value, _, verdict = features.check_delta_function(_predictions([0.7, 0.5, 0.5, 0.5]), {})
    assert verdict == INC
    assert value["spike"] == pytest.approx(0.2)


# pair_difference_differs, pair_aging_enhanced, pair_aging_limited -------------------------------------


def _pair(x1_end, x2_end, spread=0.05, replicas=8, seed=0):
    """Two-point runs whose normalized self-responses fall geometrically from 1 to x1_end (x1) and
    x2_end (x2) over 4 epochs, both times (1 + spread·noise) per run."""
    rng = np.random.default_rng(seed)
    step = np.zeros((replicas, 4, 2, 2))
    for r in range(replicas):
        scale = 1 + spread * rng.standard_normal()
        step[r, :, 0, 0] = 2.0 * np.geomspace(1.0, x1_end * scale, 4)
        step[r, :, 1, 1] = 3.0 * np.geomspace(1.0, x2_end * scale, 4)
    return {"step": step, "epoch": np.array([0, 10, 100, 1000])}


AGAINST_FAR = {"reference_variant": "far"}


def test_pair_difference_differs_close_against_far_is_reproduced():
    """x2 ends at 0.15 against 0.8 (x1 at 0.1 in both): size differences 0.05 and 0.7."""
    _, value, _, verdict = dynamics.check_pair_difference_differs(_pair(0.1, 0.15), AGAINST_FAR, {"far": _pair(0.1, 0.8, seed=1)})
    assert verdict == R
    assert value["reference_size_difference"] == pytest.approx(0.7, abs=0.05)


def test_pair_difference_differs_same_runs_is_not_reproduced():
    """Both variants end at the same sizes: the difference is noise. (The check is two-sided, so it has
    no inconclusive verdict: a difference exceeds the bound or it does not.)"""
    _, value, _, verdict = dynamics.check_pair_difference_differs(_pair(0.1, 0.8), AGAINST_FAR, {"far": _pair(0.1, 0.8, seed=1)})
    assert verdict == NR


def test_pair_aging_enhanced_close_pair_ages_more_is_reproduced():
    assert dynamics.check_pair_aging_enhanced(_pair(0.1, 0.15), AGAINST_FAR, {"far": _pair(0.1, 0.8, seed=1)})[3] == R


def test_pair_aging_enhanced_close_pair_ages_less_is_not_reproduced():
    assert dynamics.check_pair_aging_enhanced(_pair(0.1, 0.8), AGAINST_FAR, {"far": _pair(0.1, 0.15, seed=1)})[3] == NR


def test_pair_aging_enhanced_slightly_more_aging_within_error_is_inconclusive():
    """x2 ends at 0.78 against 0.8, the same 5% noise per run: lower by log(0.975), within 2 combined s.e."""
    _, value, _, verdict = dynamics.check_pair_aging_enhanced(_pair(0.1, 0.78), AGAINST_FAR, {"far": _pair(0.1, 0.8)})
    assert verdict == INC
    assert value["log_size_x2"] - value["reference_log_size_x2"] == pytest.approx(np.log(0.975))


def test_pair_aging_limited_distant_pair_is_reproduced():
    """x2 at 0.8 against x1 at 0.1: log-decay ratio ≈ 0.1."""
    _, value, _, verdict = dynamics.check_pair_aging_limited(_pair(0.1, 0.8), {})
    assert verdict == R
    assert value["ratio"] == pytest.approx(np.log(0.8) / np.log(0.1), rel=0.1)


def test_pair_aging_limited_x2_aging_like_x1_is_not_reproduced():
    """x2 at 0.15 against x1 at 0.1: ratio ≈ 0.82."""
    assert dynamics.check_pair_aging_limited(_pair(0.1, 0.15), {})[3] == NR


def test_pair_aging_limited_x1_not_aging_is_inconclusive():
    """x1's response never changes: its log-decay is 0 and the ratio undefined (the only way: the band
    leaves no gap between at most 0.5 and above 0.5)."""
    _, value, _, verdict = dynamics.check_pair_aging_limited(_pair(1.0, 0.8, spread=0.0), {})
    assert verdict == INC
    assert value["log_size_x1"] == 0.0 and np.isnan(value["ratio"])


# group_move ------------------------------------------------------------------------------------------


def _groups(final_g1, noise, replicas=6, seed=0):
    """Group 0 (2 points) stays at 0.5, group 1 (1 point) goes from 0.5 to final_g1 over 3 epochs, with
    noise on the last epoch per run."""
    rng = np.random.default_rng(seed)
    g1 = np.linspace(0.5, final_g1, 3)
    output = np.stack([np.stack([np.full(3, 0.5), np.full(3, 0.5), g1], axis=-1) for _ in range(replicas)])
    output[:, -1, 2] += noise * rng.standard_normal(replicas)
    return {"epoch": np.array([0, 10, 100]), "output": output, "group": np.tile([0, 0, 1], (replicas, 1))}


MOVE_UP = {"group": 1, "path": ["start", "end"], "direction": "up"}


def test_group_move_group_rising_is_reproduced():
    _, value, _, verdict = dynamics.check_group_move(_groups(0.8, 0.01), MOVE_UP)
    assert verdict == R
    assert value["move"] == pytest.approx(0.3, abs=0.02) and value["waypoint_epochs"] == [0, 100]


def test_group_move_group_falling_is_not_reproduced():
    assert dynamics.check_group_move(_groups(0.2, 0.01), MOVE_UP)[3] == NR
    assert dynamics.check_group_move(_groups(0.2, 0.01), {**MOVE_UP, "direction": "down"})[3] == R


def test_group_move_small_rise_within_noise_is_inconclusive():
    """Up by 0.005 with 0.05 noise per run (mean move still > 0 for this seed): within 2 s.e."""
    _, value, _, verdict = dynamics.check_group_move(_groups(0.505, 0.05, seed=0), MOVE_UP)
    assert verdict == INC
    assert 0 < value["move"] <= 2 * value["move_sem"]


# meanfield_agreement ---------------------------------------------------------------------------------


def _with_model(offset):
    """A group run whose stored mean-field prediction is the network's group means plus `offset` after epoch 0."""
    data = _groups(0.8, 0.01)
    trajectories = np.stack([data["output"][:, :, :2].mean(axis=2), data["output"][:, :, 2]], axis=-1)
    data["meanfield"] = trajectories + offset * (data["epoch"] > 0)[None, :, None]
    return data


def test_meanfield_agreement_model_on_the_means_is_reproduced():
    _, value, _, verdict = dynamics.check_meanfield_agreement(_with_model(0.0), {})
    assert verdict == R
    assert value["worst_rms"] == pytest.approx(0.0, abs=1e-12)


def test_meanfield_agreement_model_0p2_off_is_not_reproduced():
    """0.2 off at 2 of 3 epochs: RMS ≈ 0.16 > 0.10."""
    _, value, _, verdict = dynamics.check_meanfield_agreement(_with_model(0.2), {})
    assert verdict == NR
    assert value["worst_rms"] == pytest.approx(0.2 * np.sqrt(2 / 3))


def test_meanfield_agreement_model_0p07_off_is_inconclusive():
    """0.07 off at 2 of 3 epochs: RMS ≈ 0.057, between 0.05 and 0.10."""
    _, value, _, verdict = dynamics.check_meanfield_agreement(_with_model(0.07), {})
    assert verdict == INC
    assert value["worst_rms"] == pytest.approx(0.07 * np.sqrt(2 / 3))


# Parameters outside their fixed set, and criterion wording ----------------------------------------


@pytest.mark.parametrize(
    "check, data, params, valid",
    [
        (kernels.check_kernel_variability, _drifting_kernels(STEADY), {**VARIABILITY, "expect": "less"}, "'differs', 'lower', 'higher'"),
        (features.check_feature_trend, _features(-0.5), {"expect": "falling"}, "'decreasing', 'increasing'"),
        (kernels.check_kernel_slope_trend, _slopes(SHRINKING), {"expect": "shrinking"}, "'diminishing', 'growing'"),
        (kernels.check_kernel_sign, _kernel_run([DECAY] * 2), {"expect": "negative"}, "'positive', 'not positive'"),
        (dynamics.check_group_move, _groups(0.8, 0.01), {**MOVE_UP, "direction": "sideways"}, "'up', 'down'"),
    ],
    ids=["kernel_variability", "feature_trend", "kernel_slope_trend", "kernel_sign", "group_move"],
)
def test_an_unknown_expectation_is_refused_with_the_valid_values(check, data, params, valid):
    reference = {"": _drifting_kernels(MOVING)} if "reference" in params else None
    with pytest.raises(ValueError, match=valid):
        check(data, params, reference)


def test_kernel_variability_expected_to_differ_reads_differs_from():
    ref = {"": _drifting_kernels(MOVING)}
    _, _, criterion, verdict = kernels.check_kernel_variability(_drifting_kernels(STEADY), {**VARIABILITY, "expect": "differs"}, ref)
    assert verdict == R
    assert "differs from fig's by more than 2 combined s.e." in criterion and "is differs" not in criterion


def test_plateau_fits_over_its_own_window_when_given_one():
    """τ = 1 up to epoch 10, flat after: over its own window (100, 1000) the curve is flat."""
    data = _aging_run(0.0)
    data["step"][:, :4] *= np.maximum(data["epoch"][:4], 1.0)[None, :, None] ** -1.0 * 10.0
    assert aging.check_plateau(data, {"window": (100, 1000)})[1]["window"] == [100.0, 1000.0]
    assert aging.check_plateau(data, {"window": (100, 1000)})[3] == R
    assert aging.check_plateau(data, {"window": (1, 10)})[3] == NR
