"""`python -m replication bench`: the ResponseProbe's cost on model.fit, on the 2024-fig1 workload."""

import json
import os
import time

import keras
import numpy as np
import tensorflow as tf

from callbacks import ResponseProbe
from data import random_bits
from replication.models import build_2024

PROBE_TARGET = 1.5  # model.fit with the probe every epoch may take at most this multiple of plain fit


def _timed_fits(model, x_o, y_o, epochs, repeats, callbacks):
    inputs = np.broadcast_to(x_o, (epochs,) + x_o.shape)
    dataset = tf.data.Dataset.from_tensor_slices((inputs, np.full((epochs, 1), y_o, np.float32))).batch(1)
    model.fit(dataset, epochs=50, steps_per_epoch=1, verbose=0, callbacks=callbacks)  # trace and warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.fit(dataset, epochs=epochs, steps_per_epoch=1, verbose=0, callbacks=callbacks)
        times.append(time.perf_counter() - start)
    return times


def probe_overhead(epochs, repeats):
    """Wall time per epoch of the 2024 ReLU model's single-point fit, without and with a probe over all
    256 inputs measured every epoch: the best of `repeats` fits each (as timeit does: the least
    disturbed run), the variants alternating so that drift hits both. Medians are recorded too."""
    x_o = random_bits(8, rng=0)
    y_o = 1.0
    plain_model = build_2024("relu", seed=0)
    probed_model = build_2024("relu", seed=0)
    probe = ResponseProbe(x_o, y_o, shells=True, epochs=None)
    plain, probed = [], []
    for _ in range(repeats):
        plain += _timed_fits(plain_model, x_o, y_o, epochs, 1, [])
        probed += _timed_fits(probed_model, x_o, y_o, epochs, 1, [probe])
    plain_ms = 1e3 * float(np.min(plain)) / epochs
    probed_ms = 1e3 * float(np.min(probed)) / epochs
    median_ratio = float(np.median(probed) / np.median(plain))
    return {
        "workload": "2024-fig1 model (8 bits, 128 ReLU features), one SGD step per epoch, probe over all 256 "
        "inputs with kinds step and ntk at every epoch",
        "epochs_per_fit": epochs,
        "repeats": repeats,
        "fit_ms_per_epoch": round(plain_ms, 4),
        "fit_with_probe_ms_per_epoch": round(probed_ms, 4),
        "probe_overhead": round(probed_ms / plain_ms, 3),
        "probe_overhead_of_medians": round(median_ratio, 3),
        "target": PROBE_TARGET,
        "probes_per_fit": int(len(probe.history["epoch"])),
    }


def run_bench(epochs=2000, repeats=5, out="results", command=None):
    result = {"command": command or "python -m replication bench", "machine": {"cpus": os.cpu_count()}}
    result["versions"] = {"tensorflow": tf.__version__, "keras": keras.__version__}
    result["probe"] = probe_overhead(epochs, repeats)
    p = result["probe"]
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "bench.json")
    with open(path + ".partial", "w") as fh:
        json.dump(result, fh, indent=2)
        fh.write("\n")
    os.replace(path + ".partial", path)
    print(f"fit: {p['fit_ms_per_epoch']:.3f} ms/epoch")
    print(f"fit with probe (256 points, every epoch): {p['fit_with_probe_ms_per_epoch']:.3f} ms/epoch")
    print(f"wrote {path}")
    print(f"probe overhead: {p['probe_overhead']:.2f}x (target <= {PROBE_TARGET}x)")
    return result
