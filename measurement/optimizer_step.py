"""One step of a model's own optimizer, taken and undone inside a measurement.

Keras' `optimizer.stateless_apply` is refused on the TensorFlow backend, so the probe takes the real
step, with the optimizer's current state (moments, iteration count, learning-rate schedule, weight
decay, momentum), reads the stepped weights, and assigns every weight and every optimizer variable its
value from before the step. Assignment of the saved values is exact, so training goes on bit for bit
as it would have without the probe (tested).

The step is the one `optimizer.apply` takes, so loss-scale un-scaling (LossScaleOptimizer), gradient
clipping, weight decay, constraints, sparse updates of IndexedSlices and moving averages (EMA, with its
overwriting of the weights when that iteration comes) are all as in training. Gradient accumulation
(`gradient_accumulation_steps=k`) is the exception that needs a definition, since most of its steps move
no weight: the record is the update one full accumulated step on (x_o, y_o) would make, that is the
optimizer's next update step if every micro-batch of its cycle were (x_o, y_o): the accumulators hold
k − 1 copies of the gradient and the iteration count is the cycle's last when the step is applied.
"""

import keras
import tensorflow as tf

from .response import dense


def optimizer_update(model):
    """update(params, grads) -> params' with the model's optimizer, for `measure(updates=...)`; `params`
    must be the current values of `model.trainable_variables`. Call the update inside a tf.function, where
    the step and its undoing run in program order."""
    optimizer = model.optimizer
    variables = list(model.trainable_variables)
    if not optimizer.built:
        # Built now, as its first `apply` in training would build it, so that the function below finds every
        # variable it must restore (and the accumulators) at its first trace.
        with keras.name_scope(optimizer.name, caller=optimizer):
            optimizer.build(variables)

    def update(params, grads):
        saved = [tf.identity(v.value) for v in optimizer.variables]
        _as_last_micro_step(optimizer, grads)
        optimizer.apply(grads, variables)
        stepped = [tf.identity(v.value) for v in variables]
        for variable, value in zip(variables, params):
            variable.assign(value)
        for variable, value in zip(optimizer.variables, saved):
            variable.assign(value)
        return stepped

    return update


def _as_last_micro_step(optimizer, grads):
    """With gradient accumulation, sets the optimizer's state to the last micro-step of its cycle with
    every earlier micro-step's gradient equal to `grads` (as the optimizer receives them: un-scaled by a
    LossScaleOptimizer before they reach its inner optimizer)."""
    inner = getattr(optimizer, "inner_optimizer", optimizer)
    steps = inner.gradient_accumulation_steps
    if not steps:
        return
    if inner is not optimizer:
        grads = [dense(g) / tf.cast(optimizer.scale_loss(tf.ones((), g.dtype)), g.dtype) for g in grads]
    iterations = inner._iterations  # micro-steps; the public `iterations` counts update steps
    iterations.assign(iterations + (steps - 1) - iterations % steps)
    for accumulator, gradient in zip(inner._accumulated_gradients, grads):
        if accumulator is not None:
            total = tf.zeros(accumulator.shape, accumulator.dtype)
            for _ in range(steps - 1):  # added one micro-step at a time, as the optimizer does
                total = total + tf.cast(dense(gradient), accumulator.dtype)
            accumulator.assign(total)


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
        and optimizer.loss_scale_factor is None
    )
