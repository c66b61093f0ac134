"""Claims about the aging law: the response at x_o decays along a power law t^−tau, or converges.

Every check takes the figure's measured arrays (a dict), the claim's parameters and, for comparisons,
the reference's runs ({label: arrays}), and returns a Reading (verdicts.py).
"""

import numpy as np

from .. import stats
from .common import against_reference, compared_with, finite_mean, missing, reference_variant, window
from .thresholds import AGING, SETTLED
from .verdicts import Reading, Test

# Without a fit window of its own, a plateau is fitted over the last 1/PLATEAU_SPAN of the epochs (the
# last decade): where a converged response shows, after the decay.
PLATEAU_SPAN = 10


def _aging(data, params):
    return stats.aging(data[params.get("kind", "step")], data["distance"])


def _mean_curve(data, params):
    with np.errstate(all="ignore"):
        return np.mean(_aging(data, params), axis=0)


def _mean_fit(data, params, fit_window=None):
    """Power-law fit of the ensemble-mean aging curve, over the claim's window unless one is given."""
    return stats.power_law_fit(data["epoch"], _mean_curve(data, params), fit_window or window(params, data["epoch"]))


def _per_replica_tau(data, params):
    fit_window = window(params, data["epoch"])
    return stats.power_law_taus(data["epoch"], _aging(data, params), fit_window)


def _log_drop(data, params):
    """Per replica: log of aging(e1) / aging(e0) over the window (e0, e1); NaN without both epochs."""
    curves = _aging(data, params)
    rows = stats.epoch_rows(data["epoch"], params["window"])
    if len(rows) < 2:
        return np.full(len(curves), np.nan)
    with np.errstate(all="ignore"):
        return np.log(np.abs(curves[:, rows[1]]) / np.abs(curves[:, rows[0]]))


def settling_epoch(epochs, curve, lo=1, hi=None):
    """The first epoch in [lo, hi] from which the curve stays within a factor SETTLED of its value at hi
    (the last epoch by default): when it has reached its constant. NaN if a value there is not finite
    and positive."""
    epochs = np.asarray(epochs)
    hi = int(np.max(epochs)) if hi is None else hi
    inside = np.flatnonzero((epochs >= lo) & (epochs <= hi))
    values = np.asarray(curve, dtype=np.float64)[inside]
    if not inside.size or not np.all(np.isfinite(values) & (values > 0)):
        return float("nan")
    off = np.abs(np.log(values / values[-1])) > np.log(SETTLED)
    last_off = np.flatnonzero(off)
    return float(epochs[inside[last_off[-1] + 1]] if last_off.size else epochs[inside[0]])


def check_power_law(data, params, reference=None):
    fit = _mean_fit(data, params)
    clear = params.get("expect_clear", True)
    law = AGING.clear if clear else AGING.unclear
    criterion = ("decreasing without a clear power law: " if not clear else "") + (
        AGING.decays.sentence("tau") + " and " + law.sentence("R²")
    )
    quantity = "power-law fit of the ensemble-mean aging curve Δ(x_o, x_o)/(y_o − f(x_o)) on log–log axes"
    return Reading(quantity, fit, criterion, (Test(AGING.decays, "tau"), Test(law, "r2")))


def check_plateau(data, params, reference=None):
    last = int(np.max(data["epoch"]))
    fit_window = window(params, data["epoch"]) if "window" in params else (max(1, last // PLATEAU_SPAN), last)
    fit = _mean_fit(data, params, fit_window)
    lo, hi = fit["window"]
    # expect False: the claim is that the aging goes on ("continuous aging"), not that it converges.
    converges = params.get("expect", True)
    band = AGING.plateau if converges else AGING.still_decaying
    what = "converged to a constant response: " if converges else "still decaying: "
    criterion = what + band.sentence(f"the log-log slope of the ensemble-mean aging curve over epochs {lo:g}–{hi:g}")
    quantity = "log-log slope of the ensemble-mean aging curve over " + ("the claim's window" if "window" in params else "the last decade")
    value = {"slope": -fit["tau"], "window": fit["window"]}
    return Reading(quantity, value, criterion, (Test(band, "slope"),))


def check_target_unreached(data, params, reference=None):
    last = int(np.max(data["epoch"]))
    rows = np.asarray(data["epoch"]) >= last // PLATEAU_SPAN
    with np.errstate(all="ignore"):
        gap = np.abs(np.asarray(data["y_o"], np.float64)[:, None] - np.asarray(data["f_o"], np.float64)[:, rows]).mean(axis=1)
    value = {"target_gap": finite_mean(gap), "from_epoch": last // PLATEAU_SPAN}
    criterion = AGING.target_unreached.sentence("the ensemble mean of |y_o − f(x_o)| over the last decade of epochs")
    quantity = "distance of the prediction f(x_o) from its binary target y_o over the last decade"
    return Reading(quantity, value, criterion, (Test(AGING.target_unreached, "target_gap"),))


def check_exponent_differs(data, params, reference=None):
    if reference is None:
        return missing(params)
    direction = params.get("direction", "differs")
    value = against_reference(data, params, reference, _per_replica_tau, "tau")
    band = AGING.exponent_shift[direction]
    criterion = band.sentence(f"the mean per-run aging exponent tau minus {params['reference']}'s ({direction})")
    return Reading("aging exponent tau (power-law fit per run) against " + params["reference"], value, criterion, (Test(band, "tau_difference"),))


def check_faster_decay(data, params, reference=None):
    if reference is None:
        return missing(params)
    e0, e1 = params["window"]
    value = against_reference(data, params, reference, _log_drop, "log_drop")
    criterion = AGING.faster_drop.sentence(f"log(Δ(e={e1})/Δ(e={e0})) at x_o minus {params['reference']}'s (lower: a faster decay)")
    quantity = f"decay of the aging curve from epoch {e0} to {e1} against " + params["reference"]
    return Reading(quantity, value, criterion, (Test(AGING.faster_drop, "log_drop_difference"),))


def check_faster_plateau(data, params, reference=None):
    if reference is None:
        return missing(params)
    against = compared_with(params)
    # Each run settles by its own last epoch where the window leaves the end open.
    lo, hi = params.get("window", (1, None))
    settled = settling_epoch(data["epoch"], _mean_curve(data, params), lo, hi)
    ref = reference_variant(reference, params)
    ref_settled = settling_epoch(ref["epoch"], _mean_curve(ref, params), lo, hi)
    end = f"epoch {hi}" if hi is not None else "the last epoch"
    value = {"settling_epoch": settled, "reference_settling_epoch": ref_settled, "settling_ratio": settled / ref_settled}
    criterion = (
        f"a faster decay to the constant (settled: within a factor {SETTLED:g} of the value at {end} from then on, "
        f"from epoch {lo}): " + AGING.faster_plateau.sentence(f"the settling epoch over {against}'s")
    )
    quantity = "epoch from which the ensemble-mean aging curve stays at its constant, against " + against
    return Reading(quantity, value, criterion, (Test(AGING.faster_plateau, "settling_ratio"),))


def _fits(data, params, reference):
    """Power-law fits of the ensemble-mean aging curves of the data and of the reference variant."""
    return _mean_fit(data, params), _mean_fit(reference_variant(reference, params), params)


def check_exponent_matches(data, params, reference=None):
    if reference is None:
        return missing(params)
    fit, ref = _fits(data, params, reference)
    value = {"tau": fit["tau"], "reference_tau": ref["tau"], "tau_gap": abs(fit["tau"] - ref["tau"]), "r2": fit["r2"], "reference_r2": ref["r2"]}
    criterion = AGING.exponents_match.sentence(f"|tau − tau of {params['reference']}|")
    quantity = "aging exponent against " + params["reference"] + "'s ensemble-mean aging"
    return Reading(quantity, value, criterion, (Test(AGING.exponents_match, "tau_gap"),))


def check_power_law_less_clear(data, params, reference=None):
    if reference is None:
        return missing(params)
    fit, ref = _fits(data, params, reference)
    value = {"r2": fit["r2"], "reference_r2": ref["r2"], "r2_difference": fit["r2"] - ref["r2"], "tau": fit["tau"], "reference_tau": ref["tau"]}
    criterion = AGING.less_clear.sentence(f"the power-law fit's R² minus {params['reference']}'s")
    return Reading("R² of the aging curve's power-law fit against " + params["reference"], value, criterion, (Test(AGING.less_clear, "r2_difference"),))
