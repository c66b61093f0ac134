"""`python -m replication bench`: on the 2024-fig1 workload, the ResponseProbe's cost on model.fit and
the ensemble engine's speed against one model.fit per replica."""

import dataclasses
import json
import os
import time

import keras
import numpy as np
import tensorflow as tf

from training_response import ResponseProbe
from training_response.data import random_bits
from . import figures
from .files import write_json
from .training import TRAINERS, run_ensemble
from .models import build_2024

PROBE_TARGET = 1.5  # model.fit with the probe every epoch may take at most this multiple of plain fit
SPEEDUP_TARGET = 300  # the engine on 100 replicas against one model.fit per replica, per replica-epoch


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
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fit(epochs)
        times.append(time.perf_counter() - start)
    return times


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


def _probe_overhead_row(description, epochs, repeats, plain, probed, target):
    """bench.json's row of a probe workload, from the seconds of its timed fits without (`plain`) and
    with (`probed`) the probe."""
    plain_ms = _best_ms_per_epoch(plain, epochs)
    probed_ms = _best_ms_per_epoch(probed, epochs)
    median_ratio = float(np.median(probed) / np.median(plain))
    return {
        "workload": f"{description}; one step per epoch, probe over all 256 inputs at every epoch",
        "epochs_per_fit": epochs,
        "repeats": repeats,
        "fit_ms_per_epoch": round(plain_ms, 4),
        "fit_with_probe_ms_per_epoch": round(probed_ms, 4),
        "probe_overhead": round(probed_ms / plain_ms, 3),
        "probe_overhead_of_medians": round(median_ratio, 3),
        "target": target,
    }


def probe_overhead(epochs, repeats, workload="sgd"):
    """Wall time per epoch of a single-point fit without and with a probe over all 256 8-bit inputs
    measured every epoch: the best of `repeats` fits each (as timeit does: the least disturbed run), the
    variants alternating so that drift hits both. Medians are recorded too."""
    build, y_o, kinds, description = PROBE_WORKLOADS[workload]
    x_o = random_bits(8, rng=0)
    plain_model, probed_model = build(), build()
    probe = ResponseProbe(x_o, y_o, shells=True, epochs=None, kinds=kinds)
    plain, probed = [], []
    for _ in range(repeats):
        plain += _timed_fits(plain_model, x_o, y_o, epochs, 1, [])
        probed += _timed_fits(probed_model, x_o, y_o, epochs, 1, [probe])
    # The target is the workload's (SGD); the other workloads are measured for comparison.
    return _probe_overhead_row(description, epochs, repeats, plain, probed, PROBE_TARGET if workload == "sgd" else None)


def engine_speedup(fit_replicas, engine_replicas, epochs, schedule="every"):
    """ms per replica-epoch of the whole run (building, training and the probe at every epoch, or at
    the figure's log schedule) through the fit path on a few replicas and through the engine on many,
    each after a short warm-up run."""
    fig = figures.get("2024-fig1")
    fig = dataclasses.replace(fig, probe={**fig.probe, "schedule": schedule})
    seconds = {}
    for engine, replicas in (("fit", fit_replicas), ("ensemble", engine_replicas)):
        run_ensemble(fig, 1 if engine == "fit" else replicas, 20, seed=1, trainer=TRAINERS[engine], progress=False)
        start = time.perf_counter()
        run_ensemble(fig, replicas, epochs, seed=0, trainer=TRAINERS[engine], progress=False)
        seconds[engine] = time.perf_counter() - start
    return _engine_speedup_row(schedule, epochs, fit_replicas, engine_replicas, seconds["fit"], seconds["ensemble"])


def _ms_per_replica_epoch(seconds, replicas, epochs):
    return 1e3 * seconds / (replicas * epochs)


def _engine_speedup_row(schedule, epochs, fit_replicas, engine_replicas, fit_seconds, engine_seconds):
    """bench.json's row of the engine comparison, from the seconds of the whole run on each path."""
    fit_ms = _ms_per_replica_epoch(fit_seconds, fit_replicas, epochs)
    engine_ms = _ms_per_replica_epoch(engine_seconds, engine_replicas, epochs)
    return {
        "workload": "2024-fig1 (8 bits, 128 ReLU features), single-point training, probe (step and ntk) over all "
        f"256 inputs, schedule {schedule!r}",
        "epochs": epochs,
        "fit_replicas": fit_replicas,
        "engine_replicas": engine_replicas,
        "fit_ms_per_replica_epoch": round(fit_ms, 5),
        "engine_ms_per_replica_epoch": round(engine_ms, 5),
        # Of the unrounded times: the rounded engine time keeps only 3-4 significant digits.
        "speedup": round(fit_ms / engine_ms, 1),
        "target": SPEEDUP_TARGET,
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


def run_bench(epochs=2000, repeats=5, out="results", command=None, replicas=100, engine_epochs=1000, fit_replicas=3):
    result = {"command": command or "python -m replication bench", "machine": {"cpus": os.cpu_count()}}
    result["versions"] = {"tensorflow": tf.__version__, "keras": keras.__version__}
    result["probe"] = probe_overhead(epochs, repeats)
    result["probe_workloads"] = {name: probe_overhead(epochs, repeats, name) for name in PROBE_WORKLOADS if name != "sgd"}
    result["large_model"] = large_model_memory()
    result["dropout_step"] = dropout_step_difference()
    # The figures' own schedule first; the last line is the issue's workload, the probe at every epoch.
    result["engine_log_schedule"] = engine_speedup(fit_replicas, replicas, engine_epochs, schedule="log")
    result["engine"] = engine_speedup(fit_replicas, replicas, engine_epochs, schedule="every")
    path = os.path.join(out, "bench.json")
    write_json(path, result)
    print("\n".join(_summary_lines(result, path)))
    return result


def _summary_lines(result, path):
    """The console summary of a bench result written to `path`."""
    p = result["probe"]
    e = result["engine"]
    g = result["engine_log_schedule"]
    lines = [
        f"fit: {p['fit_ms_per_epoch']:.3f} ms/epoch",
        f"fit with probe (256 points, every epoch): {p['fit_with_probe_ms_per_epoch']:.3f} ms/epoch",
        f"wrote {path}",
        f"probe overhead: {p['probe_overhead']:.2f}x (target <= {PROBE_TARGET}x)",
    ]
    for name, row in result["probe_workloads"].items():
        lines.append(f"probe overhead, {name}: {row['fit_ms_per_epoch']:.3f} -> {row['fit_with_probe_ms_per_epoch']:.3f} ms/epoch, {row['probe_overhead']:.2f}x")
    lines.append(
        f"log-spaced probe (the figures' schedule): fit {g['fit_ms_per_replica_epoch']:.4f}, engine "
        f"{g['engine_ms_per_replica_epoch']:.4f} ms per replica-epoch, speedup {g['speedup']:.0f}x"
    )
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
        f"engine ({e['engine_replicas']} replicas x {e['epochs']} epochs): {e['engine_ms_per_replica_epoch']:.4f} ms per replica-epoch",
        f"speedup: {e['speedup']:.0f}x",
    ]
    return lines
