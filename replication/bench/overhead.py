"""The ResponseProbe's cost on model.fit: single-point fits of the 2024-fig1 network (and two variants of it)
without the probe, with it, and with the least a measurement at every epoch can be."""

import keras
import numpy as np
import tensorflow as tf

from training_response import ResponseProbe
from training_response.data import random_bits
from training_response.model_graph import measure_under_xla
from ..models import build_2024
from ..timing import seconds_of_calls
from .by_hand import minimal_measurement

PROBE_TARGET = 1.3  # model.fit with the probe every epoch may take at most this multiple of plain fit
WARM_UP_EPOCHS = 50  # an untimed fit before each timed one, to trace and warm up


def _timed_fit(model, x_o, y_o, epochs, callbacks):
    """Seconds of one fit of `epochs` single-step epochs, after a warm-up fit. Each fit resumes where the
    last ended (one step per epoch, so at the optimizer's iteration count), as a resumed training does, so
    that a probe keeps one record."""
    inputs = np.broadcast_to(x_o, (epochs,) + x_o.shape)
    dataset = tf.data.Dataset.from_tensor_slices((inputs, np.full((epochs, 1), y_o, np.float32))).batch(1)

    def fit(count):
        done = int(model.optimizer.iterations.numpy())
        model.fit(dataset, initial_epoch=done, epochs=done + count, steps_per_epoch=1, shuffle=False, verbose=0, callbacks=callbacks)

    fit(WARM_UP_EPOCHS)
    return seconds_of_calls(lambda _: fit(epochs), 1)


def alternating_fits(variants, x_o, y_o, epochs, repeats):
    """Seconds of `repeats` timed fits on (x_o, y_o) of `epochs` single-step epochs of each variant, name →
    (model, callbacks), each after an untimed warm-up fit (_timed_fit): the variants take turns, so that
    drift hits all."""
    seconds = {name: [] for name in variants}
    for _ in range(repeats):
        for name, (model, callbacks) in variants.items():
            seconds[name] += _timed_fit(model, x_o, y_o, epochs, callbacks)
    return seconds


def _softmax_2024(seed=0):
    """The 2024-fig1 network with a 10-class softmax head, sparse categorical cross-entropy, SGD 0.1."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    return model


def _adam_2024(seed=0):
    model = build_2024("relu", seed=seed)
    model.compile(keras.optimizers.Adam(0.001), "mse")
    return model


# Probe workloads: (model builder, y_o, kinds, description). The first is the target's workload.
PROBE_WORKLOADS = {
    "sgd": (lambda: build_2024("relu", seed=0), 1.0, ("step", "ntk"), "2024-fig1 model (8 bits, 128 ReLU features, sigmoid), SGD 0.1, kinds step and ntk"),
    "adam_optimizer_step": (_adam_2024, 1.0, ("optimizer_step", "ntk"), "the same model trained with Adam(0.001), kinds optimizer_step and ntk"),
    "softmax_10": (_softmax_2024, 3, ("step", "ntk"), "the same body with a Dense(10, softmax) head and sparse categorical cross-entropy, kinds step and ntk (10×10 blocks)"),
}


def _best_ms_per_epoch(fit_seconds, epochs):
    """ms per epoch of the fastest fit of `epochs` epochs: the least disturbed run, as timeit takes."""
    return 1e3 * float(np.min(fit_seconds)) / epochs


def _against_plain(name, seconds, plain, epochs):
    """A variant's part of a probe workload's row: fit_with_{name}_ms_per_epoch (its best fit),
    {name}_overhead (over the best plain fit) and {name}_overhead_of_medians."""
    ms = _best_ms_per_epoch(seconds, epochs)
    return {
        f"fit_with_{name}_ms_per_epoch": round(ms, 4),
        f"{name}_overhead": round(ms / _best_ms_per_epoch(plain, epochs), 3),
        f"{name}_overhead_of_medians": round(float(np.median(seconds) / np.median(plain)), 3),
    }


def probe_overhead_row(description, epochs, seconds, target):
    """bench.json's row of a probe workload from `seconds`, the seconds of each timed fit of `epochs`
    epochs of each variant: "plain" (no callback), "probe", "forward_pass" (a callback running one
    compiled forward pass over the probe points at every epoch end) and, when timed,
    "minimal_measurement" (one running the measurement written out by hand for the network)."""
    plain = seconds["plain"]
    row = {
        "workload": f"{description}; one step per epoch, probe over all 256 inputs at every epoch",
        "epochs_per_fit": epochs,
        "repeats": len(plain),
        "fit_ms_per_epoch": round(_best_ms_per_epoch(plain, epochs), 4),
        **_against_plain("probe", seconds["probe"], plain, epochs),
        "target": target,
    }
    for name in ("forward_pass", "minimal_measurement"):
        if name in seconds:
            row.update(_against_plain(name, seconds[name], plain, epochs))
    return row


def _compiled_forward(model, points):
    """One forward pass of `model` over `points` (inference mode, taken as float32), compiled as the probe
    compiles its measurement (XLA unless its layers say no), as a concrete function of no arguments."""
    points = tf.constant(points, tf.float32)
    return tf.function(lambda: model(points, training=False), jit_compile=measure_under_xla(model)).get_concrete_function()


class ForwardPassEachEpoch(keras.callbacks.Callback):
    """At every epoch end, one compiled forward pass over `points` and its copy to the host: the least a
    callback that measures those points at every epoch does inside a fit. Compiled at its first fit."""

    def __init__(self, points):
        super().__init__()
        self.points = points
        self._forward = None

    def compiled(self):
        """The function of no arguments run at every epoch end, compiled for self.model."""
        return _compiled_forward(self.model, self.points)

    def on_train_begin(self, logs=None):
        if self._forward is None:
            self._forward = self.compiled()

    def on_epoch_end(self, epoch, logs=None):
        self._forward().numpy()


class MinimalMeasurementEachEpoch(ForwardPassEachEpoch):
    """At every epoch end, the 2024-fig1 network's step and Θ at `points` written out by hand
    (by_hand.minimal_measurement) and its copy to the host: what the probe's generic measurement would cost
    inside a fit if it did no more arithmetic than these kinds need."""

    def __init__(self, points, x_o, y_o):
        super().__init__(points)
        self.x_o, self.y_o = x_o, y_o

    def compiled(self):
        return minimal_measurement(self.model, self.points, self.x_o, self.y_o)


def probe_overhead(epochs, repeats, workload="sgd", epoch_end_calls=2000):
    """Wall time per epoch of a single-point fit without and with a probe over all 256 8-bit inputs
    measured every epoch, and with the least such a measurement can be, one compiled forward pass over the
    same points at every epoch end (ForwardPassEachEpoch): the best of `repeats` fits each (as timeit
    does: the least disturbed run), each variant on a model of its own, the variants alternating so that
    drift hits all (alternating_fits). Medians are recorded too, and what the probe's epoch costs outside a
    fit against one forward pass over its points (per_epoch_costs, over `epoch_end_calls` calls)."""
    build, y_o, kinds, description = PROBE_WORKLOADS[workload]
    x_o = random_bits(8, rng=0)
    probe = ResponseProbe(x_o, y_o, shells=True, epochs=None, kinds=kinds)
    variants = {"plain": (build(), []), "probe": (build(), [probe]), "forward_pass": (build(), [ForwardPassEachEpoch(probe.probe_x)])}
    # The target's workload (SGD) is also timed with its measurement written out by hand for its network;
    # the target is the SGD workload's, the other workloads are measured for comparison.
    if workload == "sgd":
        by_hand = MinimalMeasurementEachEpoch(np.concatenate([probe.probe_x, x_o[None]]), x_o, y_o)
        variants["minimal_measurement"] = (build(), [by_hand])
    seconds = alternating_fits(variants, x_o, y_o, epochs, repeats)
    row = probe_overhead_row(description, epochs, seconds, PROBE_TARGET if workload == "sgd" else None)
    return {**row, **per_epoch_costs(probe, epoch_end_calls)}


def best_and_median_ms(seconds):
    """The best and the median of `seconds` in ms, rounded to 4 decimals."""
    return {"best": round(1e3 * float(np.min(seconds)), 4), "median": round(1e3 * float(np.median(seconds)), 4)}


def per_epoch_costs(probe, calls=2000):
    """ms of the probe's work at one epoch end, timed outside a fit over `calls` calls of its Keras hook
    on_epoch_end (the compiled measurement, the copy to the host, the record and the epoch logs), and of
    the least a measurement of the same points at every epoch can cost: one call of a forward pass of the
    probe's model over the probe points, compiled as the probe compiles its measurement, with its copy to
    the host. Best and median of each. The probe must have been through a fit of its model whose schedule
    covers epochs 1..calls."""
    forward = _compiled_forward(probe.model, probe.probe_x)
    hook = seconds_of_calls(lambda epoch: probe.on_epoch_end(epoch, {}), calls)
    passes = seconds_of_calls(lambda epoch: forward().numpy(), calls)
    return {"probe_epoch_end_ms": best_and_median_ms(hook), "forward_pass_ms": best_and_median_ms(passes)}
