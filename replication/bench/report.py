"""`python -m replication bench`: every measurement of the package in one run, written to bench.json in its
order, and the console summary of them."""

import os

import keras
import tensorflow as tf

from ..files import write_json
from .dropout import dropout_step_difference
from .engine_speed import CONV_ENGINE_SIZES, ENGINE_WORKLOADS, EngineSizes, bench_figure, bench_images, engine_speedup, measurement_in_forwards
from .flops import matmul_gflops
from .jax_speed import jax_comparison
from .memory import large_model_memory
from .overhead import PROBE_TARGET, PROBE_WORKLOADS, probe_overhead


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
        fig = bench_figure(figure_id, schedule)
        result[name] = engine_speedup(fig, sizes, description, target, machine_gflops)
        result[name]["measurement_in_forward_passes"] = measurement_in_forwards(fig, sizes.engine_replicas, bench_images(fig))
    result["jax_reference"] = jax_comparison(bench_figure("2024-fig1", "every"), EngineSizes(fit_replicas, replicas, engine_epochs), result["engine"])
    path = os.path.join(out, "bench.json")
    write_json(path, result)
    print("\n".join(summary_lines(result, path)))
    return result


def _rate_line(row, machine_gflops):
    """How much of this machine's matmul rate the engine reaches on an engine row's workload."""
    return (f"  {row['flop_per_replica_epoch'] / 1e6:.3g} MFLOP per replica-epoch: engine at {row['gflops_effective']:.3g} GFLOP/s, "
            f"{row['fraction_of_matmul_rate']:.2%} of this machine's float32 matmul rate ({machine_gflops:.0f} GFLOP/s)")


def summary_lines(result, path):
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
