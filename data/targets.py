"""Target encodings: the sequence of targets y_t that training sees at steps t = 1..T.

Every encoding is a pure function of (y_o, steps, rng, parameters), so a replica's training stream is
fixed by its seed and can be replayed exactly by another training path.
"""

import numpy as np


def deterministic(y_o, steps, rng):
    """The same target at every step."""
    return np.full(steps, y_o, dtype=np.float32)


def bernoulli(y_o, steps, rng, *, p1):
    """A fresh binary target at every step with p(y = 1) = p1 (the 2022 paper's encoding p(y)); y_o is unused."""
    if not 0.0 <= p1 <= 1.0:
        raise ValueError(f"p1={p1} is not a probability; use 0 <= p1 <= 1")
    return (rng.random(steps) < p1).astype(np.float32)


def label_noise(y_o, steps, rng, *, p):
    """The binary target y_o, flipped to 1 - y_o independently at each step with probability p."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p={p} is not a probability; use 0 <= p <= 1")
    flip = rng.random(steps) < p
    return np.where(flip, 1.0 - y_o, y_o).astype(np.float32)


ENCODINGS = {"deterministic": deterministic, "bernoulli": bernoulli, "label_noise": label_noise}

# How the training point's own target y_o is drawn: a random binary encoding, or a regression target.
POINT_TARGETS = ("binary", "regression", "one", "zero")


def draw_point_target(kind, rng):
    """y_o for a training point: 0 or 1 with equal odds ("binary"), uniform in (0, 1) ("regression"),
    or always 1 ("one", the 2024 paper's Fig. 7) or 0 ("zero", the 2022 paper's Fig. 7)."""
    if kind in ("one", "zero"):
        return 1.0 if kind == "one" else 0.0
    if kind == "binary":
        return float(rng.integers(0, 2))
    if kind == "regression":
        # Open interval: a target of exactly 0 or 1 would be a binary problem again.
        y = 0.0
        while y == 0.0:
            y = float(rng.random())
        return y
    raise ValueError(f"unknown point target {kind!r}; use one of {list(POINT_TARGETS)}")


def target_stream(encoding, y_o, steps, rng, **params):
    """Targets for `steps` training steps under `encoding` (a name in ENCODINGS) and its parameters."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; use one of {sorted(ENCODINGS)}")
    if not np.isfinite(y_o):
        raise ValueError(f"y_o={y_o} is not finite; give a finite target")
    return ENCODINGS[encoding](float(y_o), int(steps), np.random.default_rng(rng), **params)
