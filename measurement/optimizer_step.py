"""One step of a model's own optimizer, taken and undone inside a measurement.

Keras' `optimizer.stateless_apply` is refused on the TensorFlow backend, so the probe takes the real
step, with the optimizer's current state (moments, iteration count, learning-rate schedule, weight
decay, momentum), reads the stepped weights, and assigns every weight and every optimizer variable its
value from before the step. Assignment of the saved values is exact, so training goes on bit for bit
as it would have without the probe (tested).
"""

import keras
import tensorflow as tf


def optimizer_update(model):
    """update(params, grads) -> params' with the model's optimizer, for `measure(updates=...)`; `params`
    must be the current values of `model.trainable_variables`. Call it inside a tf.function, where the
    step and its undoing run in program order."""
    optimizer = model.optimizer
    variables = list(model.trainable_variables)

    def update(params, grads):
        saved = [tf.identity(v.value) for v in optimizer.variables]
        optimizer.apply(grads, variables)
        stepped = [tf.identity(v.value) for v in variables]
        for variable, value in zip(variables, params):
            variable.assign(value)
        for variable, value in zip(optimizer.variables, saved):
            variable.assign(value)
        return stepped

    return update


def is_plain_sgd(optimizer):
    """Whether the optimizer's step is the papers' w − η∇L: SGD without momentum, weight decay, clipping,
    moving averages or gradient accumulation."""
    return (
        type(optimizer) is keras.optimizers.SGD
        and not optimizer.momentum
        and not optimizer.nesterov
        and not optimizer.weight_decay
        and optimizer.clipnorm is None
        and optimizer.clipvalue is None
        and optimizer.global_clipnorm is None
        and not optimizer.use_ema
        and not optimizer.gradient_accumulation_steps
    )
