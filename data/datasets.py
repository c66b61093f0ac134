"""Training sets of several bit strings (the 2022 paper's Figs. 4-6) and the streams they feed.

A dataset here is points X (N, n), their targets y (N,) and a group id per point. How training draws
from it is a stream of steps: inputs (S, B, n) and targets (S, B), B examples per SGD step.
"""

from math import comb

import numpy as np

from .bits import BIT_VALUES, _flip, hamming_distance, random_bits


def at_distance(x, distance, rng, *, values="pm1"):
    """A bit string at exactly `distance` bit flips from x, the flipped positions drawn uniformly."""
    x = np.asarray(x, np.float32)
    if not 0 <= distance <= x.size:
        raise ValueError(f"distance={distance} is not between 0 and the string length {x.size}")
    positions = np.random.default_rng(rng).choice(x.size, size=int(distance), replace=False)
    return _flip(x.reshape(-1), [positions], *BIT_VALUES[values])[0].reshape(x.shape)


def in_ball(center, radius, rng, *, values="pm1"):
    """A bit string drawn uniformly from the Hamming ball of `radius` around center: the distance k
    with probability ∝ C(n, k), then k positions uniformly."""
    rng = np.random.default_rng(rng)
    n = np.asarray(center).size
    weights = np.array([comb(n, k) for k in range(int(radius) + 1)], dtype=np.float64)
    k = rng.choice(len(weights), p=weights / weights.sum())
    return at_distance(center, k, rng, values=values)


def two_points(n_bits, distance, rng, *, values="pm1"):
    """x1 uniform, x2 at exactly `distance` bit flips from it: (2, n_bits)."""
    rng = np.random.default_rng(rng)
    x1 = random_bits(n_bits, values=values, rng=rng)
    return np.stack([x1, at_distance(x1, distance, rng, values=values)])


def grouped_points(n_bits, groups, rng, *, values="pm1", max_draws=10_000):
    """Distinct points in groups: each group {"size", "target"} and optionally "radius", which puts
    its points uniformly in the Hamming ball of that radius around one center shared by all localized
    groups (so points of groups with radii r1, r2 are at most r1 + r2 apart); groups without a radius
    are uniform over all strings. Returns X (N, n_bits), y (N,), group (N,) in group order."""
    rng = np.random.default_rng(rng)
    center = random_bits(n_bits, values=values, rng=rng)
    points, targets, ids, seen = [], [], [], set()
    for g, spec in enumerate(groups):
        if int(spec["size"]) < 1:
            raise ValueError(f"group {g} has size {spec['size']}; every group needs at least one point")
        for _ in range(int(spec["size"])):
            for _ in range(max_draws):
                if spec.get("radius") is None:
                    x = random_bits(n_bits, values=values, rng=rng)
                else:
                    x = in_ball(center, spec["radius"], rng, values=values)
                if x.tobytes() not in seen:
                    break
            else:
                raise ValueError(f"group {g} cannot hold {spec['size']} distinct points; enlarge its radius")
            seen.add(x.tobytes())
            points.append(x)
            targets.append(float(spec["target"]))
            ids.append(g)
    return np.stack(points), np.asarray(targets, np.float32), np.asarray(ids, np.int64)


def max_pairwise_distance(points):
    """The largest Hamming distance between any two of the points."""
    points = np.asarray(points)
    return max((int(hamming_distance(points[i], points[j])) for i in range(len(points)) for j in range(i)), default=0)


def mixture_stream(points, alpha, steps, rng):
    """One example per step: point 1 with probability alpha, else point 0 (the two-point distribution
    ((1 − α) δ(x1) + α δ(x2))). Returns inputs (steps, 1, n) and the drawn point indices (steps,)."""
    if not 0.0 <= alpha <= 1.0 or not np.isfinite(alpha):
        raise ValueError(f"alpha={alpha} is not a probability; use 0 <= alpha <= 1")
    which = (np.random.default_rng(rng).random(steps) < alpha).astype(np.int64)
    return np.asarray(points, np.float32)[which][:, None], which


def full_batch_stream(points, targets, steps, batch_size=32):
    """Keras' fit on a dataset of N points with batch_size: one epoch is ceil(N / batch_size) steps.
    Only datasets that fit one batch are streamed here (one step per epoch, every point in it), so the
    order within the batch does not matter. Returns inputs (steps, N, n), targets (steps, N)."""
    points = np.asarray(points, np.float32)
    if len(points) > batch_size:
        raise ValueError(f"{len(points)} points do not fit one batch of {batch_size}; use at most {batch_size} points")
    return (
        np.broadcast_to(points, (steps,) + points.shape),
        np.broadcast_to(np.asarray(targets, np.float32), (steps, len(points))),
    )


def shuffled_batch_stream(points, targets, epochs, batch_size, rng=None):
    """Keras' model.fit(points, targets, batch_size=batch_size, shuffle=True) for `epochs` epochs: each
    epoch a new order of the N points drawn from rng, cut into N / batch_size steps of batch_size points,
    so that every point is stepped on once per epoch. batch_size must divide N (Keras' last, smaller batch
    would make the steps' batches unequal). With batch_size >= N it is full_batch_stream (one step per
    epoch) and draws nothing from rng. Returns inputs (epochs·k, B, n), targets (epochs·k, B) for
    k = N / B steps per epoch, epoch e's steps at rows e·k .. e·k + k − 1."""
    points = np.asarray(points, np.float32)
    targets = np.asarray(targets, np.float32)
    n_points, batch_size = len(points), int(batch_size)
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size}; a batch holds at least one point")
    if batch_size >= n_points:
        return full_batch_stream(points, targets, epochs, batch_size)
    if n_points % batch_size:
        divisors = [d for d in range(1, n_points + 1) if n_points % d == 0]
        raise ValueError(
            f"batch_size={batch_size} does not divide the {n_points} points (the last batch of an epoch would be "
            f"smaller); use a divisor of {n_points} ({', '.join(map(str, divisors))}) or at least {n_points}"
        )
    if rng is None:
        raise ValueError("a stream of shuffled batches needs an rng to draw each epoch's order from")
    rng = np.random.default_rng(rng)
    order = np.stack([rng.permutation(n_points) for _ in range(int(epochs))]) if epochs else np.zeros((0, n_points), np.int64)
    steps = int(epochs) * (n_points // batch_size)
    return (
        points[order].reshape((steps, batch_size) + points.shape[1:]),
        targets[order].reshape(steps, batch_size),
    )
