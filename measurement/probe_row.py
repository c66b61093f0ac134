"""One measurement of the ResponseProbe as one float32 vector, so that an epoch costs a single copy from
the device: the vector's layout, the history split back out of stored vectors, and the numbers the
epoch logs hold of the values at x_o."""

import numpy as np

from .kinds import LOG_KEYS


def row_layout(parts):
    """[(key, shape, start, stop)] of `parts` [(key, shape)] laid end to end after a leading flag (whether
    the weights and f(x_o) are finite)."""
    layout, at = [], 1
    for key, shape in parts:
        size = int(np.prod(shape))
        layout.append((key, shape, at, at + size))
        at += size
    return layout


def x_o_slices(layout):
    """{logged kind: (start, stop)} of its value at x_o (a point kind's last point) in a vector."""
    return {key: (stop - (stop - start) // shape[0], stop) for key, shape, start, stop in layout if key in LOG_KEYS}


def split_rows(rows, layout, point_kinds):
    """{key: (T, *shape)} of stored vectors (T, size); a point kind k as k (its probe points) and k + "_o"
    (its value at x_o, the last point)."""
    rows = np.asarray(rows, dtype=np.float32).reshape(-1, layout[-1][3])
    out = {}
    for key, shape, start, stop in layout:
        block = rows[:, start:stop].reshape((-1,) + shape)
        if key in point_kinds:
            out[key], out[f"{key}_o"] = block[:, :-1], block[:, -1]
        else:
            out[key] = block
    return out


def logged_value(kind, value, ntk_mode, y_class):
    """The number the epoch logs hold of a value at x_o for O > 1 outputs: the norm of a change; of Θ,
    its trace (Θ_cc of y_o's class `y_class` for ntk_mode "class")."""
    if kind != "ntk":
        return float(np.linalg.norm(value))
    if ntk_mode == "class":
        return float(value[y_class])
    return float(np.trace(value) if value.ndim == 2 else np.sum(value))
