"""The FLOP model of the engine's work, counted naively from the network's layers, and this machine's
float32 matmul rate to set the engine's FLOP rate against."""

import json
import math

import keras
import tensorflow as tf

from training_response.response import keras_layers
from ..timing import seconds_of_calls
from .fresh_process import in_fresh_process

_WEIGHTED_LAYERS = (keras.layers.Dense, keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D)


def forward_flop(model):
    """F: the FLOPs of one forward pass on one input point, counted naively as 2 × the multiply-adds of every
    Dense and ConvND layer (nested models' included): each output value takes one multiply-add per kernel
    weight feeding it, Dense in × out, ConvND output positions × prod(kernel_size) × in_channels × filters.
    Biases, activations and the other layers are left out."""
    multiply_adds = 0
    for layer in keras_layers(model):
        if isinstance(layer, _WEIGHTED_LAYERS):
            # A kernel (..., in, out) is applied once at each output position: output values / out of them.
            positions = math.prod(layer.output.shape[1:]) // layer.kernel.shape[-1]
            multiply_adds += positions * math.prod(layer.kernel.shape)
    return 2 * multiply_adds


def flop_per_replica_epoch(model, probe_points, probed_share=1.0):
    """Naive FLOPs of one replica-epoch with the probe kinds "step" and "ntk", from F = forward_flop(model),
    N = the trainable parameter count and P = probe_points: the training step 3F (forward and backward), and
    per measured epoch P × (3F + 2N) (each point's Jacobian ≈ 2F, its product with J(x_o) 2N, a forward at the
    stepped weights F), times `probed_share`, the measured epochs per epoch (1 for the probe at every epoch;
    the measurement at epoch 0 is left out)."""
    forward = forward_flop(model)
    parameters = sum(math.prod(v.shape) for v in model.trainable_variables)
    return 3 * forward + probed_share * probe_points * (3 * forward + 2 * parameters)


def gflop_per_second(flop, seconds):
    return flop / seconds / 1e9


def _matmul_child(size, repeats):
    """Prints the best of `repeats` timed size × size float32 products in GFLOP/s (2 size³ FLOPs each) after
    a warm-up product."""
    a, b = (tf.random.stateless_uniform((size, size), seed=(0, i)) for i in range(2))

    def product(_):
        tf.matmul(a, b)[0, 0].numpy()  # reading one entry waits for the product without copying it out

    product(0)
    print(json.dumps(gflop_per_second(2 * size**3, min(seconds_of_calls(product, repeats)))))


def matmul_gflops(size=2048, repeats=5):
    """This machine's float32 matmul rate in GFLOP/s, measured in a fresh process with TensorFlow's
    default threads (all cores): the command line runs its own ops on one thread each."""
    return float(in_fresh_process(_matmul_child, size, repeats))
