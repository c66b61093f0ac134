"""Every claim check in claims.CHECKS gives each of its four outcomes through evaluate_claims.

For every check, one test per outcome on small seeded synthetic data built from the check's own
definition: reproduced, not reproduced, inconclusive and undefined. The verdicts come from the real
decision rule: evaluate_claims bootstraps the check over >= 5 runs (RESAMPLES resamples) and judges the
deciding value by its 95% interval. Every inconclusive test has an interval that crosses a bound while
its point estimate lies on the reproducing side (the value alone would have reproduced the claim);
where a check can also land wholly between its two bounds, that is tested too. Every comparison check
without its reference figure is undefined. Where an outcome cannot occur by construction the section
says why; the last test holds that every check has a test of each outcome.
"""

import math

import numpy as np
import pytest

from training_response.replication import claims
from training_response.replication.claims import CHECKS, INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED, UNDEFINED, VERDICTS, evaluate_claims
from training_response.replication.claims.verdicts import NO_INTERVAL, RULE, Bound

R, NR, INC, UND = REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE, UNDEFINED
RESAMPLES = 200  # enough for stable 2.5/97.5 percentiles of these small runs, few enough to stay fast

# Which outcomes each check's tests establish (filled by @establishes, read by the last test).
ESTABLISHED = {}


def establishes(test, *outcomes):
    """Marks a test as establishing `outcomes` of the check `test`."""

    def register(function):
        ESTABLISHED.setdefault(test, set()).update(outcomes)
        return function

    return register


def _judge(test, data, against=None, resamples=RESAMPLES, **params):
    """evaluate_claims' record of one claim of check `test` with `params` on `data`. `against` is the
    reference figure's only variant when params name a "reference", the variant params["reference_variant"]
    of the same figure when they name that; a claim with a "reference" and no `against` has it missing."""
    claim = {"claim": f"synthetic {test}", "test": test, **params}
    runs, references = {"": data}, {}
    if against is not None:
        if "reference" in params:
            references[params["reference"]] = {"": against}
        else:
            runs[params["reference_variant"]] = against
    [record] = evaluate_claims([claim], runs, references, resamples)
    assert record["test"] == test and record["verdict"] in VERDICTS
    return record


def _decision(record, quantity=None):
    """The record's decision entry (of `quantity`, for a claim decided by several values)."""
    decisions = record["decision"] if quantity is None else [d for d in record["decision"] if d["quantity"] == quantity]
    assert len(decisions) == 1, record["decision"]
    return decisions[0]


def _edges(bound):
    return (bound.center - bound.limit, bound.center + bound.limit) if bound.op in ("within", "outside") else (bound.limit,)


def _firm(record, verdict, quantity=None):
    """The record's verdict is `verdict` and its decision (of `quantity`) says so with an interval wholly
    inside the corresponding bound; returns the decision."""
    assert record["verdict"] == verdict, record["decision"]
    d = _decision(record, quantity)
    assert d["verdict"] == verdict
    bound = Bound(**(d["reproduced_if"] if verdict == R else d["not_reproduced_if"]))
    key = "ci95" if verdict == R else d.get("not_quantity") and "not_ci95" or "ci95"
    assert bound.contains(*d[key]) and d[key][0] <= d[key][1]
    return d


def _straddles(record, quantity=None):
    """The record is inconclusive because its interval crosses a bound: the point estimate lies in the
    reproducing bound (the value alone would reproduce), the interval reaches across one of the band's
    edges. Returns the decision."""
    assert record["verdict"] == INC, record["decision"]
    d = _decision(record, quantity)
    assert d["verdict"] == INC
    low, high = d["ci95"]
    reproducing = Bound(**d["reproduced_if"])
    assert reproducing.holds(d["value"]) and not reproducing.contains(low, high)
    edges = _edges(reproducing) + _edges(Bound(**d["not_reproduced_if"]))
    assert any(low < edge < high for edge in edges), (d["ci95"], edges)
    return d


def _in_gap(record, quantity=None):
    """The record is inconclusive with an interval wholly between the two bounds; returns the decision."""
    assert record["verdict"] == INC, record["decision"]
    d = _decision(record, quantity)
    low, high = d["ci95"]
    assert not Bound(**d["reproduced_if"]).holds(low) and not Bound(**d["reproduced_if"]).holds(high)
    assert not Bound(**d["not_reproduced_if"]).holds(low) and not Bound(**d["not_reproduced_if"]).holds(high)
    return d


def _undefined(record, quantity=None):
    """The record is undefined, its decision's value or interval not a finite number; returns the decision."""
    assert record["verdict"] == UND, record["decision"]
    d = _decision(record, quantity)
    assert d["verdict"] == UND
    numbers = [d["value"], *(d["ci95"] or [])]
    assert not all(isinstance(x, float) and math.isfinite(x) for x in numbers)
    return d


def _missing(record, reference="fig"):
    """A comparison whose reference figure is not loaded: undefined, and the criterion says how to make it."""
    d = _undefined(record)
    assert record["value"] == {"reference": None} and d["value"] is None
    assert f"python -m replication run {reference}" in record["criterion"]


# Synthetic runs ----------------------------------------------------------------------------------------

LEVELS = np.arange(9)
EPOCHS = (0, 1, 3, 10, 30, 100, 300, 1000)
SPREAD = 0.01 * (-1.0) ** np.arange(8)  # ±0.01 per run: mean exactly 0, bootstrap means within about ±0.007


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


def _curves(curves, epochs=EPOCHS):
    """A shell run with the given aging curves (R, T) and a flat kernel 0.5 over distances 1..2."""
    curves = np.asarray(curves, dtype=np.float64)
    return _shells(curves, np.full((*curves.shape, 3), 0.5), epochs)


def _aging_run(tau, epochs=EPOCHS, replicas=6, noise=0.01, seed=0):
    """Aging curves c·e^−τ per run (c = 1 + noise; epoch 0 read as 1): the ensemble mean is an exact power law."""
    rng = np.random.default_rng(seed)
    epochs = np.asarray(epochs)
    return _curves([(1 + noise * rng.standard_normal()) * np.maximum(epochs, 1.0) ** -tau for _ in range(replicas)], epochs)


def _tau_run(taus, epochs=EPOCHS):
    """One pure power law e^−τ per run (epoch 0 read as 1), so that each run's fit gives its own τ back."""
    epochs = np.asarray(epochs)
    return _curves([np.maximum(epochs, 1.0) ** -t for t in taus], epochs)


def _zigzag(amplitudes, tau=0.5):
    """τ = 0.5 aging curves times (1 + a·(−1)^k) over the measured epochs k, one amplitude a per run: a
    zigzag that spoils the fit; the ensemble mean's zigzag is the mean amplitude."""
    zig = (-1.0) ** np.arange(len(EPOCHS))
    return _curves([np.maximum(EPOCHS, 1.0) ** -tau * (1 + a * zig) for a in amplitudes])


def _decayed_to_zero(data, row=-1):
    """The run with its response at x_o decayed to exactly 0 at one measured row (as float32 does in very
    long runs): the kernel, divided by it, is undefined there."""
    data = {**data, "step": data["step"].copy()}
    data["step"][:, row, 0] = 0.0
    return data


# power_law ---------------------------------------------------------------------------------------------

WHOLE_RUN = {"window": (1, None)}
# Zigzag amplitudes with mean 0.25: the mean curve's R² ≈ 0.954, just over 0.95; resamples of the runs
# move the mean amplitude by about ±0.07, and R² with it across 0.95.
ZIGZAG_AT_THE_EDGE = [0.15, 0.35, 0.2, 0.3, 0.1, 0.4]


@establishes("power_law", R)
def test_power_law_clean_decay_is_reproduced():
    """τ = 0.5 with 1% noise on the prefactor: every resample's mean curve is the same power law, so both
    intervals are points: τ in (0, ∞) and R² = 1 >= 0.95."""
    record = _judge("power_law", _aging_run(0.5), **WHOLE_RUN)
    tau, r2 = _firm(record, R, "tau"), _firm(record, R, "r2")
    assert tau["value"] == pytest.approx(0.5) and tau["ci95"] == pytest.approx([0.5, 0.5])
    assert r2["value"] == pytest.approx(1.0)


@establishes("power_law", NR)
def test_power_law_rising_curve_is_not_reproduced():
    """τ = −0.5: the response grows (τ wholly <= 0), however clean the law: one failing value fails the claim."""
    record = _judge("power_law", _aging_run(-0.5), **WHOLE_RUN)
    assert _firm(record, NR, "tau")["value"] == pytest.approx(-0.5)
    assert _decision(record, "r2")["verdict"] == R


@establishes("power_law", INC)
def test_power_law_r2_interval_across_the_clear_mark_is_inconclusive():
    """R² ≈ 0.954 (a clear law by its value) with an interval reaching below 0.95; τ itself reproduces."""
    record = _judge("power_law", _zigzag(ZIGZAG_AT_THE_EDGE), **WHOLE_RUN)
    r2 = _straddles(record, "r2")
    assert r2["ci95"][0] < 0.95 <= r2["value"]
    assert _decision(record, "tau")["verdict"] == R


def test_power_law_zigzag_between_the_bounds_is_inconclusive_and_unclear_law_reproduced():
    """A ±40% zigzag: R² ≈ 0.88 for every resample, between 0.80 and 0.95; expected "without a clear
    power law" (R² below 0.95) it reproduces, and a clean law does not."""
    record = _judge("power_law", _zigzag([0.4] * 6), **WHOLE_RUN)
    assert _in_gap(record, "r2")["value"] == pytest.approx(0.8838, abs=1e-3)
    unclear = {**WHOLE_RUN, "expect_clear": False}
    _firm(_judge("power_law", _zigzag([0.4] * 6), **unclear), R, "r2")
    _firm(_judge("power_law", _aging_run(0.5), **unclear), NR, "r2")
    assert "decreasing without a clear power law" in _judge("power_law", _aging_run(0.5), **unclear)["criterion"]


@establishes("power_law", UND)
def test_power_law_too_few_epochs_in_window_is_undefined():
    """Two positive epochs in the window: τ and R² are NaN, whichever law is expected."""
    data = _aging_run(0.5, epochs=(0, 1, 3))
    _undefined(_judge("power_law", data, **WHOLE_RUN), "tau")
    assert _judge("power_law", data, **WHOLE_RUN, expect_clear=False)["verdict"] == UND


# plateau -----------------------------------------------------------------------------------------------

# Per-run exponents around 0.095: the mean curve's slope over the last decade is ≈ −0.09, within ±0.1 of
# flat by its value; the resamples' mean exponent ranges across 0.1.
NEAR_FLAT = 0.095 + 0.03 * np.array([1, -1, 0.5, -0.5, 1.5, -1.5, 0.2, -0.2])


@establishes("plateau", R)
def test_plateau_constant_aging_curve_is_reproduced():
    """τ = 0 (a constant response with 1% noise per run): log-log slope 0 over the last decade."""
    d = _firm(_judge("plateau", _aging_run(0.0)), R)
    assert d["value"] == pytest.approx(0.0, abs=1e-12) and d["quantity"] == "slope"


@establishes("plateau", NR)
def test_plateau_power_law_decay_tau_one_is_not_reproduced():
    """τ = 1: slope ≈ −1 over epochs 100..1000, wholly below −0.5 (still decaying)."""
    assert _firm(_judge("plateau", _aging_run(1.0)), NR)["value"] == pytest.approx(-1.0)


@establishes("plateau", INC)
def test_plateau_slope_interval_across_minus_0p1_is_inconclusive():
    """Slope ≈ −0.09 (flat by its value) with an interval reaching below −0.1; a slope of −0.3 lies wholly
    between the bounds."""
    d = _straddles(_judge("plateau", _tau_run(NEAR_FLAT)))
    assert d["ci95"][0] < -0.1 < d["value"]
    assert _in_gap(_judge("plateau", _aging_run(0.3)))["value"] == pytest.approx(-0.3)


@establishes("plateau", UND)
def test_plateau_too_few_epochs_in_last_decade_is_undefined():
    """Only 2 measured epochs in [100, 1000]: the fit, and so the slope, is NaN."""
    assert np.isnan(_undefined(_judge("plateau", _aging_run(1.0, epochs=(0, 1, 10, 100, 1000))))["value"])


def test_plateau_fits_over_its_own_window_when_given_one():
    """τ = 1 up to epoch 10, flat after: over its own window (100, 1000) the curve is flat, over (1, 10) not."""
    data = _aging_run(0.0)
    data["step"][:, :4] *= np.maximum(data["epoch"][:4], 1.0)[None, :, None] ** -1.0 * 10.0
    record = _judge("plateau", data, window=(100, 1000))
    assert record["value"]["window"] == [100.0, 1000.0] and record["verdict"] == R
    assert _judge("plateau", data, window=(1, 10))["verdict"] == NR


def test_plateau_expected_not_to_converge_reads_continuous_aging():
    """expect=False ("continuous aging"): τ = 1 over the last decade is still decaying (reproduced), τ = 0 has
    stopped (not reproduced), a slope near −0.1 with its interval across it is inconclusive."""
    assert _firm(_judge("plateau", _aging_run(1.0), expect=False), R)["value"] == pytest.approx(-1.0)
    _firm(_judge("plateau", _aging_run(0.0), expect=False), NR)
    d = _straddles(_judge("plateau", _tau_run(0.11 + 0.02 * (-1.0) ** np.arange(8)), expect=False))
    assert d["ci95"][1] > -0.1 > d["value"]


# target_unreached --------------------------------------------------------------------------------------


def _targets(gap, replicas=6, spread=0.01, seed=7):
    """f(x_o) (R, 8 epochs) falling from 0.5 to 1 − gap (± spread per run) over the last decade, y_o = 1."""
    rng = np.random.default_rng(seed)
    f_o = np.tile(np.linspace(0.5, 1.0 - gap, len(EPOCHS)), (replicas, 1))
    f_o[:, EPOCHS.index(100):] = 1.0 - gap + spread * rng.standard_normal((replicas, 1))
    return {"f_o": f_o, "y_o": np.ones(replicas), "epoch": np.asarray(EPOCHS)}


@establishes("target_unreached", R)
def test_target_unreached_prediction_held_at_0p9_is_reproduced():
    d = _firm(_judge("target_unreached", _targets(0.1)), R)
    assert d["value"] == pytest.approx(0.1, abs=0.01) and d["effect_size"] == 0.05


@establishes("target_unreached", NR)
def test_target_unreached_prediction_at_its_target_is_not_reproduced():
    _firm(_judge("target_unreached", _targets(0.001, spread=0.0005)), NR)


@establishes("target_unreached", INC)
def test_target_unreached_gap_interval_across_0p05_is_inconclusive():
    d = _straddles(_judge("target_unreached", _targets(0.055, spread=0.01, seed=1)))
    assert d["ci95"][0] < 0.05 < d["value"]


@establishes("target_unreached", UND)
def test_target_unreached_diverged_run_is_undefined():
    data = _targets(0.1)
    data["f_o"][2, -1] = np.nan
    _undefined(_judge("target_unreached", data))


# exponent_differs --------------------------------------------------------------------------------------

EXPONENTS = {"reference": "fig", "window": (1, None)}
WIDE = 0.05 * np.array([1, -1, 0.5, -0.5, 1.5, -1.5, 0.3, -0.3])  # ±0.05-ish per run: mean exactly 0


@establishes("exponent_differs", R)
def test_exponent_differs_tau_1_against_0p3_is_reproduced():
    """τ = 1.0 against 0.3, expected to differ or to be higher: 0.7 apart, the interval ±0.01 around it."""
    for direction in ("differs", "higher"):
        record = _judge("exponent_differs", _tau_run(1.0 + SPREAD), _tau_run(0.3 + SPREAD), direction=direction, **EXPONENTS)
        assert _firm(record, R)["value"] == pytest.approx(0.7)
        assert _decision(record)["effect_size"] == 0.1


@establishes("exponent_differs", NR)
def test_exponent_differs_equal_exponents_are_not_reproduced():
    """The same τ = 0.5: the difference's interval lies within ±0.1; expected higher, 0.3 against 1.0 is
    wholly on the wrong side."""
    d = _firm(_judge("exponent_differs", _tau_run(0.5 + SPREAD), _tau_run(0.5 + SPREAD), direction="differs", **EXPONENTS), NR)
    assert d["value"] == pytest.approx(0.0, abs=1e-12)
    _firm(_judge("exponent_differs", _tau_run(0.3 + SPREAD), _tau_run(1.0 + SPREAD), direction="higher", **EXPONENTS), NR)


@establishes("exponent_differs", INC)
def test_exponent_differs_interval_across_the_minimum_effect_is_inconclusive():
    """τ = 0.61 ± 0.05 per run against 0.5: 0.11 higher (past the minimum effect 0.1 by its value), the
    interval reaching below 0.1; the same for "differs"."""
    for direction in ("higher", "differs"):
        d = _straddles(_judge("exponent_differs", _tau_run(0.61 + WIDE), _tau_run(0.5 + SPREAD), direction=direction, **EXPONENTS))
        assert d["value"] == pytest.approx(0.11) and d["ci95"][0] < 0.1


@establishes("exponent_differs", UND)
def test_exponent_differs_without_reference_is_undefined():
    """No reference figure loaded; and a reference measured at too few epochs for a fit (its τ NaN)."""
    _missing(_judge("exponent_differs", _tau_run(0.5 + SPREAD), direction="differs", **EXPONENTS))
    short = _aging_run(0.5, epochs=(0, 1, 3))
    _undefined(_judge("exponent_differs", _tau_run(0.5 + SPREAD), short, direction="differs", **EXPONENTS))


# exponent_matches --------------------------------------------------------------------------------------


@establishes("exponent_matches", R)
def test_exponent_matches_tau_0p5_against_0p55_is_reproduced():
    """Exponents 0.5 and 0.55 of exact power laws: gap 0.05 in every resample, <= 0.1."""
    d = _firm(_judge("exponent_matches", _aging_run(0.5), _aging_run(0.55, seed=1), **EXPONENTS), R)
    assert d["quantity"] == "tau_gap" and d["value"] == pytest.approx(0.05)


@establishes("exponent_matches", NR)
def test_exponent_matches_tau_0p5_against_1_is_not_reproduced():
    """Exponents 0.5 and 1.0: gap 0.5 > 0.3."""
    assert _firm(_judge("exponent_matches", _aging_run(0.5), _aging_run(1.0, seed=1), **EXPONENTS), NR)["value"] == pytest.approx(0.5)


@establishes("exponent_matches", INC)
def test_exponent_matches_gap_interval_across_0p1_is_inconclusive():
    """τ = 0.59 ± 0.05 per run against an exact 0.5: gap ≈ 0.08 (a match by its value), the interval
    reaching past 0.1; exponents 0.5 and 0.7 are wholly between the bounds (gap 0.2)."""
    d = _straddles(_judge("exponent_matches", _tau_run(0.59 + WIDE), _aging_run(0.5, seed=1), **EXPONENTS))
    assert d["value"] < 0.1 < d["ci95"][1]
    assert _in_gap(_judge("exponent_matches", _aging_run(0.5), _aging_run(0.7, seed=1), **EXPONENTS))["value"] == pytest.approx(0.2)


@establishes("exponent_matches", UND)
def test_exponent_matches_without_reference_is_undefined():
    _missing(_judge("exponent_matches", _aging_run(0.5), **EXPONENTS))


# faster_decay ------------------------------------------------------------------------------------------

DECAY_PARAMS = {"reference": "fig", "window": (1, 100)}


def _decay_run(tau, seed, noise=0.05):
    """Aging curves e^−τ over 8 runs, with `noise` per run at epoch 1 only, so the log-drop has a spread."""
    data = _aging_run(tau, replicas=8, noise=0.0)
    rng = np.random.default_rng(seed)
    data["step"][:, 1] *= (1 + noise * rng.standard_normal(8))[:, None]
    return data


@establishes("faster_decay", R)
def test_faster_decay_steeper_aging_than_reference_is_reproduced():
    """τ = 1 against the reference's τ = 0.3: log(Δ(100)/Δ(1)) lower by ≈ 0.7·log 100, far past log 1.5."""
    d = _firm(_judge("faster_decay", _decay_run(1.0, 0), _decay_run(0.3, 1), **DECAY_PARAMS), R)
    assert d["value"] == pytest.approx(-0.7 * np.log(100.0), abs=0.1) and d["effect_size"] == pytest.approx(np.log(1.5))


@establishes("faster_decay", NR)
def test_faster_decay_shallower_aging_than_reference_is_not_reproduced():
    """τ = 0.3 against the reference's τ = 1: a slower decay, log-drop higher."""
    d = _firm(_judge("faster_decay", _decay_run(0.3, 0), _decay_run(1.0, 1), **DECAY_PARAMS), NR)
    assert d["value"] == pytest.approx(0.7 * np.log(100.0), abs=0.1)


@establishes("faster_decay", INC)
def test_faster_decay_interval_across_the_minimum_effect_is_inconclusive():
    """τ = 0.59 against 0.5 with 10% noise per run at epoch 1: lower by ≈ 0.43 (past log 1.5 ≈ 0.405 by its
    value), the interval reaching above −0.405."""
    d = _straddles(_judge("faster_decay", _decay_run(0.59, 0, 0.1), _decay_run(0.5, 1, 0.1), **DECAY_PARAMS))
    assert d["value"] < -np.log(1.5) < d["ci95"][1]


@establishes("faster_decay", UND)
def test_faster_decay_without_reference_or_its_window_is_undefined():
    """No reference figure loaded; and a reference that never measured epoch 100, an end of the window."""
    _missing(_judge("faster_decay", _decay_run(1.0, 0), **DECAY_PARAMS))
    record = _judge("faster_decay", _decay_run(1.0, 0), _aging_run(0.3, epochs=(0, 1, 3, 10, 30), seed=1), **DECAY_PARAMS)
    assert np.isnan(_undefined(record)["value"]) and np.isnan(record["value"]["reference_log_drop"])


# faster_plateau ----------------------------------------------------------------------------------------

PLATEAU_PARAMS = {"reference": "fig", "window": (1, 1000)}
TO_100 = np.maximum(np.minimum(EPOCHS, 100), 1.0) ** -1.0  # decays as 1/e, then stays from epoch 100 on
TO_10 = np.maximum(np.minimum(EPOCHS, 10), 1.0) ** -1.0  # the same, constant from epoch 10 on


def _settling_mix(base, late, replicas=8, bump=0.6):
    """`replicas` copies of the curve `base`, the first `late` of them raised by bump·base at epoch 300:
    one such run raises the mean by 7.5% (still settled, within a factor 1.1), two by 15% (not settled
    until epoch 1000)."""
    curves = np.tile(np.asarray(base, dtype=np.float64), (replicas, 1))
    curves[:late, EPOCHS.index(300)] *= 1 + bump
    return _curves(curves)


@establishes("faster_plateau", R)
def test_faster_plateau_constant_against_decaying_reference_is_reproduced():
    """Settled from epoch 1 against the reference's epoch 1000 (a decay to the end): ratio 0.001 <= 0.5."""
    d = _firm(_judge("faster_plateau", _aging_run(0.0), _aging_run(1.0, seed=1), **PLATEAU_PARAMS), R)
    assert d["value"] == pytest.approx(0.001) and d["effect_size"] == 0.5


@establishes("faster_plateau", NR)
def test_faster_plateau_decaying_against_constant_reference_is_not_reproduced():
    d = _firm(_judge("faster_plateau", _aging_run(1.0), _aging_run(0.0, seed=1), **PLATEAU_PARAMS), NR)
    assert d["value"] == pytest.approx(1000.0)


@establishes("faster_plateau", INC)
def test_faster_plateau_one_late_run_in_eight_is_inconclusive():
    """Settled from epoch 10 against the reference's 100 (ratio 0.1), but one of 8 runs rises at epoch 300:
    resamples with two copies of it settle only at 1000 (ratio 10)."""
    d = _straddles(_judge("faster_plateau", _settling_mix(TO_10, late=1), _curves(np.tile(TO_100, (6, 1))), **PLATEAU_PARAMS))
    assert d["value"] == pytest.approx(0.1) and d["ci95"] == pytest.approx([0.1, 10.0])


def test_faster_plateau_against_a_variant_of_its_own_figure_settles_by_each_runs_end():
    """With a reference variant instead of a figure, and no window: settled from 10 against 100."""
    record = _judge("faster_plateau", _curves(np.tile(TO_10, (6, 1))), _curves(np.tile(TO_100, (6, 1))), reference_variant="slow")
    assert _firm(record, R)["value"] == pytest.approx(0.1)
    assert "variant slow" in record["criterion"]


@establishes("faster_plateau", UND)
def test_faster_plateau_without_reference_or_with_a_vanished_response_is_undefined():
    """No reference figure loaded; and a response decayed to exactly 0 at the last epoch (its log is not
    finite, so no settling epoch)."""
    _missing(_judge("faster_plateau", _aging_run(0.0), **PLATEAU_PARAMS))
    _undefined(_judge("faster_plateau", _decayed_to_zero(_aging_run(0.0)), _aging_run(1.0, seed=1), **PLATEAU_PARAMS))


# power_law_less_clear ----------------------------------------------------------------------------------

LESS_CLEAR = {"reference": "fig", "window": (1, None)}


@establishes("power_law_less_clear", R)
def test_power_law_less_clear_zigzag_curve_against_clean_reference_is_reproduced():
    """A ±40% zigzag (R² ≈ 0.88) against a clean power law (R² = 1): lower by ≈ 0.12, past 0.05."""
    d = _firm(_judge("power_law_less_clear", _zigzag([0.4] * 6), _aging_run(0.5, seed=1), **LESS_CLEAR), R)
    assert d["value"] == pytest.approx(-0.116, abs=1e-3)


@establishes("power_law_less_clear", NR)
def test_power_law_less_clear_clean_curve_against_zigzag_reference_is_not_reproduced():
    record = _judge("power_law_less_clear", _aging_run(0.5), _zigzag([0.4] * 6), **LESS_CLEAR)
    assert _firm(record, NR)["value"] == pytest.approx(0.116, abs=1e-3) and record["value"]["r2"] > 0.999


@establishes("power_law_less_clear", INC)
def test_power_law_less_clear_interval_across_the_minimum_effect_is_inconclusive():
    """Zigzag amplitudes 0.15..0.45 per run: R² lower by ≈ 0.066 by its value, the interval reaching above −0.05."""
    d = _straddles(_judge("power_law_less_clear", _zigzag([0.15, 0.45, 0.25, 0.35, 0.2, 0.4]), _aging_run(0.5, seed=1), **LESS_CLEAR))
    assert d["value"] < -0.05 < d["ci95"][1]


@establishes("power_law_less_clear", UND)
def test_power_law_less_clear_without_reference_or_fit_is_undefined():
    """No reference figure loaded; and only 2 positive epochs in the fit window (R² NaN)."""
    _missing(_judge("power_law_less_clear", _zigzag([0.4] * 6), **LESS_CLEAR))
    record = _judge("power_law_less_clear", _aging_run(0.5, epochs=(0, 1, 3)), _aging_run(0.5, seed=1), **LESS_CLEAR)
    assert np.isnan(_undefined(record)["value"])


# Kernels -----------------------------------------------------------------------------------------------

SIGMOID = (1 - np.tanh(LEVELS - 4.0)) / (1 - np.tanh(-4.0))  # falls in an S from 1 at x_o
DECAY = np.exp(-LEVELS / 2.0)  # convex everywhere: no concave part near x_o, so no S
RISING = 1 + LEVELS / 8.0
# Up to distance 2, then down: rho ≈ −0.76, falling over most of the curve but not throughout.
LATE_FALL = np.array([1.0, 1.4, 1.5, 1.4, 1.2, 1.0, 0.9, 0.8, 0.7])
SHALLOW = 1 - 0.01 * LEVELS  # falls by 0.01 per distance: within run-to-run noise of 0.03
LINE = 1.0 - 0.1 * LEVELS
BROAD, NARROW = np.exp(-LEVELS / 4.0), np.exp(-LEVELS / 1.0)


def _kernel_run(shapes, replicas=8, seed=1, offsets=None, noise=0.005):
    """Kernel epochs 0, 1, ...; the kernel at epoch e is shapes[e] plus `noise` per run and distance, or,
    with `offsets`, plus offsets[r] at every distance >= 1 of run r (a spread with an exactly known mean)."""
    rng = np.random.default_rng(seed)
    shapes = np.stack(shapes)
    if offsets is not None:
        kernels = shapes[None] + np.asarray(offsets, dtype=np.float64)[:, None, None]
    else:
        kernels = np.stack([shapes + noise * rng.standard_normal(shapes.shape) for _ in range(replicas)])
    return _shells(np.ones(kernels.shape[:2]), kernels, np.arange(len(shapes)))


# kernel_decreasing -------------------------------------------------------------------------------------


@establishes("kernel_decreasing", R)
def test_kernel_decreasing_exponential_kernel_is_reproduced():
    """rho = −1 at every trained epoch in every resample: the largest rho's interval is wholly <= −0.8."""
    record = _judge("kernel_decreasing", _kernel_run([DECAY] * 3))
    d = _firm(record, R)
    assert d["quantity"] == "largest_rho" and d["not_quantity"] == "median_rho"
    assert record["value"]["spearman_rho"] == pytest.approx([-1.0, -1.0]) and record["value"]["epochs"] == [1, 2]


@establishes("kernel_decreasing", NR)
def test_kernel_decreasing_rising_kernel_is_not_reproduced():
    """rho = +1: the median rho's interval (what the not-reproducing bound reads) is wholly above −0.5."""
    d = _firm(_judge("kernel_decreasing", _kernel_run([RISING] * 3)), NR)
    assert d["not_value"] == pytest.approx(1.0) and d["not_ci95"] == pytest.approx([1.0, 1.0])


@establishes("kernel_decreasing", INC)
def test_kernel_decreasing_shallow_kernel_in_noise_is_inconclusive():
    """A kernel falling by 0.01 per distance under 0.03 of run-to-run noise: rho ≈ −0.87 (falling by its
    value), the resamples' rho reaching above −0.8. A kernel falling after a rise (rho ≈ −0.76) lies wholly
    between the bounds: not falling throughout, yet its median not above −0.5."""
    d = _straddles(_judge("kernel_decreasing", _kernel_run([DECAY, SHALLOW], noise=0.03, seed=1)))
    assert d["value"] <= -0.8 < d["ci95"][1]
    record = _judge("kernel_decreasing", _kernel_run([LATE_FALL] * 3))
    assert record["verdict"] == INC and -0.8 < _decision(record)["ci95"][0] and _decision(record)["not_ci95"][1] <= -0.5


def test_kernel_decreasing_rising_at_one_trained_epoch_of_three_is_inconclusive():
    """Falling at two trained epochs, rising at the third: the largest rho (+1) does not reproduce (it must
    fall at every epoch), the median (−1) does not fail it (it falls at most): inconclusive."""
    record = _judge("kernel_decreasing", _kernel_run([DECAY, DECAY, RISING, DECAY]))
    d = _decision(record)
    assert record["verdict"] == INC and d["value"] == pytest.approx(1.0) and d["not_value"] == pytest.approx(-1.0)


def test_kernel_decreasing_tests_only_trained_epochs_up_to_max_epoch():
    """A kernel rising at the untrained epoch 0 and from epoch 2 on still falls at the tested epoch 1."""
    record = _judge("kernel_decreasing", _kernel_run([RISING, DECAY, RISING]), max_epoch=1)
    assert record["verdict"] == R and record["value"]["epochs"] == [1]


@establishes("kernel_decreasing", UND)
def test_kernel_decreasing_vanished_response_is_undefined():
    """The response at x_o decayed to exactly 0 at the last trained epoch: the kernel there is NaN, and so
    is its rho; and with no trained epoch up to max_epoch there is no rho at all."""
    _undefined(_judge("kernel_decreasing", _decayed_to_zero(_kernel_run([DECAY] * 3))))
    _undefined(_judge("kernel_decreasing", _kernel_run([DECAY] * 3), max_epoch=0))


# peak_shift --------------------------------------------------------------------------------------------


def _peaked(at, top=1.5):
    """A kernel peaking at `top` at distance `at`, falling by 0.1 per distance on either side (1 at x_o)."""
    return top - 0.1 * np.abs(LEVELS - at)


TIE = SPREAD + 0.002  # ±0.01 per run, mean +0.002: a kernel value of 1 + TIE is above 1 by its mean only


@establishes("peak_shift", R)
def test_peak_shift_peak_moving_out_is_reproduced():
    record = _judge("peak_shift", _kernel_run([DECAY, _peaked(2), _peaked(4)]))
    assert _firm(record, R)["value"] == 4.0 and record["value"]["peak_distance"] == [0, 2, 4]


@establishes("peak_shift", NR)
def test_peak_shift_peak_staying_at_x_o_is_not_reproduced():
    record = _judge("peak_shift", _kernel_run([DECAY] * 3))
    assert _firm(record, NR)["value"] == 0.0 and record["value"]["peak_distance"] == [0, 0, 0]


@establishes("peak_shift", INC)
def test_peak_shift_peak_level_with_x_o_is_inconclusive():
    """The kernel at distance 2 tops K(x_o) = 1 by 0.002 on average, with runs ±0.01 apart: the peak is at
    2 by the ensemble mean, at 0 in resamples where the mean falls short. (The peak distance is a whole
    number, so no interval lies wholly between the bounds 0 and 1: crossing is the only inconclusive.)"""
    record = _judge("peak_shift", _kernel_run([DECAY, _peaked(2, 1.0)], offsets=TIE))
    d = _straddles(record)
    assert d["value"] == 2.0 and d["ci95"] == [0.0, 2.0]
    # Why nothing lands between the bounds: distances are whole numbers, and 0 and 1 are each in a bound.
    assert all(float(p).is_integer() for p in record["value"]["peak_distance"])
    assert Bound(**d["not_reproduced_if"]).holds(0.0) and Bound(**d["reproduced_if"]).holds(1.0)


@establishes("peak_shift", UND)
def test_peak_shift_vanished_response_at_the_last_epoch_is_undefined():
    """The response at x_o decayed to 0 at the last kernel epoch: the kernel there has no maximum."""
    record = _judge("peak_shift", _decayed_to_zero(_kernel_run([DECAY, _peaked(2), _peaked(4)])))
    _undefined(record)
    assert record["value"]["peak_distance"][:2] == [0, 2] and np.isnan(record["value"]["peak_distance"][2])


# peak_trend --------------------------------------------------------------------------------------------


@establishes("peak_trend", R)
def test_peak_trend_peak_moving_out_step_by_step_is_reproduced():
    assert _firm(_judge("peak_trend", _kernel_run([DECAY, _peaked(2), _peaked(4)])), R)["value"] == pytest.approx(1.0)


@establishes("peak_trend", NR)
def test_peak_trend_peak_moving_in_is_not_reproduced():
    assert _firm(_judge("peak_trend", _kernel_run([_peaked(4), _peaked(2), DECAY])), NR)["value"] == pytest.approx(-1.0)


@establishes("peak_trend", INC)
def test_peak_trend_last_peak_level_with_x_o_is_inconclusive():
    """Peaks at 0, 1, 2 and, at the last epoch, at 3 by 0.002 over K(x_o) (rho = 1 by the ensemble mean),
    at 0 in resamples where the mean falls short; out to 4 and back to 2 lies wholly between the bounds."""
    d = _straddles(_judge("peak_trend", _kernel_run([DECAY, _peaked(1), _peaked(2), _peaked(3, 1.0)], offsets=TIE)))
    assert d["value"] == pytest.approx(1.0) and d["ci95"][0] < 0.8
    assert _in_gap(_judge("peak_trend", _kernel_run([DECAY, _peaked(4), _peaked(2)])))["value"] == pytest.approx(0.5)


@establishes("peak_trend", UND)
def test_peak_trend_vanished_response_is_undefined():
    """The response at x_o decayed to 0 at the last kernel epoch: a peak distance is NaN, so is rho."""
    _undefined(_judge("peak_trend", _decayed_to_zero(_kernel_run([DECAY, _peaked(2), _peaked(4)]))))


# kernel_sign -------------------------------------------------------------------------------------------

NEGATIVE = 1.0 - 1.5 * LEVELS / 8  # down to −0.5
ZERO_AT_THE_END = np.where(LEVELS == 8, 0.0, DECAY)  # 0 at the far end


@establishes("kernel_sign", R, NR)
def test_kernel_sign_positive_kernel():
    """Never below 0 (the smallest value's interval wholly >= 0): expected positive it is reproduced,
    expected not positive it is not."""
    data = _kernel_run([DECAY] * 3)
    d = _firm(_judge("kernel_sign", data, expect="positive"), R)
    assert d["value"] > 0 and d["effect_size"] is None
    _firm(_judge("kernel_sign", data, expect="not positive"), NR)


def test_kernel_sign_clearly_negative_kernel():
    """Down to −0.5 with 0.005 noise, at the far end: expected positive it is not reproduced, expected not
    positive it is."""
    data = _kernel_run([NEGATIVE] * 3)
    record = _judge("kernel_sign", data, expect="positive")
    assert _firm(record, NR)["value"] == pytest.approx(-0.5, abs=0.01) and record["value"]["at_distance"] == 8
    _firm(_judge("kernel_sign", data, expect="not positive"), R)


@establishes("kernel_sign", INC)
def test_kernel_sign_kernel_touching_zero_is_inconclusive():
    """Mean +0.002 at the far end with runs ±0.01 apart: positive by its value, the interval reaching below
    0; mean −0.002 likewise for "not positive"."""
    d = _straddles(_judge("kernel_sign", _kernel_run([ZERO_AT_THE_END] * 2, offsets=TIE), expect="positive"))
    assert d["value"] == pytest.approx(0.002) and d["ci95"][0] < 0
    d = _straddles(_judge("kernel_sign", _kernel_run([ZERO_AT_THE_END] * 2, offsets=SPREAD - 0.002), expect="not positive"))
    assert d["value"] == pytest.approx(-0.002) and d["ci95"][1] > 0


@establishes("kernel_sign", UND)
def test_kernel_sign_vanished_response_is_undefined():
    record = _judge("kernel_sign", _decayed_to_zero(_kernel_run([DECAY] * 3)), expect="positive")
    _undefined(record)
    assert "at_distance" not in record["value"]


# s_curve -----------------------------------------------------------------------------------------------


@establishes("s_curve", R)
def test_s_curve_sigmoid_kernel_at_every_trained_epoch_is_reproduced():
    """A falling tanh at all 3 trained epochs: S-shaped at all of them in every resample (share 1 >= 0.5)."""
    record = _judge("s_curve", _kernel_run([DECAY, SIGMOID, SIGMOID, SIGMOID]), expect=True)
    assert _firm(record, R)["value"] == 1.0 and record["value"]["s_shaped"] == [True, True, True]


@establishes("s_curve", NR)
def test_s_curve_exponential_kernel_everywhere_is_not_reproduced():
    """An exponential decay has no concave part, so no trained epoch is S-shaped (share 0); expected absent,
    the same kernels reproduce the claim."""
    record = _judge("s_curve", _kernel_run([DECAY] * 4), expect=True)
    assert _firm(record, NR)["value"] == 0.0 and record["value"]["s_shaped"] == [False, False, False]
    _firm(_judge("s_curve", _kernel_run([DECAY] * 4), expect=False), R)


@establishes("s_curve", INC)
def test_s_curve_s_buried_in_noise_is_inconclusive():
    """A sigmoid under 0.15 of run-to-run noise: S-shaped by the runs as measured (share 1), not in some
    resamples (share 0). An S at 1 of 3 trained epochs (share 1/3) lies wholly between the bounds."""
    d = _straddles(_judge("s_curve", _kernel_run([DECAY, SIGMOID], replicas=6, noise=0.15, seed=1), expect=True))
    assert d["value"] == 1.0 and d["ci95"] == [0.0, 1.0]
    assert _in_gap(_judge("s_curve", _kernel_run([DECAY, SIGMOID, DECAY, DECAY]), expect=True))["value"] == pytest.approx(1 / 3)


@establishes("s_curve", UND)
def test_s_curve_without_trained_kernel_epochs_is_undefined():
    """Only epoch 0 among the kernel epochs: no share to judge; and a vanished response at x_o."""
    data = _kernel_run([SIGMOID, SIGMOID])
    data["kernel_epochs"] = np.array([0])
    record = _judge("s_curve", data, expect=True)
    assert _undefined(record) and record["value"]["epochs"] == []
    _undefined(_judge("s_curve", _decayed_to_zero(_kernel_run([DECAY, SIGMOID, SIGMOID])), expect=True))


# kernel_variability ------------------------------------------------------------------------------------


def _drifting_kernels(drifts):
    """Kernel epochs 0, 1, 2 over distances 0..4; run r's kernel moves by drifts[r]·e at distances >= 1,
    so its variability (mean |K_e − K_0| over distances and trained epochs) is drifts[r]·1.5·4/5."""
    drifts = np.asarray(drifts, dtype=np.float64)
    epochs = np.arange(3)
    base = np.exp(-np.arange(5) / 2.0)
    kernels = base[None, None, :] + drifts[:, None, None] * epochs[None, :, None] * (np.arange(5) >= 1)
    return _shells(np.ones((len(drifts), 3)), kernels, epochs)


VARIABILITY = {"reference": "fig", "expect": "lower"}
STEADY = np.array([0.010, 0.012, 0.008, 0.011, 0.009])  # mean 0.010, tight
MOVING = np.array([0.100, 0.120, 0.080, 0.110, 0.090])  # mean 0.100


@establishes("kernel_variability", R)
def test_kernel_variability_steadier_than_reference_is_reproduced():
    """Expected lower: drift 0.01 per epoch against the reference's 0.1: lower by ≈ 0.108, past 0.05."""
    record = _judge("kernel_variability", _drifting_kernels(STEADY), _drifting_kernels(MOVING), **VARIABILITY)
    assert _firm(record, R)["value"] == pytest.approx(-0.09 * 1.2)
    assert record["value"]["variability"] == pytest.approx(0.010 * 1.5 * 4 / 5)


@establishes("kernel_variability", NR)
def test_kernel_variability_more_variable_than_reference_is_not_reproduced():
    """Expected lower but the kernel drifts 10× more than the reference's: the wrong side."""
    _firm(_judge("kernel_variability", _drifting_kernels(MOVING), _drifting_kernels(STEADY), **VARIABILITY), NR)


@establishes("kernel_variability", INC)
def test_kernel_variability_interval_across_the_minimum_effect_is_inconclusive():
    """Drifts 0.046 lower per epoch: variability lower by 0.055 (past 0.05 by its value), the interval reaching above −0.05."""
    d = _straddles(_judge("kernel_variability", _drifting_kernels(MOVING - 0.046), _drifting_kernels(MOVING), **VARIABILITY))
    assert d["value"] == pytest.approx(-0.0552)


def test_kernel_variability_expected_to_differ_reads_farther_than_the_effect():
    """Expected to differ: 0.108 apart is farther than 0.05 from 0, and the criterion says so."""
    record = _judge("kernel_variability", _drifting_kernels(STEADY), _drifting_kernels(MOVING), reference="fig", expect="differs")
    assert _firm(record, R)["reproduced_if"] == {"op": "outside", "limit": 0.05, "center": 0.0}
    assert "is farther than 0.05 from 0" in record["criterion"] and "(differs)" in record["criterion"]


@establishes("kernel_variability", UND)
def test_kernel_variability_without_reference_is_undefined():
    _missing(_judge("kernel_variability", _drifting_kernels(STEADY), **VARIABILITY))


# kernel_broader ----------------------------------------------------------------------------------------

BROADER = {"reference": "fig", "near": 2}
WIDE8 = 0.03 * np.array([1, -1, 0.5, -0.5, 1.5, -1.5, 0.3, -0.3])  # ±0.03-ish per run, mean exactly 0


@establishes("kernel_broader", R)
def test_kernel_broader_broad_against_narrow_is_reproduced():
    record = _judge("kernel_broader", _kernel_run([BROAD] * 3), _kernel_run([NARROW] * 3, seed=2), **BROADER)
    assert _firm(record, R)["value"] == pytest.approx(np.mean(BROAD[1:3]) - np.mean(NARROW[1:3]), abs=0.01)


@establishes("kernel_broader", NR)
def test_kernel_broader_narrow_against_broad_is_not_reproduced():
    _firm(_judge("kernel_broader", _kernel_run([NARROW] * 3), _kernel_run([BROAD] * 3, seed=2), **BROADER), NR)


@establishes("kernel_broader", INC)
def test_kernel_broader_interval_across_the_minimum_effect_is_inconclusive():
    """0.055 higher near x_o (past 0.05 by its value), with runs ±0.03 apart: the interval reaches below 0.05."""
    d = _straddles(_judge("kernel_broader", _kernel_run([BROAD] * 3, offsets=WIDE8 + 0.055), _kernel_run([BROAD] * 3, offsets=SPREAD), **BROADER))
    assert d["value"] == pytest.approx(0.055)


@establishes("kernel_broader", UND)
def test_kernel_broader_without_reference_is_undefined():
    _missing(_judge("kernel_broader", _kernel_run([BROAD] * 3), **BROADER))


# kernel_linear -----------------------------------------------------------------------------------------


def _decay_lengths(lengths, epochs=2):
    """Kernels exp(−d/L), one decay length L per run, at `epochs` kernel epochs."""
    kernels = np.stack([np.stack([np.exp(-LEVELS / length)] * epochs) for length in lengths])
    return _shells(np.ones(kernels.shape[:2]), kernels, np.arange(epochs))


@establishes("kernel_linear", R)
def test_kernel_linear_straight_kernel_is_reproduced():
    assert _firm(_judge("kernel_linear", _kernel_run([LINE] * 3)), R)["value"] > 0.99


@establishes("kernel_linear", NR)
def test_kernel_linear_fast_exponential_is_not_reproduced():
    """exp(−d): a line fits it with R² ≈ 0.56."""
    assert _firm(_judge("kernel_linear", _kernel_run([NARROW] * 3)), NR)["value"] == pytest.approx(0.556, abs=0.01)


@establishes("kernel_linear", INC)
def test_kernel_linear_interval_across_the_clear_mark_is_inconclusive():
    """Decay lengths 3.5..8 per run: the mean kernel's R² ≈ 0.954 (a line by its value), the interval reaching
    below 0.95; exp(−d/4) at every run (R² ≈ 0.93) lies wholly between the bounds."""
    d = _straddles(_judge("kernel_linear", _decay_lengths([3.5, 8, 4, 7, 5.5, 6])))
    assert d["ci95"][0] < 0.95 <= d["value"]
    _in_gap(_judge("kernel_linear", _kernel_run([BROAD] * 3)))


@establishes("kernel_linear", UND)
def test_kernel_linear_vanished_response_is_undefined():
    _undefined(_judge("kernel_linear", _decayed_to_zero(_kernel_run([LINE] * 3))))


# kernel_slope_trend, kernel_slope_change ---------------------------------------------------------------


def _slopes(slopes, noise=0.0, seed=0, replicas=8):
    """Straight kernels 1 + s·d, one slope s per kernel epoch, each run's slope off by `noise`·N(0, 1)."""
    rng = np.random.default_rng(seed)
    per_run = np.asarray(slopes)[None, :] + noise * rng.standard_normal((replicas, len(slopes)))
    kernels = 1.0 + per_run[:, :, None] * LEVELS
    return _shells(np.ones(kernels.shape[:2]), kernels, np.arange(len(slopes)))


SHRINKING = (-0.25, -0.2, -0.15, -0.1, -0.05)
SHUFFLED = (-0.25, -0.1, -0.2, -0.15, -0.05)  # |slope| ranks 5, 2, 4, 3, 1 over the epochs: rho = −0.7
CLOSE_SLOPES = tuple(-0.2 + 0.02 * np.arange(6))  # |slope| falling by 0.02 per epoch


@establishes("kernel_slope_trend", R)
def test_kernel_slope_trend_shrinking_slope_expected_diminishing_is_reproduced():
    assert _firm(_judge("kernel_slope_trend", _slopes(SHRINKING), expect="diminishing"), R)["value"] == pytest.approx(-1.0)


@establishes("kernel_slope_trend", NR)
def test_kernel_slope_trend_growing_slope_expected_diminishing_is_not_reproduced():
    """Growing |slope|: expected diminishing it is not reproduced, expected growing it is."""
    _firm(_judge("kernel_slope_trend", _slopes(SHRINKING[::-1]), expect="diminishing"), NR)
    _firm(_judge("kernel_slope_trend", _slopes(SHRINKING[::-1]), expect="growing"), R)


@establishes("kernel_slope_trend", INC)
def test_kernel_slope_trend_close_slopes_in_noise_is_inconclusive():
    """|slope| falling by 0.02 per epoch under 0.04 of run-to-run noise: rho = −1 by the ensemble mean,
    above −0.8 in some resamples. rho = −0.7 in every resample lies wholly between the bounds."""
    d = _straddles(_judge("kernel_slope_trend", _slopes(CLOSE_SLOPES, noise=0.04, seed=3), expect="diminishing"))
    assert d["value"] == pytest.approx(-1.0) and d["ci95"][1] > -0.8
    assert _in_gap(_judge("kernel_slope_trend", _slopes(SHUFFLED), expect="diminishing"))["value"] == pytest.approx(-0.7)


@establishes("kernel_slope_trend", UND)
def test_kernel_slope_trend_vanished_response_is_undefined():
    _undefined(_judge("kernel_slope_trend", _decayed_to_zero(_slopes(SHRINKING), row=2), expect="diminishing"))


@establishes("kernel_slope_change", R)
def test_kernel_slope_change_every_trained_slope_shallower_is_reproduced():
    """Slope −0.25 at epoch 0, then −0.1 and −0.05: the nearest-to-no-change epoch is 60% shallower."""
    record = _judge("kernel_slope_change", _slopes((-0.25, -0.1, -0.05)), expect="diminishing")
    assert _firm(record, R)["value"] == pytest.approx(-0.6) and record["value"]["initial_slope"] == pytest.approx(-0.25)


@establishes("kernel_slope_change", NR)
def test_kernel_slope_change_steeper_or_barely_shallower_is_not_reproduced():
    """Steeper slopes fail "diminishing" (and reproduce "growing"); one trained epoch only 5% shallower
    (within the 10% minimum effect) fails it too: every epoch must have changed."""
    _firm(_judge("kernel_slope_change", _slopes((-0.05, -0.1, -0.25)), expect="diminishing"), NR)
    _firm(_judge("kernel_slope_change", _slopes((-0.05, -0.1, -0.25)), expect="growing"), R)
    assert _firm(_judge("kernel_slope_change", _slopes((-0.2, -0.19, -0.1)), expect="diminishing"), NR)["value"] == pytest.approx(-0.05)


@establishes("kernel_slope_change", INC)
def test_kernel_slope_change_interval_across_the_minimum_effect_is_inconclusive():
    """−0.2 to −0.178 with runs' slopes 0.01 apart: 12% shallower by its value, the interval reaching above −10%."""
    d = _straddles(_judge("kernel_slope_change", _slopes((-0.2, -0.178), noise=0.01, seed=1), expect="diminishing"))
    assert d["value"] < -0.1 < d["ci95"][1]


@establishes("kernel_slope_change", UND)
def test_kernel_slope_change_without_an_untrained_kernel_is_undefined():
    """Kernel epochs that do not start at 0: nothing to compare the trained slopes with."""
    data = _slopes((-0.25, -0.1, -0.05))
    data["kernel_epochs"] = np.array([1, 2])
    record = _judge("kernel_slope_change", data, expect="diminishing")
    assert _undefined(record) and record["value"]["relative_change"] == []


# kernel_slope_smaller ----------------------------------------------------------------------------------

SMALLER = {"reference": "fig"}


def _run_slopes(slopes, epochs=3, initial=None):
    """Straight kernels 1 + s·d, one slope s per run at every kernel epoch (at epoch 0, the untrained one,
    `initial` instead when given): each run's fit gives its own s back, so the mean |slope| over runs is
    known exactly."""
    per_run = np.repeat(np.asarray(slopes, dtype=np.float64)[:, None], epochs, axis=1)
    if initial is not None:
        per_run[:, 0] = initial
    kernels = 1.0 + per_run[:, :, None] * LEVELS
    return _shells(np.ones(kernels.shape[:2]), kernels, np.arange(epochs))


@establishes("kernel_slope_smaller", R)
def test_kernel_slope_smaller_half_the_reference_slope_is_reproduced():
    """Trained |slope| 0.1 ± 0.01 per run against the reference's 0.2 ± 0.01: (0.1 − 0.2)/0.2 = −0.5, past
    −10%. The untrained kernel (epoch 0, slope −0.5, steeper than the reference's) is no part of it."""
    record = _judge("kernel_slope_smaller", _run_slopes(-0.1 + SPREAD, initial=-0.5), _run_slopes(-0.2 + SPREAD), **SMALLER)
    d = _firm(record, R)
    assert d["quantity"] == "relative_slope_difference" and d["value"] == pytest.approx(-0.5) and d["effect_size"] == 0.1
    assert record["value"]["slope"] == pytest.approx(0.1) and record["value"]["reference_slope"] == pytest.approx(0.2)
    assert record["value"]["slope_difference"] == pytest.approx(-0.1)
    assert "smaller slopes" in record["criterion"] and "fig's" in record["criterion"]


@establishes("kernel_slope_smaller", NR)
def test_kernel_slope_smaller_steeper_or_barely_shallower_is_not_reproduced():
    """|slope| 0.2 against the reference's 0.1: twice as steep (+1.0); 0.19 against 0.2 is 5% shallower,
    within the 10% minimum effect: not smaller either."""
    d = _firm(_judge("kernel_slope_smaller", _run_slopes(-0.2 + SPREAD), _run_slopes(-0.1 + SPREAD), **SMALLER), NR)
    assert d["value"] == pytest.approx(1.0)
    d = _firm(_judge("kernel_slope_smaller", _run_slopes(-0.19 + SPREAD), _run_slopes(-0.2 + SPREAD), **SMALLER), NR)
    assert d["value"] == pytest.approx(-0.05)


def test_kernel_slope_smaller_reads_each_runs_own_slope():
    """Runs falling and rising by 0.2 per distance in turn: their mean kernel is flat, but each run's own
    |slope| is 0.2, the reference's: no smaller (a fit of the ensemble-mean kernel would read −100%)."""
    record = _judge("kernel_slope_smaller", _run_slopes(0.2 * (-1.0) ** np.arange(8)), _run_slopes(-0.2 + SPREAD), **SMALLER)
    assert _firm(record, NR)["value"] == pytest.approx(0.0, abs=1e-12) and record["value"]["slope"] == pytest.approx(0.2)


@establishes("kernel_slope_smaller", INC)
def test_kernel_slope_smaller_interval_across_the_minimum_effect_is_inconclusive():
    """|slope| 0.176 with runs ±0.03 apart against 0.2: 12% shallower by its value (past 10%), the interval
    reaching above −10%. (Its bounds meet at −0.1: no interval lies between them, so crossing is the only
    inconclusive.)"""
    record = _judge("kernel_slope_smaller", _run_slopes(-0.176 + WIDE8), _run_slopes(-0.2 + SPREAD), **SMALLER)
    d = _straddles(record)
    assert d["value"] == pytest.approx(-0.12) and d["ci95"][0] < -0.1 < d["ci95"][1]
    assert Bound(**d["reproduced_if"]).holds(math.nextafter(-0.1, -math.inf)) and Bound(**d["not_reproduced_if"]).holds(-0.1)


@establishes("kernel_slope_smaller", UND)
def test_kernel_slope_smaller_without_reference_or_a_slope_is_undefined():
    """No reference figure loaded; a reference whose response at x_o vanished at its last kernel epoch (its
    kernel there NaN, so its slope); and kernel epochs with no trained one (no slope of the figure's own)."""
    _missing(_judge("kernel_slope_smaller", _run_slopes(-0.1 + SPREAD), **SMALLER))
    record = _judge("kernel_slope_smaller", _run_slopes(-0.1 + SPREAD), _decayed_to_zero(_run_slopes(-0.2 + SPREAD)), **SMALLER)
    assert np.isnan(_undefined(record)["value"]) and np.isnan(record["value"]["reference_slope"])
    untrained = {**_run_slopes(-0.1 + SPREAD), "kernel_epochs": np.array([0])}
    record = _judge("kernel_slope_smaller", untrained, _run_slopes(-0.2 + SPREAD), **SMALLER)
    assert np.isnan(_undefined(record)["value"]) and np.isnan(record["value"]["slope"])


# kernel_drift ------------------------------------------------------------------------------------------


def _drifts(shifts, noise=0.005, seed=1):
    """Kernel epochs 0, 1, ...: the exponential kernel raised by shifts[e] at distances >= 1."""
    return _kernel_run([DECAY + s * (LEVELS >= 1) for s in shifts], noise=noise, seed=seed)


@establishes("kernel_drift", R)
def test_kernel_drift_kernel_moving_away_is_reproduced():
    assert _firm(_judge("kernel_drift", _drifts([0, 0.1, 0.2, 0.3, 0.4, 0.5])), R)["value"] == pytest.approx(1.0)


@establishes("kernel_drift", NR)
def test_kernel_drift_kernel_coming_back_is_not_reproduced():
    """Drift ranks 1, 6, 5, 4, 3, 2: rho = −1/7 <= 0."""
    assert _firm(_judge("kernel_drift", _drifts([0, 0.4, 0.3, 0.2, 0.1, 0.05])), NR)["value"] == pytest.approx(-1 / 7)


@establishes("kernel_drift", INC)
def test_kernel_drift_small_steps_in_noise_is_inconclusive():
    """Raised by 0.01 per epoch under 0.03 of noise: rho = 1 by the ensemble mean, below 0.8 in some
    resamples. Drift ranks 1, 5, 3, 4, 2 (rho = 0.1) lie wholly between the bounds."""
    d = _straddles(_judge("kernel_drift", _drifts(0.01 * np.arange(6), noise=0.03, seed=2)))
    assert d["value"] == pytest.approx(1.0) and d["ci95"][0] < 0.8
    assert _in_gap(_judge("kernel_drift", _drifts([0, 0.3, 0.1, 0.2, 0.05])))["value"] == pytest.approx(0.1)


@establishes("kernel_drift", UND)
def test_kernel_drift_vanished_response_is_undefined():
    _undefined(_judge("kernel_drift", _decayed_to_zero(_drifts([0, 0.1, 0.2, 0.3]), row=2)))


# image_kernel_decreasing -------------------------------------------------------------------------------


def _images(kernel_of_distance, replicas=5, others=40, seed=4):
    """Image runs (R, 2 epochs, 1 + others): x_o at distance 0 with response 2, the others at random
    distances in [1, 10] with response 2·kernel_of_distance(r, d, rng) at the last epoch."""
    rng = np.random.default_rng(seed)
    distance = np.concatenate([np.zeros((replicas, 1)), rng.uniform(1, 10, (replicas, others))], axis=1)
    step = np.full((replicas, 2, 1 + others), 2.0)
    step[:, 1, 1:] = 2.0 * np.stack([kernel_of_distance(r, d, rng) for r, d in enumerate(distance[:, 1:])])
    return {"step": step, "epoch": np.array([0, 10]), "distance": distance, "kernel_epochs": np.array([0, 10])}


RANKS = np.array([9, 8, 2, 6, 5, 4, 3, 7, 1, 0], dtype=np.float64)


def _shuffled(r, d, rng):
    """10 images, one per bin, kernel ranks 9,8,2,6,5,4,3,7,1,0 over increasing distance: rho = −23/33 ≈ −0.697."""
    return (RANKS[np.argsort(np.argsort(d))] + 1) / 20


def _exponential(r, d, rng):
    return np.exp(-d / 3) + 0.01 * rng.standard_normal(d.shape)


def _line(r, d, rng):
    return 1.0 - d / 12 + 0.001 * rng.standard_normal(d.shape)


@establishes("image_kernel_not_linear", R)
def test_image_kernel_not_linear_exponential_kernel_is_reproduced():
    """exp(−d/3) over distances 1-10 in 10 bins: a curve, R² of a line well below 0.95."""
    assert _firm(_judge("image_kernel_not_linear", _images(_exponential)), R)["value"] < 0.95


@establishes("image_kernel_not_linear", NR)
def test_image_kernel_not_linear_straight_kernel_is_not_reproduced():
    assert _firm(_judge("image_kernel_not_linear", _images(_line)), NR)["value"] > 0.99


@establishes("image_kernel_not_linear", INC)
def test_image_kernel_not_linear_r2_interval_across_0p95_is_inconclusive():
    def bent(r, d, rng):
        return 1.0 - d / 12 + (0.05 + 0.04 * (r % 3)) * (d - 5.5) ** 2 / 10 + 0.02 * rng.standard_normal(d.shape)

    d = _straddles(_judge("image_kernel_not_linear", _images(bent, replicas=8, seed=5)))
    assert d["value"] < 0.95 < d["ci95"][1]


@establishes("image_kernel_not_linear", UND)
def test_image_kernel_not_linear_with_a_response_at_x_o_of_zero_is_undefined():
    data = _images(_exponential)
    data["step"][2, 1, 0] = 0.0
    _undefined(_judge("image_kernel_not_linear", data))


def _isolated(runs_with_one, replicas=8, seed=6):
    """400 images per run on 0.5 − d/100 with 0.02 noise; in the first `runs_with_one` runs four images' kernel
    is raised by 1 (isolated responses: a share of 0.01 in that run)."""

    def kernel(r, d, rng):
        k = 0.5 - d / 100 + 0.02 * rng.standard_normal(d.shape)
        if r < runs_with_one:
            k[:4] += 1.0
        return k

    return _images(kernel, replicas=replicas, others=400, seed=seed)


@establishes("isolated_responses", R)
def test_isolated_responses_one_in_every_run_is_reproduced():
    assert _firm(_judge("isolated_responses", _isolated(8)), R)["value"] == pytest.approx(0.01)


@establishes("isolated_responses", NR)
def test_isolated_responses_none_is_not_reproduced():
    assert _firm(_judge("isolated_responses", _isolated(0)), NR)["value"] == 0.0


@establishes("isolated_responses", INC)
def test_isolated_responses_in_few_runs_are_inconclusive():
    """Four in 6 of 8 runs: mean share 0.0075, but resamples with fewer of those runs fall below 0.005."""
    d = _straddles(_judge("isolated_responses", _isolated(6)))
    assert d["ci95"][0] < 0.005 <= d["value"]


@establishes("isolated_responses", UND)
def test_isolated_responses_with_a_kernel_not_finite_is_undefined():
    data = _isolated(8)
    data["step"][3, 1, 5] = np.nan
    _undefined(_judge("isolated_responses", data))


@establishes("image_kernel_decreasing", R)
def test_image_kernel_decreasing_exponential_kernel_is_reproduced():
    """K = exp(−d/3) + 1% noise: every binned kernel falls with distance (rho ≈ −1)."""
    assert _firm(_judge("image_kernel_decreasing", _images(_exponential)), R)["value"] == pytest.approx(-1.0)


@establishes("image_kernel_decreasing", NR)
def test_image_kernel_decreasing_rising_kernel_is_not_reproduced():
    """K = d/10 rises with distance (rho = +1 > −0.5)."""
    assert _firm(_judge("image_kernel_decreasing", _images(lambda r, d, rng: d / 10)), NR)["value"] == pytest.approx(1.0)


@establishes("image_kernel_decreasing", INC)
def test_image_kernel_decreasing_two_shuffled_runs_of_five_is_inconclusive():
    """3 runs falling (rho = −1), 2 partly shuffled (−0.697): the median is −1, −0.697 in resamples with
    three shuffled copies. All 5 shuffled lie wholly between the bounds."""
    mixed = _images(lambda r, d, rng: _shuffled(r, d, rng) if r < 2 else (10 - np.argsort(np.argsort(d))) / 20, others=10)
    d = _straddles(_judge("image_kernel_decreasing", mixed))
    assert d["value"] == pytest.approx(-1.0) and d["ci95"][1] == pytest.approx(-23 / 33)
    assert _in_gap(_judge("image_kernel_decreasing", _images(_shuffled, others=10)))["value"] == pytest.approx(-23 / 33)


@establishes("image_kernel_decreasing", UND)
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_image_kernel_decreasing_vanished_response_is_undefined():
    """The response at x_o decayed to 0 at the last epoch: the kernel is not finite, nor is its rho."""
    data = _images(_exponential)
    data["step"][:, 1, 0] = 0.0
    _undefined(_judge("image_kernel_decreasing", data))


# pair_difference_differs, pair_aging_enhanced, pair_aging_limited --------------------------------------


def _pair(x1_end, x2_end, spread=0.05, replicas=8, seed=0, x2_spread=0.0):
    """Two-point runs whose normalized self-responses fall geometrically from 1 to x1_end (x1) and
    x2_end (x2) over 4 epochs, both times (1 + spread·noise) per run, x2's also times (1 + x2_spread·noise)."""
    rng = np.random.default_rng(seed)
    step = np.zeros((replicas, 4, 2, 2))
    for r in range(replicas):
        scale = 1 + spread * rng.standard_normal()
        step[r, :, 0, 0] = 2.0 * np.geomspace(1.0, x1_end * scale, 4)
        step[r, :, 1, 1] = 3.0 * np.geomspace(1.0, x2_end * scale * (1 + x2_spread * rng.standard_normal()), 4)
    return {"step": step, "epoch": np.array([0, 10, 100, 1000])}


def _unmeasured_x2(data):
    """The run with x2's response 0 at epoch 0: its normalized response (divided by that) is not finite."""
    data = {**data, "step": data["step"].copy()}
    data["step"][:, 0, 1, 1] = 0.0
    return data


AGAINST_FAR = {"reference_variant": "far"}


@establishes("pair_difference_differs", R)
def test_pair_difference_differs_close_against_far_is_reproduced():
    """x2 ends at 0.15 against 0.8 (x1 at 0.1 in both): size differences 0.05 and 0.7, 0.65 apart."""
    record = _judge("pair_difference_differs", _pair(0.1, 0.15), _pair(0.1, 0.8, seed=1), **AGAINST_FAR)
    assert _firm(record, R)["value"] == pytest.approx(-0.65, abs=0.02)
    assert record["value"]["reference_size_difference"] == pytest.approx(0.7, abs=0.05)


@establishes("pair_difference_differs", NR)
def test_pair_difference_differs_same_runs_is_not_reproduced():
    """Both variants end at the same sizes: the difference's interval lies within ±0.05."""
    _firm(_judge("pair_difference_differs", _pair(0.1, 0.8), _pair(0.1, 0.8, seed=1), **AGAINST_FAR), NR)


@establishes("pair_difference_differs", INC)
def test_pair_difference_differs_interval_across_the_minimum_effect_is_inconclusive():
    """x2 at 0.74 against 0.8: 0.073 apart by the ensemble means, the interval reaching inside ±0.05."""
    d = _straddles(_judge("pair_difference_differs", _pair(0.1, 0.74), _pair(0.1, 0.8, seed=5), **AGAINST_FAR))
    assert d["value"] < -0.05 < d["ci95"][1]


@establishes("pair_difference_differs", UND)
def test_pair_difference_differs_unmeasured_start_is_undefined():
    _undefined(_judge("pair_difference_differs", _unmeasured_x2(_pair(0.1, 0.15)), _pair(0.1, 0.8, seed=1), **AGAINST_FAR))


@establishes("pair_aging_enhanced", R)
def test_pair_aging_enhanced_close_pair_ages_more_is_reproduced():
    """x2 ends at 0.15 against 0.8: log(0.15/0.8) ≈ −1.67, past −log 1.5."""
    d = _firm(_judge("pair_aging_enhanced", _pair(0.1, 0.15), _pair(0.1, 0.8, seed=1), **AGAINST_FAR), R)
    assert d["value"] == pytest.approx(np.log(0.15 / 0.8), abs=0.1)


@establishes("pair_aging_enhanced", NR)
def test_pair_aging_enhanced_close_pair_ages_less_is_not_reproduced():
    _firm(_judge("pair_aging_enhanced", _pair(0.1, 0.8), _pair(0.1, 0.15, seed=1), **AGAINST_FAR), NR)


@establishes("pair_aging_enhanced", INC)
def test_pair_aging_enhanced_interval_across_the_minimum_effect_is_inconclusive():
    """x2 at 0.52 against 0.8 with 10% noise per run: lower by ≈ 0.47 (past log 1.5 by its value), the
    interval reaching above −0.405."""
    d = _straddles(_judge("pair_aging_enhanced", _pair(0.1, 0.52, spread=0.1), _pair(0.1, 0.8, spread=0.1, seed=5), **AGAINST_FAR))
    assert d["value"] < -np.log(1.5) < d["ci95"][1]


@establishes("pair_aging_enhanced", UND)
def test_pair_aging_enhanced_unmeasured_start_is_undefined():
    _undefined(_judge("pair_aging_enhanced", _unmeasured_x2(_pair(0.1, 0.15)), _pair(0.1, 0.8, seed=1), **AGAINST_FAR))


def _unmeasured_x1(data):
    """The run with x1's response 0 at epoch 0: its normalized response (divided by that) is not finite."""
    data = {**data, "step": data["step"].copy()}
    data["step"][:, 0, 0, 0] = 0.0
    return data


AGAINST_H12 = {"reference_variant": "H12"}


def test_pair_aging_enhanced_on_point_0_reads_x1_and_names_it():
    """"point": 0 reads x1. x1 ages more at H = 1 (to 0.1 against 0.5 at H = 12) while x2 ends at 0.8 in
    both: on x1 reproduced, on x2 (the default, or "point": 1) not; x2 aging more and x1 not, the other
    way round. x1's start unmeasured leaves x1's reading undefined and x2's as it was. The record (its
    quantity, criterion, value and decision key) names x1 and never x2."""
    x1_ages = (_pair(0.1, 0.8), _pair(0.5, 0.8, seed=1))
    on_x1 = _judge("pair_aging_enhanced", *x1_ages, point=0, **AGAINST_H12)
    d = _firm(on_x1, R)
    assert d["quantity"] == "log_size_x1_difference" and d["value"] == pytest.approx(np.log(0.1 / 0.5), abs=0.1)
    assert set(on_x1["value"]) == {"log_size_x1", "reference_log_size_x1", "log_size_x1_difference"}
    assert set(on_x1["ci95"]) == set(on_x1["value"])
    assert on_x1["quantity"] == "log of x1's normalized response size at the last epoch, against variant H12"
    assert "x1's log normalized response size at the last epoch minus variant H12's (lower: aged more)" in on_x1["criterion"]
    assert "x2" not in on_x1["quantity"] + on_x1["criterion"]
    for on_x2 in (_judge("pair_aging_enhanced", *x1_ages, **AGAINST_H12), _judge("pair_aging_enhanced", *x1_ages, point=1, **AGAINST_H12)):
        d = _firm(on_x2, NR)
        assert d["quantity"] == "log_size_x2_difference" and d["value"] == pytest.approx(0.0, abs=0.1)
        assert "x2's" in on_x2["criterion"] and "x1" not in on_x2["quantity"] + on_x2["criterion"]
    x2_ages = (_pair(0.1, 0.15), _pair(0.1, 0.8, seed=1))
    _firm(_judge("pair_aging_enhanced", *x2_ages, point=0, **AGAINST_H12), NR)
    _firm(_judge("pair_aging_enhanced", *x2_ages, point=1, **AGAINST_H12), R)
    unmeasured = (_unmeasured_x1(x1_ages[0]), x1_ages[1])
    assert _undefined(_judge("pair_aging_enhanced", *unmeasured, point=0, **AGAINST_H12))["quantity"] == "log_size_x1_difference"
    _firm(_judge("pair_aging_enhanced", *unmeasured, **AGAINST_H12), NR)


@establishes("pair_aging_limited", R)
def test_pair_aging_limited_distant_pair_is_reproduced():
    """x2 at 0.8 against x1 at 0.1: log-decay ratio ≈ 0.1 <= 0.5."""
    d = _firm(_judge("pair_aging_limited", _pair(0.1, 0.8)), R)
    assert d["value"] == pytest.approx(np.log(0.8) / np.log(0.1), rel=0.1)


@establishes("pair_aging_limited", NR)
def test_pair_aging_limited_x2_aging_like_x1_is_not_reproduced():
    """x2 at 0.15 against x1 at 0.1: ratio ≈ 0.82 > 0.5."""
    _firm(_judge("pair_aging_limited", _pair(0.1, 0.15)), NR)


@establishes("pair_aging_limited", INC)
def test_pair_aging_limited_ratio_interval_across_one_half_is_inconclusive():
    """x2 at 0.33 with 10% of its own noise per run: ratio ≈ 0.49 by its value, the interval reaching past
    0.5. (Its bounds meet at 0.5: no interval lies between them, so crossing is the only inconclusive.)"""
    d = _straddles(_judge("pair_aging_limited", _pair(0.1, 0.33, x2_spread=0.1)))
    assert d["value"] <= 0.5 < d["ci95"][1]
    # Why nothing lands between the bounds: they meet, 0.5 in one, the next float up in the other.
    assert Bound(**d["reproduced_if"]).holds(0.5) and Bound(**d["not_reproduced_if"]).holds(math.nextafter(0.5, math.inf))


@establishes("pair_aging_limited", UND)
def test_pair_aging_limited_x1_not_aging_is_undefined():
    """x1's response never changes: its log-decay is 0 and the ratio has no value."""
    record = _judge("pair_aging_limited", _pair(1.0, 0.8, spread=0.0))
    _undefined(record)
    assert record["value"]["log_size_x1"] == 0.0


# group_move --------------------------------------------------------------------------------------------


def _groups(final_g1, noise, replicas=6, seed=0):
    """Group 0 (2 points) stays at 0.5, group 1 (1 point) goes from 0.5 to final_g1 over 3 epochs, with
    noise on the last epoch per run."""
    rng = np.random.default_rng(seed)
    g1 = np.linspace(0.5, final_g1, 3)
    output = np.stack([np.stack([np.full(3, 0.5), np.full(3, 0.5), g1], axis=-1) for _ in range(replicas)])
    output[:, -1, 2] += noise * rng.standard_normal(replicas)
    return {"epoch": np.array([0, 10, 100]), "output": output, "group": np.tile([0, 0, 1], (replicas, 1))}


MOVE_UP = {"group": 1, "path": ["start", "end"], "direction": "up"}


@establishes("group_move", R)
def test_group_move_group_rising_is_reproduced():
    record = _judge("group_move", _groups(0.8, 0.01), **MOVE_UP)
    assert _firm(record, R)["value"] == pytest.approx(0.3, abs=0.02) and record["value"]["waypoint_epochs"] == [0, 100]


@establishes("group_move", NR)
def test_group_move_group_falling_is_not_reproduced():
    """Down by 0.3: expected up it is not reproduced, expected down it is."""
    _firm(_judge("group_move", _groups(0.2, 0.01), **MOVE_UP), NR)
    _firm(_judge("group_move", _groups(0.2, 0.01), **{**MOVE_UP, "direction": "down"}), R)


@establishes("group_move", INC)
def test_group_move_interval_across_the_minimum_effect_is_inconclusive():
    """Up by ≈ 0.06 (past 0.05 by its value) with 0.02 noise per run: the interval reaches below 0.05."""
    d = _straddles(_judge("group_move", _groups(0.56, 0.02, seed=2), **MOVE_UP))
    assert d["ci95"][0] < 0.05 < d["value"]


@establishes("group_move", UND)
def test_group_move_diverged_run_is_undefined():
    """One run's predictions NaN from epoch 10 on (a diverged run): the ensemble means have no waypoints."""
    data = _groups(0.8, 0.01)
    data["output"][3, 1:] = np.nan
    record = _judge("group_move", data, **MOVE_UP)
    assert np.isnan(_undefined(record)["value"]) and "waypoint_epochs" not in record["value"]


# group_side --------------------------------------------------------------------------------------------


def _sides(final_g1, noise, label=1.0, replicas=6, seed=0):
    """_groups' runs with their labels: group 1's point labelled `label`, group 0's the other label."""
    data = _groups(final_g1, noise, replicas, seed)
    data["point_y"] = np.tile([1.0 - label, 1.0 - label, label], (replicas, 1))
    return data


SIDE = {"group": 1}


@establishes("group_side", R)
def test_group_side_group_ending_past_one_half_toward_its_label_is_reproduced():
    """Labelled 1 and ending at 0.8, or labelled 0 and ending at 0.2: 0.3 past 0.5 on its own side."""
    record = _judge("group_side", _sides(0.8, 0.01), **SIDE)
    d = _firm(record, R)
    assert d["quantity"] == "margin" and d["value"] == pytest.approx(0.3, abs=0.02) and d["effect_size"] == 0.05
    assert record["value"]["label"] == 1.0 and record["value"]["end"] == pytest.approx(0.8, abs=0.02)
    assert "group 1 ends on its own side" in record["criterion"] and "toward its label 1" in record["criterion"]
    record = _judge("group_side", _sides(0.2, 0.01, label=0.0), **SIDE)
    assert _firm(record, R)["value"] == pytest.approx(0.3, abs=0.02) and "toward its label 0" in record["criterion"]


@establishes("group_side", NR)
def test_group_side_group_ending_on_the_other_side_or_at_one_half_is_not_reproduced():
    """Labelled 1 and ending at 0.3 (0.2 on the other side), labelled 0 and ending at 0.8; labelled 1 and
    ending at 0.53, on its side by less than the 0.05 minimum effect."""
    assert _firm(_judge("group_side", _sides(0.3, 0.01), **SIDE), NR)["value"] == pytest.approx(-0.2, abs=0.02)
    assert _firm(_judge("group_side", _sides(0.8, 0.01, label=0.0), **SIDE), NR)["value"] == pytest.approx(-0.3, abs=0.02)
    assert _firm(_judge("group_side", _sides(0.53, 0.01), **SIDE), NR)["value"] == pytest.approx(0.03, abs=0.01)


@establishes("group_side", INC)
def test_group_side_interval_across_the_minimum_effect_is_inconclusive():
    """≈ 0.06 past 0.5 (past 0.05 by its value) with 0.02 noise per run: the interval reaches below 0.05.
    (Its bounds meet at 0.05: no interval lies between them, so crossing is the only inconclusive.)"""
    d = _straddles(_judge("group_side", _sides(0.56, 0.02, seed=2), **SIDE))
    assert d["ci95"][0] < 0.05 < d["value"]
    assert Bound(**d["reproduced_if"]).holds(math.nextafter(0.05, math.inf)) and Bound(**d["not_reproduced_if"]).holds(0.05)


@establishes("group_side", UND)
def test_group_side_diverged_run_is_undefined():
    """One run's predictions NaN at the last epoch (a diverged run), or +inf there: no end to judge."""
    data = _sides(0.8, 0.01)
    data["output"][3, -1] = np.nan
    record = _judge("group_side", data, **SIDE)
    assert np.isnan(_undefined(record)["value"]) and np.isnan(record["value"]["end"])
    data = _sides(0.8, 0.01)
    data["output"][1, -1, 2] = np.inf
    _undefined(_judge("group_side", data, **SIDE))


def test_group_side_label_that_is_not_a_finite_number_is_undefined():
    """The group's label NaN, +inf or −inf in every run: no side of 0.5 is its own, whichever side the group
    ends on (0.8 or 0.2), so nothing decides the claim. Every case is checked before the assertion, which
    lists the verdict of each."""
    verdicts = {}
    for label in (math.nan, math.inf, -math.inf):
        for end in (0.8, 0.2):
            data = _sides(end, 0.01)
            data["point_y"][:, 2] = label
            record = _judge("group_side", data, **SIDE)
            verdicts[f"label {label}, end {end}"] = f"{record['verdict']} (margin {record['value']['margin']:.3g})"
    assert all(v.startswith(UND) for v in verdicts.values()), "; ".join(f"{k}: {v}" for k, v in verdicts.items())


# meanfield_agreement -----------------------------------------------------------------------------------


def _with_model(offset):
    """A group run whose stored mean-field prediction is the network's group means plus `offset` (one per
    run, or one for all) after epoch 0."""
    data = _groups(0.8, 0.01)
    trajectories = np.stack([data["output"][:, :, :2].mean(axis=2), data["output"][:, :, 2]], axis=-1)
    offset = np.reshape(offset, (-1, 1, 1))
    data["meanfield"] = trajectories + offset * (data["epoch"] > 0)[None, :, None]
    return data


@establishes("meanfield_agreement", R)
def test_meanfield_agreement_model_on_the_means_is_reproduced():
    assert _firm(_judge("meanfield_agreement", _with_model(0.0)), R)["value"] == pytest.approx(0.0, abs=1e-12)


@establishes("meanfield_agreement", NR)
def test_meanfield_agreement_model_0p2_off_is_not_reproduced():
    """0.2 off at 2 of 3 epochs: RMS ≈ 0.16 > 0.10."""
    assert _firm(_judge("meanfield_agreement", _with_model(0.2)), NR)["value"] == pytest.approx(0.2 * np.sqrt(2 / 3))


@establishes("meanfield_agreement", INC)
def test_meanfield_agreement_interval_across_0p05_is_inconclusive():
    """Runs 0.058 ± 0.03 off: RMS ≈ 0.047 (agreeing by its value), the interval reaching past 0.05; every
    run 0.07 off (RMS ≈ 0.057) lies wholly between the bounds."""
    d = _straddles(_judge("meanfield_agreement", _with_model(0.058 + 0.02 * np.array([1, -1, 0.5, -0.5, 1.5, -1.5]))))
    assert d["value"] == pytest.approx(0.058 * np.sqrt(2 / 3)) and d["ci95"][1] > 0.05
    assert _in_gap(_judge("meanfield_agreement", _with_model(0.07)))["value"] == pytest.approx(0.07 * np.sqrt(2 / 3))


@establishes("meanfield_agreement", UND)
def test_meanfield_agreement_diverged_model_is_undefined():
    data = _with_model(0.0)
    data["meanfield"][2, 1:] = np.nan
    _undefined(_judge("meanfield_agreement", data))


# feature_trend -----------------------------------------------------------------------------------------


def _features(change, replicas=8, noise=0.01, seed=2, start=1.0):
    """⟨F⟩ (R, T) over 5 epochs from `start`, changing linearly by `change` per run, plus noise on the last epoch."""
    rng = np.random.default_rng(seed)
    values = start + np.outer(np.ones(replicas), np.linspace(0.0, change, 5))
    values[:, -1] += noise * rng.standard_normal(replicas)
    return {"feature_mean": values, "epoch": np.arange(5)}


@establishes("feature_trend", R)
def test_feature_trend_falling_features_expected_decreasing_is_reproduced():
    """⟨F⟩ falls by half; expected increasing, a rise by half reproduces."""
    d = _firm(_judge("feature_trend", _features(-0.5), expect="decreasing"), R)
    assert d["value"] == pytest.approx(-0.5, abs=0.02) and d["effect_size"] == 0.05
    _firm(_judge("feature_trend", _features(0.5), expect="increasing"), R)


@establishes("feature_trend", NR)
def test_feature_trend_rising_features_expected_decreasing_is_not_reproduced():
    _firm(_judge("feature_trend", _features(0.5), expect="decreasing"), NR)


@establishes("feature_trend", INC)
def test_feature_trend_interval_across_the_minimum_effect_is_inconclusive():
    """⟨F⟩ 5.3% lower (past 5% by its value) with 0.02 noise per run: the interval reaches above −5%. An
    exactly unchanged ⟨F⟩ lies between the bounds: no change either way."""
    d = _straddles(_judge("feature_trend", _features(-0.06, noise=0.02, seed=0), expect="decreasing"))
    assert d["value"] < -0.05 < d["ci95"][1]
    assert _in_gap(_judge("feature_trend", _features(0.0, noise=0.0), expect="decreasing"))["value"] == 0.0


@establishes("feature_trend", UND)
def test_feature_trend_from_zero_is_undefined():
    """⟨F⟩ = 0 at epoch 0 (every feature dead from the start): no relative change."""
    _undefined(_judge("feature_trend", _features(0.5, start=0.0), expect="increasing"))


# dead_fraction -----------------------------------------------------------------------------------------

DEAD_PARAMS = {"at_least": 0.3, "fail_below": 0.1}


def _dead(last, replicas=6, seed=3):
    """Dead fractions (R, 3 epochs) from 0 to `last` ± 0.01 (and ⟨F⟩, which counts the runs)."""
    rng = np.random.default_rng(seed)
    dead = np.zeros((replicas, 3))
    dead[:, 1] = last / 2
    dead[:, 2] = last + 0.01 * rng.standard_normal(replicas)
    return {"dead_fraction": dead, "feature_mean": np.ones((replicas, 3)), "epoch": np.arange(3)}


@establishes("dead_fraction", R)
def test_dead_fraction_half_dead_at_the_end_is_reproduced():
    """Mean dead fraction ≈ 0.5 at the last epoch, its interval wholly at least 0.3."""
    assert _firm(_judge("dead_fraction", _dead(0.5), **DEAD_PARAMS), R)["value"] == pytest.approx(0.5, abs=0.02)


@establishes("dead_fraction", NR)
def test_dead_fraction_almost_none_dead_is_not_reproduced():
    assert _firm(_judge("dead_fraction", _dead(0.05), **DEAD_PARAMS), NR)["value"] == pytest.approx(0.05, abs=0.02)


@establishes("dead_fraction", INC)
def test_dead_fraction_interval_across_the_bound_is_inconclusive():
    """≈ 0.305 dead (at least 0.3 by its value), the interval reaching below 0.3; ≈ 0.2 lies between 0.1 and 0.3."""
    d = _straddles(_judge("dead_fraction", _dead(0.305, seed=2), **DEAD_PARAMS))
    assert d["ci95"][0] < 0.3 <= d["value"]
    _in_gap(_judge("dead_fraction", _dead(0.2), **DEAD_PARAMS))


@establishes("dead_fraction", UND)
def test_dead_fraction_unmeasured_last_epoch_is_undefined():
    data = _dead(0.5)
    data["dead_fraction"][1, -1] = np.nan
    _undefined(_judge("dead_fraction", data, **DEAD_PARAMS))


# response_less -----------------------------------------------------------------------------------------


def _responses(ratio, replicas=6, spread=0.02, seed=8):
    """Θ at 9 shells (R, 4 epochs, 9) scaled so that Θ(x_o, x_o) goes from 1 to `ratio` (± spread per run)."""
    rng = np.random.default_rng(seed)
    scale = np.ones((replicas, 4))
    scale[:, 1:] = np.linspace(1.0, ratio, 4)[1:] + spread * rng.standard_normal((replicas, 1))
    return {"ntk": scale[:, :, None] * np.linspace(1.0, 0.2, 9), "distance": LEVELS, "epoch": np.arange(4)}


@establishes("response_less", R)
def test_response_less_response_down_to_a_twentieth_is_reproduced():
    assert _firm(_judge("response_less", _responses(0.05, spread=0.005)), R)["value"] == pytest.approx(0.05, abs=0.01)


@establishes("response_less", NR)
def test_response_less_response_kept_is_not_reproduced():
    _firm(_judge("response_less", _responses(0.8)), NR)


@establishes("response_less", INC)
def test_response_less_ratio_interval_across_0p1_is_inconclusive():
    """A ratio of 0.095 with 0.02 spread per run reaches above 0.1; a ratio of 0.3 lies between the bounds."""
    d = _straddles(_judge("response_less", _responses(0.095, seed=2)))
    assert d["value"] < 0.1 < d["ci95"][1]
    _in_gap(_judge("response_less", _responses(0.3)))


@establishes("response_less", UND)
def test_response_less_with_no_untrained_response_is_undefined():
    """Θ(x_o, x_o) = 0 at epoch 0 in every run: no ratio."""
    data = _responses(0.05)
    data["ntk"][:, 0] = 0.0
    _undefined(_judge("response_less", data))


# delta_function ----------------------------------------------------------------------------------------


def _predictions(f_by_distance, replicas=6, noise=0.0, seed=0):
    """Predictions f at distances 0..3 from x_o, the same for every run at 2 epochs, plus `noise` per run
    on f(x_o) at the last epoch."""
    rng = np.random.default_rng(seed)
    output = np.tile(np.asarray(f_by_distance, dtype=np.float64), (replicas, 2, 1))
    output[:, -1, 0] += noise * rng.standard_normal(replicas)
    return {"output": output, "distance": np.arange(len(f_by_distance)), "epoch": np.array([0, 10])}


@establishes("delta_function", R)
def test_delta_function_narrow_spike_is_reproduced():
    """Spike 0.5 over a background of 0.5, distance 1 rising 0.1 of it: both values reproduce."""
    record = _judge("delta_function", _predictions([1.0, 0.55, 0.5, 0.5]))
    assert _firm(record, R, "spike")["value"] == pytest.approx(0.5)
    assert _firm(record, R, "relative_width_at_1")["value"] == pytest.approx(0.1)


@establishes("delta_function", NR)
def test_delta_function_no_spike_or_a_broad_one_is_not_reproduced():
    """Spike 0.05 (below 0.1), or distance 1 rising 0.9 of a 0.5 spike (more than 0.8): either value fails
    the claim while the other reproduces."""
    record = _judge("delta_function", _predictions([0.55, 0.5, 0.5, 0.5]))
    _firm(record, NR, "spike")
    assert _decision(record, "relative_width_at_1")["verdict"] == R
    record = _judge("delta_function", _predictions([1.0, 0.95, 0.5, 0.5]))
    _firm(record, NR, "relative_width_at_1")
    assert _decision(record, "spike")["verdict"] == R


@establishes("delta_function", INC)
def test_delta_function_spike_interval_across_0p3_is_inconclusive():
    """Spike ≈ 0.31 (at least 0.3 by its value) with 0.02 noise per run on f(x_o): the interval reaches below
    0.3 while the width reproduces; a spike of 0.2 lies between the bounds."""
    record = _judge("delta_function", _predictions([0.81, 0.5, 0.5, 0.5], noise=0.02, seed=2))
    assert _straddles(record, "spike")["ci95"][0] < 0.3
    assert _decision(record, "relative_width_at_1")["verdict"] == R
    _in_gap(_judge("delta_function", _predictions([0.7, 0.5, 0.5, 0.5])), "spike")


@establishes("delta_function", UND)
def test_delta_function_diverged_run_is_undefined():
    data = _predictions([1.0, 0.55, 0.5, 0.5])
    data["output"][4, -1] = np.nan
    record = _judge("delta_function", data)
    _undefined(record, "spike")
    _undefined(record, "relative_width_at_1")


# survivors_at_x_o and irreversible_loss ----------------------------------------------------------------


def _survivors(share, replicas=6, alive=10, spread=1, seed=9):
    """Features alive at the last of 3 epochs (`alive` per run) of which share × alive (± spread features per
    run) are active at x_o; half of all features active at x_o at epoch 0."""
    rng = np.random.default_rng(seed)
    at_o = np.clip(np.round(share * alive + spread * rng.standard_normal(replicas)), 0, alive)
    return {
        "alive": np.tile([128.0, 40.0, alive], (replicas, 1)),
        "alive_at_x_o": np.stack([np.full(replicas, 64.0), np.full(replicas, 20.0), at_o], axis=1),
        "active_at_x_o": np.full((replicas, 3), 0.5),
        "feature_mean": np.ones((replicas, 3)),
        "epoch": np.arange(3),
    }


@establishes("survivors_at_x_o", R)
def test_survivors_at_x_o_all_survivors_active_at_x_o_is_reproduced():
    d = _firm(_judge("survivors_at_x_o", _survivors(1.0, spread=0.0)), R)
    assert d["value"] == 1.0


@establishes("survivors_at_x_o", NR)
def test_survivors_at_x_o_survivors_as_any_features_is_not_reproduced():
    _firm(_judge("survivors_at_x_o", _survivors(0.5)), NR)


@establishes("survivors_at_x_o", INC)
def test_survivors_at_x_o_share_interval_across_0p8_is_inconclusive():
    d = _straddles(_judge("survivors_at_x_o", _survivors(0.82, alive=20, spread=2, seed=1)))
    assert d["ci95"][0] < 0.8 <= d["value"]


@establishes("survivors_at_x_o", UND)
def test_survivors_at_x_o_with_no_feature_alive_is_undefined():
    data = _survivors(1.0)
    data["alive"][:, -1] = 0.0
    data["alive_at_x_o"][:, -1] = 0.0
    _undefined(_judge("survivors_at_x_o", data))


def _revival(change, replicas=6, spread=0.01, seed=10):
    """Dead fractions at epochs 0, 10, 20, 40 (the turn to a clean task at 20): 0, 0.5, 0.6, then 0.6 + change
    (± spread per run)."""
    rng = np.random.default_rng(seed)
    dead = np.tile([0.0, 0.5, 0.6, 0.6], (replicas, 1))
    dead[:, -1] += change + spread * rng.standard_normal(replicas)
    return {"dead_fraction": dead, "feature_mean": np.ones((replicas, 4)), "epoch": np.array([0, 10, 20, 40]), "clean_after_epoch": np.full(replicas, 20)}


@establishes("irreversible_loss", R)
def test_irreversible_loss_dead_features_staying_dead_is_reproduced():
    d = _firm(_judge("irreversible_loss", _revival(0.0)), R)
    assert d["value"] == pytest.approx(0.0, abs=0.01) and d["effect_size"] == 0.05


@establishes("irreversible_loss", NR)
def test_irreversible_loss_features_coming_back_is_not_reproduced():
    _firm(_judge("irreversible_loss", _revival(-0.3)), NR)


@establishes("irreversible_loss", INC)
def test_irreversible_loss_change_interval_across_minus_0p05_is_inconclusive():
    d = _straddles(_judge("irreversible_loss", _revival(-0.045, spread=0.01, seed=2)))
    assert d["ci95"][0] < -0.05 < d["value"]


@establishes("irreversible_loss", UND)
def test_irreversible_loss_run_ending_before_the_turn_is_undefined():
    """No measured epoch after the turn (a run cut short): nothing to compare."""
    data = _revival(0.0)
    data["clean_after_epoch"][:] = 40
    _undefined(_judge("irreversible_loss", data))


# trajectories_match ------------------------------------------------------------------------------------


@establishes("trajectories_match", R)
def test_trajectories_match_same_course_is_reproduced():
    d = _firm(_judge("trajectories_match", _groups(0.8, 0.01), _groups(0.8, 0.01, seed=1), reference_variant="other"), R)
    assert d["value"] < 0.01


@establishes("trajectories_match", NR)
def test_trajectories_match_other_course_is_not_reproduced():
    """Group 1 ends at 0.8 in one set and 0.3 in the other: RMS ≈ 0.5·sqrt(5/12) ≈ 0.32."""
    _firm(_judge("trajectories_match", _groups(0.8, 0.01), _groups(0.3, 0.01, seed=1), reference_variant="other"), NR)


@establishes("trajectories_match", INC)
def test_trajectories_match_rms_interval_across_0p05_is_inconclusive():
    d = _straddles(_judge("trajectories_match", _groups(0.8, 0.1, seed=3), _groups(0.86, 0.1, seed=4), reference_variant="other"))
    assert d["value"] <= 0.05 < d["ci95"][1]


@establishes("trajectories_match", UND)
def test_trajectories_match_without_the_other_set_is_undefined():
    record = _judge("trajectories_match", _groups(0.8, 0.01), reference_variant="other")
    assert record["verdict"] == UND and record["value"] == {"reference": None}


# The 2024 theory: eq19, eq20, eq20_constant, peak_mechanism, negative_share ----------------------------

THEORY_EPOCHS = np.array([0, 1, 10, 100, 1000])
THEORY_TRAINED = (2, 3, 4)  # the rows of the trained kernel epochs 10, 100, 1000


def _theory(r2=0.99, c1_change=1.0, sigma=1.5, bracket=0.9, negative=0.0, spread=0.01, replicas=6, seed=4, c_change=1.0):
    """What theory.derived gives, for `replicas` runs at THEORY_EPOCHS (kernel epochs 0, 10, 100, 1000) over the 9
    shells of 8-bit inputs: eq. (19)'s and eq. (20)'s R² = r2, the fitted C1 = 1 up to epoch 10 and c1_change at
    epoch 1000 (and eq. 21's C likewise with c_change), σ'(x)/σ'(x_o) = sigma and the bracket's ratio = bracket at
    distance 1, and a share `negative` of negative responses at distances >= 5; each read value plus `spread` × a
    standard normal per run."""
    rng = np.random.default_rng(seed)
    t, h = len(THEORY_EPOCHS), len(LEVELS)

    def noisy(value, shape):
        return value + spread * rng.standard_normal(shape)

    constants = np.ones((replicas, t, 3))
    constants[:, 3, 1] = np.sqrt(c1_change)
    constants[:, 4, 1] = c1_change * np.exp(noisy(0.0, replicas))
    eq21_c = np.ones((replicas, t))
    eq21_c[:, 3] = np.sqrt(c_change)
    eq21_c[:, 4] = c_change * np.exp(noisy(0.0, replicas))
    sigma_ratio, bracket_kernel, negative_share = np.ones((replicas, t, h)), np.ones((replicas, t, h)), np.zeros((replicas, t, h))
    sigma_ratio[:, :, 1] = noisy(sigma, (replicas, t))
    bracket_kernel[:, :, 1] = noisy(bracket, (replicas, t))
    negative_share[:, :, 5:] = noisy(negative, (replicas, t, h - 5))
    return {
        "epoch": THEORY_EPOCHS,
        "kernel_epochs": np.array([0, 10, 100, 1000]),
        "distance": LEVELS,
        "x_o": np.ones((replicas, 8)),
        "f_o": np.full((replicas, t), 0.5),
        "eq19_r2": noisy(r2, (replicas, t)),
        "eq19_error": noisy(0.1, (replicas, t)),
        "ntk_error": noisy(1e-6, (replicas, t)),
        "eq20_r2": noisy(r2, (replicas, t)),
        "eq20_constants": constants,
        "eq21_c": eq21_c,
        "sigma_ratio": sigma_ratio,
        "bracket_kernel": bracket_kernel,
        "negative_share": negative_share,
    }


@establishes("eq19", R)
@establishes("eq20", R)
@pytest.mark.parametrize("test", ["eq19", "eq20"])
def test_theory_fit_high_r2_at_every_trained_epoch_is_reproduced(test):
    d = _firm(_judge(test, _theory(r2=0.99, spread=0.005)), R)
    assert d["quantity"] == "r2_worst" and d["value"] == pytest.approx(0.99, abs=0.01)


@establishes("eq19", NR)
@establishes("eq20", NR)
@pytest.mark.parametrize("test", ["eq19", "eq20"])
def test_theory_fit_low_r2_is_not_reproduced(test):
    _firm(_judge(test, _theory(r2=0.5)), NR)


@establishes("eq19", INC)
@establishes("eq20", INC)
@pytest.mark.parametrize("test", ["eq19", "eq20"])
def test_theory_fit_r2_interval_across_the_clear_mark_is_inconclusive(test):
    """A worst median R² of about 0.96 with 0.02 spread per run: the interval reaches below 0.95."""
    d = _straddles(_judge(test, _theory(r2=0.965, spread=0.02, seed=3)))
    assert d["ci95"][0] < 0.95 <= d["value"]


@establishes("eq19", UND)
@establishes("eq20", UND)
@pytest.mark.parametrize("test", ["eq19", "eq20"])
def test_theory_fit_with_a_run_not_finite_or_no_trained_kernel_epoch_is_undefined(test):
    data = _theory()
    data[f"{test}_r2"][3, 4] = np.nan
    _undefined(_judge(test, data))
    untrained = {**_theory(), "kernel_epochs": np.array([0])}
    _undefined(_judge(test, untrained))


# Both read a per-run value's change by a factor between the first and last trained kernel epochs:
# eq20_constant the fitted C1 (made with c1_change), eq21_constant eq. (21)'s C (made with c_change).
CONSTANTS = {"eq20_constant": "c1_change", "eq21_constant": "c_change"}


@establishes("eq20_constant", R)
@establishes("eq21_constant", R)
@pytest.mark.parametrize("test", sorted(CONSTANTS))
def test_theory_constant_within_a_factor_1p1_is_reproduced(test):
    change = CONSTANTS[test]
    d = _firm(_judge(test, _theory(**{change: 1.1})), R)
    assert d["value"] == pytest.approx(math.log(1.1), abs=0.02)
    _firm(_judge(test, _theory(**{change: 1 / 1.1})), R)  # a fall is a change too: |log|


@establishes("eq20_constant", NR)
@establishes("eq21_constant", NR)
@pytest.mark.parametrize("test, factor", [("eq20_constant", 3.0), ("eq21_constant", 0.5)])
def test_theory_constant_tripled_or_halved_is_not_reproduced(test, factor):
    _firm(_judge(test, _theory(**{CONSTANTS[test]: factor})), NR)


@establishes("eq20_constant", INC)
@establishes("eq21_constant", INC)
@pytest.mark.parametrize("test", sorted(CONSTANTS))
def test_theory_constant_change_interval_across_a_factor_1p5_is_inconclusive(test):
    d = _straddles(_judge(test, _theory(**{CONSTANTS[test]: 1.45}, spread=0.1, seed=2)))
    assert d["value"] < math.log(1.5) < d["ci95"][1]


@establishes("eq20_constant", UND)
def test_eq20_constant_c1_of_zero_at_the_first_trained_epoch_is_undefined():
    """C1 = 0 at epoch 10 in one run: its change by a factor is not a number."""
    data = _theory()
    data["eq20_constants"][2, 2, 1] = 0.0
    _undefined(_judge("eq20_constant", data))


@establishes("eq21_constant", UND)
def test_eq21_constant_with_sigma_prime_at_x_o_zero_is_undefined():
    """σ'(x_o) = 0 in float64 in one run at the last epoch: its C is infinite."""
    data = _theory()
    data["eq21_c"][0, 4] = np.inf
    _undefined(_judge("eq21_constant", data))


@establishes("peak_mechanism", R)
def test_peak_mechanism_sigma_ratio_above_one_and_falling_bracket_is_reproduced():
    record = _judge("peak_mechanism", _theory(sigma=1.5, bracket=0.9))
    assert _firm(record, R, "sigma_excess")["value"] == pytest.approx(0.5, abs=0.02)
    assert _firm(record, R, "bracket_excess")["value"] == pytest.approx(-0.1, abs=0.02)


@establishes("peak_mechanism", NR)
def test_peak_mechanism_sigma_ratio_below_one_or_a_rising_bracket_is_not_reproduced():
    _firm(_judge("peak_mechanism", _theory(sigma=0.9)), NR, "sigma_excess")
    record = _judge("peak_mechanism", _theory(sigma=1.5, bracket=1.2))
    _firm(record, NR, "bracket_excess")
    assert _decision(record, "sigma_excess")["verdict"] == R


@establishes("peak_mechanism", INC)
def test_peak_mechanism_sigma_ratio_interval_across_1p05_is_inconclusive():
    d = _straddles(_judge("peak_mechanism", _theory(sigma=1.06, spread=0.02, seed=3)), "sigma_excess")
    assert d["ci95"][0] < 0.05 < d["value"]


@establishes("peak_mechanism", UND)
def test_peak_mechanism_with_sigma_prime_at_x_o_zero_is_undefined():
    """σ'(x_o) = 0 in float64 in one run makes its ratio infinite."""
    data = _theory()
    data["sigma_ratio"][1, 4, 1] = np.inf
    _undefined(_judge("peak_mechanism", data), "sigma_excess")


@establishes("negative_share", R)
def test_negative_share_none_against_half_is_reproduced():
    d = _firm(_judge("negative_share", _theory(negative=0.0), _theory(negative=0.5, seed=5), reference_variant="elu"), R)
    assert d["value"] == pytest.approx(-0.5, abs=0.01) and d["effect_size"] == 0.05


@establishes("negative_share", NR)
def test_negative_share_as_many_as_the_reference_is_not_reproduced():
    _firm(_judge("negative_share", _theory(negative=0.3), _theory(negative=0.3, seed=5), reference_variant="elu"), NR)


@establishes("negative_share", INC)
def test_negative_share_interval_across_the_minimum_effect_is_inconclusive():
    d = _straddles(_judge("negative_share", _theory(negative=0.2, spread=0.1, seed=6), _theory(negative=0.26, spread=0.1, seed=8), reference_variant="elu"))
    assert d["value"] < -0.05 < d["ci95"][1]


@establishes("negative_share", UND)
def test_negative_share_without_the_reference_variant_is_undefined():
    record = _judge("negative_share", _theory(), reference_variant="elu")
    assert record["verdict"] == UND and record["value"] == {"reference": None}


# The rule as evaluate_claims applies it --------------------------------------------------------------


def test_fewer_than_five_runs_decide_on_the_value_itself_and_say_so():
    """4 runs: no bootstrap; the decision's interval is None, the value decides, and the criterion says
    why; with resamples=0 the same, however many runs."""
    record = _judge("plateau", _aging_run(0.0, replicas=4))
    assert record["replicas"] == 4 and record["ci95"] == {} and record["verdict"] == R
    assert _decision(record)["ci95"] is None
    assert record["criterion"].endswith(NO_INTERVAL.format(why="4 run(s); a bootstrap over runs needs at least 5"))
    # The inconclusive case above, judged on its value alone, reproduces: its interval is what held it back.
    record = _judge("plateau", _tau_run(NEAR_FLAT), resamples=0)
    assert record["verdict"] == R and _decision(record)["ci95"] is None and "no interval" in record["criterion"]
    assert _judge("plateau", _tau_run(NEAR_FLAT))["criterion"].endswith(RULE)


def test_a_record_holds_the_intervals_of_every_finite_scalar_and_a_secondary_reading_apart():
    """ci95 has an interval for each finite float of the value (none for its window, a list); a secondary
    reading (here: converged over the last decade) is judged by its own check and stored under "secondary"."""
    claim = {"claim": "decays", "test": "power_law", "window": (1, None), "secondary": {"test": "plateau", "reading": "converges"}}
    [record] = evaluate_claims([claim], _aging_run(1.0), {}, RESAMPLES)
    assert set(record["ci95"]) == {"tau", "prefactor", "r2"} and record["verdict"] == R
    assert record["secondary"]["test"] == "plateau" and record["secondary"]["reading"] == "converges"
    assert record["secondary"]["verdict"] == NR and record["secondary"]["value"]["slope"] == pytest.approx(-1.0)


@pytest.mark.parametrize(
    "test, data, params, valid",
    [
        ("kernel_variability", _drifting_kernels(STEADY), {**VARIABILITY, "expect": "less"}, "'higher', 'lower', 'differs'"),
        ("feature_trend", _features(-0.5), {"expect": "falling"}, "'decreasing', 'increasing'"),
        ("kernel_slope_trend", _slopes(SHRINKING), {"expect": "shrinking"}, "'diminishing', 'growing'"),
        ("kernel_sign", _kernel_run([DECAY] * 2), {"expect": "negative"}, "'positive', 'not positive'"),
        ("group_move", _groups(0.8, 0.01), {**MOVE_UP, "direction": "sideways"}, "'up', 'down'"),
    ],
)
def test_an_unknown_expectation_is_refused_with_the_valid_values(test, data, params, valid):
    reference = {"": _drifting_kernels(MOVING)} if "reference" in params else None
    with pytest.raises(ValueError, match=valid):
        CHECKS[test](data, params, reference)


def test_every_check_has_a_test_of_each_of_its_four_outcomes():
    """The tests above cover all of claims.CHECKS, each check in all four outcomes (none is impossible by
    construction: a bound can always be crossed, and every check has data that leave it undefined)."""
    assert set(ESTABLISHED) == set(claims.CHECKS)
    assert {name: sorted(outcomes) for name, outcomes in ESTABLISHED.items()} == {name: sorted(VERDICTS) for name in claims.CHECKS}


def test_a_comparison_without_its_reference_says_why_it_is_undefined():
    """Its conditional reading names the missing reference instead of looking for undefined replicas."""
    record = _judge("negative_share", _theory(), reference_variant="elu")
    assert record["conditional"] == {"why": "its reference, variant elu, has no results here", "left_out": 0}
    record = _judge("exponent_differs", _tau_run(1.0 + SPREAD), reference="fig", window=(1, None))
    assert record["conditional"]["why"] == "its reference, fig, has no results here"
