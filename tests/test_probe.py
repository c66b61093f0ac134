"""ResponseProbe scheduling, recording, logs, files and its checks of bad input."""

import math

import keras
import numpy as np
import pytest

from training_response import ResponseProbe
from training_response.schedule import log_epochs
from training_response.replication.models import build_2024
from tests.conftest import point_for


def fit(model, probe, epochs, extra=()):
    x_o = probe.x_o
    return model.fit(x_o[None], np.array([[probe.y_o]]), epochs=epochs, batch_size=1, verbose=0, callbacks=[probe, *extra])


def test_history_shapes_and_every_epoch_schedule(small_dense):
    x_o, y_o = point_for(small_dense)
    probe = ResponseProbe(x_o, y_o, shells=True)
    fit(small_dense, probe, 5)
    h = probe.history
    assert list(h["epoch"]) == [0, 1, 2, 3, 4, 5]
    assert h["step"].shape == h["ntk"].shape == (6, 2**6)
    assert h["f_o"].shape == (6,) and h["probe_x"].shape == (64, 6)
    np.testing.assert_array_equal(np.bincount(h["distance"]), [math.comb(6, k) for k in range(7)])


def test_list_and_log_schedules(small_dense):
    x_o, y_o = point_for(small_dense)
    listed = ResponseProbe(x_o, y_o, shells=[0, 1], epochs=[2, 5, 50])
    fit(small_dense, listed, 6)
    assert list(listed.history["epoch"]) == [0, 2, 5]
    logged = ResponseProbe(x_o, y_o, shells=[0], epochs="log", kinds=("ntk",))
    fit(small_dense, logged, 100)
    assert list(logged.history["epoch"]) == [0] + log_epochs(100)
    assert "step" not in logged.history
    schedule = log_epochs(1000)
    # 20 per decade, fewer where rounding merges the first epochs.
    assert schedule[:3] == [1, 2, 3] and schedule[-1] == 1000 and 40 <= len(schedule) <= 61
    assert schedule == sorted(set(schedule))


def test_logs_carry_response_at_x_o(small_dense, tmp_path):
    x_o, y_o = point_for(small_dense)
    probe = ResponseProbe(x_o, y_o, shells=[0, 1], epochs=[1, 3])
    csv = tmp_path / "log.csv"
    history = fit(small_dense, probe, 3, extra=[keras.callbacks.CSVLogger(str(csv))])
    logged = history.history["response_o"]
    assert logged[0] == pytest.approx(probe.history["step"][1, 0]) and np.isnan(logged[1])
    assert history.history["ntk_o"][2] == pytest.approx(probe.history["ntk"][2, 0])
    assert "response_o" in csv.read_text().splitlines()[0]


def test_save_load_round_trip_and_snapshots(small_dense, tmp_path):
    x_o, y_o = point_for(small_dense)
    probe = ResponseProbe(x_o, y_o, shells=[0, 2], epochs=[2], snapshot_dir=str(tmp_path / "w"))
    fit(small_dense, probe, 2)
    probe.save(tmp_path / "p.npz")
    loaded = ResponseProbe.load(tmp_path / "p.npz")
    assert set(loaded) == set(probe.history)
    for key, value in probe.history.items():
        np.testing.assert_array_equal(loaded[key], value)
    # The saved record draws the same picture as the live one.
    assert loaded.plot(tmp_path / "loaded.png") == str(tmp_path / "loaded.png")
    probe.plot(tmp_path / "live.png")
    assert (tmp_path / "loaded.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "loaded.png").stat().st_size == (tmp_path / "live.png").stat().st_size
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == ["epoch_000000.weights.h5", "epoch_000002.weights.h5"]
    restored = build_2024("elu", n_bits=6, features=16)
    restored.load_weights(str(tmp_path / "w" / "epoch_000002.weights.h5"))
    for a, b in zip(restored.get_weights(), small_dense.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_fit_from_epoch_0_again_starts_a_new_record(small_dense):
    x_o, y_o = point_for(small_dense)
    probe = ResponseProbe(x_o, y_o, shells=[0])
    fit(small_dense, probe, 3)
    with pytest.warns(UserWarning, match="new record"):
        fit(small_dense, probe, 2)
    assert list(probe.history["epoch"]) == [0, 1, 2]


def test_zero_one_bits_and_explicit_probe_points(small_dense):
    x01 = (point_for(small_dense)[0] > 0).astype(np.float32)
    probe = ResponseProbe(x01, 0.0, shells=[0, 1, 6])
    assert sorted(set(np.unique(probe.probe_x))) == [0.0, 1.0]
    assert list(np.bincount(probe.distance)) == [1, 6, 0, 0, 0, 0, 1]
    points = np.array([x01, x01 + 0.5, x01 * 0.0 + 0.25], dtype=np.float32)
    explicit = ResponseProbe(x01, 0.0, points)
    np.testing.assert_allclose(explicit.distance, [0.0, 0.5, np.mean(np.abs(0.25 - x01))])
    fit(small_dense, explicit, 1)
    assert explicit.history["step"].shape == (2, 3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"y_o": float("nan")}, "y_o"),
        ({"y_o": "one"}, "y_o"),
        ({"y_o": []}, "y_o"),
        ({"kinds": ("step", "hessian")}, "unknown kind"),
        ({"kinds": ()}, "unknown kind"),
        ({"epochs": []}, "empty"),
        ({"epochs": "daily"}, "schedule"),
        ({"epochs": [0, 2]}, ">= 1"),
        ({"learning_rate": -1.0}, "learning_rate"),
        ({"shells": None}, "exactly one"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    args = {"x_o": np.ones(6, np.float32), "y_o": 1.0, "shells": True, **kwargs}
    with pytest.raises(ValueError, match=message):
        ResponseProbe(args.pop("x_o"), args.pop("y_o"), **args)


def test_shells_need_a_bit_string():
    with pytest.raises(ValueError, match="bit-string"):
        ResponseProbe(np.array([0.3, 1.0, -1.0]), 1.0, shells=True)


def test_probe_points_must_match_x_o():
    with pytest.raises(ValueError, match="probe_x has shape"):
        ResponseProbe(np.ones(6), 1.0, np.ones((4, 5)))


def test_x_o_of_the_wrong_shape_is_refused_by_fit(small_dense):
    probe = ResponseProbe(np.ones(5, np.float32), 1.0, shells=[0, 1])
    with pytest.raises(ValueError, match="x_o has shape"):
        small_dense.fit(np.ones((1, 6)), np.ones((1, 1)), epochs=1, verbose=0, callbacks=[probe])


def test_model_with_several_output_tensors_is_refused():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, [keras.layers.Dense(1)(inputs), keras.layers.Dense(1)(inputs)])
    model.compile(keras.optimizers.SGD(0.1), ["mse", "mse"])
    probe = ResponseProbe(np.ones(4, np.float32), 1.0, shells=[0])
    with pytest.raises(ValueError, match="several output tensors|one loss per output"):
        model.fit(np.ones((1, 4)), [np.ones((1, 1)), np.ones((1, 1))], epochs=1, verbose=0, callbacks=[probe])
