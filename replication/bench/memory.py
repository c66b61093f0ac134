"""Seconds per measurement and peak memory of Θ on a ResNet-50-size model, each configuration in a process
of its own."""

import json

import keras
import numpy as np

from training_response import ResponseProbe
from ..timing import seconds_of_calls
from .fresh_process import in_fresh_process


def mib_in_status(lines, field):
    """The memory figure `field` (VmRSS, VmHWM) of a /proc/PID/status text, which gives kB, in whole MiB."""
    return next(int(line.split()[1]) // 1024 for line in lines if line.startswith(field + ":"))


def _status_mib(field):
    """A memory figure of this process from Linux's /proc/self/status, in MiB."""
    with open("/proc/self/status") as fh:
        return mib_in_status(fh, field)


def memory_row(chunk, points, parameters, seconds, before_mib, peak_mib):
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
    [seconds] = seconds_of_calls(lambda _: probe._measure().numpy(), 1)
    peak = _status_mib("VmHWM")
    print(json.dumps(memory_row(chunk, points, model.count_params(), seconds, before, peak)))


def large_model_memory(configs=((8, 1000), (32, 1000), (8, 250))):
    """Seconds per measurement and peak memory of Θ on a ResNet-50-size model, each configuration
    (chunk, points) in its own process so that peaks do not carry over."""
    return {"workload": "keras.applications.ResNet50(weights=None) at 64×64×3 + Dense(1, sigmoid), kinds ntk, random images; "
            "peak_rss_mib is the process's peak from just before the measurement on, measurement_peak_mib that peak less the "
            "memory in use before it (the model, its weights, the images)",
            "rows": [in_fresh_process(_large_model_child, chunk, points) for chunk, points in configs]}
