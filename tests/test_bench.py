"""The bench's arithmetic and the rows it writes to bench.json, on made-up timings: nothing here is timed,
so nothing depends on the machine's speed. Expected values are worked out by hand in the comments."""

import types

import numpy as np
import pytest

from training_response.replication import bench


def test_best_ms_per_epoch_takes_the_fastest_fit():
    # min(0.5, 0.25, 0.75) s over 250 epochs = 1 ms per epoch.
    assert bench._best_ms_per_epoch([0.5, 0.25, 0.75], 250) == pytest.approx(1.0)


def test_probe_overhead_row_from_fake_fits():
    # Best: 0.25 s and 0.375 s over 250 epochs = 1.0 and 1.5 ms/epoch, overhead 1.5;
    # medians: 0.625 / 0.5 = 1.25.
    row = bench._probe_overhead_row("a workload", 250, 3, plain=[0.5, 0.25, 0.75], probed=[0.625, 0.375, 1.0], target=1.5)
    assert row == {
        "workload": "a workload; one step per epoch, probe over all 256 inputs at every epoch",
        "epochs_per_fit": 250,
        "repeats": 3,
        "fit_ms_per_epoch": 1.0,
        "fit_with_probe_ms_per_epoch": 1.5,
        "probe_overhead": 1.5,
        "probe_overhead_of_medians": 1.25,
        "target": 1.5,
    }


def test_probe_overhead_row_rounds_times_to_4_and_ratios_to_3_decimals():
    # 300/7 = 42.857142.. and 400/7 = 57.142857.. ms/epoch; 4/3 and 3/2.
    row = bench._probe_overhead_row("w", 7, 2, plain=[0.3, 0.4], probed=[0.4, 0.8], target=None)
    assert (row["fit_ms_per_epoch"], row["fit_with_probe_ms_per_epoch"]) == (42.8571, 57.1429)
    assert (row["probe_overhead"], row["probe_overhead_of_medians"]) == (1.333, 1.714)
    assert row["target"] is None


def test_probe_overhead_alternates_the_variants_and_sets_the_target_on_sgd_only(monkeypatch):
    calls = []
    # plain, probed, plain, probed; then one of each for the second workload
    fake_seconds = iter([0.2, 0.3, 0.1, 0.4, 1.0, 1.0])

    def fake_timed_fits(model, x_o, y_o, epochs, repeats, callbacks):
        calls.append(("probed" if callbacks else "plain", model, epochs, repeats))
        return [next(fake_seconds)]

    monkeypatch.setattr(bench, "_timed_fits", fake_timed_fits)
    monkeypatch.setattr(bench, "ResponseProbe", lambda *args, **kwargs: "probe")
    monkeypatch.setattr(bench, "PROBE_WORKLOADS", {"sgd": (lambda: "model", 1.0, ("step",), "w"), "other": (lambda: "model", 1.0, ("step",), "w")})
    row = bench.probe_overhead(100, 2)
    assert [c[0] for c in calls] == ["plain", "probed", "plain", "probed"]
    assert all(c[2:] == (100, 1) for c in calls)
    # Best 0.1 s and 0.3 s over 100 epochs: 1 and 3 ms/epoch; medians 0.15 and 0.35.
    assert (row["fit_ms_per_epoch"], row["fit_with_probe_ms_per_epoch"], row["probe_overhead"]) == (1.0, 3.0, 3.0)
    assert row["probe_overhead_of_medians"] == 2.333
    assert row["target"] == bench.PROBE_TARGET
    assert bench.probe_overhead(100, 1, "other")["target"] is None


def test_ms_per_replica_epoch():
    # 3 s over 3 replicas × 1000 epochs = 1 ms; 5 s over 100 × 1000 = 0.05 ms.
    assert bench._ms_per_replica_epoch(3.0, 3, 1000) == pytest.approx(1.0)
    assert bench._ms_per_replica_epoch(5.0, 100, 1000) == pytest.approx(0.05)


def test_engine_speedup_row_from_fake_runs():
    row = bench._engine_speedup_row("every", 1000, 3, 100, fit_seconds=3.0, engine_seconds=5.0)
    assert row == {
        "workload": "2024-fig1 (8 bits, 128 ReLU features), single-point training, probe (step and ntk) over all 256 inputs, schedule 'every'",
        "epochs": 1000,
        "fit_replicas": 3,
        "engine_replicas": 100,
        "fit_ms_per_replica_epoch": 1.0,
        "engine_ms_per_replica_epoch": 0.05,
        "speedup": 20.0,  # 1 / 0.05
        "target": bench.SPEEDUP_TARGET,
    }


def test_engine_speedup_is_the_ratio_of_the_unrounded_times():
    # Engine: 0.0014 s over 100 × 1000 = 0.000014 ms, written as 0.00001 (5 decimals); the speedup is
    # 1 / 0.000014 = 71428.57.., not 1 / 0.00001.
    row = bench._engine_speedup_row("log", 1000, 3, 100, fit_seconds=3.0, engine_seconds=0.0014)
    assert row["engine_ms_per_replica_epoch"] == 0.00001
    assert row["speedup"] == 71428.6


def test_engine_speedup_times_the_run_but_not_the_warm_up(monkeypatch):
    runs = []
    clock = iter([10.0, 13.0, 20.0, 25.0])  # start and end of the timed fit run, then of the engine's

    monkeypatch.setattr(bench, "run_ensemble", lambda fig, replicas, epochs, seed, trainer, progress: runs.append((trainer.name, replicas, epochs, seed)))
    monkeypatch.setattr(bench, "time", types.SimpleNamespace(perf_counter=lambda: next(clock)))
    row = bench.engine_speedup(3, 100, 1000, schedule="log")
    # Warm-ups: one replica through fit, all replicas through the engine (each traces for its own size).
    assert runs == [("fit", 1, 20, 1), ("fit", 3, 1000, 0), ("ensemble", 100, 20, 1), ("ensemble", 100, 1000, 0)]
    # 3 s over 3 × 1000 = 1 ms, 5 s over 100 × 1000 = 0.05 ms.
    assert (row["fit_ms_per_replica_epoch"], row["engine_ms_per_replica_epoch"], row["speedup"]) == (1.0, 0.05, 20.0)
    assert row["workload"].endswith("schedule 'log'")


def test_relative_distances_of_masked_steps():
    inference = np.array([3.0, 4.0])  # norm 5
    steps = np.array([[6.0, 4.0], [3.0, 8.0]])
    each, of_mean = bench._relative_distances(steps, inference)
    # |(3, 0)| / 5 and |(0, 4)| / 5; the mean step (4.5, 6) is (1.5, 2) away: 2.5 / 5, not the mean 0.7
    # of the single distances.
    assert each == pytest.approx([0.6, 0.8])
    assert of_mean == pytest.approx(0.5)


def test_dropout_row_median_quartiles_and_mean():
    # Median of 1..4 is 2.5; numpy's linear quartiles at positions 0.75 and 2.25: 1.75, 3.25; mean of
    # three thirds is 0.333.
    row = bench._dropout_row([4.0, 1.0, 3.0, 2.0], [1 / 3, 1 / 3, 1 / 3])
    assert row == {"one_masked_step_median": 2.5, "one_masked_step_quartiles": [1.75, 3.25], "mean_of_masked_steps": 0.333}


def test_mib_in_status_converts_kb_rounding_down():
    status = ["Name:\tpython\n", "VmHWM:\t 2097151 kB\n", "VmRSS:\t 1048576 kB\n"]
    assert bench._mib_in_status(status, "VmRSS") == 1024
    assert bench._mib_in_status(status, "VmHWM") == 2047  # 2047.999 MiB


def test_memory_row_measures_the_peak_above_the_memory_before():
    row = bench._memory_row(8, 1000, 23589761, 9.4449, before_mib=873, peak_mib=1684)
    assert row == {"chunk": 8, "points": 1000, "parameters": 23589761, "seconds_per_measurement": 9.4,
                   "rss_before_mib": 873, "peak_rss_mib": 1684, "measurement_peak_mib": 811}
    # bench.json keeps this order.
    assert list(row) == ["chunk", "points", "parameters", "seconds_per_measurement", "rss_before_mib", "peak_rss_mib", "measurement_peak_mib"]


def test_summary_lines_of_a_fake_result():
    probe = {"fit_ms_per_epoch": 0.6282, "fit_with_probe_ms_per_epoch": 0.8738, "probe_overhead": 1.391}
    engine = {"fit_replicas": 3, "engine_replicas": 100, "epochs": 1000, "fit_ms_per_replica_epoch": 1.2573,
              "engine_ms_per_replica_epoch": 0.06683, "speedup": 18.8}
    dropout = {"one_masked_step_median": 0.184, "mean_of_masked_steps": 0.066}
    result = {
        "probe": probe,
        "probe_workloads": {"softmax_10": {"fit_ms_per_epoch": 0.6367, "fit_with_probe_ms_per_epoch": 1.3036, "probe_overhead": 2.047}},
        "large_model": {"rows": [{"points": 250, "chunk": 8, "seconds_per_measurement": 2.5, "peak_rss_mib": 1512, "measurement_peak_mib": 658}]},
        "dropout_step": {"epoch_0": dropout, "epoch_300": dropout},
        "engine_log_schedule": {**engine, "speedup": 52.4},
        "engine": engine,
    }
    assert bench._summary_lines(result, "out/bench.json") == [
        "fit: 0.628 ms/epoch",
        "fit with probe (256 points, every epoch): 0.874 ms/epoch",
        "wrote out/bench.json",
        f"probe overhead: 1.39x (target <= {bench.PROBE_TARGET}x)",
        "probe overhead, softmax_10: 0.637 -> 1.304 ms/epoch, 2.05x",
        "log-spaced probe (the figures' schedule): fit 1.2573, engine 0.0668 ms per replica-epoch, speedup 52x",
        "ResNet-50, 250 probe points in chunks of 8: 2.5 s per measurement, peak 1512 MiB (+658 MiB)",
        "dropout 0.2, epoch_0: one masked step is 0.18 (median relative L2) from the probe's inference-mode step, the mean of the masked steps 0.07",
        "dropout 0.2, epoch_300: one masked step is 0.18 (median relative L2) from the probe's inference-mode step, the mean of the masked steps 0.07",
        "probe at every epoch:",
        "fit path (3 replicas x 1000 epochs): 1.2573 ms per replica-epoch",
        "engine (100 replicas x 1000 epochs): 0.0668 ms per replica-epoch",
        "speedup: 19x",
    ]
