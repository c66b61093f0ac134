"""The bench. Its arithmetic (rows from timings: best fits, medians, ratios, rounding) is pure functions of
made-up timings, checked against values worked out by hand in the comments; what it runs (the variants
taking turns, a model of its own per variant, the callbacks at every epoch end, the warm-up runs) is run
for real at tiny sizes and checked on what does not depend on the machine's speed: which calls, how
many, on which model, keys in bench.json's order, positive finite ratios."""

import itertools
import math

import keras
import numpy as np
import pytest

from training_response import ResponseProbe
from training_response.data import random_bits
from training_response.replication import timing
from training_response.replication.bench import by_hand, dropout, engine_speed, flops, memory, overhead, report
from training_response.replication.models import build_2024
from training_response.replication.problem import replica_setup
from training_response.replication.training import TRAINERS

# bench.json's keys of a probe workload's row, in its order.
PROBE_ROW_KEYS = ["workload", "epochs_per_fit", "repeats", "fit_ms_per_epoch", "fit_with_probe_ms_per_epoch", "probe_overhead",
                  "probe_overhead_of_medians", "target", "fit_with_forward_pass_ms_per_epoch", "forward_pass_overhead",
                  "forward_pass_overhead_of_medians"]
BY_HAND_KEYS = ["fit_with_minimal_measurement_ms_per_epoch", "minimal_measurement_overhead", "minimal_measurement_overhead_of_medians"]
COST_KEYS = ["probe_epoch_end_ms", "forward_pass_ms"]


def test_probe_overhead_row_takes_the_best_fits_and_the_medians():
    # Best: 0.25 s, 0.375 s and 0.3 s over 250 epochs = 1.0, 1.5 and 1.2 ms/epoch, overheads 1.5 and 1.2;
    # medians: 0.625 / 0.5 = 1.25 and 0.55 / 0.5 = 1.1.
    seconds = {"plain": [0.5, 0.25, 0.75], "probe": [0.625, 0.375, 1.0], "forward_pass": [0.55, 0.3, 0.6]}
    row = overhead.probe_overhead_row("a workload", 250, seconds, target=1.5)
    assert row == {
        "workload": "a workload; one step per epoch, probe over all 256 inputs at every epoch",
        "epochs_per_fit": 250,
        "repeats": 3,
        "fit_ms_per_epoch": 1.0,
        "fit_with_probe_ms_per_epoch": 1.5,
        "probe_overhead": 1.5,
        "probe_overhead_of_medians": 1.25,
        "target": 1.5,
        "fit_with_forward_pass_ms_per_epoch": 1.2,
        "forward_pass_overhead": 1.2,
        "forward_pass_overhead_of_medians": 1.1,
    }
    assert list(row) == PROBE_ROW_KEYS


def test_probe_overhead_row_rounds_times_to_4_and_ratios_to_3_decimals():
    # 300/7 = 42.857142.. and 400/7 = 57.142857.. ms/epoch; 4/3 and 3/2.
    seconds = {"plain": [0.3, 0.4], "probe": [0.4, 0.8], "forward_pass": [0.4, 0.8]}
    row = overhead.probe_overhead_row("w", 7, seconds, target=None)
    assert (row["fit_ms_per_epoch"], row["fit_with_probe_ms_per_epoch"]) == (42.8571, 57.1429)
    assert (row["probe_overhead"], row["probe_overhead_of_medians"]) == (1.333, 1.714)
    assert (row["fit_with_forward_pass_ms_per_epoch"], row["forward_pass_overhead"], row["forward_pass_overhead_of_medians"]) == (57.1429, 1.333, 1.714)
    assert row["target"] is None


def test_probe_overhead_row_with_the_measurement_by_hand_last():
    # Two rounds of 100 epochs. Best 0.1, 0.3, 0.15 and 0.2 s: 1, 3, 1.5 and 2 ms/epoch; medians 0.15,
    # 0.35, 0.2 and 0.25: 0.35 / 0.15 = 2.333, 0.2 / 0.15 = 1.333, 0.25 / 0.15 = 1.667.
    seconds = {"plain": [0.2, 0.1], "probe": [0.3, 0.4], "forward_pass": [0.25, 0.15], "minimal_measurement": [0.3, 0.2]}
    row = overhead.probe_overhead_row("w", 100, seconds, target=1.3)
    assert list(row) == PROBE_ROW_KEYS + BY_HAND_KEYS
    assert (row["repeats"], row["fit_ms_per_epoch"], row["fit_with_probe_ms_per_epoch"], row["probe_overhead"]) == (2, 1.0, 3.0, 3.0)
    assert row["probe_overhead_of_medians"] == 2.333
    assert (row["fit_with_forward_pass_ms_per_epoch"], row["forward_pass_overhead"], row["forward_pass_overhead_of_medians"]) == (1.5, 1.5, 1.333)
    assert [row[key] for key in BY_HAND_KEYS] == [2.0, 2.0, 1.667]


def test_best_and_median_ms():
    # Best 1 ms; the median of four is the mean of the middle two, (2 + 3) / 2; 1/3 ms rounds to 4 decimals.
    assert overhead.best_and_median_ms([0.004, 0.001, 0.003, 0.002]) == {"best": 1.0, "median": 2.5}
    assert overhead.best_and_median_ms([1 / 3000]) == {"best": 0.3333, "median": 0.3333}


def _positive_and_finite(values):
    return all(math.isfinite(v) and v > 0 for v in values)


class _Recorder(keras.callbacks.Callback):
    """Records, in one shared list, (name, "begin") at the start of each fit and (name, epoch) at each epoch end."""

    def __init__(self, name, seen):
        super().__init__()
        self.name, self.seen = name, seen

    def on_train_begin(self, logs=None):
        self.seen.append((self.name, "begin"))

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append((self.name, epoch))


def test_alternating_fits_take_turns_each_on_its_own_model_resuming_where_it_ended():
    x_o = random_bits(8, rng=0)
    seen = []
    variants = {name: (build_2024("relu", seed=0), [_Recorder(name, seen)]) for name in ("a", "b")}
    seconds = overhead.alternating_fits(variants, x_o, 1.0, epochs=2, repeats=2)
    assert list(seconds) == ["a", "b"]
    assert all(len(times) == 2 and _positive_and_finite(times) for times in seconds.values())
    # Each round: every variant's warm-up fit, then its timed fit of 2 epochs, before the next variant's.
    per_fit = overhead.WARM_UP_EPOCHS + 2
    starts = [name for name, event in seen if event == "begin"]
    assert starts == ["a", "a", "b", "b"] * 2
    # Each fit resumes at the epoch where the last fit of its model ended: one record per epoch, no gap.
    for name in ("a", "b"):
        assert [event for who, event in seen if who == name and event != "begin"] == list(range(2 * per_fit))
    # One step per epoch, each variant's model trained by its own fits alone.
    assert [int(model.optimizer.iterations.numpy()) for model, _ in variants.values()] == [2 * per_fit] * 2


@pytest.fixture
def epoch_ends(monkeypatch):
    """(callback class name, model) at every epoch end of History (which every fit has), of the probe and of
    the bench's forward-pass callbacks (the measurement by hand is one), in order: their public Keras hook
    wrapped to record each call, and then run."""
    seen = []
    for cls in (keras.callbacks.History, ResponseProbe, overhead.ForwardPassEachEpoch):

        def recorded(self, epoch, logs=None, hook=cls.on_epoch_end):
            seen.append((type(self).__name__, self.model))
            return hook(self, epoch, logs)

        monkeypatch.setattr(cls, "on_epoch_end", recorded)
    return seen


def _fits(epoch_ends):
    """(model, epochs) of each stretch of fit epochs on one model, in order."""
    models = [model for name, model in epoch_ends if name == "History"]
    return [(group[0], len(group)) for group in (list(g) for _, g in itertools.groupby(models, key=id))]


def _models_of(epoch_ends, name):
    return [model for who, model in epoch_ends if who == name]


def test_probe_overhead_times_each_variant_on_its_own_model_in_turns(epoch_ends):
    row = overhead.probe_overhead(epochs=2, repeats=1, epoch_end_calls=3)
    fits = _fits(epoch_ends)
    # The four variants in turn, each its warm-up and its timed fit of 2 epochs on a model of its own.
    assert len(fits) == 4 and all(epochs == overhead.WARM_UP_EPOCHS + 2 for _, epochs in fits)
    plain, probed, forwarded, by_hand = [model for model, _ in fits]
    assert len({id(model) for model in (plain, probed, forwarded, by_hand)}) == 4
    fit_epochs = overhead.WARM_UP_EPOCHS + 2
    # The probe on its model at every fit epoch, and then 3 calls of its hook outside a fit (per_epoch_costs).
    assert [id(model) for model in _models_of(epoch_ends, "ResponseProbe")] == [id(probed)] * (fit_epochs + 3)
    assert [id(model) for model in _models_of(epoch_ends, "ForwardPassEachEpoch")] == [id(forwarded)] * fit_epochs
    assert [id(model) for model in _models_of(epoch_ends, "MinimalMeasurementEachEpoch")] == [id(by_hand)] * fit_epochs
    # The plain model has no callback of its own.
    assert id(plain) not in {id(model) for name, model in epoch_ends if name != "History"}
    assert list(row) == PROBE_ROW_KEYS + BY_HAND_KEYS + COST_KEYS
    assert (row["epochs_per_fit"], row["repeats"], row["target"]) == (2, 1, overhead.PROBE_TARGET)
    assert _positive_and_finite(row[key] for key in PROBE_ROW_KEYS + BY_HAND_KEYS if key not in ("workload", "target"))
    for key in COST_KEYS:
        assert 0 < row[key]["best"] <= row[key]["median"]


def test_probe_overhead_of_another_workload_has_no_target_and_no_measurement_by_hand(epoch_ends):
    row = overhead.probe_overhead(epochs=2, repeats=1, workload="softmax_10", epoch_end_calls=2)
    assert len({id(model) for model, _ in _fits(epoch_ends)}) == 3  # plain, probe, forward pass
    assert _models_of(epoch_ends, "MinimalMeasurementEachEpoch") == []
    assert list(row) == PROBE_ROW_KEYS + COST_KEYS
    assert row["target"] is None
    assert row["workload"].startswith(overhead.PROBE_WORKLOADS["softmax_10"][3])


def test_the_measurement_by_hand_equals_the_generic_one_on_the_2024_network():
    """minimal_measurement (Θ from the two layers' structure, the step from the stepped weights) against
    `measure`'s Jacobian-free double-backward Θ and its step, after a few training steps."""
    from training_response.response import keras_loss_fn, keras_output_fn, ntk_row, step_response

    x_o = random_bits(8, rng=0)
    points = np.concatenate([random_bits(8, 40, rng=1), x_o[None]])
    model = build_2024("relu", seed=3)
    model.fit(x_o[None], np.ones((1, 1)), epochs=5, verbose=0)
    values = by_hand.minimal_measurement(model, points, x_o, 1.0)().numpy()
    params = [v.value for v in model.trainable_variables]
    f = keras_output_fn(model)
    np.testing.assert_allclose(values[0], model(x_o[None], training=False).numpy()[0, 0], rtol=1e-6)
    theta = ntk_row(f, params, x_o, points).numpy()
    np.testing.assert_allclose(values[1 : 1 + len(points)], theta, rtol=1e-5, atol=1e-6 * np.abs(theta).max())
    step = step_response(f, keras_loss_fn(model), params, x_o, 1.0, points, 0.1).numpy()
    np.testing.assert_allclose(values[1 + len(points) :], step, rtol=1e-3, atol=1e-4 * np.abs(step).max())


def test_the_forward_pass_callback_runs_one_forward_pass_over_the_points_at_every_epoch_end():
    x_o = random_bits(8, rng=0)
    points = random_bits(8, rng=1)[None].repeat(5, axis=0) * np.arange(1, 6, dtype=np.float32)[:, None]
    model = build_2024("relu", seed=0)
    callback = overhead.ForwardPassEachEpoch(points)
    compiled, compilations, passes = callback.compiled, [], []

    def counted():  # the callback's own compiled pass, its outputs kept
        compilations.append(1)
        forward = compiled()
        return lambda: passes.append(forward()) or passes[-1]

    callback.compiled = counted
    # The model's own output at the points, read after the callback at each epoch end.
    outputs = []
    own = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: outputs.append(model(points, training=False).numpy()))
    model.fit(x_o[None], np.ones((1, 1)), epochs=4, verbose=0, callbacks=[callback, own])
    model.fit(x_o[None], np.ones((1, 1)), initial_epoch=4, epochs=7, verbose=0, callbacks=[callback, own])
    assert len(compilations) == 1  # compiled at the first fit only
    assert len(passes) == len(outputs) == 7  # one pass at each of the 7 epoch ends
    # Each pass reads the weights as they are at its epoch end: the model's own output there, which moves.
    for done, expected in zip(passes, outputs):
        np.testing.assert_allclose(done.numpy(), expected, rtol=1e-6)
    assert not np.allclose(outputs[0], outputs[-1])


def test_per_epoch_costs_time_the_probes_epoch_end_and_a_forward_pass():
    x_o = random_bits(8, rng=0)
    model = build_2024("relu", seed=0)
    probe = ResponseProbe(x_o, 1.0, shells=True, epochs=None)
    model.fit(x_o[None], np.ones((1, 1)), epochs=5, verbose=0, callbacks=[probe])
    costs = overhead.per_epoch_costs(probe, calls=5)
    # Each call of the hook is a measurement the probe records: 6 of the fit (epochs 0..5) and 5 more.
    assert len(probe.history["epoch"]) == 11 and list(probe.history["epoch"][6:]) == [1, 2, 3, 4, 5]
    np.testing.assert_array_equal(probe.history["step"][6], probe.history["step"][5])  # the weights of the fit's end
    assert list(costs) == COST_KEYS
    for key in COST_KEYS:
        assert list(costs[key]) == ["best", "median"] and 0 < costs[key]["best"] <= costs[key]["median"]


def test_seconds_of_calls_makes_each_call_once_in_order():
    seen = []
    times = timing.seconds_of_calls(seen.append, 4)
    assert seen == [0, 1, 2, 3] and len(times) == 4 and all(t >= 0 for t in times)


def test_ms_per_replica_epoch():
    # 3 s over 3 replicas × 1000 epochs = 1 ms; 5 s over 100 × 1000 = 0.05 ms.
    assert timing.ms_per_replica_epoch(3.0, 3, 1000) == pytest.approx(1.0)
    assert timing.ms_per_replica_epoch(5.0, 100, 1000) == pytest.approx(0.05)


SIZES = engine_speed.EngineSizes(fit_replicas=3, engine_replicas=100, epochs=1000)
# bench.json's keys of an engine row (report adds measurement_in_forward_passes), in its order.
ENGINE_ROW_KEYS = ["workload", "epochs", "fit_replicas", "engine_replicas", "engine_runs", "fit_ms_per_replica_epoch", "engine_ms_per_replica_epoch",
                   "speedup", "target", "flop_per_replica_epoch", "gflops_effective", "fraction_of_matmul_rate"]


def test_engine_speedup_row_from_timings():
    # The best engine run, 5 s, over 100 × 1000 replica-epochs = 0.05 ms each; 3 s over 3 × 1000 = 1 ms;
    # 2,432,256 FLOP in 0.05 ms = 48.645 GFLOP/s, 0.1 of 486.45.
    row = engine_speed.engine_speedup_row("a workload", 300, SIZES, fit_seconds=[3.0], engine_seconds=[6.0, 5.0, 7.0], flop=2432256,
                                          machine_gflops=486.4512)
    assert row == {
        "workload": "a workload",
        "epochs": 1000,
        "fit_replicas": 3,
        "engine_replicas": 100,
        "engine_runs": 3,
        "fit_ms_per_replica_epoch": 1.0,
        "engine_ms_per_replica_epoch": 0.05,
        "speedup": 20.0,  # 1 / 0.05
        "target": 300,
        "flop_per_replica_epoch": 2432256,
        "gflops_effective": 48.645,
        "fraction_of_matmul_rate": 0.1,
    }
    assert list(row) == ENGINE_ROW_KEYS


def test_engine_speedup_is_the_ratio_of_the_unrounded_times():
    # Engine: 0.0014 s over 100 × 1000 = 0.000014 ms, written as 0.00001 (5 decimals); the speedup is
    # 1 / 0.000014 = 71428.57.., not 1 / 0.00001, and the rate 1400 FLOP / 1.4e-8 s = 100 GFLOP/s, not
    # 1400 / 1e-8 s = 140.
    row = engine_speed.engine_speedup_row("w", None, SIZES, fit_seconds=[3.0], engine_seconds=[0.0014], flop=1400, machine_gflops=1000.0)
    assert row["engine_ms_per_replica_epoch"] == 0.00001
    assert row["speedup"] == 71428.6
    assert (row["gflops_effective"], row["fraction_of_matmul_rate"]) == (100.0, 0.1)


def test_gflop_per_second():
    # A 2048² matmul, 2 × 2048³ = 17,179,869,184 FLOP, in 0.05 s: 343.597 GFLOP/s.
    assert flops.gflop_per_second(2 * 2048**3, 0.05) == pytest.approx(343.59738368)


def test_forward_flop_and_flop_per_replica_epoch_of_the_2024_network():
    model = build_2024("relu", seed=0)
    # F = 2 × (8 × 128 + 128 × 1) = 2304; N = 8 × 128 + 128 + 128 + 1 = 1281.
    assert flops.forward_flop(model) == 2304
    # 3F + P (3F + 2N) = 6912 + 256 × (6912 + 2562) = 6912 + 2,425,344 = 2,432,256 ≈ 2.43 MFLOP.
    assert flops.flop_per_replica_epoch(model, 256) == 2432256
    # The log schedule measures at 5% of the epochs: 6912 + 0.05 × 2,425,344 = 128,179.2.
    assert flops.flop_per_replica_epoch(model, 256, 0.05) == pytest.approx(128179.2)


def _compiled(layers):
    model = keras.Sequential(layers)
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model


def test_forward_flop_of_a_conv1d_model():
    # (10, 2) → Conv1D(4, 3, valid): 8 positions × 3 × 2 × 4 = 192 multiply-adds; → Conv1D(5, 2, same):
    # 8 × 2 × 4 × 5 = 320; Flatten → 40 → Dense(3): 120. F = 2 × 632 = 1264; N = 28 + 45 + 123 = 196.
    model = _compiled([keras.Input((10, 2)), keras.layers.Conv1D(4, 3), keras.layers.Conv1D(5, 2, padding="same"),
                       keras.layers.Flatten(), keras.layers.Dense(3)])
    assert flops.forward_flop(model) == 1264
    # 3 × 1264 + 7 × (3 × 1264 + 2 × 196) = 3792 + 7 × 4184 = 33,080.
    assert flops.flop_per_replica_epoch(model, 7) == 33080


def test_forward_flop_of_a_conv2d_model_with_strides_pooling_and_a_nested_model():
    # (9, 7, 3) → Conv2D(4, (3, 2), strides 2): 4 × 3 positions × 3 × 2 × 3 × 4 = 864 multiply-adds;
    # max-pooling counts nothing; a nested Sequential's Dense on (2, 1, 4) → 6: 2 positions × 4 × 6 = 48.
    # F = 2 × 912 = 1824.
    head = keras.Sequential([keras.Input((2, 1, 4)), keras.layers.Dense(6)])
    model = _compiled([keras.Input((9, 7, 3)), keras.layers.Conv2D(4, (3, 2), strides=2), keras.layers.MaxPooling2D(2), head])
    assert flops.forward_flop(model) == 1824


def test_bench_images_only_for_image_figures():
    assert engine_speed.bench_images(engine_speed.bench_figure("2024-fig1", "every")) is None
    images = engine_speed.bench_images(engine_speed.bench_figure("2022-fig8", "every"))
    assert (images.shape, images.dtype) == ((100, 28, 28), np.float32)
    assert 0 <= images.min() and images.max() <= 1
    np.testing.assert_array_equal(images, engine_speed.bench_images(engine_speed.bench_figure("2022-fig8", "every")))  # seeded


def test_bench_figure_sets_the_schedule_on_the_first_variant():
    fig = engine_speed.bench_figure("2022-fig1", "every")
    assert (fig.probe["schedule"], fig.variants, fig.training["encoding_params"]) == ("every", (), {"p1": 0.5})


def test_probe_point_counts_of_the_engine_figures():
    # 2024-fig1: all 2^8 inputs. 2022-fig1: shells of 16 bits, whole up to 100 members else 100 sampled:
    # 1 + 16 + 13 × 100 (H = 2..14) + 16 + 1 = 1334. 2022-fig8: x_o alone.
    figs = [engine_speed.bench_figure(figure_id, "every") for figure_id in ("2024-fig1", "2022-fig1", "2022-fig8")]
    counts = [engine_speed.probe_point_count(fig, engine_speed.bench_images(fig)) for fig in figs]
    assert counts == [256, 1334, 1]


def test_engine_flop_counts_the_epochs_the_schedule_measures():
    # Every epoch: 3F + P (3F + 2N) = 2,432,256 (test_forward_flop_and_flop_per_replica_epoch_of_the_2024_network).
    # The log schedule of 1000 epochs measures at 50 of them: 6912 + 0.05 × 2,425,344 = 128,179.2.
    assert engine_speed.engine_flop(engine_speed.bench_figure("2024-fig1", "every"), 1000) == 2432256
    assert engine_speed.engine_flop(engine_speed.bench_figure("2024-fig1", "log"), 1000) == pytest.approx(128179.2)
    # 2022-fig8: F = 2 × (26² × 9 × 8 + 24² × 9 × 64 + 22² × 9 × 64 + 22² × 8) = 2 × 663,104 = 1,326,208;
    # N = 80 + 584 + 584 + 3873 = 5121; P = 1: 3F + 3F + 2N = 7,957,248 + 10,242 = 7,967,490.
    fig = engine_speed.bench_figure("2022-fig8", "every")
    assert engine_speed.engine_flop(fig, 10, engine_speed.bench_images(fig)) == 7967490


@pytest.fixture
def trainer_calls(monkeypatch):
    """(trainer name, setups, epochs) of every call of a trainer's train_points, in order: the public
    method of each training path wrapped to record its calls, and then run."""
    calls = []
    for name, trainer in TRAINERS.items():

        def recorded(fig, setups, epochs, *args, name=name, train=trainer.train_points):
            calls.append((name, setups, epochs))
            return train(fig, setups, epochs, *args)

        monkeypatch.setattr(trainer, "train_points", recorded)
    return calls


def test_run_seconds_warm_up_each_path_untimed_then_time_its_runs_on_the_bench_images(trainer_calls):
    fig = engine_speed.bench_figure("2022-fig8", "every")
    images = engine_speed.bench_images(fig)
    seconds = engine_speed.run_seconds(fig, engine_speed.EngineSizes(fit_replicas=2, engine_replicas=2, epochs=2, engine_runs=2), images)
    # Warm-ups: one replica through fit, all replicas through the engine (each traces for its own size),
    # 20 epochs, seed 1; then one fit run and engine_runs = 2 engine runs, seed 0; only these are timed.
    expected = [("fit", 1, 20, 1), ("fit", 2, 2, 0), ("ensemble", 2, 20, 1), ("ensemble", 2, 2, 0), ("ensemble", 2, 2, 0)]
    assert [(name, len(setups), epochs) for name, setups, epochs in trainer_calls] == [e[:3] for e in expected]
    assert {path: len(times) for path, times in seconds.items()} == {"fit": 1, "ensemble": 2}
    assert all(_positive_and_finite(times) for times in seconds.values())
    # Each run's replicas are those of its seed, drawn from the bench's images.
    for (_, setups, epochs), (*_, seed) in zip(trainer_calls, expected):
        for replica, setup in enumerate(setups):
            drawn = replica_setup(fig, seed, replica, epochs, images)
            assert setup["model_seed"] == drawn["model_seed"]
            np.testing.assert_array_equal(setup["x_o"], drawn["x_o"])


def test_engine_speedup_row_of_a_real_run(trainer_calls):
    fig = engine_speed.bench_figure("2024-fig1", "log")
    sizes = engine_speed.EngineSizes(fit_replicas=1, engine_replicas=2, epochs=2, engine_runs=1)
    row = engine_speed.engine_speedup(fig, sizes, "a workload", None, machine_gflops=100.0)
    # A warm-up and a timed run on each path, on bit strings (no images): each replica's x_o as its seed draws it.
    runs = [(name, len(setups), epochs) for name, setups, epochs in trainer_calls]
    assert runs == [("fit", 1, 20), ("fit", 1, 2), ("ensemble", 2, 20), ("ensemble", 2, 2)]
    for (_, setups, epochs), seed in zip(trainer_calls, [1, 0, 1, 0]):
        for replica, setup in enumerate(setups):
            np.testing.assert_array_equal(setup["x_o"], replica_setup(fig, seed, replica, epochs)["x_o"])
    assert list(row) == ENGINE_ROW_KEYS
    assert row["workload"] == "a workload, schedule 'log'"
    assert [row[key] for key in ("epochs", "fit_replicas", "engine_replicas", "engine_runs", "target")] == [2, 1, 2, 1, None]
    # Both epochs of a run this short are measured: the FLOPs of the probe at every epoch.
    assert row["flop_per_replica_epoch"] == 2432256
    assert _positive_and_finite(row[key] for key in ("fit_ms_per_replica_epoch", "speedup", "gflops_effective", "fraction_of_matmul_rate"))


def test_measurement_in_forwards_runs_the_engines_compiled_measurement():
    # A ratio of two best times: positive and finite whatever the machine's speed, rounded to 2 decimals.
    ratio = engine_speed.measurement_in_forwards(engine_speed.bench_figure("2024-fig1", "every"), 2, repeats=2)
    assert _positive_and_finite([ratio]) and ratio == round(ratio, 2)


def test_relative_distances_of_masked_steps():
    inference = np.array([3.0, 4.0])  # norm 5
    steps = np.array([[6.0, 4.0], [3.0, 8.0]])
    each, of_mean = dropout.relative_distances(steps, inference)
    # |(3, 0)| / 5 and |(0, 4)| / 5; the mean step (4.5, 6) is (1.5, 2) away: 2.5 / 5, not the mean 0.7
    # of the single distances.
    assert each == pytest.approx([0.6, 0.8])
    assert of_mean == pytest.approx(0.5)


def test_dropout_row_median_quartiles_and_mean():
    # Median of 1..4 is 2.5; numpy's linear quartiles at positions 0.75 and 2.25: 1.75, 3.25; mean of
    # three thirds is 0.333.
    row = dropout.dropout_row([4.0, 1.0, 3.0, 2.0], [1 / 3, 1 / 3, 1 / 3])
    assert row == {"one_masked_step_median": 2.5, "one_masked_step_quartiles": [1.75, 3.25], "mean_of_masked_steps": 0.333}


def test_mib_in_status_converts_kb_rounding_down():
    status = ["Name:\tpython\n", "VmHWM:\t 2097151 kB\n", "VmRSS:\t 1048576 kB\n"]
    assert memory.mib_in_status(status, "VmRSS") == 1024
    assert memory.mib_in_status(status, "VmHWM") == 2047  # 2047.999 MiB


def test_memory_row_measures_the_peak_above_the_memory_before():
    row = memory.memory_row(8, 1000, 23589761, 9.4449, before_mib=873, peak_mib=1684)
    assert row == {"chunk": 8, "points": 1000, "parameters": 23589761, "seconds_per_measurement": 9.4,
                   "rss_before_mib": 873, "peak_rss_mib": 1684, "measurement_peak_mib": 811}
    # bench.json keeps this order.
    assert list(row) == ["chunk", "points", "parameters", "seconds_per_measurement", "rss_before_mib", "peak_rss_mib", "measurement_peak_mib"]


def test_summary_lines_of_a_fake_result():
    probe = {"fit_ms_per_epoch": 0.6282, "fit_with_probe_ms_per_epoch": 0.8738, "probe_overhead": 1.391,
             "fit_with_forward_pass_ms_per_epoch": 0.81, "forward_pass_overhead": 1.289,
             "probe_epoch_end_ms": {"best": 0.2561, "median": 0.4012}, "forward_pass_ms": {"best": 0.1403, "median": 0.3}}
    engine = {"fit_replicas": 3, "engine_replicas": 100, "engine_runs": 3, "epochs": 1000, "fit_ms_per_replica_epoch": 1.2573,
              "engine_ms_per_replica_epoch": 0.06683, "speedup": 18.8, "flop_per_replica_epoch": 2432256, "gflops_effective": 36.395,
              "fraction_of_matmul_rate": 0.0758, "measurement_in_forward_passes": 3.52}
    log = {**engine, "speedup": 52.4, "flop_per_replica_epoch": 128179, "gflops_effective": 6.7, "fraction_of_matmul_rate": 0.014}
    conv1d = {"fit_replicas": 3, "engine_replicas": 20, "epochs": 300, "fit_ms_per_replica_epoch": 9.8217, "engine_ms_per_replica_epoch": 4.9494,
              "speedup": 1.98, "flop_per_replica_epoch": 38535084, "gflops_effective": 7.786, "fraction_of_matmul_rate": 0.0162,
              "measurement_in_forward_passes": 4.81}
    conv2d = {"fit_replicas": 3, "engine_replicas": 50, "epochs": 200, "fit_ms_per_replica_epoch": 9.3062, "engine_ms_per_replica_epoch": 2.7378,
              "speedup": 3.4, "flop_per_replica_epoch": 7967490, "gflops_effective": 2.91, "fraction_of_matmul_rate": 0.0061,
              "measurement_in_forward_passes": 5.0}
    jax = {"jax": "0.10.2", "jax_ms_per_replica_epoch": 0.079, "engine_faster_by": 1.18, "target": 1.6,
           "scale_relative_difference": {"f_o": 1.2e-07, "step": 4.3e-05, "ntk": 2.8e-07}}
    dropout = {"one_masked_step_median": 0.184, "mean_of_masked_steps": 0.066}
    result = {
        "machine": {"cpus": 2, "matmul_gflops": 480.0},
        "probe": probe,
        "probe_workloads": {"softmax_10": {"fit_ms_per_epoch": 0.6367, "fit_with_probe_ms_per_epoch": 1.3036, "probe_overhead": 2.047,
                                           "forward_pass_overhead": 1.31}},
        "large_model": {"rows": [{"points": 250, "chunk": 8, "seconds_per_measurement": 2.5, "peak_rss_mib": 1512, "measurement_peak_mib": 658}]},
        "dropout_step": {"epoch_0": dropout, "epoch_300": dropout},
        "engine_log_schedule": log,
        "engine_conv1d": conv1d,
        "engine_conv2d": conv2d,
        "engine": engine,
        "jax_reference": jax,
    }
    assert report.summary_lines(result, "out/bench.json") == [
        "fit: 0.628 ms/epoch",
        "fit with probe (256 points, every epoch): 0.874 ms/epoch",
        "wrote out/bench.json",
        f"probe overhead: 1.39x (target <= {overhead.PROBE_TARGET}x)",
        "  a callback running only one compiled forward pass over the same points each epoch: 0.810 ms/epoch, 1.29x",
        "  the probe's epoch end alone: 0.256 ms best, 0.401 median; one forward pass over the same points, compiled alike: "
        "0.140 best, 0.300 median",
        "probe overhead, softmax_10: 0.637 -> 1.304 ms/epoch, 2.05x (one forward pass: 1.31x)",
        "log-spaced probe (the figures' schedule): fit 1.2573, engine 0.0668 ms per replica-epoch, speedup 52x",
        "  0.128 MFLOP per replica-epoch: engine at 6.7 GFLOP/s, 1.40% of this machine's float32 matmul rate (480 GFLOP/s)",
        "Conv1D (2022-fig1), probe at every epoch: fit 9.8217 (3 replicas), engine 4.9494 ms per replica-epoch (20 replicas x 300 epochs), "
        "speedup 2.0x; the measurement costs 4.81 forward passes",
        "  38.5 MFLOP per replica-epoch: engine at 7.79 GFLOP/s, 1.62% of this machine's float32 matmul rate (480 GFLOP/s)",
        "Conv2D (2022-fig8), probe at every epoch: fit 9.3062 (3 replicas), engine 2.7378 ms per replica-epoch (50 replicas x 200 epochs), "
        "speedup 3.4x; the measurement costs 5.0 forward passes",
        "  7.97 MFLOP per replica-epoch: engine at 2.91 GFLOP/s, 0.61% of this machine's float32 matmul rate (480 GFLOP/s)",
        "ResNet-50, 250 probe points in chunks of 8: 2.5 s per measurement, peak 1512 MiB (+658 MiB)",
        "dropout 0.2, epoch_0: one masked step is 0.18 (median relative L2) from the probe's inference-mode step, the mean of the masked steps 0.07",
        "dropout 0.2, epoch_300: one masked step is 0.18 (median relative L2) from the probe's inference-mode step, the mean of the masked steps 0.07",
        "probe at every epoch:",
        "fit path (3 replicas x 1000 epochs): 1.2573 ms per replica-epoch",
        "engine (100 replicas x 1000 epochs, best of 3 runs): 0.0668 ms per replica-epoch",
        "  2.43 MFLOP per replica-epoch: engine at 36.4 GFLOP/s, 7.58% of this machine's float32 matmul rate (480 GFLOP/s)",
        "speedup: 19x; the measurement costs 3.52 forward passes",
        "JAX reference (jax 0.10.2): 0.0790 ms per replica-epoch; the engine is 1.18x faster (target >= 1.6x); largest "
        "scale-relative difference 4.3e-05",
    ]
    result["jax_reference"] = {"status": "not measured: JAX is not installed (pip install '.[jax]')"}
    assert report.summary_lines(result, "out/bench.json")[-1] == "JAX reference: not measured: JAX is not installed (pip install '.[jax]')"
