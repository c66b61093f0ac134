"""What the claim families share: fit windows, parameters with a fixed set of values, and comparisons
with another figure's (or variant's) runs."""

import numpy as np

from .verdicts import Band, Reading, Test, at_least, below, one_of

# What a missing reference decides on: nothing, so its claim is undefined.
_NOTHING = Band(at_least(0), below(0))


def window(params, epochs):
    """The claim's fit window (lo, hi), hi None meaning the last measured epoch."""
    lo, hi = params.get("window", (1, None))
    return lo, hi if hi is not None else int(np.max(epochs))


def choice(params, key, valid):
    """params[key], refused unless it is one of `valid`."""
    return one_of(params[key], key, valid)


def compared_with(params):
    """What a comparison compares against: the reference figure, or else a variant of the same figure."""
    return params.get("reference") or f"variant {params['reference_variant']}"


def missing(params):
    """The reading of a comparison whose reference (another figure's results, or a variant of them) is
    not there: undefined."""
    ref = params.get("reference")
    if ref:
        criterion = f"needs {ref}'s results in the same results folder: `python -m replication run {ref}` with the same --out makes them"
    else:
        criterion = f"needs the runs of variant {params['reference_variant']!r}, which the data do not hold"
    return Reading("comparison with " + compared_with(params), {"reference": None}, criterion, (Test(_NOTHING, "reference"),))


def no_runs():
    """The reading of a claim on data without a single run: undefined."""
    return Reading("no runs", {"runs": None}, "needs at least one run", (Test(_NOTHING, "runs"),))


def reference_variant(reference, params):
    return reference[params.get("reference_variant", "")]


def against_reference(data, params, reference, statistic, key):
    """The ensemble means of a per-replica statistic(data, params) and of the same statistic of the
    reference variant, and their difference (`key`_difference, what a comparison decides on)."""
    with np.errstate(all="ignore"):
        m = float(np.mean(statistic(data, params)))
        mr = float(np.mean(statistic(reference_variant(reference, params), params)))
    return {key: m, f"reference_{key}": mr, f"{key}_difference": m - mr}


def finite_mean(values):
    """The mean of `values`, NaN unless every one is a finite number (an empty list included)."""
    values = np.asarray(values, dtype=np.float64)
    return float(values.mean()) if values.size and np.all(np.isfinite(values)) else float("nan")
