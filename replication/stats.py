"""Statistics of the measured arrays: aging curves, response kernels, fits, rank correlations, group
trajectories and bootstrap intervals over replicas. Verdicts live in claims/."""

from collections.abc import Mapping

import numpy as np

from training_response.kinds import SGD_KINDS
from . import meanfield

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
    """Response (..., P) averaged over the members of each Hamming shell: (distances (H,), values (..., H)),
    e.g. (R, T, P) -> (R, T, H)."""
    distance = np.asarray(distance)
    levels = np.unique(distance)
    values = np.stack([np.asarray(response)[..., distance == h].mean(axis=-1) for h in levels], axis=-1)
    return levels, values


def kernel(response, distance):
    """The response kernel per replica: the shell means divided by the response at x_o, (R, T, H).

    Dividing by Δ(x_o, x_o) removes the aging term of Δ/(y_o − f) ∝ t^−τ K(x_o, x), leaving K with
    K(x_o, x_o) = 1.
    """
    levels, values = shell_means(response, distance)
    # A response that has decayed to exactly 0 in float32 (very long runs), or one that is not finite,
    # leaves K undefined there: NaN, which makes the claims that read it undefined.
    at_o = aging(response, distance)[:, :, None]
    defined = (at_o != 0) & np.isfinite(at_o)
    return levels, np.divide(values, at_o, out=np.full(np.broadcast_shapes(values.shape, at_o.shape), np.nan), where=defined)


def epoch_rows(epochs, wanted):
    """Row indices of `wanted` epochs (those that were measured) in the measured `epochs`."""
    epochs = list(np.asarray(epochs))
    return [epochs.index(e) for e in wanted if e in epochs]


# Fits and shapes -------------------------------------------------------------------------------------


def power_law_fit(epochs, values, window):
    """Least-squares fit of log values = log c − τ log epoch over epochs in [window[0], window[1]].

    Returns dict with tau, prefactor, r2, n_points and the window; tau is NaN when fewer than three
    positive points fall in the window, or when any value in it is not a finite number (a fit over the
    remaining points would be decided by a selection of the data).
    """
    epochs = np.asarray(epochs, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    lo, hi = window
    inside = (epochs >= lo) & (epochs <= hi)
    keep = inside & (values > 0) & np.isfinite(values)
    result = {"window": [float(lo), float(hi)], "n_points": int(keep.sum())}
    if keep.sum() < 3 or not np.all(np.isfinite(values[inside])):
        return {**result, "tau": float("nan"), "prefactor": float("nan"), "r2": float("nan")}
    x, y = np.log(epochs[keep]), np.log(values[keep])
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (slope * x + intercept)
    r2 = 1.0 - residual.var() / y.var() if y.var() > 0 else 0.0
    return {**result, "tau": float(-slope), "prefactor": float(np.exp(intercept)), "r2": float(r2)}


def power_law_taus(epochs, curves, window):
    """τ of `power_law_fit` for each row of `curves` (R, T) at once, in closed form (the slope of the
    least-squares line through each row's own points): NaN where power_law_fit's τ is."""
    epochs = np.asarray(epochs, dtype=np.float64)
    curves = np.asarray(curves, dtype=np.float64).reshape(-1, len(epochs))
    inside = (epochs >= window[0]) & (epochs <= window[1])
    with np.errstate(all="ignore"):
        keep = inside & (curves > 0) & np.isfinite(curves)
        count = keep.sum(axis=1)
        x = np.where(keep, np.log(np.where(epochs > 0, epochs, 1.0)), 0.0)
        y = np.where(keep, np.log(np.where(keep, curves, 1.0)), 0.0)
        dx = np.where(keep, x - (x.sum(axis=1) / count)[:, None], 0.0)
        slope = (dx * y).sum(axis=1) / (dx * dx).sum(axis=1)
    defined = (count >= 3) & np.isfinite(np.where(inside, curves, 0.0)).all(axis=1)
    return np.where(defined, -slope, np.nan)


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

    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        return float("nan")  # undefined values have no rank
    rx, ry = ranks(x), ranks(y)
    if rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def s_shaped(levels, k, max_rho, standard_errors):
    """Whether the kernels k (R, H) fall in an S against distance: decreasing overall (Spearman rho at
    most max_rho, so a hump is no S) and concave near x_o, then convex further out, each by more than
    `standard_errors` (second differences change sign from − to +)."""
    mean_k, _ = mean_sem(k)
    if not spearman(levels, mean_k) <= max_rho:
        return False
    d2 = k[:, 2:] - 2 * k[:, 1:-1] + k[:, :-2]
    mean, sem = mean_sem(d2)
    concave = np.flatnonzero(mean + standard_errors * sem < 0)
    convex = np.flatnonzero(mean - standard_errors * sem > 0)
    return bool(concave.size and convex.size and concave.min() < convex.max())


def line_fits(levels, rows):
    """Least-squares line of each row against `levels`: (slopes, R²) as lists, R² NaN for a flat row,
    both NaN for a row with a value that is not a finite number. All rows at once, in closed form: the
    slope is the rows' centred values dotted with the centred levels over the levels' sum of squares."""
    levels = np.asarray(levels, np.float64)
    rows = np.asarray(rows, np.float64).reshape(-1, len(levels))
    finite = np.isfinite(rows).all(axis=1)
    rows = np.where(finite[:, None], rows, 0.0)
    centred = levels - levels.mean()
    deviations = rows - rows.mean(axis=1, keepdims=True)
    slopes = deviations @ centred / (centred @ centred)
    variance = rows.var(axis=1)
    with np.errstate(all="ignore"):
        r2 = np.where(variance > 0, 1.0 - (deviations - slopes[:, None] * centred).var(axis=1) / variance, np.nan)
    return np.where(finite, slopes, np.nan).tolist(), np.where(finite, r2, np.nan).tolist()


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


def distance_bins(distance, bins=IMAGE_DISTANCE_BINS):
    """Indices of `bins` equal-count bins of increasing distance, one replica."""
    return np.array_split(np.argsort(distance, kind="mergesort"), bins)


def binned_kernel(distance, kernel, bins=IMAGE_DISTANCE_BINS):
    """Means of (distance, kernel) over `bins` equal-count bins of increasing distance, one replica."""
    groups = distance_bins(distance, bins)
    return np.array([distance[g].mean() for g in groups]), np.array([kernel[g].mean() for g in groups])


def isolated_share(distance, kernel, spread, bins=IMAGE_DISTANCE_BINS):
    """The share of one replica's probe images whose kernel lies farther than `spread` robust standard
    deviations (1.4826 × the median absolute deviation) from its distance bin's median; NaN where a value is
    not finite or a bin's deviation is 0."""
    if not (np.all(np.isfinite(kernel)) and np.all(np.isfinite(distance))):
        return float("nan")
    far = 0
    for group in distance_bins(distance, bins):
        deviation = np.abs(kernel[group] - np.median(kernel[group]))
        scale = 1.4826 * np.median(deviation)
        if not scale > 0:
            return float("nan")
        far += int(np.sum(deviation > spread * scale))
    return far / len(kernel)


# Sets of points (the 2022 paper's Figs. 4-6) ------------------------------------------------------
# Their runs hold step/ntk (R, T, N_o, N), the response at point i to a step on point j in [..., j, i],
# the predictions output (R, T, N) and the points' groups (R, N).


def normalized_self_response(data, point):
    """Δ(x_i, x_i)/(y − f(x_i)) of one point, per replica and epoch, divided by its value at epoch 0: (R, T);
    NaN for a replica whose value at epoch 0 is not a finite number."""
    own = np.asarray(data["step"], dtype=np.float64)[:, :, point, point]
    start = np.where(np.isfinite(own[:, :1]), own[:, :1], np.nan)
    with np.errstate(all="ignore"):
        return own / start


def pair_size_difference(data):
    """The size difference of the normalized responses of x2 and x1, (R, T): > 0 when x2 has aged less."""
    return normalized_self_response(data, 1) - normalized_self_response(data, 0)


def group_trajectories(data):
    """Every replica's mean prediction per group, (R, T, G)."""
    return meanfield.group_means(data["output"], data["group"][0], int(data["group"].max()) + 1)


# Replicas and bootstrap ------------------------------------------------------------------------------

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0
# Fewer replicas have too few distinct resamples for an interval (2 replicas have 3).
BOOTSTRAP_MIN_REPLICAS = 5
# Arrays without a replica axis; every other array's first axis is the replica.
_SHARED = ("epoch", "learning_rate", "kernel_epochs")


def replica_count(data):
    for key in ("step", "ntk", "output", "feature_mean", "f_o"):
        if key in data:
            return len(data[key])
    raise ValueError("no per-replica measurement in the data")


def shell_reduced(data):
    """The data with every per-point kind replaced by its shell means, (R, T, H), and distance by the
    shell levels: what every shell-based check reads, at a fraction of the size. Data whose distances are
    each replica's own (images) or that have no shells (sets of points) come back unchanged."""
    if "distance" not in data or np.ndim(data["distance"]) != 1 or not any(k in data for k in SGD_KINDS):
        return data
    out = dict(data)
    for kind in SGD_KINDS:
        if kind in data and np.ndim(data[kind]) == 3:
            out["distance"], out[kind] = shell_means(data[kind], data["distance"])
    out.pop("probe_x", None)
    return out


def _per_replica(data):
    """The keys of `data` whose first axis is the replicas' (not the shared arrays, nor ensemble summaries
    in loaded files)."""
    r = replica_count(data)

    def per_replica(key, value):
        if key in _SHARED or (key == "distance" and np.ndim(value) == 1):
            return False
        return np.ndim(value) >= 1 and len(value) == r

    return [key for key, value in data.items() if per_replica(key, value)]


def resample_replicas(data, index):
    """The data with its replicas replaced by `index` (drawn with replacement). Arrays whose first axis
    is not the replicas' (shared ones, and ensemble summaries in loaded files) are left as they are."""
    keys = set(_per_replica(data))
    return {key: np.asarray(value)[index] if key in keys else value for key, value in data.items()}


class _Resampled(Mapping):
    """`resample_replicas(data, index)` read lazily, for the bootstrap: a per-replica array (one of `keys`)
    is indexed when a check first reads it, since each check reads a few of the data's arrays."""

    def __init__(self, data, keys, index):
        self._data, self._keys, self._index, self._read = data, keys, index, {}

    def __getitem__(self, key):
        if key not in self._keys:
            return self._data[key]
        if key not in self._read:
            self._read[key] = np.asarray(self._data[key])[self._index]
        return self._read[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


def undefined_replicas(data):
    """Why replicas have numbers that are not defined, as [(reason, mask (R,))] for the reasons that
    apply: a measurement that is not finite, or a response at x_o (or a point's own response at epoch 0)
    of exactly 0, which leaves what is normalized by it (the kernel, the normalized self-response) 0/0."""
    found = []
    non_finite = np.zeros(replica_count(data), bool)
    for key in _per_replica(data):
        values = np.asarray(data[key])
        if np.issubdtype(values.dtype, np.floating):
            non_finite |= ~np.isfinite(values.reshape(len(values), -1)).all(axis=1)
    if non_finite.any():
        found.append(("hold a non-finite measurement", non_finite))
    zero = np.zeros_like(non_finite)
    for kind in SGD_KINDS:
        values = data.get(kind)
        if values is None:
            continue
        if np.ndim(values) == 3 and np.any(np.asarray(data.get("distance", ())) == 0):  # (R, T, P) around x_o
            zero |= (aging(values, data["distance"]) == 0).any(axis=1)
        elif np.ndim(values) == 4:  # (R, T, N, N) over a set of points
            zero |= (np.diagonal(np.asarray(values)[:, 0], axis1=1, axis2=2) == 0).any(axis=1)
    if zero.any():
        found.append(("have a response at x_o (or a point's own at epoch 0) of exactly 0 in float32, which leaves what is normalized by it 0/0", zero))
    return found


def scalars(value):
    """The finite float entries of a measured value (a dict): what gets an interval."""
    return {k: v for k, v in value.items() if isinstance(v, float) and np.isfinite(v) and not isinstance(v, bool)}


def bootstrap_intervals(check, data, params, reference, resamples=BOOTSTRAP_RESAMPLES, seed=BOOTSTRAP_SEED):
    """95% percentile intervals of every finite scalar in a check's value, resampling the replicas of
    the data (and, independently, of the reference) with replacement. {} below BOOTSTRAP_MIN_REPLICAS."""
    r = replica_count(data)
    if r < BOOTSTRAP_MIN_REPLICAS or resamples < 1:
        return {}
    data = shell_reduced(data)
    reference = {label: shell_reduced(d) for label, d in reference.items()} if reference else reference
    rng = np.random.default_rng(seed)
    keys = set(_per_replica(data))
    reference_keys = {label: set(_per_replica(d)) for label, d in reference.items()} if reference else {}
    samples = {}
    for _ in range(resamples):
        resampled = _Resampled(data, keys, rng.integers(0, r, r))
        ref = None
        if reference:
            ref = {label: _Resampled(d, reference_keys[label], rng.integers(0, replica_count(d), replica_count(d))) for label, d in reference.items()}
        with np.errstate(all="ignore"):
            value = check(resampled, params, ref).value
        for key, v in scalars(value).items():
            samples.setdefault(key, []).append(v)
    return {key: [float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))] for key, v in samples.items() if len(v) == resamples}
