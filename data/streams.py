"""Training streams whose inputs change from step to step (the 2024 paper's "random training")."""

import numpy as np

from .bits import random_bits


def random_training(x_o, y_o, steps, rng, *, p_fixed=0.0, values="pm1", clean_after=None):
    """A fresh uniform random bit string and binary target at every step; with probability p_fixed a
    step trains on the fixed pair (x_o, y_o) instead, and from step `clean_after` on (if given) every step
    does. Returns inputs (steps, *x_o.shape), targets (steps,)."""
    if not 0.0 <= p_fixed <= 1.0:
        raise ValueError(f"p_fixed={p_fixed} is not a probability; use 0 <= p_fixed <= 1")
    if clean_after is not None and not 0 <= clean_after <= steps:
        raise ValueError(f"clean_after={clean_after} is not a step of the {steps}; use 0 <= clean_after <= {steps}")
    rng = np.random.default_rng(rng)
    x_o = np.asarray(x_o, np.float32)
    inputs = random_bits(x_o.size, size=steps, values=values, rng=rng).reshape((steps,) + x_o.shape)
    targets = rng.integers(0, 2, size=steps).astype(np.float32)
    fixed = rng.random(steps) < p_fixed
    if clean_after is not None:
        fixed[clean_after:] = True
    inputs[fixed] = x_o
    targets[fixed] = y_o
    return inputs, targets
