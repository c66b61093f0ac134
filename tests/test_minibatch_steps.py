"""One step per point (or per B points) on the 2022 paper's sets of points (Figs. 5-6): an epoch is N / B
steps in an order reshuffled every epoch, as Keras' model.fit(x, y, batch_size=B, shuffle=True) does, and
batch_size >= N keeps the one full-batch step per epoch."""

import dataclasses

import numpy as np
import pytest

from training_response.data import random_bits
from training_response.data.datasets import full_batch_stream, shuffled_batch_stream
from training_response.replication import figures, problem
from training_response.replication.problem import build_model, replica_setup
from training_response.replication.settings import with_settings
from training_response.replication.training import TRAINERS, run_ensemble

N_BITS = 8
REPLICAS, EPOCHS, SEED = 2, 3, 7


def _fig6(batch_size):
    """A small 2022-fig6 (8 bits, one Conv1D of 2 filters; its 20 points in three groups), through `--set`."""
    return with_settings(
        figures.get("2022-fig6"),
        [("model.n_bits", str(N_BITS)), ("model.layers", "1"), ("model.filters", "2"), ("training.dataset.batch_size", str(batch_size))],
    )


# The stream -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 4, 5])
def test_every_epoch_holds_each_point_once_in_a_new_order(batch_size):
    points = random_bits(6, size=20, rng=0)
    targets = np.arange(20, dtype=np.float32)  # a point's target is its index
    epochs, k = 6, 20 // batch_size
    inputs, y = shuffled_batch_stream(points, targets, epochs, batch_size, np.random.default_rng(3))
    assert inputs.shape == (epochs * k, batch_size, 6) and y.shape == (epochs * k, batch_size)
    order = y.reshape(epochs, 20).astype(np.int64)  # epoch e's steps are rows e·k .. e·k + k − 1
    for e in range(epochs):
        np.testing.assert_array_equal(np.sort(order[e]), np.arange(20))
        np.testing.assert_array_equal(inputs.reshape(epochs, 20, 6)[e], points[order[e]])
    assert len({tuple(o) for o in order}) == epochs  # reshuffled every epoch


def test_the_order_is_the_rngs():
    points = random_bits(6, size=20, rng=0)
    first = shuffled_batch_stream(points, np.zeros(20), 4, 1, np.random.default_rng(5))
    again = shuffled_batch_stream(points, np.zeros(20), 4, 1, np.random.default_rng(5))
    other = shuffled_batch_stream(points, np.zeros(20), 4, 1, np.random.default_rng(6))
    np.testing.assert_array_equal(first[0], again[0])
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("batch_size", [20, 32])
def test_a_batch_of_all_points_is_the_full_batch_stream_and_draws_nothing(batch_size):
    points, targets = random_bits(6, size=20, rng=1), np.linspace(0, 1, 20)
    rng = np.random.default_rng(9)
    before = rng.bit_generator.state
    inputs, y = shuffled_batch_stream(points, targets, 7, batch_size, rng)
    expected_inputs, expected_y = full_batch_stream(points, targets, 7, batch_size)
    for got, expected in ((inputs, expected_inputs), (y, expected_y)):
        assert got.shape == expected.shape and got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    assert rng.bit_generator.state == before


@pytest.mark.parametrize("batch_size", [3, 7, 19])
def test_a_batch_size_that_does_not_divide_the_points_is_refused(batch_size):
    with pytest.raises(ValueError, match=rf"batch_size={batch_size} does not divide the 20 points.*1, 2, 4, 5, 10, 20"):
        shuffled_batch_stream(random_bits(6, size=20, rng=0), np.zeros(20), 3, batch_size, np.random.default_rng(0))
    with pytest.raises(ValueError, match="2022-fig6: training.dataset.batch_size"):
        replica_setup(_fig6(batch_size), SEED, 0, 3)


def test_a_figures_replica_streams_twenty_steps_per_epoch():
    fig = _fig6(1)
    setup = replica_setup(fig, SEED, 0, EPOCHS)
    assert setup["inputs"].shape == (EPOCHS * 20, 1, N_BITS) and setup["targets"].shape == (EPOCHS * 20, 1)
    # Deterministic per (seed, replica), and the points and weights are those of the full-batch run.
    np.testing.assert_array_equal(setup["inputs"], replica_setup(fig, SEED, 0, EPOCHS)["inputs"])
    full = replica_setup(_fig6(32), SEED, 0, EPOCHS)
    np.testing.assert_array_equal(setup["points"], full["points"])
    assert setup["model_seed"] == full["model_seed"]


# Training -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def one_step_per_point():
    fig = _fig6(1)
    return fig, run_ensemble(fig, REPLICAS, EPOCHS, SEED)


def _train_on_batch_one_point_at_a_time(fig, setup, epochs):
    """A plain Keras model of the replica, train_on_batch on one point at a time in the stream's order:
    its predictions at the points after each epoch, (epochs + 1, N)."""
    model = build_model(fig, setup["model_seed"])
    shape = tuple(model.inputs[0].shape[1:])
    points = setup["points"].reshape((-1,) + shape)
    steps_per_epoch = len(points)
    out = [model.predict_on_batch(points)[:, 0]]
    for e in range(epochs):
        for s in range(e * steps_per_epoch, (e + 1) * steps_per_epoch):
            model.train_on_batch(setup["inputs"][s].reshape((1,) + shape), setup["targets"][s].reshape(1, 1))
        out.append(model.predict_on_batch(points)[:, 0])
    return np.stack(out)


def test_the_engine_equals_keras_train_on_batch_point_by_point(one_step_per_point):
    fig, data = one_step_per_point
    np.testing.assert_array_equal(data["epoch"], np.arange(EPOCHS + 1))  # epochs, measured after each epoch's last step
    full = run_ensemble(_fig6(32), REPLICAS, 1, SEED)
    for r in range(REPLICAS):
        setup = replica_setup(fig, SEED, r, EPOCHS)
        expected = _train_on_batch_one_point_at_a_time(fig, setup, EPOCHS)
        np.testing.assert_allclose(data["output"][r], expected, rtol=0, atol=2e-5)
        # The check can tell: one full-batch step per epoch ends elsewhere after epoch 1.
        assert np.max(np.abs(full["output"][r, 1] - expected[1])) > 1e-3


def test_the_ensemble_engine_equals_the_fit_engine(one_step_per_point):
    fig, ens = one_step_per_point
    fit = run_ensemble(fig, REPLICAS, EPOCHS, SEED, trainer=TRAINERS["fit"])
    assert set(fit) == set(ens)
    for key in fit:
        assert np.shape(fit[key]) == np.shape(ens[key]), key
        np.testing.assert_allclose(ens[key], fit[key], rtol=2e-4, atol=2e-5, err_msg=key)


def test_progress_counts_replica_epochs():
    class Recorder:
        def __init__(self):
            self.sizes, self.updates = [], []

        def ensemble(self, size):
            self.sizes.append(size)
            return self.updates.append

    for trainer in TRAINERS.values():
        recorder = Recorder()
        run_ensemble(_fig6(4), REPLICAS, EPOCHS, SEED, trainer=trainer, progress=recorder)
        assert recorder.sizes == [REPLICAS * EPOCHS] and max(recorder.updates) == REPLICAS * EPOCHS, trainer.name


def test_the_mean_field_is_per_epoch_with_the_steps_batch():
    """Per epoch, B = 1 moves the mean field N times as fast as one full-batch step (2η/B over all N points)."""
    from training_response.replication import meanfield

    fig = _fig6(1)
    data = run_ensemble(fig, 1, 2, SEED)
    expected = meanfield.predict_run(data, 1)
    np.testing.assert_allclose(data["meanfield"], expected, rtol=1e-6)
    assert not np.allclose(expected, meanfield.predict_run(data, 32))


# batch_size >= N: the full-batch run as before ---------------------------------------------------------


def _old_stream(points, targets, epochs, batch_size, rng):
    """How problem._dataset_setup streamed a "groups" dataset before batches below N existed."""
    return full_batch_stream(points, targets, epochs, batch_size)


@pytest.mark.parametrize("batch_size", [20, 32])
def test_a_full_batch_run_is_bit_identical_to_the_full_batch_stream(batch_size, monkeypatch):
    fig = _fig6(batch_size)
    new = run_ensemble(fig, REPLICAS, 5, SEED)
    monkeypatch.setattr(problem, "shuffled_batch_stream", _old_stream)
    old = run_ensemble(fig, REPLICAS, 5, SEED)
    assert set(new) == set(old)
    for key in old:
        assert np.asarray(new[key]).dtype == np.asarray(old[key]).dtype, key
        np.testing.assert_array_equal(new[key], old[key], err_msg=key)


def test_the_paper_config_is_the_default_batch():
    """The explicit batch_size 32 of Figs. 5-6 is Keras' default, what _dataset_setup assumed without it."""
    fig = _fig6(32)
    without = dataclasses.replace(
        fig, training={**fig.training, "dataset": {k: v for k, v in fig.training["dataset"].items() if k != "batch_size"}}
    )
    a, b = run_ensemble(fig, REPLICAS, 3, SEED), run_ensemble(without, REPLICAS, 3, SEED)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    for fig_id in ("2022-fig5", "2022-fig6"):
        for _, variant in figures.get(fig_id).variant_configs():
            assert variant.training["dataset"]["batch_size"] == 32


def test_an_interrupted_run_resumes_from_its_checkpoint_in_steps_and_says_the_epoch(tmp_path):
    from training_response.replication.checkpoint import Checkpoint

    class Interrupted(Exception):
        pass

    class StopAt:
        """A progress whose bar interrupts the run once it reaches `at` replica-epochs."""

        def __init__(self, at):
            self.at = at

        def ensemble(self, size):
            def update(done):
                if done >= self.at:
                    raise Interrupted(done)

            return update

    fig, epochs, path = _fig6(4), 8, str(tmp_path / "fig6.checkpoint.npz")
    whole = run_ensemble(fig, REPLICAS, epochs, SEED)
    with pytest.raises(Interrupted):
        run_ensemble(fig, REPLICAS, epochs, SEED, progress=StopAt(REPLICAS * 5), checkpoint=Checkpoint(path, "h", seconds=0))
    checkpoint = Checkpoint(path, "h", seconds=0)
    resumed = run_ensemble(fig, REPLICAS, epochs, SEED, checkpoint=checkpoint)
    assert checkpoint.resumed_at == 4  # the last epoch saved before epoch 5's update interrupted, in epochs, not steps
    for key in whole:
        np.testing.assert_array_equal(resumed[key], whole[key], err_msg=key)
