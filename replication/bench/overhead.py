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


def _timed_fits(model, x_o, y_o, epochs, repeats, callbacks):
    """Seconds of `repeats` fits of `epochs` single-step epochs, after a warm-up fit. Each fit resumes
    where the last ended (one step per epoch, so at the optimizer's iteration count), as a resumed
    training does, so that a probe keeps one record."""
    inputs = np.broadcast_to(x_o, (epochs,) + x_o.shape)
    dataset = tf.data.Dataset.from_tensor_slices((inputs, np.full((epochs, 1), y_o, np.float32))).batch(1)

    def fit(count):
        done = int(model.optimizer.iterations.numpy())
        model.fit(dataset, initial_epoch=done, epochs=done + count, steps_per_epoch=1, shuffle=False, verbose=0, callbacks=callbacks)

    fit(50)  # trace and warm up
    return seconds_of_calls(lambda _: fit(epochs), repeats)


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


def _probe_overhead_row(description, epochs, repeats, plain, probed, target, forwarded, minimal=()):
    """bench.json's row of a probe workload, from the seconds of its timed fits without (`plain`) and
    with (`probed`) the probe, with a callback that runs one compiled forward pass over the probe
    points at every epoch end (`forwarded`) and, when timed, with one that runs the measurement written out
    by hand for the network (`minimal`)."""
    return {
        "workload": f"{description}; one step per epoch, probe over all 256 inputs at every epoch",
        "epochs_per_fit": epochs,
        "repeats": repeats,
        "fit_ms_per_epoch": round(_best_ms_per_epoch(plain, epochs), 4),
        **_against_plain("probe", probed, plain, epochs),
        "target": target,
        **_against_plain("forward_pass", forwarded, plain, epochs),
        **(_against_plain("minimal_measurement", minimal, plain, epochs) if len(minimal) else {}),
    }


def _compiled_forward(model, points):
    """One forward pass of `model` over `points` (inference mode, taken as float32), compiled as the probe
    compiles its measurement (XLA unless its layers say no), as a concrete function of no arguments."""
    points = tf.constant(points, tf.float32)
    return tf.function(lambda: model(points, training=False), jit_compile=measure_under_xla(model)).get_concrete_function()


class _ForwardPassEachEpoch(keras.callbacks.Callback):
    """At every epoch end, one compiled forward pass over `points` and its copy to the host: the least a
    callback that measures those points at every epoch does inside a fit."""

    def __init__(self, points):
        super().__init__()
        self.points = points
        self._forward = None

    def _compiled(self):
        return _compiled_forward(self.model, self.points)

    def on_train_begin(self, logs=None):
        if self._forward is None:
            self._forward = self._compiled()

    def on_epoch_end(self, epoch, logs=None):
        self._forward().numpy()


class _MinimalMeasurementEachEpoch(_ForwardPassEachEpoch):
    """At every epoch end, the 2024-fig1 network's step and Θ at `points` written out by hand
    (by_hand.minimal_measurement) and its copy to the host: what the probe's generic measurement would cost
    inside a fit if it did no more arithmetic than these kinds need."""

    def __init__(self, points, x_o, y_o):
        super().__init__(points)
        self.x_o, self.y_o = x_o, y_o

    def _compiled(self):
        return minimal_measurement(self.model, self.points, self.x_o, self.y_o)


def probe_overhead(epochs, repeats, workload="sgd"):
    """Wall time per epoch of a single-point fit without and with a probe over all 256 8-bit inputs
    measured every epoch, and with the least such a measurement can be, one compiled forward pass over the
    same points at every epoch end (_ForwardPassEachEpoch): the best of `repeats` fits each (as timeit
    does: the least disturbed run), the variants alternating so that drift hits all. Medians are recorded
    too, and what the probe's epoch costs outside a fit against one forward pass over its points
    (per_epoch_costs)."""
    build, y_o, kinds, description = PROBE_WORKLOADS[workload]
    x_o = random_bits(8, rng=0)
    plain_model, probed_model, forwarded_model = build(), build(), build()
    probe = ResponseProbe(x_o, y_o, shells=True, epochs=None, kinds=kinds)
    forward = _ForwardPassEachEpoch(probe.probe_x)
    # The target's workload (SGD) is also timed with its measurement written out by hand for its network.
    by_hand = _MinimalMeasurementEachEpoch(np.concatenate([probe.probe_x, x_o[None]]), x_o, y_o) if workload == "sgd" else None
    by_hand_model = build() if by_hand else None
    plain, probed, forwarded, minimal = [], [], [], []
    for _ in range(repeats):
        plain += _timed_fits(plain_model, x_o, y_o, epochs, 1, [])
        probed += _timed_fits(probed_model, x_o, y_o, epochs, 1, [probe])
        forwarded += _timed_fits(forwarded_model, x_o, y_o, epochs, 1, [forward])
        if by_hand:
            minimal += _timed_fits(by_hand_model, x_o, y_o, epochs, 1, [by_hand])
    # The target is the SGD workload's; the other workloads are measured for comparison.
    row = _probe_overhead_row(description, epochs, repeats, plain, probed, PROBE_TARGET if workload == "sgd" else None, forwarded, minimal)
    return {**row, **per_epoch_costs(probed_model, probe)}


def per_epoch_costs(model, probe, calls=2000):
    """ms of the probe's work at one epoch end, timed outside a fit over `calls` calls of its Keras hook
    on_epoch_end (the compiled measurement, the copy to the host, the record and the epoch logs), and of
    the least a measurement of the same points at every epoch can cost: one call of a forward pass of
    `model` over the probe points, compiled as the probe compiles its measurement, with its copy to the
    host. Best and median of each. The probe must have been through a fit of `model` whose schedule
    covers epochs 1..calls."""
    forward = _compiled_forward(model, probe.probe_x)

    def ms(call):
        times = seconds_of_calls(call, calls)
        return {"best": round(1e3 * float(np.min(times)), 4), "median": round(1e3 * float(np.median(times)), 4)}

    return {"probe_epoch_end_ms": ms(lambda epoch: probe.on_epoch_end(epoch, {})), "forward_pass_ms": ms(lambda epoch: forward().numpy())}
