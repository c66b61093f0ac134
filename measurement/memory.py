"""How many probe points, and how many output rows of Θ, go through the measurement at once, so that it
fits in memory whatever the number of points and of outputs."""

import numpy as np

from .model_graph import forward_graph, intermediate_floats
from .response import keras_layers

# Memory one chunk may take. Per (probe point, output row) pair: every activation the measurement keeps
# alive at once, the forward pass, its backward pass and the backward pass of that (Θ's double-backward),
# with XLA's copies. Per output row: the tangent ∇f_a(x_o) and the weight-shaped gradients flowing back
# through it.
CHUNK_BUDGET_BYTES = 2**30
LIVE_COPIES = 8
WEIGHT_COPIES = 4


def activation_size(model, x_o):
    """Floats of all layer outputs for one input; for a model whose layers' outputs Keras does not know (a
    subclassed model), of every tensor one trace of its forward pass at x_o computes."""
    total = 0
    for layer in keras_layers(model) if getattr(model, "inputs", None) else ():
        try:
            outputs = layer.output
        except (AttributeError, ValueError):  # a layer called more than once, or never symbolically
            continue
        for output in outputs if isinstance(outputs, (list, tuple)) else [outputs]:
            total += int(np.prod([d for d in output.shape[1:] if d is not None]))
    return total or max(1, intermediate_floats(forward_graph(model, x_o)))


def plan_chunks(model, x_o, points, rows, probe_batch_size="auto"):
    """(probe points per chunk, output rows per chunk) within CHUNK_BUDGET_BYTES, for `points` points and
    `rows` output rows of Θ (1 without Θ). "auto" takes every row and as many points as then fit (all,
    when they do), else one point and as many rows as fit; a given probe_batch_size keeps its points per
    chunk and takes as many rows as fit beside them. At least one of each."""
    pair = 4 * LIVE_COPIES * activation_size(model, x_o)
    row = 4 * WEIGHT_COPIES * sum(int(np.prod(v.shape)) for v in model.trainable_variables)
    if probe_batch_size == "auto":
        fitting = (CHUNK_BUDGET_BYTES // rows - row) // pair
        if fitting >= 1:
            return int(min(points, fitting)), rows
        probe_batch_size = 1
    return int(probe_batch_size), int(max(1, min(rows, CHUNK_BUDGET_BYTES // (row + probe_batch_size * pair))))
