"""Feature statistics: the hidden features F_i(x) that feed a chosen layer (by default the output layer).

Like `training_response.response`, these are pure functions of (function, parameters, inputs), shared
by the ResponseProbe and the ensemble engine.
"""

import keras
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


def feature_statistics(feature_fn, params, x):
    """⟨F_i⟩ over features and inputs, and the fraction of features that are 0 on every input of x."""
    f = feature_fn(params, x)
    dead = tf.reduce_all(tf.equal(f, 0.0), axis=0)
    return {"feature_mean": tf.reduce_mean(f), "dead_fraction": tf.reduce_mean(tf.cast(dead, f.dtype))}
