"""The loss a Keras training step on (x_o, y_o) minimizes, as `Model.compute_loss` builds it: the compiled
loss (or a loss the user names), weighted by x_o's sample or class weight, plus the model's own losses;
and what of it a callback cannot see."""

import keras
import numpy as np
import tensorflow as tf

from .response import inference_call, keras_loss_fn


def weighted_loss_fn(model, loss_fn=None, weight=None):
    """loss(y_true, y_pred) -> scalar: `loss_fn` (a Keras loss or a function of (y_true, y_pred)), else the
    model's compiled loss, averaged over the batch and times `weight` (a number or a variable read at
    each call; None: 1), as Keras weights a sample's loss; None when there is no such loss."""
    if loss_fn is None:
        if getattr(model, "loss", None) is None:
            return None
        base = keras_loss_fn(model)
    else:
        def base(y_true, y_pred):
            return tf.reduce_mean(loss_fn(y_true, y_pred))

    if weight is None:
        return base

    def loss(y_true, y_pred):
        value = base(y_true, y_pred)
        return value * tf.cast(tf.convert_to_tensor(weight), value.dtype)

    return loss


def keras_extra_loss(model, x_o):
    """extra(params, x) -> scalar: the model's own losses at x as Keras' `compute_loss` adds them to the
    compiled loss (`add_loss` terms, activity and weight regularizers), from an inference-mode call;
    None when the model, called on x_o (one input), adds none."""
    state = [v.value for v in model.non_trainable_variables]
    params = [v.value for v in model.trainable_variables]
    if not inference_call(model, params, state, tf.constant(x_o[None]), return_losses=True)[1]:
        return None

    def extra(params, x):
        losses = inference_call(model, params, state, x, return_losses=True)[1]
        return tf.add_n([tf.reduce_sum(tf.cast(loss, tf.float32)) for loss in losses])

    return extra


def class_of(y_o):
    """y_o's class as Keras' `class_weight` reads a target: the argmax of a vector, else the rounded number."""
    y = np.asarray(y_o, dtype=np.float64).reshape(-1)
    return int(np.argmax(y)) if y.size > 1 else int(np.round(y[0]))


def own_training_step(model):
    """The name of the Model method through which the model trains on a loss of its own making
    ("train_step" or "compute_loss" overridden), or None when Keras' own step computes the loss."""
    for name in ("train_step", "compute_loss"):
        if getattr(type(model), name) is not getattr(keras.Model, name):
            return name
    return None


def no_loss(y_true, y_pred):
    """The loss of a model that trains on its own losses (`model.losses`) alone."""
    return tf.zeros((), y_pred.dtype)


def scales_loss(optimizer):
    """Whether a training step multiplies its loss by a scale before taking gradients (mixed precision)."""
    return isinstance(optimizer, keras.optimizers.LossScaleOptimizer) or getattr(optimizer, "loss_scale_factor", None) is not None
