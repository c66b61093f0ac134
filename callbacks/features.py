"""Feature statistics: the hidden features F_i(x) that feed a model's output layer, summarized.

Like `training_response.response`, these are pure functions of (function, parameters, inputs), shared by the
ResponseProbe and the ensemble engine.
"""

import keras
import tensorflow as tf


def keras_feature_fn(model):
    """F(params, x) -> (B, features): the input of the model's last layer, flattened, in inference mode.

    `params` are all of the model's trainable tensors (as for `keras_output_fn`); the ones the feature
    layers do not use are ignored.
    """
    if not getattr(model, "inputs", None) or len(model.layers) < 2:
        raise ValueError("feature statistics need a functional or Sequential model with an Input and a hidden layer")
    sub = keras.Model(model.inputs, model.layers[-1].input)
    positions = {id(v): i for i, v in enumerate(model.trainable_variables)}
    used = [positions[id(v)] for v in sub.trainable_variables]

    def features(params, x):
        state = [v.value for v in sub.non_trainable_variables]
        out, _ = sub.stateless_call([params[i] for i in used], state, x, training=False)
        return tf.reshape(out, [tf.shape(out)[0], -1])

    return features


def feature_statistics(feature_fn, params, x):
    """⟨F_i⟩ over features and inputs, and the fraction of features that are 0 on every input of x."""
    f = feature_fn(params, x)
    dead = tf.reduce_all(tf.equal(f, 0.0), axis=0)
    return {"feature_mean": tf.reduce_mean(f), "dead_fraction": tf.reduce_mean(tf.cast(dead, f.dtype))}
