"""The 2022 paper's mean-field model of learning on a set of encoded points, eqs. (10)-(11).

One SGD step of the mean MSE over a batch of B points moves the prediction at x_i by
(2η/B) Σ_j (y_j − f_j) Θ(x_j, x_i) (eq. (10), linear part). The mean field replaces Θ(x_j, x_i) by
its mean over distinct pairs, Θ_c, keeping each point's own Θ_s: for a group g of n_g points with
target y_g and mean prediction f_g,

    df_g/de = (2η/B) [ (Θ_s − Θ_c)(y_g − f_g) + Θ_c Σ_h n_h (y_h − f_h) ],

whose second term is eq. (11)'s −f_0 ρ_0 + (1 − f_1) ρ_1 (times N Θ_c) for targets 0 and 1. As in the
paper, aging is ignored: Θ_s and Θ_c are held at their measured values (the "response scale").
"""

import numpy as np


def rate_matrix(counts, theta_self, theta_cross, learning_rate, batch_size):
    """A (G, G) with df/de = A (y − f) for the group means f (G,) and targets y (G,)."""
    counts = np.asarray(counts, np.float64)
    if np.any(counts < 1) or batch_size < 1:
        raise ValueError("every group needs at least one point and the batch at least one example")
    scale = 2.0 * learning_rate / batch_size
    return scale * ((theta_self - theta_cross) * np.eye(len(counts)) + theta_cross * counts[None, :])


def integrate(f_start, targets, rates, epochs, *, max_step=0.25):
    """The group means f (len(epochs), G) at the given epochs, integrating df/de = rates (y − f) from
    f_start at epoch 0 with fourth-order Runge-Kutta steps of at most `max_step` epochs, shortened to
    stay well inside RK4's stability region for fast rates."""
    epochs = np.asarray(epochs, np.float64)
    if np.any(np.diff(epochs) < 0) or np.any(epochs < 0):
        raise ValueError("epochs must be non-negative and increasing")
    y = np.asarray(targets, np.float64)
    rates = np.asarray(rates, np.float64)
    fastest = float(np.max(np.abs(np.linalg.eigvals(rates)))) if rates.size else 0.0
    h_max = min(max_step, 1.0 / fastest) if fastest > 0 else max_step

    def velocity(f):
        return rates @ (y - f)

    f, now, out = np.asarray(f_start, np.float64).copy(), 0.0, []
    for target in epochs:
        steps = int(np.ceil((target - now) / h_max)) if target > now else 0
        h = (target - now) / steps if steps else 0.0
        for _ in range(steps):
            k1 = velocity(f)
            k2 = velocity(f + 0.5 * h * k1)
            k3 = velocity(f + 0.5 * h * k2)
            k4 = velocity(f + h * k3)
            f = f + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        now = target
        out.append(f.copy())
    return np.stack(out)


def response_scale(ntk):
    """Θ_s (mean of Θ(x_i, x_i)) and Θ_c (mean over distinct pairs) of one (N, N) matrix."""
    ntk = np.asarray(ntk, np.float64)
    diagonal = np.diag(ntk)
    off = ~np.eye(len(ntk), dtype=bool)
    return float(diagonal.mean()), float(ntk[off].mean())


def group_means(values, group, n_groups):
    """(..., N) values averaged within each group: (..., G)."""
    group = np.asarray(group)
    return np.stack([np.asarray(values)[..., group == g].mean(axis=-1) for g in range(n_groups)], axis=-1)


def predict_run(data, batch_size):
    """The mean-field group means of every replica of a dataset run, (R, T, G): each replica's own
    groups, targets, initial group means and response scale measured at epoch 0."""
    group, point_y = data["group"], data["point_y"]
    n_groups = int(group.max()) + 1
    out = []
    for r in range(len(group)):
        counts = np.bincount(group[r], minlength=n_groups)
        targets = group_means(point_y[r], group[r], n_groups)
        theta_self, theta_cross = response_scale(data["ntk"][r, 0])
        rates = rate_matrix(counts, theta_self, theta_cross, float(data["learning_rate"][0]), min(batch_size, len(group[r])))
        start = group_means(data["output"][r, 0], group[r], n_groups)
        out.append(integrate(start, targets, rates, data["epoch"]))
    return np.stack(out)
