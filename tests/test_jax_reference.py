"""The engine against the bench's JAX reference (replication/jax_reference.py), an implementation of the
every-epoch workload written independently of Keras and of the measurement code: forward-mode Θ, the step
from the closed-form MSE gradient."""

import dataclasses
import types

import numpy as np
import pytest

from training_response.replication import figures, timing
from training_response.replication.bench import EngineSizes, jax_comparison
from training_response.replication.training import run_ensemble

jax_reference = pytest.importorskip("training_response.replication.jax_reference")

REPLICAS, EPOCHS = 3, 40


def every_epoch(figure_id):
    fig = figures.get(figure_id)
    return dataclasses.replace(fig, probe={**fig.probe, "schedule": "every"})


@pytest.mark.parametrize("figure_id", ["2024-fig1", "2024-fig2"])  # ReLU and ELU
def test_engine_equals_the_jax_reference(figure_id):
    fig = every_epoch(figure_id)
    reference, seconds = jax_reference.reference_run(fig, REPLICAS, EPOCHS, seed=2)
    engine = run_ensemble(fig, REPLICAS, EPOCHS, seed=2)
    assert seconds > 0
    assert engine["epoch"].tolist() == list(range(EPOCHS + 1))
    for key, tolerance in (("f_o", 1e-6), ("ntk", 1e-5), ("step", 1e-4)):
        assert reference[key].shape == engine[key].shape
        scale = np.max(np.abs(reference[key]))
        assert np.max(np.abs(engine[key] - reference[key])) <= tolerance * scale, key
    # The replicas differ, so equal numbers are not a coincidence of one shared value.
    assert np.ptp(reference["ntk"][:, -1, 0]) > 1e-3 * np.max(np.abs(reference["ntk"]))


def test_with_zero_learning_rate_the_reference_moves_nothing():
    # With η = 0 nothing moves: f_o constant, and the step normalised by the error stays that of epoch 0.
    fig = every_epoch("2024-fig1")
    fig = dataclasses.replace(fig, training={**fig.training, "learning_rate": 0.0})
    reference, _ = jax_reference.reference_run(fig, 2, 5)
    np.testing.assert_array_equal(reference["f_o"], reference["f_o"][:, :1].repeat(6, axis=1))
    np.testing.assert_array_equal(reference["step"], 0.0 * reference["step"])


def test_the_reference_times_the_best_of_its_runs(monkeypatch):
    clock = iter([0.0, 5.0, 10.0, 12.0, 20.0, 27.0])  # runs of 5, 2 and 7 s
    monkeypatch.setattr(timing, "time", types.SimpleNamespace(perf_counter=lambda: next(clock)))  # the timing loop's
    _, seconds = jax_reference.reference_run(every_epoch("2024-fig1"), 2, 5, runs=3)
    assert seconds == 2.0


def test_the_reference_takes_only_the_2024_network():
    with pytest.raises(ValueError, match="2024 network"):
        jax_reference.reference_run(figures.get("2022-fig1"), 1, 2)


def test_jax_comparison_row():
    fig = every_epoch("2024-fig1")
    engine_row = {"workload": "w", "engine_ms_per_replica_epoch": 0.5}
    sizes = EngineSizes(fit_replicas=0, engine_replicas=2, epochs=6)
    row = jax_comparison(fig, sizes, engine_row, check_sizes=sizes)
    assert row["engine_ms_per_replica_epoch"] == 0.5
    assert row["engine_faster_by"] == pytest.approx(row["jax_ms_per_replica_epoch"] / 0.5, abs=0.006)  # rounded to 2 decimals
    assert row["target"] == 1.6
    assert row["runs"] == sizes.engine_runs == 3
    assert set(row["scale_relative_difference"]) == {"f_o", "step", "ntk"}
    assert max(row["scale_relative_difference"].values()) < 1e-4
