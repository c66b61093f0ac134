"""Shared analysis: aging curves, response kernels, and the tests that turn them into verdicts.

Every figure's claims are checked here, by test name, with thresholds stated once below and written
into each claim's json record, so no figure carries analysis code of its own.
"""

import numpy as np

from . import meanfield

REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE = "reproduced", "not reproduced", "inconclusive"

# Verdict thresholds, fixed before any run and never tuned to a result.
POWER_LAW_R2_PASS = 0.95  # log-log linear fit at least this good: a power law
POWER_LAW_R2_FAIL = 0.80  # worse than this: not a power law
MONOTONE_RHO_PASS = -0.8  # Spearman rho(distance, kernel) at most this: decreasing
MONOTONE_RHO_FAIL = -0.5  # median rho above this: not decreasing
SIGNIFICANCE = 2.0  # a difference counts when it exceeds this many standard errors over replicas
LINEAR_R2_PASS = 0.95  # a kernel whose linear fit against distance is this good is linear
LINEAR_R2_FAIL = 0.80
EXPONENT_MATCH = 0.1  # aging exponents this close are the same power law
EXPONENT_MISMATCH = 0.3  # this far apart they are not
PAIR_LIMITED = 0.5  # x2 aging by at most this fraction of x1's log-decay: its enhancement is limited
MEANFIELD_RMS_PASS = 0.05  # the mean-field model within this RMS of the network's group means: it follows them
MEANFIELD_RMS_FAIL = 0.10
IMAGE_DISTANCE_BINS = 10  # equal-count bins of image distance: the images' counterpart of Hamming shells


# Curves ----------------------------------------------------------------------------------------------


def mean_sem(values, axis=0):
    """Mean and standard error of the mean over `axis` (replicas)."""
    values = np.asarray(values, dtype=np.float64)
    n = values.shape[axis]
    sem = values.std(axis=axis, ddof=1) / np.sqrt(n) if n > 1 else np.zeros_like(values.mean(axis=axis))
    return values.mean(axis=axis), sem


def aging(response, distance):
    """Δ(x_o, x_o) per replica and epoch, (R, T): the response at the probe points at distance 0.
    `distance` is (P,), shared by the replicas, or (R, P), each replica's own (images)."""
    response = np.asarray(response)
    at_o = np.asarray(distance) == 0
    if not np.all(at_o.any(axis=-1)):
        raise ValueError("the probe points do not include x_o (distance 0); include shell 0 to measure aging")
    if at_o.ndim == 1:
        return response[:, :, at_o].mean(axis=2)
    return np.stack([response[r][:, at_o[r]].mean(axis=1) for r in range(len(response))])


def shell_means(response, distance):
    """Response averaged over the members of each Hamming shell: (distances (H,), values (R, T, H))."""
    distance = np.asarray(distance)
    levels = np.unique(distance)
    values = np.stack([np.asarray(response)[:, :, distance == h].mean(axis=2) for h in levels], axis=2)
    return levels, values


def kernel(response, distance):
    """The response kernel per replica: the shell means divided by the response at x_o, (R, T, H).

    Dividing by Δ(x_o, x_o) removes the aging term of Δ/(y_o − f) ∝ t^−τ K(x_o, x), leaving K with
    K(x_o, x_o) = 1.
    """
    levels, values = shell_means(response, distance)
    return levels, values / aging(response, distance)[:, :, None]


def epoch_rows(epochs, wanted):
    """Row indices of `wanted` epochs (those that were measured) in the measured `epochs`."""
    epochs = list(np.asarray(epochs))
    return [epochs.index(e) for e in wanted if e in epochs]


# Fits and statistics -------------------------------------------------------------------------------


def power_law_fit(epochs, values, window):
    """Least-squares fit of log values = log c − τ log epoch over epochs in [window[0], window[1]].

    Returns dict with tau, prefactor, r2, n_points and the window; tau is NaN when fewer than three
    positive points fall in the window.
    """
    epochs = np.asarray(epochs, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    lo, hi = window
    keep = (epochs >= lo) & (epochs <= hi) & (values > 0) & np.isfinite(values)
    result = {"window": [float(lo), float(hi)], "n_points": int(keep.sum())}
    if keep.sum() < 3:
        return {**result, "tau": float("nan"), "prefactor": float("nan"), "r2": float("nan")}
    x, y = np.log(epochs[keep]), np.log(values[keep])
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    r2 = 1.0 - residual.var() / y.var() if y.var() > 0 else 0.0
    return {**result, "tau": float(-slope), "prefactor": float(np.exp(intercept)), "r2": float(r2)}


def spearman(x, y):
    """Spearman rank correlation (average ranks for ties)."""

    def ranks(v):
        v = np.asarray(v, dtype=np.float64)
        order = np.argsort(v, kind="mergesort")
        r = np.empty(len(v))
        r[order] = np.arange(len(v))
        for value in np.unique(v):
            tied = v == value
            r[tied] = r[tied].mean()
        return r

    rx, ry = ranks(x), ranks(y)
    if rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def diagnostics(data, claims):
    """Checks of the measurement itself, beside the claims (both kinds must have been measured).

    For the MSE loss, Δ/(y_o − f) = 2η Θ + O(η²); their ratio at x_o shows where the exact float32 step
    stops resolving the response (late epochs, when f(x_o) sits close to a binary target), and the aging
    exponent of 2ηΘ, which has no such rounding, cross-checks the exponent of the step response.
    """
    if "step" not in data or "ntk" not in data or "distance" not in data:
        return {}  # sets of points have no shells around one x_o
    fits = [c["parameters"] for c in claims if c["test"] == "power_law"]
    window = _window(fits[0] if fits else {}, data["epoch"])
    linear = 2.0 * np.asarray(data["learning_rate"])[None, :] * aging(data["ntk"], data["distance"])
    ratio = aging(data["step"], data["distance"]) / linear
    rows = epoch_rows(data["epoch"], data["kernel_epochs"])
    mean, _ = mean_sem(linear)
    return {
        "step_over_2_eta_ntk_at_x_o": {
            "epochs": [int(data["epoch"][r]) for r in rows],
            "median": [float(np.median(ratio[:, r])) for r in rows],
            "min": [float(np.min(ratio[:, r])) for r in rows],
            "max": [float(np.max(ratio[:, r])) for r in rows],
        },
        "aging_fit_of_2_eta_ntk": power_law_fit(data["epoch"], mean, window),
    }


# Claim tests -----------------------------------------------------------------------------------------
# Each takes the figure's measured arrays (a dict) and the claim's parameters and returns
# (quantity, value, criterion, verdict).


def _window(params, epochs):
    lo, hi = params.get("window", (1, None))
    return lo, hi if hi is not None else int(np.max(epochs))


def test_power_law(data, params, reference=None):
    curve, _ = mean_sem(aging(data[params.get("kind", "step")], data["distance"]))
    fit = power_law_fit(data["epoch"], curve, _window(params, data["epoch"]))
    if params.get("expect_clear", True):
        criterion = (
            f"reproduced if tau > 0 and R² >= {POWER_LAW_R2_PASS}; not reproduced if tau <= 0 or "
            f"R² < {POWER_LAW_R2_FAIL}; else inconclusive"
        )
        if not np.isfinite(fit["tau"]):
            verdict = INCONCLUSIVE
        elif fit["tau"] > 0 and fit["r2"] >= POWER_LAW_R2_PASS:
            verdict = REPRODUCED
        elif fit["tau"] <= 0 or fit["r2"] < POWER_LAW_R2_FAIL:
            verdict = NOT_REPRODUCED
        else:
            verdict = INCONCLUSIVE
    else:
        criterion = (
            f"decreasing without a clear power law: reproduced if tau > 0 and R² < {POWER_LAW_R2_PASS}; "
            f"not reproduced if tau <= 0 (no decrease) or R² >= {POWER_LAW_R2_PASS} (a clear power law)"
        )
        if not np.isfinite(fit["tau"]):
            verdict = INCONCLUSIVE
        else:
            verdict = REPRODUCED if fit["tau"] > 0 and fit["r2"] < POWER_LAW_R2_PASS else NOT_REPRODUCED
    quantity = "power-law fit of the ensemble-mean aging curve Δ(x_o, x_o)/(y_o − f(x_o)) on log–log axes"
    return quantity, fit, criterion, verdict


def _kernel_at(data, params):
    levels, k = kernel(data[params.get("kind", "step")], data["distance"])
    rows = epoch_rows(data["epoch"], data["kernel_epochs"])
    return levels, k[:, rows], [int(data["epoch"][r]) for r in rows]


def test_kernel_decreasing(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    chosen = [i for i, e in enumerate(epochs) if e <= params.get("max_epoch", np.inf)]
    mean, _ = mean_sem(k)
    rho = [spearman(levels, mean[i]) for i in chosen]
    criterion = (
        f"reproduced if Spearman rho(distance, kernel) <= {MONOTONE_RHO_PASS} at every tested epoch; "
        f"not reproduced if the median rho > {MONOTONE_RHO_FAIL}; else inconclusive"
    )
    if not rho or not np.all(np.isfinite(rho)):
        verdict = INCONCLUSIVE
    elif max(rho) <= MONOTONE_RHO_PASS:
        verdict = REPRODUCED
    elif np.median(rho) > MONOTONE_RHO_FAIL:
        verdict = NOT_REPRODUCED
    else:
        verdict = INCONCLUSIVE
    value = {"epochs": [epochs[i] for i in chosen], "spearman_rho": rho}
    return "rank correlation of the ensemble-mean kernel with Hamming distance, per epoch", value, criterion, verdict


def test_peak_shift(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    mean, sem = mean_sem(k)
    peaks = [int(levels[np.argmax(m)]) for m in mean]
    # The peak has left x_o when K at the peak exceeds K(x_o) = 1 by more than SIGNIFICANCE s.e.
    peak_rows = [int(np.argmax(m)) for m in mean]
    excess = [float(mean[i, j] - 1.0) for i, j in enumerate(peak_rows)]
    significant = [bool(excess[i] > SIGNIFICANCE * sem[i, j]) for i, j in enumerate(peak_rows)]
    shifted = [p if s else 0 for p, s in zip(peaks, significant)]
    criterion = (
        "reproduced if the kernel's peak (significantly above K(x_o)) lies at a larger distance at the last "
        "epoch than at the first and never moves back towards x_o; not reproduced if it stays at x_o at "
        "every epoch; else inconclusive"
    )
    if shifted[-1] > shifted[0] and all(b >= a for a, b in zip(shifted, shifted[1:])):
        verdict = REPRODUCED
    elif not any(shifted):
        verdict = NOT_REPRODUCED
    else:
        verdict = INCONCLUSIVE
    value = {"epochs": epochs, "peak_distance": shifted, "peak_excess_over_x_o": excess}
    return "Hamming distance of the ensemble-mean kernel's maximum, per epoch", value, criterion, verdict


def test_kernel_sign(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    mean, sem = mean_sem(k)
    lowest = np.unravel_index(np.argmin(mean), mean.shape)
    significantly_negative = bool(np.any(mean + SIGNIFICANCE * sem < 0))
    never_negative = bool(np.all(mean >= 0))
    if params["expect"] == "positive":
        criterion = (
            f"reproduced if the ensemble-mean kernel is >= 0 at every distance and plotted epoch; not reproduced "
            f"if it is below 0 by more than {SIGNIFICANCE} s.e. anywhere; else inconclusive"
        )
        verdict = REPRODUCED if never_negative else NOT_REPRODUCED if significantly_negative else INCONCLUSIVE
    else:
        criterion = (
            f"reproduced if the ensemble-mean kernel is below 0 by more than {SIGNIFICANCE} s.e. somewhere; not "
            "reproduced if it is >= 0 everywhere; else inconclusive"
        )
        verdict = REPRODUCED if significantly_negative else NOT_REPRODUCED if never_negative else INCONCLUSIVE
    value = {
        "min_kernel": float(mean[lowest]),
        "min_kernel_sem": float(sem[lowest]),
        "at_epoch": epochs[lowest[0]],
        "at_distance": int(levels[lowest[1]]),
    }
    return "smallest ensemble-mean kernel value over distances and plotted epochs", value, criterion, verdict


def s_shaped(levels, k):
    """Whether the kernels k (R, H) fall in an S against distance: decreasing overall (Spearman rho at
    most MONOTONE_RHO_PASS, so a hump is no S) and significantly concave near x_o, then significantly
    convex further out (second differences change sign from − to +)."""
    mean_k, _ = mean_sem(k)
    if not spearman(levels, mean_k) <= MONOTONE_RHO_PASS:
        return False
    d2 = k[:, 2:] - 2 * k[:, 1:-1] + k[:, :-2]
    mean, sem = mean_sem(d2)
    concave = np.flatnonzero(mean + SIGNIFICANCE * sem < 0)
    convex = np.flatnonzero(mean - SIGNIFICANCE * sem > 0)
    return bool(concave.size and convex.size and concave.min() < convex.max())


def test_s_curve(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    trained = [i for i, e in enumerate(epochs) if e > 0]
    shaped = [s_shaped(levels, k[:, i]) for i in trained]
    share = float(np.mean(shaped)) if shaped else float("nan")
    expect = bool(params["expect"])
    criterion = (
        f"an S curve: the kernel decreases with distance (Spearman rho <= {MONOTONE_RHO_PASS}), with second "
        f"differences significantly negative near x_o and significantly positive further out ({SIGNIFICANCE} s.e.); "
        f"expected {'present' if expect else 'absent'}: reproduced if it holds at half or more of the trained "
        "epochs (absent: at none), not reproduced if the opposite holds, else inconclusive"
    )
    if not shaped:
        verdict = INCONCLUSIVE
    elif expect:
        verdict = REPRODUCED if share >= 0.5 else NOT_REPRODUCED if share == 0 else INCONCLUSIVE
    else:
        verdict = REPRODUCED if share == 0 else NOT_REPRODUCED if share >= 0.5 else INCONCLUSIVE
    value = {"epochs": [epochs[i] for i in trained], "s_shaped": shaped}
    return "S shape of the ensemble-mean kernel against distance, per trained epoch", value, criterion, verdict


def _per_replica_tau(data, params):
    curves = aging(data[params.get("kind", "step")], data["distance"])
    window = _window(params, data["epoch"])
    return np.array([power_law_fit(data["epoch"], c, window)["tau"] for c in curves])


def _compare(value, reference, key, direction):
    """Verdict of `value` against `reference` (per-replica arrays): reproduced if it differs in
    `direction` ("differs", "lower", "higher") by more than SIGNIFICANCE combined standard errors."""
    m, se = mean_sem(value)
    mr, ser = mean_sem(reference)
    gap = float(m - mr)
    bound = SIGNIFICANCE * float(np.hypot(se, ser))
    significant = abs(gap) > bound
    if direction == "differs":
        verdict = REPRODUCED if significant else NOT_REPRODUCED
    elif direction == "lower":
        verdict = REPRODUCED if significant and gap < 0 else NOT_REPRODUCED if gap >= 0 else INCONCLUSIVE
    else:
        verdict = REPRODUCED if significant and gap > 0 else NOT_REPRODUCED if gap <= 0 else INCONCLUSIVE
    value = {key: float(m), f"{key}_sem": float(se), f"reference_{key}": float(mr), f"reference_{key}_sem": float(ser)}
    return value, verdict


def _against_reference(data, params, reference, statistic, key, direction):
    """_compare of a per-replica statistic(data, params) with the same statistic of the reference variant."""
    return _compare(statistic(data, params), statistic(_reference_variant(reference, params), params), key, direction)


def _missing(params):
    criterion = f"needs {params['reference']} to have been run into the same results folder"
    return "comparison with " + params["reference"], {"reference": None}, criterion, INCONCLUSIVE


def _reference_variant(reference, params):
    return reference[params.get("reference_variant", "")]


def test_exponent_differs(data, params, reference=None):
    if reference is None:
        return _missing(params)
    direction = params.get("direction", "differs")
    value, verdict = _against_reference(data, params, reference, _per_replica_tau, "tau", direction)
    criterion = (
        f"reproduced if the mean per-run aging exponent {'differs from' if direction == 'differs' else 'is ' + direction + ' than'} "
        f"{params['reference']}'s by more than {SIGNIFICANCE} combined s.e.; else not reproduced (inconclusive when it "
        "lies on the expected side within the error)"
    )
    return "aging exponent tau (power-law fit per run) against " + params["reference"], value, criterion, verdict


def _kernel_variability(data, params):
    """Per replica: mean |K_e(h) − K_0(h)| over distances and the trained kernel epochs."""
    levels, k, epochs = _kernel_at(data, params)
    trained = [i for i, e in enumerate(epochs) if e > 0]
    return np.abs(k[:, trained] - k[:, :1]).mean(axis=(1, 2))


def test_kernel_variability(data, params, reference=None):
    if reference is None:
        return _missing(params)
    value, verdict = _against_reference(data, params, reference, _kernel_variability, "variability", params["expect"])
    criterion = (
        f"reproduced if the kernel's change since epoch 0 (mean |K_e − K_0| over distances and kernel epochs) is "
        f"{params['expect']} than {params['reference']}'s by more than {SIGNIFICANCE} combined s.e.; not reproduced "
        "if it lies on the other side; else inconclusive"
    )
    return "kernel variability over epochs against " + params["reference"], value, criterion, verdict


def _log_drop(data, params):
    """Per replica: log of aging(e1) / aging(e0) over the window (e0, e1)."""
    curves = aging(data[params.get("kind", "step")], data["distance"])
    rows = epoch_rows(data["epoch"], params["window"])
    return np.log(np.abs(curves[:, rows[1]]) / np.abs(curves[:, rows[0]]))


def test_faster_decay(data, params, reference=None):
    if reference is None:
        return _missing(params)
    ref = _reference_variant(reference, params)
    if any(len(epoch_rows(d["epoch"], params["window"])) < 2 for d in (data, ref)):
        quantity = f"decay of the aging curve over epochs {tuple(params['window'])} against " + params["reference"]
        return quantity, {"log_drop": None}, "needs both window epochs measured in both runs", INCONCLUSIVE
    value, verdict = _against_reference(data, params, reference, _log_drop, "log_drop", "lower")
    e0, e1 = params["window"]
    criterion = (
        f"reproduced if log(Δ(e={e1})/Δ(e={e0})) at x_o is lower (a faster decay) than {params['reference']}'s by more "
        f"than {SIGNIFICANCE} combined s.e.; not reproduced if it is not lower; else inconclusive"
    )
    return f"decay of the aging curve from epoch {e0} to {e1} against " + params["reference"], value, criterion, verdict


def test_plateau(data, params, reference=None):
    curve, _ = mean_sem(aging(data[params.get("kind", "step")], data["distance"]))
    last = int(np.max(data["epoch"]))
    fit = power_law_fit(data["epoch"], curve, (max(1, last // 10), last))
    slope = -fit["tau"]
    criterion = (
        "converged to a constant response: reproduced if the log-log slope of the aging curve over the last decade "
        "of epochs lies within ±0.1; not reproduced if it is below −0.5 (still decaying); else inconclusive"
    )
    if not np.isfinite(slope):
        verdict = INCONCLUSIVE
    else:
        verdict = REPRODUCED if abs(slope) <= 0.1 else NOT_REPRODUCED if slope < -0.5 else INCONCLUSIVE
    return "log-log slope of the ensemble-mean aging curve over the last decade", {"slope": slope, "window": fit["window"]}, criterion, verdict


def test_exponent_matches(data, params, reference=None):
    if reference is None:
        return _missing(params)
    ref = _reference_variant(reference, params)
    fits = []
    for d in (data, ref):
        curve, _ = mean_sem(aging(d[params.get("kind", "step")], d["distance"]))
        fits.append(power_law_fit(d["epoch"], curve, _window(params, d["epoch"])))
    gap = abs(fits[0]["tau"] - fits[1]["tau"])
    criterion = (
        f"reproduced if the aging exponents differ by at most {EXPONENT_MATCH}; not reproduced if by more than "
        f"{EXPONENT_MISMATCH}; else inconclusive"
    )
    if not np.isfinite(gap):
        verdict = INCONCLUSIVE
    else:
        verdict = REPRODUCED if gap <= EXPONENT_MATCH else NOT_REPRODUCED if gap > EXPONENT_MISMATCH else INCONCLUSIVE
    value = {"tau": fits[0]["tau"], "reference_tau": fits[1]["tau"], "r2": fits[0]["r2"], "reference_r2": fits[1]["r2"]}
    return "aging exponent against " + params["reference"] + "'s ensemble-mean aging", value, criterion, verdict


def test_feature_trend(data, params, reference=None):
    values = np.asarray(data["feature_mean"], dtype=np.float64)
    change = values[:, -1] - values[:, 0]
    m, se = mean_sem(change)
    sign = -1.0 if params["expect"] == "decreasing" else 1.0
    criterion = (
        f"reproduced if ⟨F⟩ at the last epoch minus ⟨F⟩ at epoch 0 is {params['expect']} by more than {SIGNIFICANCE} "
        "s.e. over runs; not reproduced if it changes the other way; else inconclusive"
    )
    verdict = REPRODUCED if sign * m > SIGNIFICANCE * se else NOT_REPRODUCED if sign * m < 0 else INCONCLUSIVE
    value = {"first": float(values[:, 0].mean()), "last": float(values[:, -1].mean()), "change": float(m), "change_sem": float(se)}
    return "change of the averaged feature ⟨F_i⟩ (features × all inputs) over the run", value, criterion, verdict


def test_dead_fraction(data, params, reference=None):
    dead = np.asarray(data["dead_fraction"], dtype=np.float64)
    m, se = mean_sem(dead[:, -1])
    at_least, below = params["at_least"], params["fail_below"]
    criterion = (
        f"reproduced if the mean fraction of dead features (0 on every input) at the last epoch is at least {at_least}; "
        f"not reproduced if below {below}; else inconclusive"
    )
    verdict = REPRODUCED if m >= at_least else NOT_REPRODUCED if m < below else INCONCLUSIVE
    value = {"first": float(dead[:, 0].mean()), "last": float(m), "last_sem": float(se)}
    return "fraction of features that are 0 on all inputs, at the last epoch", value, criterion, verdict


DELTA_SPIKE_PASS, DELTA_SPIKE_FAIL = 0.3, 0.1  # f(x_o) above the background f(|x − x_o| >= 2)
DELTA_WIDTH_PASS, DELTA_WIDTH_FAIL = 0.5, 0.8  # (f(distance 1) − background) / spike


def test_delta_function(data, params, reference=None):
    levels, final = shell_means(np.asarray(data["output"])[:, -1:], data["distance"])
    mean = final[:, 0].mean(axis=0)
    background = float(mean[levels >= 2].mean())
    spike = float(mean[levels == 0][0] - background)
    width = float((mean[levels == 1][0] - background) / spike) if spike > 0 else float("nan")
    criterion = (
        f"a spike at x_o: reproduced if f(x_o) exceeds the mean f at distances >= 2 by at least {DELTA_SPIKE_PASS} and "
        f"f at distance 1 rises at most {DELTA_WIDTH_PASS} of that; not reproduced if the spike is below "
        f"{DELTA_SPIKE_FAIL} or distance 1 rises more than {DELTA_WIDTH_FAIL} of it; else inconclusive"
    )
    if spike < DELTA_SPIKE_FAIL or not width <= DELTA_WIDTH_FAIL:
        verdict = NOT_REPRODUCED
    elif spike >= DELTA_SPIKE_PASS and width <= DELTA_WIDTH_PASS:
        verdict = REPRODUCED
    else:
        verdict = INCONCLUSIVE
    value = {"f_at_x_o": float(mean[levels == 0][0]), "background": background, "spike": spike, "relative_width_at_1": width}
    return "ensemble-mean prediction f(x) at the last epoch against the Hamming distance from x_o", value, criterion, verdict


def _kernel_lines(data, params):
    """Least-squares line of the ensemble-mean kernel against distance, per kernel epoch: (epochs,
    slopes, R²)."""
    levels, k, epochs = _kernel_at(data, params)
    mean, _ = mean_sem(k)
    slopes, r2 = [], []
    for row in mean:
        slope, intercept = np.polyfit(levels, row, 1)
        residual = row - (slope * levels + intercept)
        slopes.append(float(slope))
        r2.append(float(1.0 - residual.var() / row.var()) if row.var() > 0 else float("nan"))
    return epochs, slopes, r2


def test_kernel_linear(data, params, reference=None):
    epochs, slopes, r2 = _kernel_lines(data, params)
    worst = min(r2)
    criterion = (
        f"reproduced if the linear fit of the kernel against distance has R² >= {LINEAR_R2_PASS} at every kernel epoch; "
        f"not reproduced if R² < {LINEAR_R2_FAIL} at any; else inconclusive"
    )
    verdict = REPRODUCED if worst >= LINEAR_R2_PASS else NOT_REPRODUCED if worst < LINEAR_R2_FAIL else INCONCLUSIVE
    return "R² of a straight line through the ensemble-mean kernel, per epoch", {"epochs": epochs, "r2": r2}, criterion, verdict


def test_kernel_slope_trend(data, params, reference=None):
    epochs, slopes, _ = _kernel_lines(data, params)
    rho = spearman(epochs, np.abs(slopes))
    expect = params["expect"]
    criterion = (
        f"the kernel's slope against distance {'diminishes' if expect == 'diminishing' else 'grows'} along the epochs: "
        f"reproduced if Spearman rho(epoch, |slope|) is {'<= ' + str(MONOTONE_RHO_PASS) if expect == 'diminishing' else '>= ' + str(-MONOTONE_RHO_PASS)}; "
        "not reproduced if its sign is the opposite; else inconclusive"
    )
    sign = -1.0 if expect == "diminishing" else 1.0
    if not np.isfinite(rho):
        verdict = INCONCLUSIVE
    else:
        verdict = REPRODUCED if sign * rho >= -MONOTONE_RHO_PASS else NOT_REPRODUCED if sign * rho < 0 else INCONCLUSIVE
    return "|slope| of the kernel's linear fit against distance, per epoch", {"epochs": epochs, "slope": slopes, "spearman_rho": rho}, criterion, verdict


def test_power_law_less_clear(data, params, reference=None):
    if reference is None:
        return _missing(params)
    fits = []
    for d in (data, _reference_variant(reference, params)):
        curve, _ = mean_sem(aging(d[params.get("kind", "step")], d["distance"]))
        fits.append(power_law_fit(d["epoch"], curve, _window(params, d["epoch"])))
    criterion = f"reproduced if the power-law fit's R² is lower than {params['reference']}'s (point estimates); else not reproduced"
    verdict = INCONCLUSIVE if not np.isfinite(fits[0]["r2"] - fits[1]["r2"]) else REPRODUCED if fits[0]["r2"] < fits[1]["r2"] else NOT_REPRODUCED
    value = {"r2": fits[0]["r2"], "reference_r2": fits[1]["r2"], "tau": fits[0]["tau"], "reference_tau": fits[1]["tau"]}
    return "R² of the aging curve's power-law fit against " + params["reference"], value, criterion, verdict


def _near_kernel(data, params):
    """Per replica: the kernel averaged over distances 1..params['near'] and the trained kernel epochs."""
    levels, k, epochs = _kernel_at(data, params)
    trained = [i for i, e in enumerate(epochs) if e > 0]
    near = (levels >= 1) & (levels <= params["near"])
    return k[:, trained][:, :, near].mean(axis=(1, 2))


def test_kernel_broader(data, params, reference=None):
    if reference is None:
        return _missing(params)
    value, verdict = _against_reference(data, params, reference, _near_kernel, "near_kernel", "higher")
    criterion = (
        f"a broader peak: reproduced if the kernel averaged over distances 1..{params['near']} (trained kernel epochs) "
        f"is higher than {params['reference']}'s by more than {SIGNIFICANCE} combined s.e.; not reproduced if it is not higher"
    )
    return "kernel near x_o against " + params["reference"], value, criterion, verdict


def test_kernel_drift(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    mean, _ = mean_sem(k)
    drift = [float(np.abs(row - mean[0]).mean()) for row in mean]
    rho = spearman(epochs, drift)
    criterion = (
        f"kernels that keep changing (no convergence): reproduced if the distance |K_e − K_0| grows with the epoch "
        f"(Spearman rho >= {-MONOTONE_RHO_PASS}); not reproduced if rho <= 0; else inconclusive"
    )
    verdict = INCONCLUSIVE if not np.isfinite(rho) else REPRODUCED if rho >= -MONOTONE_RHO_PASS else NOT_REPRODUCED if rho <= 0 else INCONCLUSIVE
    return "mean |K_e − K_0| over distances, per kernel epoch", {"epochs": epochs, "drift": drift, "spearman_rho": rho}, criterion, verdict


# Images (the 2022 paper's Figs. 8-9): every replica has its own probe images and distances (R, P).


def image_kernel(data, row, kind="step"):
    """Per replica at one measured row: the distances ⟨|x_o − x|⟩ of the probe images other than x_o
    and their kernel Δ(x_o, x)/Δ(x_o, x_o), both (R, P − 1)."""
    response = np.asarray(data[kind])[:, row]
    distance = np.broadcast_to(np.asarray(data["distance"]), response.shape)
    at_o = aging(data[kind], data["distance"])[:, row]
    others = distance > 0
    per_replica = [(distance[r][others[r]], response[r][others[r]] / at_o[r]) for r in range(len(response))]
    return np.stack([d for d, _ in per_replica]), np.stack([k for _, k in per_replica])


def binned_kernel(distance, kernel, bins=IMAGE_DISTANCE_BINS):
    """Means of (distance, kernel) over `bins` equal-count bins of increasing distance, one replica."""
    groups = np.array_split(np.argsort(distance, kind="mergesort"), bins)
    return np.array([distance[g].mean() for g in groups]), np.array([kernel[g].mean() for g in groups])


def test_image_kernel_decreasing(data, params, reference=None):
    epoch = int(data["kernel_epochs"][-1])
    distance, k = image_kernel(data, epoch_rows(data["epoch"], [epoch])[0], params.get("kind", "step"))
    rho = [spearman(*binned_kernel(d, kk)) for d, kk in zip(distance, k)]
    median = float(np.median(rho))
    criterion = (
        f"per run, the kernel averaged in {IMAGE_DISTANCE_BINS} equal-count bins of image distance: reproduced if the "
        f"median Spearman rho(distance, kernel) over runs <= {MONOTONE_RHO_PASS}; not reproduced if > {MONOTONE_RHO_FAIL}; "
        "else inconclusive"
    )
    verdict = (
        INCONCLUSIVE if not np.isfinite(median)
        else REPRODUCED if median <= MONOTONE_RHO_PASS
        else NOT_REPRODUCED if median > MONOTONE_RHO_FAIL
        else INCONCLUSIVE
    )
    value = {"epoch": epoch, "median_spearman_rho": median, "spearman_rho": rho}
    return "rank correlation of the binned kernel with the mean pixel distance, per run", value, criterion, verdict


# Sets of points (the 2022 paper's Figs. 4-6) ------------------------------------------------------
# Their runs hold step/ntk (R, T, N_o, N), the response at point i to a step on point j in [..., j, i],
# the predictions output (R, T, N) and the points' groups (R, N).


def normalized_self_response(data, point):
    """Δ(x_i, x_i)/(y − f(x_i)) of one point, per replica and epoch, divided by its value at epoch 0: (R, T)."""
    own = np.asarray(data["step"])[:, :, point, point]
    return own / own[:, :1]


def pair_size_difference(data):
    """The size difference of the normalized responses of x2 and x1, (R, T): > 0 when x2 has aged less."""
    return normalized_self_response(data, 1) - normalized_self_response(data, 0)


def _in_figure(params):
    return f"variant {params['reference_variant']}"


def test_pair_difference_differs(data, params, reference=None):
    value, verdict = _against_reference(data, params, reference, lambda d, _: pair_size_difference(d)[:, -1], "size_difference", "differs")
    criterion = (
        f"reproduced if the size difference at the last epoch differs from {_in_figure(params)}'s by more than "
        f"{SIGNIFICANCE} combined s.e.; else not reproduced"
    )
    return "normalized response size of x2 minus x1 at the last epoch, against " + _in_figure(params), value, criterion, verdict


def test_pair_aging_enhanced(data, params, reference=None):
    log_size_x2 = lambda d, _: np.log(normalized_self_response(d, 1)[:, -1])  # noqa: E731
    value, verdict = _against_reference(data, params, reference, log_size_x2, "log_size_x2", "lower")
    criterion = (
        f"reproduced if x2's normalized response has decayed more (lower log size at the last epoch) than with "
        f"{_in_figure(params)}, by more than {SIGNIFICANCE} combined s.e.; not reproduced if it is not lower"
    )
    return "log of x2's normalized response size at the last epoch, against " + _in_figure(params), value, criterion, verdict


def test_pair_aging_limited(data, params, reference=None):
    x1, x2 = (float(np.mean(np.log(normalized_self_response(data, p)[:, -1]))) for p in (0, 1))
    ratio = x2 / x1 if x1 != 0 else float("nan")
    criterion = (
        f"reproduced if x2's mean log-decay is at most {PAIR_LIMITED} of x1's (x2, trained with α, is hardly aged by "
        "x1's training); else not reproduced"
    )
    verdict = INCONCLUSIVE if not np.isfinite(ratio) else REPRODUCED if ratio <= PAIR_LIMITED else NOT_REPRODUCED
    value = {"log_size_x1": x1, "log_size_x2": x2, "ratio": ratio}
    return "mean log of the normalized response sizes at the last epoch, x2 over x1", value, criterion, verdict


def group_trajectories(data):
    """Every replica's mean prediction per group, (R, T, G)."""
    return meanfield.group_means(data["output"], data["group"][0], int(data["group"].max()) + 1)


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


def test_group_move(data, params, reference=None):
    if np.any(data["group"] != data["group"][:1]):
        raise ValueError("group_move needs every replica to share the group layout")
    trajectories = group_trajectories(data)
    mean, _ = mean_sem(trajectories)
    rows = _waypoint_rows(mean, params["path"])
    sign = 1.0 if params["direction"] == "up" else -1.0
    move = sign * (trajectories[:, rows[-1], params["group"]] - trajectories[:, rows[-2], params["group"]])
    m, se = mean_sem(move)
    epochs = [int(data["epoch"][r]) for r in rows]
    criterion = (
        f"reproduced if group {params['group']}'s mean prediction moves {params['direction']} from epoch {epochs[-2]} to "
        f"{epochs[-1]} (waypoints {list(params['path'])} on the ensemble means) by more than {SIGNIFICANCE} s.e. over "
        "runs; not reproduced if it does not move that way; else inconclusive"
    )
    verdict = REPRODUCED if m > SIGNIFICANCE * se and m > 0 else NOT_REPRODUCED if m <= 0 else INCONCLUSIVE
    value = {"move": float(m), "move_sem": float(se), "waypoint_epochs": epochs}
    return f"move of group {params['group']}'s mean prediction between waypoints", value, criterion, verdict


def test_meanfield_agreement(data, params, reference=None):
    # The runner stores each replica's prediction as "meanfield"; computing it is the slow part.
    predicted = data["meanfield"] if "meanfield" in data else meanfield.predict_run(data, params["batch_size"])
    model, _ = mean_sem(predicted)
    network, _ = mean_sem(group_trajectories(data))
    rms = np.sqrt(np.mean((model - network) ** 2, axis=0))
    worst = float(rms.max())
    criterion = (
        f"reproduced if the mean-field model's group means stay within RMS {MEANFIELD_RMS_PASS} of the network's "
        f"(ensemble means over the measured epochs, worst group); not reproduced above {MEANFIELD_RMS_FAIL}; else inconclusive"
    )
    verdict = REPRODUCED if worst <= MEANFIELD_RMS_PASS else NOT_REPRODUCED if worst > MEANFIELD_RMS_FAIL else INCONCLUSIVE
    value = {"rms_per_group": [float(v) for v in rms], "worst_rms": worst}
    return "RMS difference between the mean-field model (eq. 11, response scale at epoch 0) and the network's group means", value, criterion, verdict


TESTS = {
    "image_kernel_decreasing": test_image_kernel_decreasing,
    "pair_difference_differs": test_pair_difference_differs,
    "pair_aging_enhanced": test_pair_aging_enhanced,
    "pair_aging_limited": test_pair_aging_limited,
    "group_move": test_group_move,
    "meanfield_agreement": test_meanfield_agreement,
    "power_law": test_power_law,
    "kernel_decreasing": test_kernel_decreasing,
    "peak_shift": test_peak_shift,
    "kernel_sign": test_kernel_sign,
    "s_curve": test_s_curve,
    "exponent_differs": test_exponent_differs,
    "kernel_variability": test_kernel_variability,
    "faster_decay": test_faster_decay,
    "plateau": test_plateau,
    "exponent_matches": test_exponent_matches,
    "feature_trend": test_feature_trend,
    "dead_fraction": test_dead_fraction,
    "delta_function": test_delta_function,
    "kernel_linear": test_kernel_linear,
    "kernel_slope_trend": test_kernel_slope_trend,
    "power_law_less_clear": test_power_law_less_clear,
    "kernel_broader": test_kernel_broader,
    "kernel_drift": test_kernel_drift,
}


# Uncertainty -----------------------------------------------------------------------------------------

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0
# Fewer replicas have too few distinct resamples for an interval (2 replicas have 3).
BOOTSTRAP_MIN_REPLICAS = 5
# Arrays without a replica axis; every other array's first axis is the replica.
_SHARED = ("epoch", "learning_rate", "kernel_epochs")
_POINT_KINDS = ("step", "ntk", "output")


def replica_count(data):
    for key in ("step", "ntk", "output", "feature_mean", "f_o"):
        if key in data:
            return len(data[key])
    raise ValueError("no per-replica measurement in the data")


def shell_reduced(data):
    """The data with every per-point kind replaced by its shell means, (R, T, H), and distance by the
    shell levels: what every shell-based test reads, at a fraction of the size. Data whose distances are
    each replica's own (images) or that have no shells (sets of points) come back unchanged."""
    if "distance" not in data or np.ndim(data["distance"]) != 1 or not any(k in data for k in _POINT_KINDS):
        return data
    out = dict(data)
    for kind in _POINT_KINDS:
        if kind in data and np.ndim(data[kind]) == 3:
            out["distance"], out[kind] = shell_means(data[kind], data["distance"])
    out.pop("probe_x", None)
    return out


def resample_replicas(data, index):
    """The data with its replicas replaced by `index` (drawn with replacement). Arrays whose first axis
    is not the replicas' (shared ones, and ensemble summaries in loaded files) are left as they are."""
    r = replica_count(data)

    def per_replica(key, value):
        if key in _SHARED or (key == "distance" and np.ndim(value) == 1):
            return False
        return np.ndim(value) >= 1 and len(value) == r

    return {key: np.asarray(value)[index] if per_replica(key, value) else value for key, value in data.items()}


def _scalars(value):
    return {k: v for k, v in value.items() if isinstance(v, float) and np.isfinite(v) and not isinstance(v, bool)}


def bootstrap_intervals(test, data, params, reference, resamples=BOOTSTRAP_RESAMPLES, seed=BOOTSTRAP_SEED):
    """95% percentile intervals of every finite scalar in a test's value, resampling the replicas of
    the data (and, independently, of the reference) with replacement. {} below BOOTSTRAP_MIN_REPLICAS."""
    r = replica_count(data)
    if r < BOOTSTRAP_MIN_REPLICAS or resamples < 1:
        return {}
    data = shell_reduced(data)
    reference = {label: shell_reduced(d) for label, d in reference.items()} if reference else reference
    rng = np.random.default_rng(seed)
    samples = {}
    for _ in range(resamples):
        resampled = resample_replicas(data, rng.integers(0, r, r))
        ref = None
        if reference:
            ref = {label: resample_replicas(d, rng.integers(0, replica_count(d), replica_count(d))) for label, d in reference.items()}
        with np.errstate(all="ignore"):
            _, value, _, _ = test(resampled, params, ref)
        for key, v in _scalars(value).items():
            samples.setdefault(key, []).append(v)
    return {key: [float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))] for key, v in samples.items() if len(v) == resamples}


def evaluate_claims(claims, runs, references=None, resamples=BOOTSTRAP_RESAMPLES):
    """One json-ready record per claim: the claim, the quantity, its value with 95% bootstrap
    intervals over replicas (`ci95`, per scalar), the criterion, the verdict.

    `runs` maps each variant label to its arrays (a plain dict of arrays stands for the one variant "");
    `references` maps figure ids to their loaded results, for claims that compare against another figure.
    """
    if "epoch" in runs:
        runs = {"": runs}
    references = references or {}
    records = []
    for claim in claims:
        params = {k: v for k, v in claim.items() if k not in ("claim", "test")}
        if "reference" in params:
            reference = references.get(params["reference"])
        else:
            # A reference variant without a reference figure is another variant of this figure.
            reference = runs if "reference_variant" in params else None
        data = runs[params.get("variant", "")]
        test = TESTS[claim["test"]]
        quantity, value, criterion, verdict = test(data, params, reference)
        records.append(
            {
                "claim": claim["claim"],
                "test": claim["test"],
                "parameters": params,
                "quantity": quantity,
                "value": value,
                "ci95": bootstrap_intervals(test, data, params, reference, resamples),
                "replicas": replica_count(data),
                "criterion": criterion,
                "verdict": verdict,
            }
        )
    return records
