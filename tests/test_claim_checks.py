"""Verdicts of the claim checks in replication/analysis.py that test_analysis.py leaves untested.

Every check is called directly on small seeded synthetic data built from its own definition, once per
verdict it can return. The checks are reached through the module (never imported by name), so that
pytest does not collect them as tests.
"""

import numpy as np
import pytest

from training_response.replication import analysis

R, INC, NR = analysis.REPRODUCED, analysis.INCONCLUSIVE, analysis.NOT_REPRODUCED


def _shells(aging_curves, kernels, epochs, kernel_epochs=None):
    """A shell run: response (R, T, H) = aging (R, T) × kernel (R, T, H), one probe point per distance
    0..H−1; the kernel's value at distance 0 is forced to 1 so that analysis.kernel gives it back."""
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


def _s_run(shapes, replicas=10, seed=1):
    """Kernel epochs 0, 1, ...; the kernel at epoch e is shapes[e] plus 0.005 noise per replica."""
    rng = np.random.default_rng(seed)
    kernels = np.stack([np.stack(shapes) + 0.005 * rng.standard_normal((len(shapes), len(LEVELS))) for _ in range(replicas)])
    return _shells(np.ones(kernels.shape[:2]), kernels, np.arange(len(shapes)))


def test_s_curve_sigmoid_kernel_at_every_trained_epoch_is_reproduced():
    """A falling tanh at all 3 trained epochs: S-shaped at all of them (share 1 >= 0.5)."""
    _, value, _, verdict = analysis.test_s_curve(_s_run([DECAY, SIGMOID, SIGMOID, SIGMOID]), {"expect": True})
    assert verdict == R
    assert value["s_shaped"] == [True, True, True]


def test_s_curve_exponential_kernel_everywhere_is_not_reproduced():
    """An exponential decay has no concave part, so no trained epoch is S-shaped (share 0)."""
    _, value, _, verdict = analysis.test_s_curve(_s_run([DECAY] * 4), {"expect": True})
    assert verdict == NR
    assert value["s_shaped"] == [False, False, False]


def test_s_curve_sigmoid_at_one_of_three_trained_epochs_is_inconclusive():
    """S-shaped at 1 of 3 trained epochs: share 1/3, neither >= 0.5 nor 0."""
    _, value, _, verdict = analysis.test_s_curve(_s_run([DECAY, SIGMOID, DECAY, DECAY]), {"expect": True})
    assert verdict == INC
    assert np.mean(value["s_shaped"]) == pytest.approx(1 / 3)


def test_s_curve_expected_absent_and_no_sigmoid_is_reproduced():
    """Expected absent: exponential kernels at every trained epoch (share 0) reproduce it."""
    _, value, _, verdict = analysis.test_s_curve(_s_run([DECAY] * 3), {"expect": False})
    assert verdict == R
    assert not any(value["s_shaped"])


def test_s_curve_without_trained_kernel_epochs_is_inconclusive():
    """Only epoch 0 among the kernel epochs: nothing to judge."""
    data = _s_run([SIGMOID, SIGMOID])
    data["kernel_epochs"] = np.array([0])
    _, value, _, verdict = analysis.test_s_curve(data, {"expect": True})
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
    _, value, _, verdict = analysis.test_kernel_variability(_drifting_kernels(STEADY), VARIABILITY, ref)
    assert verdict == R
    assert value["variability"] == pytest.approx(0.010 * 1.5 * 4 / 5)


def test_kernel_variability_more_variable_than_reference_is_not_reproduced():
    """Expected lower but the kernel drifts 10× more than the reference's: the wrong side."""
    ref = {"": _drifting_kernels(STEADY)}
    _, value, _, verdict = analysis.test_kernel_variability(_drifting_kernels(MOVING), VARIABILITY, ref)
    assert verdict == NR
    assert value["variability"] > value["reference_variability"]


def test_kernel_variability_slightly_lower_within_error_is_inconclusive():
    """Expected lower: 0.099 against 0.100 with a spread of 0.01 per run, on the right side but within 2 s.e."""
    ref = {"": _drifting_kernels(MOVING)}
    _, value, _, verdict = analysis.test_kernel_variability(_drifting_kernels(np.array(MOVING) - 0.001), VARIABILITY, ref)
    assert verdict == INC
    assert value["variability"] < value["reference_variability"]


def test_kernel_variability_without_reference_is_inconclusive():
    """No reference figure loaded: the comparison cannot be made."""
    _, value, _, verdict = analysis.test_kernel_variability(_drifting_kernels(STEADY), VARIABILITY, None)
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
    _, value, _, verdict = analysis.test_faster_decay(_decay_run(1.0, 0), DECAY_PARAMS, {"": _decay_run(0.3, 1)})
    assert verdict == R
    assert value["log_drop"] == pytest.approx(-np.log(100.0), abs=0.05)


def test_faster_decay_shallower_aging_than_reference_is_not_reproduced():
    """τ = 0.3 against the reference's τ = 1: a slower decay, log-drop not lower."""
    _, value, _, verdict = analysis.test_faster_decay(_decay_run(0.3, 0), DECAY_PARAMS, {"": _decay_run(1.0, 1)})
    assert verdict == NR
    assert value["log_drop"] - value["reference_log_drop"] == pytest.approx(0.7 * np.log(100.0), abs=0.1)


def test_faster_decay_window_epoch_missing_in_reference_is_inconclusive():
    """The reference never measured epoch 100, an end of the window."""
    ref = {"": _aging_run(0.3, epochs=(0, 1, 3, 10, 30), seed=1)}
    _, value, _, verdict = analysis.test_faster_decay(_decay_run(1.0, 0), DECAY_PARAMS, ref)
    assert verdict == INC
    assert value == {"log_drop": None}


def test_faster_decay_same_noise_slightly_steeper_exponent_is_inconclusive():
    """τ = 0.505 against 0.5 with the same 5% noise per run at epoch 1: lower by 0.023, within 2 s.e."""
    _, value, _, verdict = analysis.test_faster_decay(_decay_run(0.505, 0), DECAY_PARAMS, {"": _decay_run(0.5, 0)})
    assert verdict == INC
    assert value["log_drop"] - value["reference_log_drop"] == pytest.approx(-0.005 * np.log(100.0))


# plateau ---------------------------------------------------------------------------------------------


def test_plateau_constant_aging_curve_is_reproduced():
    """τ = 0 (a constant response with 1% noise per run): log-log slope 0 over the last decade."""
    _, value, _, verdict = analysis.test_plateau(_aging_run(0.0), {})
    assert verdict == R
    assert value["slope"] == pytest.approx(0.0, abs=1e-9)


def test_plateau_power_law_decay_tau_one_is_not_reproduced():
    """τ = 1: slope ≈ −1 over epochs 100..1000, below −0.5 (still decaying)."""
    _, value, _, verdict = analysis.test_plateau(_aging_run(1.0), {})
    assert verdict == NR
    assert value["slope"] == pytest.approx(-1.0)


def test_plateau_slow_decay_tau_0p3_is_inconclusive():
    """τ = 0.3: slope ≈ −0.3, neither within ±0.1 nor below −0.5."""
    _, value, _, verdict = analysis.test_plateau(_aging_run(0.3), {})
    assert verdict == INC
    assert value["slope"] == pytest.approx(-0.3)


def test_plateau_too_few_epochs_in_last_decade_is_inconclusive():
    """Only 2 measured epochs in [100, 1000]: the fit is undefined (NaN slope)."""
    _, value, _, verdict = analysis.test_plateau(_aging_run(1.0, epochs=(0, 1, 10, 100, 1000)), {})
    assert verdict == INC
    assert np.isnan(value["slope"])


# exponent_matches ------------------------------------------------------------------------------------

MATCH_PARAMS = {"reference": "fig", "window": (1, None)}


def test_exponent_matches_tau_0p5_against_0p55_is_reproduced():
    """Exponents 0.5 and 0.55: gap 0.05 <= 0.1."""
    _, value, _, verdict = analysis.test_exponent_matches(_aging_run(0.5), MATCH_PARAMS, {"": _aging_run(0.55, seed=1)})
    assert verdict == R
    assert abs(value["tau"] - value["reference_tau"]) == pytest.approx(0.05)


def test_exponent_matches_tau_0p5_against_1_is_not_reproduced():
    """Exponents 0.5 and 1.0: gap 0.5 > 0.3."""
    _, value, _, verdict = analysis.test_exponent_matches(_aging_run(0.5), MATCH_PARAMS, {"": _aging_run(1.0, seed=1)})
    assert verdict == NR
    assert abs(value["tau"] - value["reference_tau"]) == pytest.approx(0.5)


def test_exponent_matches_tau_0p5_against_0p7_is_inconclusive():
    """Exponents 0.5 and 0.7: gap 0.2, between 0.1 and 0.3."""
    _, value, _, verdict = analysis.test_exponent_matches(_aging_run(0.5), MATCH_PARAMS, {"": _aging_run(0.7, seed=1)})
    assert verdict == INC
    assert abs(value["tau"] - value["reference_tau"]) == pytest.approx(0.2)


def test_exponent_matches_without_reference_is_inconclusive():
    """No reference figure loaded."""
    _, value, _, verdict = analysis.test_exponent_matches(_aging_run(0.5), MATCH_PARAMS, None)
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
    _, value, _, verdict = analysis.test_feature_trend(_features(-0.5), {"expect": "decreasing"})
    assert verdict == R
    assert value["change"] == pytest.approx(-0.5, abs=0.02)


def test_feature_trend_rising_features_expected_decreasing_is_not_reproduced():
    """⟨F⟩ rises by 0.5: it changes the other way."""
    _, value, _, verdict = analysis.test_feature_trend(_features(0.5), {"expect": "decreasing"})
    assert verdict == NR
    assert value["change"] == pytest.approx(0.5, abs=0.02)


def test_feature_trend_tiny_fall_within_noise_is_inconclusive():
    """⟨F⟩ falls by 0.001 with 0.1 noise per run (mean change still < 0 for this seed): within 2 s.e."""
    _, value, _, verdict = analysis.test_feature_trend(_features(-0.001, noise=0.1, seed=5), {"expect": "decreasing"})
    assert verdict == INC
    assert -2.0 * value["change_sem"] <= value["change"] <= 0.0


def test_feature_trend_rising_features_expected_increasing_is_reproduced():
    """Expected increasing: ⟨F⟩ rises by 0.5."""
    _, value, _, verdict = analysis.test_feature_trend(_features(0.5), {"expect": "increasing"})
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
    _, value, _, verdict = analysis.test_dead_fraction(_dead(0.5), DEAD_PARAMS)
    assert verdict == R
    assert value["last"] == pytest.approx(0.5, abs=0.02)


def test_dead_fraction_almost_none_dead_is_not_reproduced():
    """Mean dead fraction ≈ 0.05 at the last epoch, below 0.1."""
    _, value, _, verdict = analysis.test_dead_fraction(_dead(0.05), DEAD_PARAMS)
    assert verdict == NR
    assert value["last"] == pytest.approx(0.05, abs=0.02)


def test_dead_fraction_one_fifth_dead_is_inconclusive():
    """Mean dead fraction ≈ 0.2, between 0.1 and 0.3."""
    _, value, _, verdict = analysis.test_dead_fraction(_dead(0.2), DEAD_PARAMS)
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
    _, value, _, verdict = analysis.test_power_law_less_clear(_bumpy(0.3), LESS_CLEAR, {"": _aging_run(0.5, seed=1)})
    assert verdict == R
    assert value["r2"] < value["reference_r2"]


def test_power_law_less_clear_clean_curve_against_zigzag_reference_is_not_reproduced():
    """A clean power law against a zigzag reference: R² not lower."""
    _, value, _, verdict = analysis.test_power_law_less_clear(_aging_run(0.5), LESS_CLEAR, {"": _bumpy(0.3, seed=1)})
    assert verdict == NR
    assert value["r2"] > 0.999


def test_power_law_less_clear_too_few_epochs_in_window_is_inconclusive():
    """Only 2 positive epochs in the fit window (1, 3): R² undefined."""
    data = _aging_run(0.5, epochs=(0, 1, 3))
    _, value, _, verdict = analysis.test_power_law_less_clear(data, LESS_CLEAR, {"": _aging_run(0.5, seed=1)})
    assert verdict == INC
    assert np.isnan(value["r2"])


def test_power_law_less_clear_without_reference_is_inconclusive():
    """No reference figure loaded."""
    _, value, _, verdict = analysis.test_power_law_less_clear(_bumpy(0.3), LESS_CLEAR, None)
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
    _, value, _, verdict = analysis.test_image_kernel_decreasing(data, {})
    assert verdict == R
    assert value["median_spearman_rho"] == pytest.approx(-1.0)


def test_image_kernel_decreasing_rising_kernel_is_not_reproduced():
    """K = d/10 rises with distance (rho = +1 > −0.5)."""
    _, value, _, verdict = analysis.test_image_kernel_decreasing(_images(lambda d, rng: d / 10), {})
    assert verdict == NR
    assert value["median_spearman_rho"] == pytest.approx(1.0)


def test_image_kernel_decreasing_partly_shuffled_kernel_is_inconclusive():
    """10 images, one per bin, with kernel ranks 9,8,2,6,5,4,3,7,1,0 over increasing distance: rho = −23/33 ≈ −0.697."""
    ranks = np.array([9, 8, 2, 6, 5, 4, 3, 7, 1, 0], dtype=np.float64)
    data = _images(lambda d, rng: (ranks[np.argsort(np.argsort(d))] + 1) / 20, others=10)
    _, value, _, verdict = analysis.test_image_kernel_decreasing(data, {})
    assert verdict == INC
    assert value["median_spearman_rho"] == pytest.approx(-23 / 33)


def test_image_kernel_decreasing_flat_kernel_is_inconclusive():
    """K = 0.5 at every distance: no ranks to correlate, rho NaN."""
    _, value, _, verdict = analysis.test_image_kernel_decreasing(_images(lambda d, rng: np.full(d.shape, 0.5)), {})
    assert verdict == INC
    assert np.isnan(value["median_spearman_rho"])
