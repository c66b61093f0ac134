"""Bit strings, Hamming distances and Hamming shells.

Bits are ±1 by default (the 2024 paper's "series of +1 and -1"); 0/1 strings work everywhere too.
A bit string may have any shape: shells flip entries of its flattened view and keep the shape.
"""

import functools
import itertools
import math

import numpy as np

BIT_VALUES = {"pm1": (-1.0, 1.0), "01": (0.0, 1.0)}

# Above this many members a shell is sampled by rejection instead of enumerated, so that
# sampling a few points from a 16-bit or 784-bit shell never builds the whole shell.
_ENUMERATE_LIMIT = 200_000


def random_bits(n, size=None, *, values="pm1", rng=None):
    """Uniform random bit strings of length `n` (shape `size + (n,)`) as float32."""
    if values not in BIT_VALUES:
        raise ValueError(f"values={values!r} is not a bit encoding; use one of {sorted(BIT_VALUES)}")
    if int(n) < 1:
        raise ValueError(f"n={n} bits is too few; use n >= 1")
    rng = np.random.default_rng(rng)
    shape = (int(n),) if size is None else tuple(np.atleast_1d(size)) + (int(n),)
    lo, hi = BIT_VALUES[values]
    return np.where(rng.integers(0, 2, size=shape) == 1, hi, lo).astype(np.float32)


def bit_values(x):
    """The (low, high) pair a bit string uses, or None when `x` is not a bit string."""
    present = set(np.unique(np.asarray(x, dtype=np.float64)).tolist())
    for lo, hi in BIT_VALUES.values():
        if present <= {lo, hi}:
            return lo, hi
    return None


def is_bit_string(x):
    return np.asarray(x).size > 0 and bit_values(x) is not None


def hamming_distance(a, b):
    """Number of differing entries between `a` (..., shape) and `b` (shape), over the last axes of `b`'s rank."""
    a = np.asarray(a)
    b = np.asarray(b)
    axes = tuple(range(a.ndim - b.ndim, a.ndim))
    return np.sum(a != b, axis=axes).astype(np.int64)


def _flip(x_flat, positions, lo, hi):
    out = np.repeat(x_flat[None], len(positions), axis=0)
    if len(positions) and len(positions[0]):
        rows = np.repeat(np.arange(len(positions)), len(positions[0]))
        cols = np.asarray(positions, dtype=np.int64).reshape(-1)
        out[rows, cols] = lo + hi - out[rows, cols]
    return out


@functools.lru_cache(maxsize=64)
def _combinations(n, h):
    """Every choice of h of n positions, in lexicographic order. Kept: a run draws the shells of every
    replica from the same few lists (docs/cost.md)."""
    return tuple(itertools.combinations(range(n), h))


def shell(x, h, samples=None, *, rng=None):
    """The bit strings at Hamming distance `h` from `x`.

    The whole shell (C(n, h) members, in lexicographic order of the flipped positions) when `samples`
    is None or at least its size; otherwise `samples` members drawn uniformly without replacement.
    """
    x = np.asarray(x, dtype=np.float32)
    values = bit_values(x)
    if values is None:
        raise ValueError("Hamming shells need a bit string (all entries ±1 or all 0/1); got other values")
    n = x.size
    h = int(h)
    if not 0 <= h <= n:
        raise ValueError(f"Hamming distance {h} is outside 0..{n} for a {n}-bit string")
    if samples is not None and int(samples) < 1:
        raise ValueError(f"samples={samples} must be a positive number of shell members (or None for all)")
    size = math.comb(n, h)
    if samples is None or int(samples) >= size:
        positions = _combinations(n, h)
    else:
        rng = np.random.default_rng(rng)
        k = int(samples)
        if size <= _ENUMERATE_LIMIT:
            every = _combinations(n, h)
            positions = [every[i] for i in np.sort(rng.choice(size, size=k, replace=False))]
        else:
            chosen = set()
            while len(chosen) < k:
                chosen.add(tuple(sorted(rng.choice(n, size=h, replace=False).tolist())))
            positions = sorted(chosen)
    return _flip(x.reshape(-1), positions, *values).reshape((len(positions),) + x.shape)


def shells(x, distances=True, samples_per_shell=None, *, seed=0):
    """Probe points in Hamming shells around `x`: (points (P, *x.shape), distance (P,)).

    `distances=True` takes every distance 0..n; a list takes those. Each shell is whole when it has at
    most `samples_per_shell` members (or when that is None), else sampled without replacement.
    """
    x = np.asarray(x, dtype=np.float32)
    n = x.size
    if distances is True:
        distances = range(n + 1)
    distances = [int(h) for h in np.atleast_1d(distances)]
    if not distances:
        raise ValueError("no Hamming distances given; pass shells=True or a non-empty list of distances")
    rng = np.random.default_rng(seed)
    points, dist = [], []
    for h in distances:
        members = shell(x, h, samples_per_shell, rng=rng)
        points.append(members)
        dist.append(np.full(len(members), h, dtype=np.int64))
    return np.concatenate(points), np.concatenate(dist)
