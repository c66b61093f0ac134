"""Checks of the measurement itself, stored beside the claims."""

import numpy as np

from .. import stats
from .common import window


def diagnostics(data, claims):
    """For the MSE loss, Δ/(y_o − f) = 2η Θ + O(η²); their ratio at x_o shows where the exact float32 step
    stops resolving the response (late epochs, when f(x_o) sits close to a binary target), and the aging
    exponent of 2ηΘ, which has no such rounding, cross-checks the exponent of the step response. Needs
    both kinds measured on shells around x_o; `claims` are the evaluated records, whose first power-law
    fit window is reused.
    """
    if "step" not in data or "ntk" not in data or "distance" not in data:
        return {}  # sets of points have no shells around one x_o
    fits = [c["parameters"] for c in claims if c["test"] == "power_law"]
    fit_window = window(fits[0] if fits else {}, data["epoch"])
    linear = 2.0 * np.asarray(data["learning_rate"])[None, :] * stats.aging(data["ntk"], data["distance"])
    ratio = stats.aging(data["step"], data["distance"]) / linear
    rows = stats.epoch_rows(data["epoch"], data["kernel_epochs"])
    mean, _ = stats.mean_sem(linear)
    return {
        "step_over_2_eta_ntk_at_x_o": {
            "epochs": [int(data["epoch"][r]) for r in rows],
            "median": [float(np.median(ratio[:, r])) for r in rows],
            "min": [float(np.min(ratio[:, r])) for r in rows],
            "max": [float(np.max(ratio[:, r])) for r in rows],
        },
        "aging_fit_of_2_eta_ntk": stats.power_law_fit(data["epoch"], mean, fit_window),
    }
