"""The ensemble engine's speed against one model.fit per replica on the papers' workloads, its FLOP rate,
and what its measurement costs in forward passes of the network."""

import collections
import dataclasses

import numpy as np
import tensorflow as tf

from training_response.windows import input_alphabet

from .. import figures
from ..ensemble_trainer import point_replicas
from ..problem import build_model, measured_epochs, replica_probe, replica_setup
from ..timing import ms_per_replica_epoch, seconds_of_calls
from ..training import TRAINERS, run_ensemble
from .flops import flop_per_replica_epoch, gflop_per_second

SPEEDUP_TARGET = 300  # the engine on 100 replicas against one model.fit per replica, per replica-epoch

# (figure id, probe schedule, description, speedup target) in bench.json's order; the conv rows show the engine's distance to the machine's limit.
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

# engine_runs: the engine's time is the best of this many runs, as the first also compiles for its length.
EngineSizes = collections.namedtuple("EngineSizes", "fit_replicas engine_replicas epochs engine_runs", defaults=(3,))

# The convolutional rows' fixed sizes (the command line's are the 2024-fig1 rows'), small enough for a row's budget of a minute.
CONV_ENGINE_SIZES = {"engine_conv1d": EngineSizes(3, 20, 300, 1), "engine_conv2d": EngineSizes(3, 50, 200, 1)}


def bench_figure(figure_id, schedule):
    """The figure's first variant (the 2022 figures' unbiased encoding) with the probe at `schedule`."""
    _, fig = figures.get(figure_id).variant_configs()[0]
    return dataclasses.replace(fig, probe={**fig.probe, "schedule": schedule})


def bench_images(fig, count=100):
    """`count` seeded uniform random images in [0, 1] of the figure's image shape for a figure that trains
    on images (the bench runs offline, without MNIST), else None."""
    if fig.kind != "images":
        return None
    return np.random.default_rng(0).random((count, *fig.model["image_shape"]), dtype=np.float32)


def probe_point_count(fig, images=None):
    """P: how many points the figure's probe measures, as replica 0 of a run sees them."""
    setup = replica_setup(fig, 0, 0, 1, images)
    return len(replica_probe(fig, setup, setup["x_o"])[0])


def engine_flop(fig, epochs, images=None):
    """The naive FLOPs of a replica-epoch (flops.flop_per_replica_epoch) of the figure's network and probe
    in a run of `epochs` epochs, of which its schedule measures some."""
    probed_share = len(measured_epochs(fig, epochs)) / epochs
    return flop_per_replica_epoch(build_model(fig, 0), probe_point_count(fig, images), probed_share)


def engine_speedup(fig, sizes, description, target, machine_gflops):
    """bench.json's row of the whole run of `fig` (building, training and the probe at the figure's
    schedule) through the fit path and through the engine (run_seconds), with the naive FLOPs of a
    replica-epoch and the rate the engine reaches against `machine_gflops`. A figure that trains on images
    gets random ones (bench_images)."""
    images = bench_images(fig)
    seconds = run_seconds(fig, sizes, images)
    workload = f"{description}, schedule {fig.probe['schedule']!r}"
    flop = engine_flop(fig, sizes.epochs, images)
    return engine_speedup_row(workload, target, sizes, seconds["fit"], seconds["ensemble"], flop, machine_gflops)


def run_seconds(fig, sizes, images=None):
    """Seconds of each timed whole run of `fig` (seed 0, sizes.epochs epochs) on each path: "fit", one run
    on sizes.fit_replicas, and "ensemble", sizes.engine_runs runs on sizes.engine_replicas; each path after
    a warm-up run of 20 epochs (seed 1) that is not timed, on one replica for the fit path and on all for
    the engine, which traces for its size."""
    seconds = {}
    for engine, replicas, runs in (("fit", sizes.fit_replicas, 1), ("ensemble", sizes.engine_replicas, sizes.engine_runs)):
        trainer = TRAINERS[engine]
        run_ensemble(fig, 1 if engine == "fit" else replicas, 20, seed=1, trainer=trainer, images=images)
        run = lambda _: run_ensemble(fig, replicas, sizes.epochs, seed=0, trainer=trainer, images=images)  # noqa: E731
        seconds[engine] = seconds_of_calls(run, runs)
    return seconds


def engine_speedup_row(workload, target, sizes, fit_seconds, engine_seconds, flop, machine_gflops):
    """bench.json's row of the engine comparison, from the seconds of each timed whole run on each path
    (the best of them taken) and the FLOPs of a replica-epoch."""
    fit_ms = ms_per_replica_epoch(min(fit_seconds), sizes.fit_replicas, sizes.epochs)
    engine_ms = ms_per_replica_epoch(min(engine_seconds), sizes.engine_replicas, sizes.epochs)
    gflops = gflop_per_second(flop, engine_ms / 1e3)
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


def measurement_in_forwards(fig, replicas, images=None, repeats=30):
    """What the engine's measurement of the figure's kinds costs in forward passes of the network over the
    same probe points: the best of `repeats` timed calls of the compiled measurement over `replicas`
    replicas (at their initial weights) over the best of the same measurement of "output" alone, which is
    one forward pass. A call takes milliseconds, so the best of few calls is noisy. Exact "step" and "ntk"
    with an algorithm for any layer need a forward pass at the stepped weights and the forward pass with its
    derivative along ∇f(x_o), whose tangent takes two products per weighted layer (dW·h and W·dh): about 3
    forward passes, the first layer's dh being 0 and fixed costs per call moving the ratio. Both are measured
    as the engine runs them: read from tables of the windows where its runs are (bit strings through a
    Conv1D network, training_response.windows), and then "output" is itself read from the tables."""
    setups = [replica_setup(fig, 0, r, 1, images) for r in range(replicas)]
    ensemble, x_o, y_o, probe_x, _ = point_replicas(fig, setups)
    args = [ensemble.params, ensemble.state] + [tf.constant(a, tf.float32) for a in (x_o, y_o, probe_x)]
    alphabet = input_alphabet(x_o, probe_x)

    def best_seconds(kinds):
        measurement = ensemble.program.measurement(kinds, 0.0, alphabet)
        times = seconds_of_calls(lambda _: tf.nest.map_structure(lambda t: t.numpy(), measurement(*args)), repeats + 1)
        return min(times[1:])  # the first call traces and compiles

    return round(best_seconds(tuple(fig.probe["kinds"])) / best_seconds(("output",)), 2)
