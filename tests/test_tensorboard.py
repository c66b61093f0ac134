"""The probe's epoch logs reach TensorBoard: its event files hold response_o and ntk_o at x_o."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from training_response import ResponseProbe
from tests.conftest import point_for

EPOCHS = 6
MEASURED = [1, 3, 6]


def at_x_o(history, kind):
    """The contract's value at x_o: kind + "_o", or (older histories) the mean over distance-0 points."""
    if kind + "_o" in history:
        return history[kind + "_o"]
    return history[kind][:, history["distance"] == 0].mean(axis=1)


def scalars(log_dir):
    """{tag: {step: value}} of the epoch logs in the event files under `log_dir`: Keras 3 writes them to
    train/ as "epoch_<name>", next to other summaries (the model's config as text) left out here."""
    found = {}
    for path in tf.io.gfile.glob(str(log_dir / "train" / "events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in (v for v in event.summary.value if v.tag.startswith("epoch_")):
                # TF2 summaries store scalars as tensors; simple_value is the TF1 form.
                number = value.simple_value if value.HasField("simple_value") else float(tf.make_ndarray(value.tensor))
                found.setdefault(value.tag, {})[event.step] = number
    return found


def test_tensorboard_records_the_response_at_x_o(small_dense, tmp_path):
    x_o, y_o = point_for(small_dense)
    probe = ResponseProbe(x_o, y_o, shells=[0, 1], epochs=MEASURED)
    board = keras.callbacks.TensorBoard(log_dir=str(tmp_path))
    # The probe goes first, so its values are in the logs when TensorBoard writes them.
    small_dense.fit(x_o[None], np.array([[y_o]]), epochs=EPOCHS, batch_size=1, verbose=0, callbacks=[probe, board])
    history = probe.history
    assert list(history["epoch"]) == [0, *MEASURED]

    logged = scalars(tmp_path)
    for tag, kind in (("epoch_response_o", "step"), ("epoch_ntk_o", "ntk")):
        assert tag in logged, f"{tag} not among {sorted(logged)}"
        expected = dict(zip(history["epoch"], at_x_o(history, kind)))
        for step in range(EPOCHS):
            # The probe's epoch number e is measured after Keras epoch index e − 1, TensorBoard's step.
            value = logged[tag].get(step, math.nan)
            if step + 1 in MEASURED:
                assert value == pytest.approx(expected[step + 1], rel=1e-6), (tag, step)
            else:
                assert math.isnan(value), (tag, step, value)
