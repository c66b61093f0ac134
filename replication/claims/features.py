"""Claims about the feature space (the 2024 paper's Figs. 6-7): the averaged feature's trend, dead
features, and the delta-function prediction. Checks return (quantity, value, criterion, verdict)."""

import numpy as np

from .. import stats
from .common import choice
from .thresholds import FEATURES, dead_fraction

# The trend a claim expects, as the direction of the last-minus-first change.
_TRENDS = {"decreasing": "lower", "increasing": "higher"}


def check_feature_trend(data, params, reference=None):
    values = np.asarray(data["feature_mean"], dtype=np.float64)
    m, se = stats.mean_sem(values[:, -1] - values[:, 0])
    direction = _TRENDS[choice(params, "expect", tuple(_TRENDS))]
    criterion = FEATURES.trend.sentence("⟨F⟩ at the last epoch minus ⟨F⟩ at epoch 0", direction)
    value = {"first": float(values[:, 0].mean()), "last": float(values[:, -1].mean()), "change": float(m), "change_sem": float(se)}
    quantity = "change of the averaged feature ⟨F_i⟩ (features × all inputs) over the run"
    return quantity, value, criterion, FEATURES.trend.verdict(float(m), float(se), direction)


def check_dead_fraction(data, params, reference=None):
    dead = np.asarray(data["dead_fraction"], dtype=np.float64)
    m, se = stats.mean_sem(dead[:, -1])
    band = dead_fraction(params["at_least"], params["fail_below"])
    criterion = band.sentence("the mean fraction of dead features (0 on every input) at the last epoch")
    value = {"first": float(dead[:, 0].mean()), "last": float(m), "last_sem": float(se)}
    return "fraction of features that are 0 on all inputs, at the last epoch", value, criterion, band.verdict(float(m))


def check_delta_function(data, params, reference=None):
    levels, final = stats.shell_means(np.asarray(data["output"])[:, -1:], data["distance"])
    mean = final[:, 0].mean(axis=0)
    background = float(mean[levels >= 2].mean())
    spike = float(mean[levels == 0][0] - background)
    width = float((mean[levels == 1][0] - background) / spike) if spike > 0 else float("nan")
    criterion = "a spike at x_o: " + FEATURES.delta.sentence(
        "the spike f(x_o) − f(distance >= 2)", "the rise at distance 1 relative to the spike"
    )
    value = {"f_at_x_o": float(mean[levels == 0][0]), "background": background, "spike": spike, "relative_width_at_1": width}
    quantity = "ensemble-mean prediction f(x) at the last epoch against the Hamming distance from x_o"
    return quantity, value, criterion, FEATURES.delta.verdict(spike, width)
