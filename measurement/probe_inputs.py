"""The probe's inputs checked before anything is measured: x_o, y_o and the kinds asked for, the user's
model (built, one input and one output tensor, a loss that takes y_o) and the arguments of the running
`model.fit` call. Each refusal is a ValueError that names the problem and the fix."""

import sys

import numpy as np
import tensorflow as tf

from .kinds import PROBE_KINDS, STEPPED_KINDS
from .response import inference_call, inference_mode
from .training_loss import keras_extra_loss, weighted_loss_fn


def check_target(y_o):
    try:
        target = np.asarray(y_o, dtype=np.float32)
    except (TypeError, ValueError):
        target = None
    if target is None or target.size == 0 or not np.all(np.isfinite(target)):
        raise ValueError(f"y_o={y_o!r} must be finite numbers: the target of x_o as the model's loss takes it")
    return target


def check_kinds(kinds):
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = [k for k in kinds if k not in PROBE_KINDS]
    if unknown or not kinds:
        raise ValueError(f"unknown kind(s) {unknown or list(kinds)}; choose from {list(PROBE_KINDS)}")
    return tuple(k for k in PROBE_KINDS if k in kinds)


def check_x_o(x_o, probe_x):
    """x_o as float32, after checking that it is one numeric input (probe points with it name its shape)."""
    raw = np.asarray(x_o)
    if raw.dtype.kind in "USO":
        raise ValueError(
            f"x_o is text or objects (dtype {raw.dtype}); the probe differentiates the model at numeric inputs: "
            "turn text into numbers outside the model (e.g. TextVectorization in the data pipeline) and pass x_o as token ids"
        )
    if probe_x is not None:
        shape = np.shape(probe_x)
        if raw.ndim >= 1 and len(shape) == raw.ndim and shape[1:] == raw.shape[1:]:
            raise ValueError(
                f"x_o has shape {raw.shape}, with a batch axis like probe_x {shape}; x_o is one input: pass x_o[0] "
                f"(shape {raw.shape[1:]})"
            )
    try:
        return raw.astype(np.float32)
    except (TypeError, ValueError) as error:
        raise ValueError(f"x_o must be one numeric input: {error}") from None


def fit_arguments(model):
    """The arguments of the `model.fit` call that runs the callbacks ({} from a loop of the user's own):
    its class_weight and sample_weight are part of the loss, but Keras hands callbacks neither."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "fit" and frame.f_locals.get("self") is model:
            return frame.f_locals
        frame = frame.f_back
    return {}


def build_if_unbuilt(model, x_o):
    """Builds a model Keras has not built yet (a subclassed model before its first batch: fit builds it
    inside its first training step) by calling it on x_o in inference mode, as that step would. The
    values of the variables it already had (seed generators' states) are put back, so that training
    draws the same numbers as without the probe."""
    if model.built:
        return
    existing = list(model.variables)
    values = [v.numpy() for v in existing]
    try:
        model(tf.constant(x_o[None]), **inference_mode(model))
    except Exception as error:  # a model that cannot take x_o at all is the caller's input problem
        raise ValueError(f"the model cannot be applied to x_o of shape {x_o.shape} (one input, without the batch axis): {error}") from error
    for variable, value in zip(existing, values):
        variable.assign(value)


def check_model(model, x_o, y_o, kinds, loss_fn=None):
    """The model's number of outputs O, after checking that it takes x_o and its loss takes y_o."""
    inputs = getattr(model, "inputs", None)
    if inputs:
        if len(inputs) != 1:
            raise ValueError("the model has several inputs; the probe needs a model with one input")
        expected = tuple(inputs[0].shape[1:])
        if x_o.ndim == len(expected) + 1 and x_o.shape[0] == 1 and _fits(x_o.shape[1:], expected):
            raise ValueError(f"x_o has shape {x_o.shape}, with a batch axis; pass one input of shape {x_o.shape[1:]} (x_o[0])")
        if not _fits(x_o.shape, expected):
            raise ValueError(f"x_o has shape {x_o.shape} but the model takes inputs of shape {expected}; reshape x_o to match")
    try:
        params = [v.value for v in model.trainable_variables]
        out = inference_call(model, params, [v.value for v in model.non_trainable_variables], tf.constant(x_o[None]))
    except Exception as error:  # a model that cannot take x_o at all is the caller's input problem
        raise ValueError(f"the model cannot be applied to x_o of shape {x_o.shape} (one input, without the batch axis): {error}") from error
    if isinstance(out, (list, tuple, dict)):
        raise ValueError("the model has several output tensors; the probe needs a model with one output tensor")
    outputs = int(np.prod(out.shape[1:]))
    if getattr(model, "optimizer", None) is None:
        raise ValueError("the model has no optimizer; compile it (e.g. model.compile(keras.optimizers.SGD(0.1), 'mse'))")
    if any(k in kinds for k in STEPPED_KINDS):
        if outputs == 1 and y_o.size != 1:
            raise ValueError(f"y_o has {y_o.size} values but the model has one output; pass one number")
        loss_fn = weighted_loss_fn(model, loss_fn)
        if loss_fn is None:
            if keras_extra_loss(model, x_o) is None:
                raise ValueError(
                    "the model has no compiled loss (does its train_step compute its own?); pass loss_fn= (the loss it "
                    "trains on, as loss(y_true, y_pred)) to measure \"step\" and \"optimizer_step\", or measure \"ntk\" and \"output\" only"
                )
            return outputs
        try:
            float(loss_fn(tf.reshape(tf.constant(y_o), [1, -1]), tf.reshape(out, [1, -1])))
        except Exception as error:  # the loss's own complaint, about the caller's y_o
            raise ValueError(f"the model's loss cannot take y_o={y_o.tolist()!r} for an output of {outputs} values: {error}") from None
    return outputs


def _fits(shape, expected):
    return len(shape) == len(expected) and all(e is None or e == s for e, s in zip(expected, shape))
