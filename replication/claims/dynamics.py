"""Claims about learning dynamics on sets of points (the 2022 paper's Figs. 4-6): how two points age
each other, how group means move, and whether the mean-field model follows them. Checks return
a Reading (verdicts.py)."""

import numpy as np

from .. import meanfield, stats
from .common import against_reference, choice, compared_with, missing, reference_variant
from .thresholds import DYNAMICS, MEANFIELD
from .verdicts import Reading, Test


def _last_difference(data, params):
    return stats.pair_size_difference(data)[:, -1]


def _log_size(data, params):
    with np.errstate(all="ignore"):
        return np.log(stats.normalized_self_response(data, params.get("point", 1))[:, -1])


def _against_variant(data, params, reference, statistic, key, band, measured, quantity, reading=""):
    """A per-replica statistic against the same statistic of the reference variant's runs, judged by
    `band` on the difference of their means (`reading` says which way the claim reads it)."""
    if reference is None:
        return missing(params)
    value = against_reference(data, params, reference, statistic, key)
    criterion = band.sentence(f"{measured} minus {compared_with(params)}'s{reading}")
    return Reading(f"{quantity}, against {compared_with(params)}", value, criterion, (Test(band, f"{key}_difference"),))


def check_pair_difference_differs(data, params, reference=None):
    measured, quantity = "the size difference at the last epoch", "normalized response size of x2 minus x1 at the last epoch"
    return _against_variant(data, params, reference, _last_difference, "size_difference", DYNAMICS.size_differs, measured, quantity)


def check_pair_aging_enhanced(data, params, reference=None):
    x = f"x{params.get('point', 1) + 1}"
    return _against_variant(
        data,
        params,
        reference,
        _log_size,
        f"log_size_{x}",
        DYNAMICS.aged_more,
        f"{x}'s log normalized response size at the last epoch",
        f"log of {x}'s normalized response size at the last epoch",
        " (lower: aged more)",
    )


def check_pair_aging_limited(data, params, reference=None):
    with np.errstate(all="ignore"):
        x1, x2 = (float(np.mean(np.log(stats.normalized_self_response(data, p)[:, -1]))) for p in (0, 1))
        ratio = x2 / x1 if np.isfinite(x1) and np.isfinite(x2) and x1 != 0 else float("nan")
    criterion = DYNAMICS.pair_limited.sentence("x2's mean log-decay over x1's (x2, trained with α, hardly aged by x1's training)")
    value = {"log_size_x1": x1, "log_size_x2": x2, "ratio": ratio}
    quantity = "mean log of the normalized response sizes at the last epoch, x2 over x1"
    return Reading(quantity, value, criterion, (Test(DYNAMICS.pair_limited, "ratio"),))


def _waypoint_rows(mean, path):
    """Rows of the path's waypoints in the ensemble-mean trajectories mean (T, G): "start", "end", or
    ("min"|"max", group), the extremum of that group's mean after the previous waypoint."""
    rows = []
    for point in path:
        after = rows[-1] if rows else 0
        if point == "start":
            rows.append(0)
        elif point == "end":
            rows.append(len(mean) - 1)
        else:
            kind, group = point
            segment = mean[after:, group]
            rows.append(after + int(np.argmin(segment) if kind == "min" else np.argmax(segment)))
    return rows


def check_group_move(data, params, reference=None):
    if np.any(data["group"] != data["group"][:1]):
        raise ValueError("group_move needs every replica to share the group layout")
    trajectories = stats.group_trajectories(data)
    with np.errstate(all="ignore"):
        mean = np.mean(trajectories, axis=0)
    direction, group = choice(params, "direction", ("up", "down")), params["group"]
    value = {"move": float("nan")}
    if mean.size and np.all(np.isfinite(mean)):
        rows = _waypoint_rows(mean, params["path"])
        move = (1.0 if direction == "up" else -1.0) * (trajectories[:, rows[-1], group] - trajectories[:, rows[-2], group])
        value = {"move": float(np.mean(move)), "waypoint_epochs": [int(data["epoch"][r]) for r in rows]}
    band = DYNAMICS.move
    criterion = band.sentence(
        f"the move of group {group}'s mean prediction {direction} between the last two waypoints {list(params['path'])} "
        "(found on the ensemble means)"
    )
    return Reading(f"move of group {group}'s mean prediction between waypoints", value, criterion, (Test(band, "move"),))


def check_group_side(data, params, reference=None):
    group = params["group"]
    members = np.asarray(data["group"]) == group
    with np.errstate(all="ignore"):
        end = float(np.mean(stats.group_trajectories(data)[:, -1, group]))
        label = float(np.mean(np.asarray(data["point_y"], dtype=np.float64)[members])) if members.any() else float("nan")
    # A label that is no number, or halfway, has no side.
    side = float("nan") if not np.isfinite(label) or label == 0.5 else 1.0 if label > 0.5 else -1.0
    margin = (end - 0.5) * side
    band = DYNAMICS.own_side
    criterion = f"group {group} ends on its own side: " + band.sentence(
        f"its mean prediction at the last epoch past 0.5 toward its label {label:g}"
    )
    value = {"end": end, "label": label, "margin": margin}
    return Reading(f"group {group}'s mean prediction at the last epoch against 0.5", value, criterion, (Test(band, "margin"),))


def check_meanfield_agreement(data, params, reference=None):
    # The runner stores each replica's prediction as "meanfield"; computing it is the slow part.
    predicted = data["meanfield"] if "meanfield" in data else meanfield.predict_run(data, params["batch_size"])
    with np.errstate(all="ignore"):
        model = np.mean(predicted, axis=0)
        network = np.mean(stats.group_trajectories(data), axis=0)
        rms = np.sqrt(np.mean((model - network) ** 2, axis=0))
    worst = float(np.max(rms)) if rms.size else float("nan")
    criterion = MEANFIELD.agreement.sentence("the worst group's RMS between the model's and the network's ensemble-mean group means")
    value = {"rms_per_group": [float(v) for v in rms], "worst_rms": worst}
    quantity = "RMS difference between the mean-field model (eq. 11, response scale at epoch 0) and the network's group means"
    return Reading(quantity, value, criterion, (Test(MEANFIELD.agreement, "worst_rms"),))


def check_trajectories_match(data, params, reference=None):
    if reference is None:
        return missing(params)
    other = reference_variant(reference, params)
    rms = np.full(1, np.nan)  # without runs on either side, or with other groups, there is nothing to compare
    if len(other["output"]) and len(data["output"]):
        with np.errstate(all="ignore"):
            mine, theirs = np.mean(stats.group_trajectories(data), axis=0), np.mean(stats.group_trajectories(other), axis=0)
            if mine.shape == theirs.shape:
                rms = np.sqrt(np.mean((mine - theirs) ** 2, axis=0))
    worst = float(np.max(rms)) if rms.size else float("nan")
    criterion = DYNAMICS.same_dynamics.sentence(f"the worst group's RMS between the ensemble-mean group means and {compared_with(params)}'s")
    value = {"rms_per_group": [float(v) for v in rms], "worst_rms": worst}
    quantity = "RMS difference between the group means' courses of two sets with the same ρ0/ρ1"
    return Reading(quantity, value, criterion, (Test(DYNAMICS.same_dynamics, "worst_rms"),))
