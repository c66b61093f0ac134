"""The probe points around x_o and their distances from it."""

import numpy as np

from .data import bits


def probe_distance(x_o, probe_x):
    """Hamming distance when x_o and the probe points together use just two bit values, else mean |x − x_o|."""
    if bits.is_bit_string(np.concatenate([x_o.ravel(), probe_x.ravel()])):
        return bits.hamming_distance(probe_x, x_o)
    return np.mean(np.abs(probe_x - x_o[None]).reshape(len(probe_x), -1), axis=1)


def probe_points(x_o, probe_x, shells, samples_per_shell, seed):
    """(probe points (P, ...), distance (P,)) from explicit points or Hamming shells around x_o."""
    if (probe_x is None) == (shells is None or shells is False):
        raise ValueError("give exactly one of probe_x (explicit probe points) or shells (Hamming shells around x_o)")
    if probe_x is None:
        if not bits.is_bit_string(x_o):
            raise ValueError("shells need a bit-string x_o (all entries ±1 or all 0/1); pass probe_x for other inputs")
        return bits.shells(x_o, shells, samples_per_shell, seed=seed)
    probe_x = np.asarray(probe_x, dtype=np.float32)
    if probe_x.ndim < 1 or probe_x.shape[1:] != x_o.shape or len(probe_x) == 0:
        raise ValueError(f"probe_x has shape {probe_x.shape}; it must be (P, {', '.join(map(str, x_o.shape))}) with P >= 1, like x_o")
    if not np.all(np.isfinite(probe_x)):
        raise ValueError("probe_x holds NaN or infinite values; probe points must be finite inputs")
    return probe_x, probe_distance(x_o, probe_x)
