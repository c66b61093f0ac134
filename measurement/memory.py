"""How many probe points go through the measurement at once, so that it fits in memory."""

import numpy as np

from .response import keras_layers

# Activation memory one chunk may take, over every pass the measurement keeps alive at once: the
# forward pass, its backward pass and the backward pass of that (Θ's double-backward), with XLA's copies.
CHUNK_BUDGET_BYTES = 2**30
LIVE_COPIES = 8
UNKNOWN_MODEL_CHUNK = 64


def activation_size(model):
    """Floats of all layer outputs for one input, or None when Keras cannot tell (a subclassed model)."""
    if not getattr(model, "inputs", None):
        return None
    total = 0
    for layer in keras_layers(model):
        try:
            outputs = layer.output
        except (AttributeError, ValueError):  # a layer called more than once, or never symbolically
            continue
        for output in outputs if isinstance(outputs, (list, tuple)) else [outputs]:
            total += int(np.prod([d for d in output.shape[1:] if d is not None]))
    return total or None


def auto_chunk(model, points):
    """All `points` at once when their activations fit CHUNK_BUDGET_BYTES, else as many as fit (at least 1);
    UNKNOWN_MODEL_CHUNK when the model does not say how large its activations are."""
    size = activation_size(model)
    if size is None:
        return min(points, UNKNOWN_MODEL_CHUNK)
    return int(max(1, min(points, CHUNK_BUDGET_BYTES // (4 * LIVE_COPIES * size))))
