"""Feature statistics: the hidden features F_i(x) that feed a chosen layer (by default the output layer).

Like `training_response.response`, these are pure functions of (function, parameters, inputs), shared
by the ResponseProbe and the ensemble engine.
"""

import keras
import numpy as np
import tensorflow as tf

from .response import inference_call, keras_layers


def feature_layer(model, layer=None):
    """The layer whose input is measured: `layer` (a layer of the model or its name), else the last layer
    of a Sequential or functional model. A subclassed model does not say which of its layers comes
    last, so it needs `layer`."""
    if layer is None:
        if not getattr(model, "inputs", None) or not model.layers:
            raise ValueError(
                f"{type(model).__name__} is a subclassed model, so the probe cannot tell which layer is its last; "
                "pass feature_layer= (the layer whose input are the features, or its name)"
            )
        return model.layers[-1]
    if isinstance(layer, str):
        found = [candidate for candidate in keras_layers(model) if candidate.name == layer]
        if not found:
            names = [candidate.name for candidate in keras_layers(model)]
            raise ValueError(f"feature_layer={layer!r} is not a layer of the model; its layers are {names}")
        return found[0]
    if not any(candidate is layer for candidate in keras_layers(model)):
        raise ValueError(f"feature_layer={layer.name!r} is not a layer of this model; pass one of its layers or a name")
    return layer


def keras_feature_fn(model, layer=None):
    """F(params, x) -> (B, features): the input of `feature_layer(model, layer)`, flattened, in
    inference mode, for `params` all of the model's trainable tensors (as for `keras_output_fn`).

    The input is captured while the whole model runs, which works for Sequential, functional and
    subclassed models alike: Keras calls a layer through its `call` attribute, which is shadowed on the
    instance for the duration of one (traced) forward pass and then removed.
    """
    target = feature_layer(model, layer)

    def features(params, x):
        captured = []
        original = target.call

        def capture(inputs, *args, **kwargs):
            captured.append(inputs)
            return original(inputs, *args, **kwargs)

        state = [v.value for v in model.non_trainable_variables]
        object.__setattr__(target, "call", capture)
        try:
            inference_call(model, params, state, x)
        finally:
            object.__delattr__(target, "call")
        if not captured:
            raise ValueError(f"layer {target.name!r} is not called when the model runs; pass another feature_layer=")
        out = keras.ops.convert_to_tensor(captured[0])
        return tf.reshape(out, [tf.shape(out)[0], -1])

    return features


def check_dead_share(dead_share):
    """`dead_share` as a float, or a ValueError naming it and the valid range [0, 1)."""
    number = isinstance(dead_share, (int, float, np.integer, np.floating)) and not isinstance(dead_share, (bool, np.bool_))
    if not (number and 0 <= dead_share < 1):
        raise ValueError(
            f"dead_share={dead_share!r} must be a number in [0, 1): a feature is dead when it is nonzero on at most "
            "this share of the probe inputs (0: on none of them)"
        )
    return float(dead_share)


def feature_statistics(feature_fn, params, x, dead_share=0.0):
    """⟨F_i⟩ over features and inputs, and the fraction of dead features: those nonzero on at most a share
    `dead_share` (a Python number in [0, 1), checked by the caller) of the inputs of x. With 0, the
    default, a dead feature is 0 on every input.

    The share of a feature's inputs is compared as count / len(x) <= dead_share in float64: the division
    is correctly rounded, so a count exactly at the bound (5 of 100 at 0.05) counts as dead."""
    f = feature_fn(params, x)
    if dead_share == 0:
        dead = tf.reduce_all(tf.equal(f, 0.0), axis=0)
    else:
        active = tf.reduce_sum(tf.cast(tf.not_equal(f, 0.0), tf.int32), axis=0)
        share = tf.cast(active, tf.float64) / tf.cast(tf.shape(f)[0], tf.float64)
        dead = tf.equal(active, 0) | (share <= float(dead_share))
    return {"feature_mean": tf.reduce_mean(f), "dead_fraction": tf.reduce_mean(tf.cast(dead, f.dtype))}
