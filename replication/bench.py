"""`python -m replication bench`: on the 2024-fig1 workload, the ResponseProbe's cost on model.fit and
the ensemble engine's speed against one model.fit per replica (also on the 2022 paper's Conv1D and Conv2D
networks), with the engine's FLOP rate against this machine's matmul rate."""

import collections
import dataclasses
import json
import math
import os
import time

import keras
import numpy as np
import tensorflow as tf

from training_response import ResponseProbe
from training_response.data import random_bits
from training_response.model_graph import measure_under_xla
from training_response.response import keras_layers
from . import figures
from .files import write_json
from .ensemble_trainer import point_replicas
from .models import build_2024
from .problem import build_model, measured_epochs, replica_probe, replica_setup
from .training import TRAINERS, run_ensemble

PROBE_TARGET = 1.3  # model.fit with the probe every epoch may take at most this multiple of plain fit (issue 16)
SPEEDUP_TARGET = 300  # the engine on 100 replicas against one model.fit per replica, per replica-epoch
JAX_TARGET = 1.6  # the engine at least this much faster than the JAX reference on the every-epoch workload (issue 16)


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
    return _seconds_of_calls(lambda _: fit(epochs), repeats)


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


def _probe_overhead_row(description, epochs, repeats, plain, probed, target, forwarded, minimal=()):
    """bench.json's row of a probe workload, from the seconds of its timed fits without (`plain`) and
    with (`probed`) the probe, with a callback that runs one compiled forward pass over the probe
    points at every epoch end (`forwarded`) and, when timed, with one that runs the measurement written out
    by hand for the network (`minimal`)."""
    plain_ms = _best_ms_per_epoch(plain, epochs)
    probed_ms = _best_ms_per_epoch(probed, epochs)
    forwarded_ms = _best_ms_per_epoch(forwarded, epochs)
    by_hand = {}
    if len(minimal):
        minimal_ms = _best_ms_per_epoch(minimal, epochs)
        by_hand = {
            "fit_with_minimal_measurement_ms_per_epoch": round(minimal_ms, 4),
            "minimal_measurement_overhead": round(minimal_ms / plain_ms, 3),
            "minimal_measurement_overhead_of_medians": round(float(np.median(minimal) / np.median(plain)), 3),
        }
    return {
        "workload": f"{description}; one step per epoch, probe over all 256 inputs at every epoch",
        "epochs_per_fit": epochs,
        "repeats": repeats,
        "fit_ms_per_epoch": round(plain_ms, 4),
        "fit_with_probe_ms_per_epoch": round(probed_ms, 4),
        "probe_overhead": round(probed_ms / plain_ms, 3),
        "probe_overhead_of_medians": round(float(np.median(probed) / np.median(plain)), 3),
        "target": target,
        "fit_with_forward_pass_ms_per_epoch": round(forwarded_ms, 4),
        "forward_pass_overhead": round(forwarded_ms / plain_ms, 3),
        "forward_pass_overhead_of_medians": round(float(np.median(forwarded) / np.median(plain)), 3),
        **by_hand,
    }


def _compiled_forward(model, points):
    """One forward pass of `model` over `points` (inference mode, taken as float32), compiled as the probe
    compiles its measurement (XLA unless its layers say no), as a concrete function of no arguments."""
    points = tf.constant(points, tf.float32)
    return tf.function(lambda: model(points, training=False), jit_compile=measure_under_xla(model)).get_concrete_function()


def _minimal_measurement(model, points, x_o, y_o):
    """What the probe measures on the 2024-fig1 network (Dense(128, ReLU), Dense(1, sigmoid), MSE, plain SGD
    at the optimizer's rate) written out by hand for that network alone, as the least arithmetic its kinds
    "step" and "ntk" need: Θ(x_o, x) = (x·x_o + 1) Σ_j δ_j(x_o) δ_j(x) + (h(x)·h(x_o) + 1) s(x_o) s(x), with
    h the hidden layer, s = σ'(z_out) and δ = s W_out ⊙ 1[z_hidden > 0], and the normalized step from one
    forward pass at the stepped weights. Compiled as the probe compiles its measurement (XLA), a concrete
    function of no arguments returning [f(x_o), Θ at `points`, step at `points`] as one vector."""
    points = tf.constant(points, tf.float32)
    x_o = tf.constant(x_o[None], tf.float32)
    variables = list(model.trainable_variables)
    optimizer = model.optimizer

    def forward(w1, b1, w2, b2, x):
        z = x @ w1 + b1
        f = tf.sigmoid(tf.nn.relu(z) @ w2 + b2)
        return z, f, f * (1 - f)

    @tf.function(jit_compile=True)
    def run():
        rate = tf.cast(optimizer.learning_rate, tf.float32)
        w1, b1, w2, b2 = [v.value for v in variables]
        z_o, f_o, s_o = forward(w1, b1, w2, b2, x_o)
        z, f, s = forward(w1, b1, w2, b2, points)
        delta_o = s_o * tf.transpose(w2) * tf.cast(z_o > 0, tf.float32)  # (1, H)
        theta = (points @ tf.transpose(x_o) + 1) * s * (tf.cast(z > 0, tf.float32) @ (w2 * tf.transpose(delta_o)))
        theta += (tf.nn.relu(z) @ tf.transpose(tf.nn.relu(z_o)) + 1) * s_o * s
        # One SGD step on (x_o, y_o) with the MSE loss, whose derivative in f(x_o) is -2 (y_o - f(x_o)).
        error = y_o - f_o
        g_out, g_hidden = -2 * error * s_o, -2 * error * delta_o
        stepped = forward(w1 - rate * tf.transpose(x_o) @ g_hidden, b1 - rate * g_hidden[0], w2 - rate * tf.transpose(tf.nn.relu(z_o)) * g_out, b2 - rate * g_out[0], points)[1]
        return tf.concat([f_o[0], theta[:, 0], (stepped - f)[:, 0] / error[0]], axis=0)

    return run.get_concrete_function()


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
    (_minimal_measurement) and its copy to the host: what the probe's generic measurement would cost
    inside a fit if it did no more arithmetic than these kinds need."""

    def __init__(self, points, x_o, y_o):
        super().__init__(points)
        self.x_o, self.y_o = x_o, y_o

    def _compiled(self):
        return _minimal_measurement(self.model, self.points, self.x_o, self.y_o)


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
    # The target is the workload's (SGD); the other workloads are measured for comparison.
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
        times = _seconds_of_calls(call, calls)
        return {"best": round(1e3 * float(np.min(times)), 4), "median": round(1e3 * float(np.median(times)), 4)}

    return {"probe_epoch_end_ms": ms(lambda epoch: probe.on_epoch_end(epoch, {})), "forward_pass_ms": ms(lambda epoch: forward().numpy())}


def _seconds_of_calls(call, count):
    """The wall seconds of each of `count` calls call(0), call(1), …, one after another."""
    times = []
    for index in range(count):
        start = time.perf_counter()
        call(index)
        times.append(time.perf_counter() - start)
    return times


# Engine workloads: (figure id, probe schedule, description, speedup target), in bench.json's order; the
# last is the workload. The target is the 2024-fig1 network's; the convolutional rows measure how
# far the engine is from this machine's limit on the 2022 paper's networks.
_FIG1_2024 = "2024-fig1 (8 bits, 128 ReLU features), single-point training, probe (step and ntk) over all 256 inputs"
ENGINE_WORKLOADS = {
    "engine_log_schedule": ("2024-fig1", "log", _FIG1_2024, SPEEDUP_TARGET),
    "engine_conv1d": (
        "2022-fig1",
        "every",
        "2022-fig1, unbiased encoding (16 bits as a (16, 1) sequence, 3 × Conv1D(8, kernel 3, ELU), Dense(1, sigmoid)), "
        "single-point training, probe (step and ntk) at the figure's 1,334 points in Hamming shells around x_o (whole shells "
        "up to 100 members, else 100 sampled)",
        None,
    ),
    "engine_conv2d": (
        "2022-fig8",
        "every",
        "2022-fig8 (28×28 images, 3 × Conv2D(8, 3×3, ELU), Dense(1, sigmoid)), single-point training, probe (step and ntk) "
        "at x_o alone as in the figure; on seeded uniform random images in [0, 1] instead of MNIST (the bench runs offline, "
        "and the speed does not depend on the pixels)",
        None,
    ),
    "engine": ("2024-fig1", "every", _FIG1_2024, SPEEDUP_TARGET),
}

# engine_runs: the engine's time is the best of this many whole runs (the fit path's is one run). The first
# run of a new length also traces and XLA-compiles the engine for it (0.6-0.7 s on the 2024 network, a
# quarter of its run), which the JAX reference's time leaves out; each run builds its replicas anew.
EngineSizes = collections.namedtuple("EngineSizes", "fit_replicas engine_replicas epochs engine_runs", defaults=(3,))

# The convolutional rows' sizes, whatever the command line says (its --replicas, --engine-epochs and
# --fit-replicas are the 2024-fig1 rows'): each row, both paths with their warm-ups, took 33-35 s on this
# 2-core machine (timed by hand; up to ~45 s while it was busier), within the ~60 s a row may take. The
# engine's time per replica-epoch hardly changed from 20 to 40 replicas (Conv1D); at the 2024 rows'
# 100 × 1000 each row would take 5-6 minutes. One engine run each: their compiling is a few % of a run.
CONV_ENGINE_SIZES = {"engine_conv1d": EngineSizes(3, 20, 300, 1), "engine_conv2d": EngineSizes(3, 50, 200, 1)}

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


def _gflop_per_second(flop, seconds):
    return flop / seconds / 1e9


def _matmul_child(size, repeats):
    """Prints the best of `repeats` timed size × size float32 products in GFLOP/s (2 size³ FLOPs each) after
    a warm-up product."""
    a, b = (tf.random.stateless_uniform((size, size), seed=(0, i)) for i in range(2))

    def seconds():
        start = time.perf_counter()
        tf.matmul(a, b)[0, 0].numpy()  # reading one entry waits for the product without copying it out
        return time.perf_counter() - start

    seconds()
    print(_gflop_per_second(2 * size**3, min(seconds() for _ in range(repeats))))


def matmul_gflops(size=2048, repeats=5):
    """This machine's float32 matmul rate in GFLOP/s, measured in a fresh process with TensorFlow's
    default threads (all cores): the command line runs its own ops on one thread each."""
    import subprocess
    import sys

    code = f"from training_response.replication.bench import _matmul_child; _matmul_child({size}, {repeats})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _bench_figure(figure_id, schedule):
    """The figure's first variant (the 2022 figures' unbiased encoding) with the probe at `schedule`."""
    _, fig = figures.get(figure_id).variant_configs()[0]
    return dataclasses.replace(fig, probe={**fig.probe, "schedule": schedule})


def _bench_images(fig, count=100):
    """`count` seeded uniform random images in [0, 1] of the figure's image shape for a figure that trains
    on images (the bench runs offline, without MNIST), else None."""
    if not fig.uses_images:
        return None
    return np.random.default_rng(0).random((count, *fig.model["image_shape"]), dtype=np.float32)


def _probe_point_count(fig, images):
    """P: how many points the figure's probe measures, as replica 0 of a run sees them."""
    setup = replica_setup(fig, 0, 0, 1, images)
    return len(replica_probe(fig, setup, setup["x_o"])[0])


def engine_speedup(fig, sizes, description, target, machine_gflops):
    """bench.json's row of the whole run of `fig` (building, training and the probe at the figure's
    schedule) through the fit path on sizes.fit_replicas and through the engine on sizes.engine_replicas
    (the best of sizes.engine_runs runs), each after a short warm-up run, with the naive FLOPs of a
    replica-epoch and the rate the engine reaches against `machine_gflops`. A figure that trains on images
    gets random ones (_bench_images)."""
    images = _bench_images(fig)
    seconds = {}
    for engine, replicas, runs in (("fit", sizes.fit_replicas, 1), ("ensemble", sizes.engine_replicas, sizes.engine_runs)):
        trainer = TRAINERS[engine]
        run_ensemble(fig, 1 if engine == "fit" else replicas, 20, seed=1, trainer=trainer, progress=False, images=images)
        run = lambda _: run_ensemble(fig, replicas, sizes.epochs, seed=0, trainer=trainer, progress=False, images=images)  # noqa: E731
        seconds[engine] = min(_seconds_of_calls(run, runs))
    probed_share = len(measured_epochs(fig, sizes.epochs)) / sizes.epochs
    flop = flop_per_replica_epoch(build_model(fig, 0), _probe_point_count(fig, images), probed_share)
    workload = f"{description}, schedule {fig.probe['schedule']!r}"
    return _engine_speedup_row(workload, target, sizes, seconds["fit"], seconds["ensemble"], flop, machine_gflops)


def measurement_in_forwards(fig, replicas, images=None, repeats=30):
    """What the engine's measurement of the figure's kinds costs in forward passes of the network over the
    same probe points: the best of `repeats` timed calls of the compiled measurement over `replicas`
    replicas (at their initial weights) over the best of the same measurement of "output" alone, which is
    one forward pass. A call takes milliseconds: on the 2024 network the best of 3 gave 3.19, 3.30 and
    3.79 in three runs, the best of 30 3.10 and 3.12. Exact "step" and "ntk" with an algorithm for any layer need a
    forward pass at the stepped weights and the forward pass with its derivative along ∇f(x_o), whose
    tangent takes two products per weighted layer (dW·h and W·dh): about 3 forward passes (2.4 to 4.5 in the
    bench's runs so far, the first layer's dh being 0 and fixed costs per call moving the ratio)."""
    setups = [replica_setup(fig, 0, r, 1, images) for r in range(replicas)]
    ensemble, x_o, y_o, probe_x, _ = point_replicas(fig, setups)
    args = [ensemble.params, ensemble.state] + [tf.constant(a, tf.float32) for a in (x_o, y_o, probe_x, ensemble.learning_rate)]

    def best_seconds(kinds):
        measurement = ensemble.program.measurement(kinds)
        times = _seconds_of_calls(lambda _: tf.nest.map_structure(lambda t: t.numpy(), measurement(*args)), repeats + 1)
        return min(times[1:])  # the first call traces and compiles

    return round(best_seconds(tuple(fig.probe["kinds"])) / best_seconds(("output",)), 2)


def jax_comparison(fig, sizes, engine_row, check_sizes=EngineSizes(0, 10, 200)):
    """bench.json's row of the JAX reference (jax_reference.py) on the engine row's workload and sizes: its
    ms per replica-epoch (the compiled run alone), how many times faster the engine row is, and, on
    check_sizes, the largest scale-relative difference max|a − b| / max|b| of each array from the
    engine's, so that both are seen to compute the same numbers. Without JAX installed, says so."""
    try:
        import jax

        from .jax_reference import reference_run
    except ImportError:
        return {"status": "not measured: JAX is not installed (pip install '.[jax]')"}
    reference, _ = reference_run(fig, check_sizes.engine_replicas, check_sizes.epochs)
    engine = run_ensemble(fig, check_sizes.engine_replicas, check_sizes.epochs, seed=0, progress=False)
    difference = {k: float(np.max(np.abs(engine[k] - reference[k])) / np.max(np.abs(reference[k]))) for k in reference}
    _, seconds = reference_run(fig, sizes.engine_replicas, sizes.epochs, runs=sizes.engine_runs)
    jax_ms = _ms_per_replica_epoch(seconds, sizes.engine_replicas, sizes.epochs)
    return {
        "workload": f"{engine_row['workload']}: jax.jvp for Θ, replicas vmapped, epochs in one lax.scan, one jit; the compiled run "
        "alone is timed, the best of the engine row's number of runs (the engine row's time includes building the replicas)",
        "jax": jax.__version__,
        "replicas": sizes.engine_replicas,
        "epochs": sizes.epochs,
        "runs": sizes.engine_runs,
        "jax_ms_per_replica_epoch": round(jax_ms, 5),
        "engine_ms_per_replica_epoch": engine_row["engine_ms_per_replica_epoch"],
        "engine_faster_by": round(jax_ms / engine_row["engine_ms_per_replica_epoch"], 2),
        "target": JAX_TARGET,
        "check": f"{check_sizes.engine_replicas} replicas x {check_sizes.epochs} epochs, seed 0",
        "scale_relative_difference": {k: float(f"{v:.2g}") for k, v in difference.items()},
    }


def _ms_per_replica_epoch(seconds, replicas, epochs):
    return 1e3 * seconds / (replicas * epochs)


def _engine_speedup_row(workload, target, sizes, fit_seconds, engine_seconds, flop, machine_gflops):
    """bench.json's row of the engine comparison, from the seconds of the whole run on each path and the
    FLOPs of a replica-epoch."""
    fit_ms = _ms_per_replica_epoch(fit_seconds, sizes.fit_replicas, sizes.epochs)
    engine_ms = _ms_per_replica_epoch(engine_seconds, sizes.engine_replicas, sizes.epochs)
    gflops = _gflop_per_second(flop, engine_ms / 1e3)
    return {
        "workload": workload,
        "epochs": sizes.epochs,
        "fit_replicas": sizes.fit_replicas,
        "engine_replicas": sizes.engine_replicas,
        "engine_runs": sizes.engine_runs,
        "fit_ms_per_replica_epoch": round(fit_ms, 5),
        "engine_ms_per_replica_epoch": round(engine_ms, 5),
        # Of the unrounded times: the rounded engine time keeps only 3-4 significant digits.
        "speedup": round(fit_ms / engine_ms, 1),
        "target": target,
        "flop_per_replica_epoch": round(flop),
        "gflops_effective": round(gflops, 3),
        "fraction_of_matmul_rate": round(gflops / machine_gflops, 4),
    }


def _relative_distances(steps, inference):
    """Relative L2 distances to the probe's `inference`-mode step: of each masked step (one per row of
    `steps`), and of the masked steps' mean."""
    norm = np.linalg.norm(inference)
    each = list(np.linalg.norm(steps - inference, axis=1) / norm)
    return each, float(np.linalg.norm(steps.mean(axis=0) - inference) / norm)


def _dropout_row(single, averaged):
    """bench.json's row of one training length: the spread of the single masked steps' distances over all
    networks, and the mean over networks of their mean step's distance."""
    return {
        "one_masked_step_median": round(float(np.median(single)), 3),
        "one_masked_step_quartiles": [round(float(q), 3) for q in np.percentile(single, [25, 75])],
        "mean_of_masked_steps": round(float(np.mean(averaged)), 3),
    }


def _masked_steps(model, x_o, probe_x, masks, learning_rate):
    """Normalized responses at probe_x of `masks` SGD steps taken in training mode (each with a fresh dropout
    mask) on (x_o, 1), all read in inference mode, as the probe reads its own step. Weights are restored."""
    variables = model.trainable_variables
    saved = [v.numpy() for v in variables]
    error = 1.0 - float(model(x_o[None], training=False)[0, 0])
    before = model(probe_x, training=False).numpy()[:, 0]
    steps = []
    for _ in range(masks):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(1.0 - model(x_o[None], training=True)))
        for variable, grad in zip(variables, tape.gradient(loss, variables)):
            variable.assign_sub(learning_rate * grad)
        steps.append((model(probe_x, training=False).numpy()[:, 0] - before) / error)
        for variable, value in zip(variables, saved):
            variable.assign(value)
    return np.asarray(steps)


def dropout_step_difference(networks=5, masks=300, trained_epochs=(0, 300), probes_per_shell=20):
    """How far the probe's inference-mode step is from the steps training takes with Dropout(0.2) masks, on
    the 2022 Fig. 3 network (16 bits, 3 × Conv1D(8, ELU) + Dropout(0.2), sigmoid head, SGD 0.1): at
    initialisation and after training on x_o alone. Relative L2 distances over probe points in the shells
    H = 0, 1, 2, 4, 8 around x_o."""
    from training_response.data import shells

    from .models import build_2022

    rows = {}
    for epochs in trained_epochs:
        single, averaged = [], []
        for replica in range(networks):
            model = build_2022("elu", dropout=0.2, seed=replica)
            x_o = random_bits(16, rng=replica).reshape(16, 1)
            if epochs:
                model.fit(np.repeat(x_o[None], epochs, 0), np.ones((epochs, 1)), batch_size=1, epochs=1, verbose=0, shuffle=False)
            probe_x, _ = shells(x_o, [0, 1, 2, 4, 8], probes_per_shell, seed=replica)
            probe = ResponseProbe(x_o, 1.0, probe_x, kinds=("step",), epochs=[1])
            model.fit(x_o[None], np.ones((1, 1)), epochs=0, verbose=0, callbacks=[probe])
            inference = probe.history["step"][0]
            steps = _masked_steps(model, x_o, probe_x, masks, float(model.optimizer.learning_rate))
            each, of_mean = _relative_distances(steps, inference)
            single += each
            averaged.append(of_mean)
        rows[f"epoch_{epochs}"] = _dropout_row(single, averaged)
    return {
        "workload": f"2022 Fig. 3 network, {networks} networks × {masks} dropout masks, probe points in Hamming shells 0, 1, 2, 4, 8 "
        "(20 each); relative L2 distance of training-mode steps to the probe's inference-mode step",
        **rows,
    }


def _mib_in_status(lines, field):
    """The memory figure `field` (VmRSS, VmHWM) of a /proc/PID/status text, which gives kB, in whole MiB."""
    return next(int(line.split()[1]) // 1024 for line in lines if line.startswith(field + ":"))


def _status_mib(field):
    """A memory figure of this process from Linux's /proc/self/status, in MiB."""
    with open("/proc/self/status") as fh:
        return _mib_in_status(fh, field)


def _memory_row(chunk, points, parameters, seconds, before_mib, peak_mib):
    """bench.json's row of one large-model configuration."""
    return {"chunk": chunk, "points": points, "parameters": parameters, "seconds_per_measurement": round(seconds, 1),
            "rss_before_mib": before_mib, "peak_rss_mib": peak_mib, "measurement_peak_mib": peak_mib - before_mib}


def _large_model_child(chunk, points):
    """In a fresh process: one measurement of Θ at `points` probe images on ResNet-50 (64×64×3, one-unit
    sigmoid head), `chunk` points at a time; prints seconds per measurement and memory as json. The
    peak is counted from just before the measurement (Linux resets it through /proc/self/clear_refs), so
    building the model does not hide it."""
    keras.utils.set_random_seed(0)
    body = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3), pooling="avg")
    model = keras.Sequential([body, keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.random.default_rng(0).random((points + 1, 64, 64, 3), dtype=np.float32)
    probe = ResponseProbe(x[0], 1.0, x[1:], kinds=("ntk",), epochs=[1], probe_batch_size=chunk)
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    before = _status_mib("VmRSS")
    model.fit(x[:1], np.ones((1, 1)), epochs=0, verbose=0, callbacks=[probe])  # traces and measures once
    start = time.perf_counter()
    probe._measure().numpy()
    seconds = time.perf_counter() - start
    peak = _status_mib("VmHWM")
    print(json.dumps(_memory_row(chunk, points, model.count_params(), seconds, before, peak)))


def large_model_memory(configs=((8, 1000), (32, 1000), (8, 250))):
    """Seconds per measurement and peak memory of Θ on a ResNet-50-size model, each configuration
    (chunk, points) in its own process so that peaks do not carry over."""
    import subprocess
    import sys

    rows = []
    for chunk, points in configs:
        code = f"from training_response.replication.bench import _large_model_child; _large_model_child({chunk}, {points})"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {"workload": "keras.applications.ResNet50(weights=None) at 64×64×3 + Dense(1, sigmoid), kinds ntk, random images; "
            "peak_rss_mib is the process's peak from just before the measurement on, measurement_peak_mib that peak less the "
            "memory in use before it (the model, its weights, the images)",
            "rows": rows}


def run_bench(epochs=2000, repeats=5, out="results", command=None, replicas=100, engine_epochs=1000, fit_replicas=3, conv_sizes=CONV_ENGINE_SIZES):
    machine_gflops = matmul_gflops()
    result = {"command": command or "python -m replication bench", "machine": {"cpus": os.cpu_count(), "matmul_gflops": round(machine_gflops, 1)}}
    result["versions"] = {"tensorflow": tf.__version__, "keras": keras.__version__}
    result["probe"] = probe_overhead(epochs, repeats)
    result["probe_workloads"] = {name: probe_overhead(epochs, repeats, name) for name in PROBE_WORKLOADS if name != "sgd"}
    result["large_model"] = large_model_memory()
    result["dropout_step"] = dropout_step_difference()
    for name, (figure_id, schedule, description, target) in ENGINE_WORKLOADS.items():
        sizes = conv_sizes.get(name, EngineSizes(fit_replicas, replicas, engine_epochs))
        fig = _bench_figure(figure_id, schedule)
        result[name] = engine_speedup(fig, sizes, description, target, machine_gflops)
        result[name]["measurement_in_forward_passes"] = measurement_in_forwards(fig, sizes.engine_replicas, _bench_images(fig))
    result["jax_reference"] = jax_comparison(_bench_figure("2024-fig1", "every"), EngineSizes(fit_replicas, replicas, engine_epochs), result["engine"])
    path = os.path.join(out, "bench.json")
    write_json(path, result)
    print("\n".join(_summary_lines(result, path)))
    return result


def _rate_line(row, machine_gflops):
    """How much of this machine's matmul rate the engine reaches on an engine row's workload."""
    return (f"  {row['flop_per_replica_epoch'] / 1e6:.3g} MFLOP per replica-epoch: engine at {row['gflops_effective']:.3g} GFLOP/s, "
            f"{row['fraction_of_matmul_rate']:.2%} of this machine's float32 matmul rate ({machine_gflops:.0f} GFLOP/s)")


def _summary_lines(result, path):
    """The console summary of a bench result written to `path`."""
    p = result["probe"]
    e = result["engine"]
    g = result["engine_log_schedule"]
    machine_gflops = result["machine"]["matmul_gflops"]
    lines = [
        f"fit: {p['fit_ms_per_epoch']:.3f} ms/epoch",
        f"fit with probe (256 points, every epoch): {p['fit_with_probe_ms_per_epoch']:.3f} ms/epoch",
        f"wrote {path}",
        f"probe overhead: {p['probe_overhead']:.2f}x (target <= {PROBE_TARGET}x)",
    ]
    if "forward_pass_overhead" in p:
        lines.append(f"  a callback running only one compiled forward pass over the same points each epoch: "
                     f"{p['fit_with_forward_pass_ms_per_epoch']:.3f} ms/epoch, {p['forward_pass_overhead']:.2f}x")
    if "minimal_measurement_overhead" in p:
        lines.append(f"  a callback running step and ntk written out by hand for this network: "
                     f"{p['fit_with_minimal_measurement_ms_per_epoch']:.3f} ms/epoch, {p['minimal_measurement_overhead']:.2f}x")
    if "probe_epoch_end_ms" in p:
        hook, forward = p["probe_epoch_end_ms"], p["forward_pass_ms"]
        lines.append(f"  the probe's epoch end alone: {hook['best']:.3f} ms best, {hook['median']:.3f} median; one forward pass "
                     f"over the same points, compiled alike: {forward['best']:.3f} best, {forward['median']:.3f} median")
    for name, row in result["probe_workloads"].items():
        floor = f" (one forward pass: {row['forward_pass_overhead']:.2f}x)" if "forward_pass_overhead" in row else ""
        lines.append(f"probe overhead, {name}: {row['fit_ms_per_epoch']:.3f} -> {row['fit_with_probe_ms_per_epoch']:.3f} ms/epoch, {row['probe_overhead']:.2f}x{floor}")
    lines += [
        f"log-spaced probe (the figures' schedule): fit {g['fit_ms_per_replica_epoch']:.4f}, engine "
        f"{g['engine_ms_per_replica_epoch']:.4f} ms per replica-epoch, speedup {g['speedup']:.0f}x",
        _rate_line(g, machine_gflops),
    ]
    for name, label in (("engine_conv1d", "Conv1D (2022-fig1)"), ("engine_conv2d", "Conv2D (2022-fig8)")):
        c = result[name]
        lines += [
            f"{label}, probe at every epoch: fit {c['fit_ms_per_replica_epoch']:.4f} ({c['fit_replicas']} replicas), engine "
            f"{c['engine_ms_per_replica_epoch']:.4f} ms per replica-epoch ({c['engine_replicas']} replicas x {c['epochs']} epochs), "
            f"speedup {c['speedup']:.1f}x; the measurement costs {c['measurement_in_forward_passes']} forward passes",
            _rate_line(c, machine_gflops),
        ]
    for row in result["large_model"]["rows"]:
        lines.append(f"ResNet-50, {row['points']} probe points in chunks of {row['chunk']}: {row['seconds_per_measurement']} s per measurement, "
                     f"peak {row['peak_rss_mib']} MiB (+{row['measurement_peak_mib']} MiB)")
    d = result["dropout_step"]
    for key in ("epoch_0", "epoch_300"):
        lines.append(f"dropout 0.2, {key}: one masked step is {d[key]['one_masked_step_median']:.2f} (median relative L2) from the "
                     f"probe's inference-mode step, the mean of the masked steps {d[key]['mean_of_masked_steps']:.2f}")
    lines += [
        "probe at every epoch:",
        f"fit path ({e['fit_replicas']} replicas x {e['epochs']} epochs): {e['fit_ms_per_replica_epoch']:.4f} ms per replica-epoch",
        f"engine ({e['engine_replicas']} replicas x {e['epochs']} epochs, best of {e['engine_runs']} runs): "
        f"{e['engine_ms_per_replica_epoch']:.4f} ms per replica-epoch",
        _rate_line(e, machine_gflops),
        f"speedup: {e['speedup']:.0f}x; the measurement costs {e['measurement_in_forward_passes']} forward passes",
        _jax_line(result["jax_reference"]),
    ]
    return lines


def _jax_line(row):
    if "status" in row:
        return f"JAX reference: {row['status']}"
    return (f"JAX reference (jax {row['jax']}): {row['jax_ms_per_replica_epoch']:.4f} ms per replica-epoch; the engine is "
            f"{row['engine_faster_by']:.2f}x faster (target >= {row['target']}x); largest scale-relative difference "
            f"{max(row['scale_relative_difference'].values()):.1e}")
