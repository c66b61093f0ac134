"""Claims of the 2024 paper's theory (its eqs. 19-20) against the measured response: read from the arrays
theory.derived computes from each replica's weights. Checks return a Reading (verdicts.py).

Every check reads the trained kernel epochs (e > 0); the per-epoch values are stored beside the deciding one.
"""

import numpy as np

from .. import stats
from .common import against_reference, missing
from .thresholds import THEORY
from .verdicts import Reading, Test

NAN = float("nan")


def _rows(data):
    """Rows and epochs of the trained kernel epochs that were measured."""
    trained = [int(e) for e in data["kernel_epochs"] if e > 0]
    rows = stats.epoch_rows(data["epoch"], trained)
    return rows, [int(data["epoch"][r]) for r in rows]


def _median(values):
    """The median over runs, NaN wherever a run's value is not a finite number (a median would pass over it)."""
    values = np.asarray(values, np.float64)
    with np.errstate(all="ignore"):
        return np.where(np.isfinite(values).all(axis=0), np.median(values, axis=0), np.nan)


def _worst(per_epoch):
    """The smallest of the per-epoch values, NaN unless every one is finite."""
    per_epoch = np.asarray(per_epoch, np.float64)
    return float(per_epoch.min()) if per_epoch.size and np.all(np.isfinite(per_epoch)) else NAN


def _per_epoch(name, epochs, values):
    return {f"{name}_e{e}": float(v) for e, v in zip(epochs, values)}


def _fit_reading(data, key, what, extra):
    rows, epochs = _rows(data)
    r2 = _median(np.asarray(data[key])[:, rows])
    value = {"epochs": epochs, "r2_worst": _worst(r2), **_per_epoch(key, epochs, r2), **extra(rows, epochs)}
    criterion = THEORY.describes.sentence(f"the ensemble-median R² of {what} against the measured normalized step, at its worst trained kernel epoch")
    return Reading(f"R² of {what} against the measured normalized step over the probe points", value, criterion, (Test(THEORY.describes, "r2_worst"),))


def check_eq19(data, params, reference=None):
    def errors(rows, epochs):
        return {
            **_per_epoch("eq19_error", epochs, _median(np.asarray(data["eq19_error"])[:, rows])),
            **_per_epoch("ntk_error", epochs, _median(np.asarray(data["ntk_error"])[:, rows])),
        }

    return _fit_reading(data, "eq19_r2", "eq. (19) (2η times its kernel, no fitted constant)", errors)


def _log_change(values, rows):
    """Per replica, |log| of |value| at the last trained kernel epoch over |value| at the first, values (R, T)."""
    values = np.abs(np.asarray(values, np.float64)[:, rows])
    with np.errstate(all="ignore"):
        return np.abs(np.log(values[:, -1] / values[:, 0])) if len(rows) >= 2 else np.full(len(values), NAN)


def check_eq20(data, params, reference=None):
    def constants(rows, epochs):
        c = _median(np.asarray(data["eq20_constants"])[:, rows])
        return {f"C{i}_e{e}": float(c[j, i]) for j, e in enumerate(epochs) for i in range(3)}

    return _fit_reading(data, "eq20_r2", "eq. (20) (C0, C1, C2 fitted per run and epoch)", constants)


def check_eq20_constant(data, params, reference=None):
    rows, epochs = _rows(data)
    drift = float(_median(_log_change(np.asarray(data["eq20_constants"])[..., 1], rows))) if rows else NAN
    value = {"epochs": [epochs[0], epochs[-1]] if epochs else [], "c1_log_change": drift}
    criterion = THEORY.constant.sentence("the ensemble median of |log(C1 at the last trained kernel epoch / C1 at the first)|")
    quantity = "change of eq. (20)'s fitted C1 (the x·x_o term) between the first and last trained kernel epochs"
    return Reading(quantity, value, criterion, (Test(THEORY.constant, "c1_log_change"),))


def check_eq21_constant(data, params, reference=None):
    rows, epochs = _rows(data)
    c = _median(np.asarray(data["eq21_c"])[:, rows])
    change = float(_median(_log_change(data["eq21_c"], rows))) if rows else NAN
    value = {"epochs": epochs, **_per_epoch("eq21_C", epochs, c), "c_log_change": change}
    criterion = THEORY.constant.sentence("the ensemble median of |log(C at the last trained kernel epoch / C at the first)|")
    quantity = "eq. (21)'s C = (Δ(x_o, x_o)/(y_o − f(x_o))) / σ'(x_o)², per run, between the first and last trained kernel epochs"
    return Reading(quantity, value, criterion, (Test(THEORY.constant, "c_log_change"),))


def _at_distance_one(data, key, rows):
    """Per replica and trained kernel epoch, the shell value at Hamming distance 1."""
    levels = np.unique(np.asarray(data["distance"]))
    return np.asarray(data[key], np.float64)[:, rows][:, :, list(levels).index(1)]


def check_peak_mechanism(data, params, reference=None):
    rows, epochs = _rows(data)
    sigma = _median(_at_distance_one(data, "sigma_ratio", rows))
    bracket = _median(_at_distance_one(data, "bracket_kernel", rows))
    last = (float(sigma[-1]) - 1, float(bracket[-1]) - 1) if rows else (NAN, NAN)
    value = {
        "epochs": epochs,
        **_per_epoch("sigma_ratio", epochs, sigma),
        **_per_epoch("bracket_ratio", epochs, bracket),
        "sigma_excess": last[0],
        "bracket_excess": last[1],
    }
    criterion = (
        "at the last kernel epoch, "
        + THEORY.sigma_larger.sentence("the ensemble median of σ'(x)/σ'(x_o) − 1 at distance 1")
        + "; and "
        + THEORY.bracket_falls.sentence("the ensemble median of the bracket Θ/(σ'σ'_o) at distance 1 over its value at x_o, − 1")
    )
    quantity = "σ'(x)/σ'(x_o) and the rest of Θ (its bracket), each at distance 1 over its value at x_o"
    return Reading(quantity, value, criterion, (Test(THEORY.sigma_larger, "sigma_excess"), Test(THEORY.bracket_falls, "bracket_excess")))


def _negative_share(data, params):
    """Per replica, the share of negative responses in the shells where x·x_o + 1 < 0, over the trained
    kernel epochs."""
    rows, _ = _rows(data)
    levels = np.unique(np.asarray(data["distance"]))
    bits = np.asarray(data["x_o"]).shape[-1]
    far = bits - 2 * levels + 1 < 0
    return np.asarray(data["negative_share"], np.float64)[:, rows][:, :, far].mean(axis=(1, 2))


def check_negative_share(data, params, reference=None):
    if reference is None:
        return missing(params)
    value = against_reference(data, params, reference, _negative_share, "negative_share")
    criterion = THEORY.fewer_negative.sentence(
        "this variant's share of negative responses where x·x_o + 1 < 0 (over trained kernel epochs) minus the reference variant's"
    )
    quantity = "share of negative normalized steps at the distances where eq. (19)'s x·x_o + 1 is negative"
    return Reading(quantity, value, criterion, (Test(THEORY.fewer_negative, "negative_share_difference"),))
