"""What the claim families share: fit windows, parameters with a fixed set of values, and comparisons
with another figure's (or variant's) runs."""

import numpy as np

from .. import stats
from .verdicts import INCONCLUSIVE, one_of


def window(params, epochs):
    """The claim's fit window (lo, hi), hi None meaning the last measured epoch."""
    lo, hi = params.get("window", (1, None))
    return lo, hi if hi is not None else int(np.max(epochs))


def choice(params, key, valid):
    """params[key], refused unless it is one of `valid`."""
    return one_of(params[key], key, valid)


def missing(params):
    """The result of a comparison whose reference figure has not been run."""
    ref = params["reference"]
    criterion = f"needs {ref}'s results in the same results folder: `python -m replication run {ref}` with the same --out makes them"
    return "comparison with " + params["reference"], {"reference": None}, criterion, INCONCLUSIVE


def reference_variant(reference, params):
    return reference[params.get("reference_variant", "")]


def against_reference(data, params, reference, statistic, key, shift, direction):
    """The means and standard errors of a per-replica statistic(data, params) and of the same statistic
    of the reference variant, and `shift`'s verdict on their difference (combined standard errors)."""
    m, se = stats.mean_sem(statistic(data, params))
    mr, ser = stats.mean_sem(statistic(reference_variant(reference, params), params))
    verdict = shift.verdict(float(m - mr), float(np.hypot(se, ser)), direction)
    value = {key: float(m), f"{key}_sem": float(se), f"reference_{key}": float(mr), f"reference_{key}_sem": float(ser)}
    return value, verdict
