"""When the probe measures: every epoch, listed epochs, or a fixed log-spaced grid."""

import numpy as np

LOG_POINTS_PER_DECADE = 20


def log_epochs(last, per_decade=LOG_POINTS_PER_DECADE):
    """The fixed grid round(10^(k / per_decade)), k = 0, 1, …, up to `last`, plus `last` itself.

    The grid does not depend on `last`, so runs of different lengths share their measured epochs, and
    1, 10, 100, 1000, … are always on it."""
    last = int(last)
    if last < 1:
        return []
    k = np.arange(int(np.floor(per_decade * np.log10(last) + 1e-9)) + 1)
    grid = np.unique(np.rint(10.0 ** (k / per_decade)).astype(np.int64))
    return sorted({int(e) for e in grid if e <= last} | {last})


def check_epochs(epochs):
    """The schedule argument as given (None, "log") or as sorted whole epoch numbers >= 1."""
    if epochs is None or (isinstance(epochs, str) and epochs == "log"):
        return epochs
    if isinstance(epochs, str):
        raise ValueError(f"epochs={epochs!r} is not a schedule; use None (every epoch), 'log' or a list of epoch numbers")
    values = list(np.atleast_1d(epochs))
    if not values:
        raise ValueError("the epoch schedule is empty; give at least one epoch number, 'log' or None")
    if not all(float(e).is_integer() and e >= 1 for e in values):
        raise ValueError(f"epochs={list(values)} must be whole epoch numbers >= 1 (the start of a fit is always measured)")
    return sorted({int(e) for e in values})


def scheduled(epochs, last):
    """The set of epoch numbers a fit that ends at epoch `last` measures at its epoch ends."""
    if epochs is None:
        return set(range(1, last + 1))
    if epochs == "log":
        return set(log_epochs(last))
    return set(epochs)
