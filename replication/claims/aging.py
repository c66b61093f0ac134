"""Claims about the aging law: the response at x_o decays along a power law t^−tau, or converges.

Every check takes the figure's measured arrays (a dict), the claim's parameters and, for comparisons,
the reference's runs ({label: arrays}), and returns (quantity, value, criterion, verdict).
"""

import numpy as np

from .. import stats
from .common import against_reference, missing, reference_variant, window
from .thresholds import AGING
from .verdicts import INCONCLUSIVE

# Without a fit window of its own, a plateau is fitted over the last 1/PLATEAU_SPAN of the epochs (the
# last decade): where a converged response shows, after the decay.
PLATEAU_SPAN = 10


def _aging(data, params):
    return stats.aging(data[params.get("kind", "step")], data["distance"])


def _mean_fit(data, params, fit_window=None):
    """Power-law fit of the ensemble-mean aging curve, over the claim's window unless one is given."""
    curve, _ = stats.mean_sem(_aging(data, params))
    return stats.power_law_fit(data["epoch"], curve, fit_window or window(params, data["epoch"]))


def _per_replica_tau(data, params):
    fit_window = window(params, data["epoch"])
    return np.array([stats.power_law_fit(data["epoch"], c, fit_window)["tau"] for c in _aging(data, params)])


def _log_drop(data, params):
    """Per replica: log of aging(e1) / aging(e0) over the window (e0, e1)."""
    curves = _aging(data, params)
    rows = stats.epoch_rows(data["epoch"], params["window"])
    return np.log(np.abs(curves[:, rows[1]]) / np.abs(curves[:, rows[0]]))


def check_power_law(data, params, reference=None):
    fit = _mean_fit(data, params)
    clear = params.get("expect_clear", True)
    law = AGING.clear_power_law if clear else AGING.unclear_power_law
    criterion = ("" if clear else "decreasing without a clear power law: ") + law.sentence("tau", "R²")
    quantity = "power-law fit of the ensemble-mean aging curve Δ(x_o, x_o)/(y_o − f(x_o)) on log–log axes"
    return quantity, fit, criterion, law.verdict(fit["tau"], fit["r2"])


def check_plateau(data, params, reference=None):
    last = int(np.max(data["epoch"]))
    fit_window = window(params, data["epoch"]) if "window" in params else (max(1, last // PLATEAU_SPAN), last)
    fit = _mean_fit(data, params, fit_window)
    slope = -fit["tau"]
    lo, hi = fit["window"]
    criterion = "converged to a constant response: " + AGING.plateau.sentence(
        f"the log-log slope of the ensemble-mean aging curve over epochs {lo:g}–{hi:g}"
    )
    quantity = "log-log slope of the ensemble-mean aging curve over " + ("the claim's window" if "window" in params else "the last decade")
    return quantity, {"slope": slope, "window": fit["window"]}, criterion, AGING.plateau.verdict(slope)


def check_exponent_differs(data, params, reference=None):
    if reference is None:
        return missing(params)
    direction = params.get("direction", "differs")
    value, verdict = against_reference(data, params, reference, _per_replica_tau, "tau", AGING.shift, direction)
    criterion = AGING.shift.sentence("the mean per-run aging exponent tau", direction, params["reference"])
    return "aging exponent tau (power-law fit per run) against " + params["reference"], value, criterion, verdict


def check_faster_decay(data, params, reference=None):
    if reference is None:
        return missing(params)
    if any(len(stats.epoch_rows(d["epoch"], params["window"])) < 2 for d in (data, reference_variant(reference, params))):
        quantity = f"decay of the aging curve over epochs {tuple(params['window'])} against " + params["reference"]
        return quantity, {"log_drop": None}, "needs both window epochs measured in both runs", INCONCLUSIVE
    value, verdict = against_reference(data, params, reference, _log_drop, "log_drop", AGING.shift, "lower")
    e0, e1 = params["window"]
    criterion = AGING.shift.sentence(f"log(Δ(e={e1})/Δ(e={e0})) at x_o (lower: a faster decay)", "lower", params["reference"])
    return f"decay of the aging curve from epoch {e0} to {e1} against " + params["reference"], value, criterion, verdict


def _fits(data, params, reference):
    """Power-law fits of the ensemble-mean aging curves of the data and of the reference variant."""
    return _mean_fit(data, params), _mean_fit(reference_variant(reference, params), params)


def check_exponent_matches(data, params, reference=None):
    if reference is None:
        return missing(params)
    fit, ref = _fits(data, params, reference)
    gap = abs(fit["tau"] - ref["tau"])
    criterion = AGING.exponents_match.sentence(f"|tau − tau of {params['reference']}|")
    value = {"tau": fit["tau"], "reference_tau": ref["tau"], "r2": fit["r2"], "reference_r2": ref["r2"]}
    quantity = "aging exponent against " + params["reference"] + "'s ensemble-mean aging"
    return quantity, value, criterion, AGING.exponents_match.verdict(gap)


def check_power_law_less_clear(data, params, reference=None):
    if reference is None:
        return missing(params)
    fit, ref = _fits(data, params, reference)
    criterion = AGING.less_clear.sentence(f"the power-law fit's R² minus {params['reference']}'s (point estimates)")
    value = {"r2": fit["r2"], "reference_r2": ref["r2"], "tau": fit["tau"], "reference_tau": ref["tau"]}
    verdict = AGING.less_clear.verdict(fit["r2"] - ref["r2"])
    return "R² of the aging curve's power-law fit against " + params["reference"], value, criterion, verdict
