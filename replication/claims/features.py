"""Claims about the feature space (the 2024 paper's Figs. 6-7): the averaged feature's trend, dead
features, and the delta-function prediction. Checks return a Reading (verdicts.py)."""

import numpy as np

from .. import stats
from .common import choice, finite_mean
from .thresholds import FEATURES, dead_fraction
from .verdicts import Reading, Test

# The trend a claim expects, as the direction of the last-minus-first change.
_TRENDS = {"decreasing": "lower", "increasing": "higher"}


def check_feature_trend(data, params, reference=None):
    values = np.asarray(data["feature_mean"], dtype=np.float64)
    with np.errstate(all="ignore"):
        first, last = float(np.mean(values[:, 0])), float(np.mean(values[:, -1]))
        relative = (last - first) / abs(first) if first != 0 else float("nan")
    direction = _TRENDS[choice(params, "expect", tuple(_TRENDS))]
    band = FEATURES.trend[direction]
    criterion = band.sentence("(⟨F⟩ at the last epoch − ⟨F⟩ at epoch 0) / ⟨F⟩ at epoch 0, ensemble means")
    value = {"first": first, "last": last, "relative_change": relative}
    quantity = "relative change of the averaged feature ⟨F_i⟩ (features × all inputs) over the run"
    return Reading(quantity, value, criterion, (Test(band, "relative_change"),))


def _dead_share(data):
    """The share of the inputs a feature was at most nonzero on to count as dead in the run (the probe's
    dead_share, recorded per replica and the same for all); 0 for data recorded without it."""
    shares = np.asarray(data.get("dead_share", 0.0), dtype=np.float64)
    return float(shares.flat[0]) if shares.size else 0.0


def _dead_words(share):
    # 3 significant digits: 5% for 0.05 (stored as float32), 0.5% for 0.005 (which .0% would print as 0%).
    return "0 on every input" if share == 0 else f"nonzero on at most {share * 100:.3g}% of the inputs"


def check_dead_fraction(data, params, reference=None):
    dead = np.asarray(data["dead_fraction"], dtype=np.float64)
    share = _dead_share(data)
    with np.errstate(all="ignore"):
        value = {"first": float(np.mean(dead[:, 0])), "last": float(np.mean(dead[:, -1]))}
    band = dead_fraction(params["at_least"], params["fail_below"])
    criterion = band.sentence(f"the mean fraction of dead features ({_dead_words(share)}) at the last epoch")
    quantity = "fraction of features that are 0 on all inputs" if share == 0 else f"fraction of features {_dead_words(share)}"
    return Reading(f"{quantity}, at the last epoch", value, criterion, (Test(band, "last"),))


def check_delta_function(data, params, reference=None):
    levels, final = stats.shell_means(np.asarray(data["output"])[:, -1:], data["distance"])
    with np.errstate(all="ignore"):
        mean = final[:, 0].mean(axis=0)
        background = float(mean[levels >= 2].mean())
        spike = float(mean[levels == 0][0] - background)
        width = float((mean[levels == 1][0] - background) / spike) if spike > 0 else float("nan")
    criterion = "a spike at x_o: " + FEATURES.spike.sentence("the spike f(x_o) − f(distance >= 2)") + "; and " + FEATURES.narrow.sentence(
        "the rise at distance 1 relative to the spike"
    )
    value = {"f_at_x_o": float(mean[levels == 0][0]), "background": background, "spike": spike, "relative_width_at_1": width}
    quantity = "ensemble-mean prediction f(x) at the last epoch against the Hamming distance from x_o"
    return Reading(quantity, value, criterion, (Test(FEATURES.spike, "spike"), Test(FEATURES.narrow, "relative_width_at_1")))


def check_response_less(data, params, reference=None):
    size = stats.aging(data["ntk"], data["distance"])
    first, last = finite_mean(size[:, 0]), finite_mean(size[:, -1])
    ratio = last / first if first > 0 and np.isfinite(last) else float("nan")
    criterion = FEATURES.response_less.sentence("Θ(x_o, x_o) at the last epoch over Θ(x_o, x_o) at epoch 0, ensemble means")
    value = {"first": first, "last": last, "ratio": ratio}
    quantity = "the response Θ(x_o, x_o) at the last epoch relative to the untrained network's"
    return Reading(quantity, value, criterion, (Test(FEATURES.response_less, "ratio"),))


def check_survivors_at_x_o(data, params, reference=None):
    alive, at_o = np.asarray(data["alive"], np.float64)[:, -1], np.asarray(data["alive_at_x_o"], np.float64)[:, -1]
    total, held = float(alive.sum()), float(at_o.sum())
    share = held / total if total > 0 and np.isfinite(total) and np.isfinite(held) else float("nan")
    value = {"survivor_share": share, "alive_per_run": total / len(alive), "untrained_share": finite_mean(np.asarray(data["active_at_x_o"])[:, 0])}
    criterion = FEATURES.survivors_at_x_o.sentence("the share of the features alive at the last epoch (over all runs) that are active at x_o")
    quantity = "which features survive: the share of the surviving features active at x_o (c_i·x_o + b_i > 0)"
    return Reading(quantity, value, criterion, (Test(FEATURES.survivors_at_x_o, "survivor_share"),))


def check_irreversible_loss(data, params, reference=None):
    epochs, dead = np.asarray(data["epoch"]), np.asarray(data["dead_fraction"], np.float64)
    switch = int(np.asarray(data["clean_after_epoch"]).flat[0])
    before = np.flatnonzero(epochs <= switch)
    ends_after = epochs[-1] > switch and before.size
    at_switch = finite_mean(dead[:, before[-1]]) if ends_after else float("nan")
    change = finite_mean(dead[:, -1]) - at_switch
    value = {"switch_epoch": switch, "dead_at_switch": at_switch, "dead_at_end": finite_mean(dead[:, -1]), "dead_change": change}
    criterion = FEATURES.irreversible.sentence("the dead fraction at the last epoch minus at the last measured epoch of random training (ensemble means)")
    quantity = "features dead after random training that come back when the training turns to (x_o, y_o)"
    return Reading(quantity, value, criterion, (Test(FEATURES.irreversible, "dead_change"),))
