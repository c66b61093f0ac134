"""What a Keras model computes, read from one trace of its forward pass rather than from its layer list:
the TensorFlow ops it runs (the XLA rule) and the floats of its intermediate tensors (the memory plan).

A trace sees every op, whether it comes from a top-level layer, a layer nested in a custom Layer, a
TimeDistributed wrapper, a nested model or a user's own `tf.nn` call.
"""

import numpy as np
import tensorflow as tf

from .response import inference_call

# Ops measured with TensorFlow's own kernels rather than XLA's. Max-pooling: XLA's gradient of a pooling
# window breaks ties between equal entries (common on images, whose pixels repeat) differently from
# TensorFlow's, which moved Θ by ~4e-4 relative on Keras' MNIST convnet, in reverse and forward mode alike,
# while TensorFlow's kernels agree with a float64 ground truth to 1e-7 and with the training step Keras
# takes. (A global max is a reduction whose gradient TensorFlow writes as ordinary ops, which XLA compiles
# to the same numbers.) Convolutions are exact under XLA, but its CPU kernels take about twice as long on
# small shapes.
NOT_UNDER_XLA_OPS = frozenset({
    "Conv", "Conv2D", "Conv3D", "DepthwiseConv2dNative", "Conv2DBackpropInput", "Conv3DBackpropInputV2",
    "MaxPool", "MaxPoolV2", "MaxPool3D", "MaxPoolWithArgmax",
})


def example_input(model, x=None):
    """A TensorSpec of a batch of inputs of any size: shaped like `x` (one input, no batch axis) when given,
    else like the model's declared input."""
    shape = tuple(np.shape(x)) if x is not None else tuple(model.inputs[0].shape[1:])
    return tf.TensorSpec((None,) + shape, tf.float32)


def forward_graph(model, x=None):
    """The graph of the model's inference-mode output at a batch of inputs (see `example_input`)."""
    state = [v.value for v in model.non_trainable_variables]
    params = [v.value for v in model.trainable_variables]
    fn = tf.function(lambda inputs: inference_call(model, params, state, inputs))
    return fn.get_concrete_function(example_input(model, x)).graph


def op_types(graph):
    """The op types of a graph, those inside its functions (loop bodies, branches) included."""
    graph_def = graph.as_graph_def()
    types = {node.op for node in graph_def.node}
    for function in graph_def.library.function:
        types.update(node.op for node in function.node_def)
    return types


def measure_under_xla(model, x=None):
    """Whether the measurement of `model` is XLA-compiled: yes, unless its forward pass runs an op of
    NOT_UNDER_XLA_OPS. A model that cannot be traced this way is measured on TensorFlow's kernels."""
    try:
        return not (op_types(forward_graph(model, x)) & NOT_UNDER_XLA_OPS)
    except Exception:  # noqa: BLE001 — a model we cannot inspect gets the exact kernels, never an error
        return False


def intermediate_floats(graph):
    """Floating-point values per input of every tensor of the graph that has the batch axis (the ops of
    loop bodies counted once; weights and constants, which have none, left out): what the forward pass
    keeps alive for a backward pass."""
    total = 0
    for op in graph.get_operations():
        for tensor in op.outputs:
            shape = tensor.shape.as_list() if tensor.shape.rank else None
            if tensor.dtype.is_floating and shape and shape[0] is None and None not in shape[1:]:
                total += int(np.prod(shape[1:]))
    return total
