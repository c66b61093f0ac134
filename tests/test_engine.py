"""The ensemble engine against the reference path: one model.fit (with a ResponseProbe) per replica."""

import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from training_response import stacked
from training_response.replication import figures
from training_response.replication.engine import Ensemble
from training_response.replication.models import BUILDERS, LEARNING_RATE, build_2022, build_2024, initial_weights
from training_response.replication.problem import build_model
from training_response.replication.training import TRAINERS, run_ensemble

REPLICAS, EPOCHS = 3, 50


def figure(**changes):
    """2024-fig1 with changes: the shared runner takes any such config."""
    return dataclasses.replace(figures.get("2024-fig1"), **changes)


def both_engines(fig):
    fit = run_ensemble(fig, REPLICAS, EPOCHS, seed=4, trainer=TRAINERS["fit"])
    ens = run_ensemble(fig, REPLICAS, EPOCHS, seed=4, trainer=TRAINERS["ensemble"])
    return fit, ens


def assert_same_histories(fit, ens):
    assert set(fit) == set(ens)
    for key in fit:
        np.testing.assert_allclose(ens[key], fit[key], rtol=2e-4, atol=2e-5, err_msg=key)
        # The engine's results equal the reference path's to float32 precision on the array's own scale.
        scale = np.max(np.abs(fit[key])) if np.size(fit[key]) else 0.0
        if scale:
            assert np.max(np.abs(np.asarray(ens[key], np.float64) - fit[key])) <= 1e-4 * scale, key


def test_fixed_targets_match_the_fit_path():
    assert_same_histories(*both_engines(figure()))


def test_bernoulli_targets_resampled_each_step_match_the_fit_path():
    fig = figure(training={**figure().training, "encoding": "bernoulli", "encoding_params": {"p1": 0.5}})
    assert_same_histories(*both_engines(fig))


def test_conv_model_with_dropout_matches_the_fit_path():
    fig = figure(
        model={"builder": "nakazato2022", "activation": "elu", "n_bits": 10, "layers": 2, "filters": 4, "dropout": 0.2},
        probe={**figure().probe, "samples_per_shell": 8},
    )
    assert_same_histories(*both_engines(fig))


def test_conv_model_measured_replica_by_replica_matches_the_fit_path(monkeypatch):
    """Where TensorFlow cannot differentiate grouped convolutions (without oneDNN), the engine measures a
    convolutional network one replica at a time, as it does every model it cannot stack."""
    monkeypatch.setattr(stacked, "grouped_convolutions_work", lambda: False)
    fig = figure(
        model={"builder": "nakazato2022", "activation": "relu", "n_bits": 9, "layers": 2, "filters": 2, "dropout": 0.0},
        probe={**figure().probe, "samples_per_shell": 8},
    )
    assert stacked.stacked_output_fn(build_model(fig, 0)) is None
    assert_same_histories(*both_engines(fig))


def fit_steps(model, x, targets):
    data = tf.data.Dataset.from_tensor_slices((np.repeat(x[None], len(targets), 0), targets[:, None])).batch(1)
    model.fit(data, epochs=len(targets), steps_per_epoch=1, verbose=0)
    return [v.numpy() for v in model.trainable_variables]


@pytest.mark.parametrize("builder", [build_2024, lambda seed: build_2022(dropout=0.2, seed=seed)])
def test_one_replica_equals_plain_model_fit(builder):
    x = np.sign(np.random.default_rng(0).standard_normal(tuple(builder(seed=0).inputs[0].shape[1:]))).astype(np.float32)
    targets = np.random.default_rng(1).integers(0, 2, 40).astype(np.float32)
    engine = Ensemble.of_models([builder(seed=7)], LEARNING_RATE)
    engine.train(np.broadcast_to(x, (1, 40, 1) + x.shape), targets[None, :, None])
    for a, b in zip(engine.weights(0), fit_steps(builder(seed=7), x, targets)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_with_dropout_replicas_draw_their_own_masks():
    """Two replicas with identical weights and data differ only through their dropout seeds."""
    first, second = build_2022(dropout=0.2, seed=1), build_2022(dropout=0.2, seed=2)
    second.set_weights([w if w.dtype != np.int64 else s for w, s in zip(first.get_weights(), second.get_weights())])
    x = np.ones((2, 30, 1, 16, 1), np.float32)
    targets = np.ones((2, 30, 1), np.float32)
    engine = Ensemble.of_models([first, second], LEARNING_RATE)
    engine.train(x, targets)
    assert max(np.max(np.abs(a - b)) for a, b in zip(engine.weights(0), engine.weights(1))) > 1e-3
    without = Ensemble.of_models([build_2022(seed=1), build_2022(seed=1)], LEARNING_RATE)
    without.train(x, targets)
    for a, b in zip(without.weights(0), without.weights(1)):
        np.testing.assert_array_equal(a, b)


def test_the_loop_is_traced_once_for_any_number_of_epochs_and_again_for_a_longer_stream():
    ensemble = Ensemble.of_models([build_2024(features=16, seed=s) for s in (3, 4)], LEARNING_RATE)
    rng = np.random.default_rng(0)
    x_o, probe_x = (np.sign(rng.standard_normal(shape)).astype(np.float32) for shape in ((2, 8), (2, 5, 8)))

    def run_segments(steps):
        inputs, targets = np.broadcast_to(x_o[:, None, None], (2, steps, 1, 8)), np.ones((2, steps, 1), np.float32)
        for done, epochs in ((0, [1, 2, 3]), (3, [4]), (4, [5, 6])):
            out = ensemble.run_points(inputs, targets, done, epochs, x_o, np.ones(2), probe_x, ("step",))
            assert out["step"].shape == (len(epochs), 2, 5)

    run_segments(30)
    traces = ensemble.program.loop(("step",), False).function.experimental_get_tracing_count
    assert traces() == 1
    run_segments(40)
    assert traces() == 2


def test_ensemble_refuses_mixed_architectures():
    with pytest.raises(ValueError, match="architecture"):
        Ensemble.of_models([build_2024(seed=0), build_2024(features=16, seed=0)], LEARNING_RATE)


def test_shell_summaries_equal_reduced_raw_histories():
    from training_response.replication.keeping import keep_mode, reduce_to_shells

    fig = figure()
    raw = run_ensemble(fig, 2, 12, seed=2, trainer=TRAINERS["ensemble"], keep="raw")
    for engine in ("ensemble", "fit"):
        shells = run_ensemble(fig, 2, 12, seed=2, trainer=TRAINERS[engine], keep="shells")
        assert list(shells["distance"]) == list(range(9))
        for kind in ("step", "ntk"):
            levels, means, stds = reduce_to_shells(raw[kind], raw["distance"])
            np.testing.assert_allclose(shells[kind], means, rtol=2e-4, atol=2e-5)
            np.testing.assert_allclose(shells[f"{kind}_shell_std"], stds, rtol=2e-3, atol=2e-5)
    assert keep_mode(fig, 100, 10_000) == "raw"
    assert keep_mode(fig, 100, 10_000, limit=2**20) == "shells"


def test_random_training_with_features_matches_the_fit_path():
    fig = figure(
        training={**figure().training, "inputs": "random", "p_fixed": 0.2},
        probe={**figure().probe, "kinds": ("output", "features")},
    )
    fit, ens = both_engines(fig)
    assert {"output", "feature_mean", "dead_fraction"} <= set(fit)
    assert_same_histories(fit, ens)


@pytest.mark.parametrize(
    "base, dataset",
    [
        ("2022-fig4", {"kind": "two_points", "distance": 2, "alpha": 0.3}),
        ("2022-fig6", {"kind": "groups", "groups": ({"size": 4, "target": 0}, {"size": 3, "target": 1, "radius": 2})}),
    ],
)
def test_sets_of_points_match_the_fit_path(base, dataset):
    """Two-point streams and full-batch group training, probed at every pair of points, through the engine
    and through model.fit with one ResponseProbe per point."""
    fig = dataclasses.replace(
        figures.get(base),
        model={"builder": "nakazato2022", "activation": "elu", "n_bits": 10, "layers": 2, "filters": 3, "dropout": 0.0},
        training={**figures.get(base).training, "dataset": dataset},
        variants=(),
    )
    fit = run_ensemble(fig, 2, 20, seed=3, trainer=TRAINERS["fit"])
    ens = run_ensemble(fig, 2, 20, seed=3, trainer=TRAINERS["ensemble"])
    points = fit["points"].shape[1]
    assert fit["step"].shape == (2, len(fit["epoch"]), points, points)
    assert fit["output"].shape == (2, len(fit["epoch"]), points)
    assert_same_histories(fit, ens)


@pytest.mark.parametrize("fig_id", [fig_id for fig_id, fig in figures.FIGURES.items() if fig.model["builder"] != "simplified"])
def test_initial_weights_equal_the_built_models_weights_for_every_figure(fig_id):
    for _, fig in figures.get(fig_id).variant_configs():
        spec = dict(fig.model)
        builder = spec.pop("builder")
        template = BUILDERS[builder](**spec, seed=0)
        for seed in (1, 2**31 + 5):
            built = BUILDERS[builder](**spec, seed=seed)
            trainable, non_trainable = initial_weights(template, builder, spec, seed)
            assert len(trainable) == len(built.trainable_variables) and len(non_trainable) == len(built.non_trainable_variables)
            for value, variable in zip(trainable + non_trainable, built.trainable_variables + built.non_trainable_variables):
                np.testing.assert_array_equal(np.asarray(value), variable.numpy(), err_msg=variable.path)


@pytest.mark.parametrize("schedule, epochs", [(list(range(1, 101)), 100), ([1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000], 1000), ([], 0)])
def test_segments_cover_the_schedule_in_order_each_within_its_span(schedule, epochs):
    from training_response.replication.ensemble_trainer import SEGMENTS, segments

    groups = segments(schedule, epochs)
    assert [e for g in groups for e in g] == [0] + schedule
    span = max(1, -(-epochs // SEGMENTS))
    assert all(g and (len(g) == 1 or g[-1] - g[0] < span) for g in groups)
