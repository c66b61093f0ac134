"""The probe in users' own training: resumed fits, any optimizer, softmax classifiers, subclassed models,
bad values. Every measured number is checked against an independent computation."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from training_response import ResponseProbe
from training_response.schedule import log_epochs
from tests.conftest import point_for

OPTIMIZERS = {
    "sgd": lambda: keras.optimizers.SGD(0.1),
    "sgd_momentum": lambda: keras.optimizers.SGD(0.05, momentum=0.9),
    "adam": lambda: keras.optimizers.Adam(0.01),
    "rmsprop": lambda: keras.optimizers.RMSprop(0.01),
}


def dense(optimizer="sgd", outputs=1, loss="mse", seed=3):
    keras.utils.set_random_seed(seed)
    head = keras.layers.Dense(outputs, activation="sigmoid" if outputs == 1 else "softmax")
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="elu"), head])
    model.compile(OPTIMIZERS[optimizer]() if isinstance(optimizer, str) else optimizer, loss)
    return model


def fit_on_x_o(model, probe, epochs, y=None, **kwargs):
    y = np.array([[probe.y_o]]) if y is None else y
    return model.fit(probe.x_o[None], y, epochs=epochs, batch_size=1, verbose=0, callbacks=[probe], **kwargs)


def jacobian(model, x):
    """(B·O, weights): the flattened Jacobian of every output at every input, in float64."""
    with tf.GradientTape() as tape:
        out = tf.reshape(tf.cast(model(x, training=False), tf.float64), [-1])
    jac = tape.jacobian(out, model.trainable_variables)
    return np.concatenate([np.asarray(j, np.float64).reshape(len(out), -1) for j in jac], axis=1)


# Epochs ------------------------------------------------------------------------------------------


def test_a_resumed_fit_continues_the_record():
    model = dense()
    x_o, _ = point_for(model)
    probe = ResponseProbe(x_o, 1.0, shells=[0, 1])
    first = fit_on_x_o(model, probe, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # continuing is not worth a warning
        second = fit_on_x_o(model, probe, 8, initial_epoch=5)
    h = probe.history
    assert list(h["epoch"]) == list(range(9))
    # History row i of a fit with initial_epoch k holds the measurement of epoch k + i + 1.
    logged = first.history["response_o"] + second.history["response_o"]
    np.testing.assert_allclose(logged, h["step_o"][1:], rtol=1e-6)


def test_a_fit_that_does_not_continue_starts_a_new_record_with_a_warning():
    model = dense()
    x_o, _ = point_for(model)
    probe = ResponseProbe(x_o, 1.0, shells=[0], epochs=[2, 4])
    fit_on_x_o(model, probe, 4)
    with pytest.warns(UserWarning, match="new record.*initial_epoch=4"):
        fit_on_x_o(model, probe, 3)
    assert list(probe.history["epoch"]) == [0, 2]
    with pytest.warns(UserWarning, match="another model"):
        fit_on_x_o(dense(seed=4), probe, 4, initial_epoch=3)
    assert list(probe.history["epoch"]) == [3, 4]
    # A fresh probe whose first fit starts at epoch k begins its record at k, silently.
    late = ResponseProbe(x_o, 1.0, shells=[0], epochs=[7])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fit_on_x_o(model, late, 7, initial_epoch=5)
    assert list(late.history["epoch"]) == [5, 7]


def test_log_grid_is_the_same_for_every_fit_length():
    assert log_epochs(300)[-2:] == [282, 300] and 100 in log_epochs(300)
    assert set(log_epochs(1000)) >= {1, 10, 100, 1000} and set(log_epochs(300)) - {300} <= set(log_epochs(1000))
    assert len(log_epochs(1000)) == 50  # 61 grid points, rounding merges the first ones
    model = dense()
    x_o, _ = point_for(model)
    probe = ResponseProbe(x_o, 1.0, shells=[0], epochs="log", kinds=("ntk",))
    fit_on_x_o(model, probe, 30)
    assert list(probe.history["epoch"]) == [0] + log_epochs(30)
    fit_on_x_o(model, probe, 45, initial_epoch=30)
    assert list(probe.history["epoch"]) == [0] + log_epochs(30) + [e for e in log_epochs(45) if e > 30]


# The model's own optimizer -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_step_is_the_next_training_step(name):
    """Trained on (x_o, y_o) alone, batch size 1: output(t+1) − output(t) is the optimizer step at t."""
    model = dense(name)
    x_o, _ = point_for(model)
    probe = ResponseProbe(x_o, 1.0, shells=[0, 1, 2], kinds=("optimizer_step", "output"))
    fit_on_x_o(model, probe, 8)
    h = probe.history
    change = np.diff(h["output"], axis=0)
    assert np.abs(change).max() > 1e-3
    np.testing.assert_allclose(h["optimizer_step"][:-1], change, atol=3e-7, rtol=1e-5)
    np.testing.assert_allclose(h["optimizer_step_o"][:-1], np.diff(h["f_o"]), atol=3e-7, rtol=1e-5)


def test_optimizer_step_includes_weight_regularizers():
    keras.utils.set_random_seed(2)
    model = keras.Sequential([
        keras.Input((6,)),
        keras.layers.Dense(16, activation="elu", kernel_regularizer=keras.regularizers.L2(0.05)),
        keras.layers.Dense(1, activation="sigmoid", bias_regularizer=keras.regularizers.L1(0.1)),
    ])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    x_o, _ = point_for(model)
    probe = ResponseProbe(x_o, 1.0, shells=[0, 1], kinds=("optimizer_step", "output"))
    fit_on_x_o(model, probe, 5)
    h = probe.history
    np.testing.assert_allclose(h["optimizer_step"][:-1], np.diff(h["output"], axis=0), atol=3e-7, rtol=1e-5)


def test_optimizer_step_leaves_training_bit_identical():
    def train(kinds):
        model = dense(keras.optimizers.Adam(0.01, weight_decay=0.01))
        x_o, _ = point_for(model)
        callbacks = [ResponseProbe(x_o, 1.0, shells=[0, 1], kinds=kinds)] if kinds else []
        xs = np.stack([x_o, -x_o])
        model.fit(xs, np.array([[1.0], [0.0]]), epochs=4, batch_size=1, shuffle=False, verbose=0, callbacks=callbacks)
        return model.get_weights() + [v.numpy() for v in model.optimizer.variables]

    for a, b in zip(train(None), train(("optimizer_step", "step", "ntk"))):
        assert np.array_equal(a, b)


def test_optimizer_step_follows_a_learning_rate_schedule():
    schedule = keras.optimizers.schedules.ExponentialDecay(0.5, decay_steps=1, decay_rate=0.5)
    model = dense(keras.optimizers.SGD(schedule))
    x_o, _ = point_for(model)
    probe = ResponseProbe(x_o, 1.0, shells=[0], kinds=("optimizer_step", "output"))
    fit_on_x_o(model, probe, 5)
    h = probe.history
    np.testing.assert_allclose(h["optimizer_step"][:-1], np.diff(h["output"], axis=0), atol=3e-7, rtol=1e-5)


def test_step_warns_once_when_the_optimizer_is_not_plain_sgd():
    model = dense("adam")
    x_o, _ = point_for(model)
    probe = ResponseProbe(x_o, 1.0, shells=[0])
    with pytest.warns(UserWarning, match="Adam.*optimizer_step") as caught:
        fit_on_x_o(model, probe, 2)
        fit_on_x_o(model, probe, 3, initial_epoch=2)
    assert sum("optimizer_step" in str(w.message) for w in caught) == 1
    # Attributed to the user's line that called fit (here fit_on_x_o's), not to Keras' callback list.
    fit_line = fit_on_x_o.__code__.co_firstlineno + 2
    assert [(w.filename, w.lineno) for w in caught if "optimizer_step" in str(w.message)] == [(__file__, fit_line)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fit_on_x_o(dense("sgd"), ResponseProbe(x_o, 1.0, shells=[0]), 2)


# Softmax classifiers ------------------------------------------------------------------------------


@pytest.mark.parametrize("loss, y_o", [("sparse_categorical_crossentropy", 2), ("categorical_crossentropy", np.eye(4)[2])])
def test_softmax_classifier_against_jacobians_and_a_real_step(loss, y_o):
    model = dense(outputs=4, loss=loss)
    x_o, _ = point_for(model)
    probe = ResponseProbe(x_o, y_o, shells=[0, 1, 3], kinds=("step", "optimizer_step", "ntk", "output"))
    y = np.array([[y_o]]) if np.ndim(y_o) == 0 else np.asarray(y_o)[None]
    fit_on_x_o(model, probe, 0, y=y)
    h = probe.history
    probe_x = h["probe_x"]
    p = len(probe_x)
    assert h["ntk"].shape == (1, p, 4, 4) and h["step"].shape == (1, p, 4) and h["ntk_o"].shape == (1, 4, 4)
    jac = jacobian(model, np.concatenate([x_o[None], probe_x]))
    j_o, j_x = jac[:4], jac[4:].reshape(p, 4, -1)
    np.testing.assert_allclose(h["ntk"][0], np.einsum("aw,pbw->pab", j_o, j_x), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(h["ntk_o"][0], j_o @ j_o.T, rtol=1e-4, atol=1e-6)
    before = model.predict(probe_x, verbose=0)
    np.testing.assert_allclose(h["output"][0], before, rtol=1e-5, atol=1e-7)
    model.train_on_batch(x_o[None], y)  # plain SGD 0.1: "step" and "optimizer_step" are both this step
    after = model.predict(probe_x, verbose=0)
    np.testing.assert_allclose(h["step"][0], after - before, rtol=1e-3, atol=1e-6)
    np.testing.assert_allclose(h["optimizer_step"][0], after - before, rtol=1e-3, atol=1e-6)


def test_softmax_logs_norm_and_trace():
    model = dense(outputs=3, loss="sparse_categorical_crossentropy")
    x_o, _ = point_for(model)
    probe = ResponseProbe(x_o, 1, shells=[0], kinds=("step", "ntk"))
    logs = fit_on_x_o(model, probe, 2, y=np.array([[1]])).history
    h = probe.history
    np.testing.assert_allclose(logs["response_o"], np.linalg.norm(h["step_o"][1:], axis=1), rtol=1e-6)
    np.testing.assert_allclose(logs["ntk_o"], np.trace(h["ntk_o"][1:], axis1=1, axis2=2), rtol=1e-6)


def test_a_target_the_loss_cannot_take_is_refused():
    model = dense(outputs=4, loss="categorical_crossentropy")
    x_o, _ = point_for(model)
    with pytest.raises(ValueError, match="loss cannot take y_o"):
        fit_on_x_o(model, ResponseProbe(x_o, [1.0, 0.0], shells=[0]), 1, y=np.eye(4)[:1])
    with pytest.raises(ValueError, match="one output; pass one number"):
        fit_on_x_o(dense(), ResponseProbe(x_o, [1.0, 0.0], shells=[0]), 1, y=np.ones((1, 1)))


# Subclassed models ---------------------------------------------------------------------------------


class TwoLayers(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(8, activation="relu", name="hidden")
        self.head = keras.layers.Dense(1, activation="sigmoid", name="head")

    def call(self, x):
        return self.head(self.hidden(x))


def test_subclassed_model_every_kind():
    keras.utils.set_random_seed(5)
    model = TwoLayers()
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x_o = point_for(dense())[0]
    model(x_o[None])
    with pytest.raises(ValueError, match="feature_layer="):
        fit_on_x_o(model, ResponseProbe(x_o, 1.0, shells=[0, 1], kinds=("features",)), 1)
    probe = ResponseProbe(x_o, 1.0, shells=[0, 1], kinds=("step", "optimizer_step", "ntk", "output", "features"), feature_layer="head")
    fit_on_x_o(model, probe, 0)
    h = probe.history
    jac = jacobian(model, np.concatenate([x_o[None], h["probe_x"]]))
    np.testing.assert_allclose(h["ntk"][0], jac[1:] @ jac[0], rtol=1e-4, atol=1e-6)
    hidden = np.maximum(h["probe_x"] @ model.hidden.kernel.numpy() + model.hidden.bias.numpy(), 0)
    assert h["feature_mean"][0] == pytest.approx(hidden.mean(), rel=1e-5)
    before = model.predict(h["probe_x"], verbose=0)[:, 0]
    f_o = float(model.predict(x_o[None], verbose=0)[0, 0])
    model.train_on_batch(x_o[None], np.ones((1, 1)))
    change = model.predict(h["probe_x"], verbose=0)[:, 0] - before
    np.testing.assert_allclose(h["optimizer_step"][0], change, rtol=1e-3, atol=1e-7)
    np.testing.assert_allclose(h["step"][0], change / (1.0 - f_o), rtol=1e-3, atol=1e-6)
    with pytest.raises(ValueError, match="not a layer"):
        fit_on_x_o(model, ResponseProbe(x_o, 1.0, shells=[0], kinds=("features",), feature_layer="nope"), 1)


def test_x_o_with_a_batch_axis_is_named():
    model = dense()
    x_o, _ = point_for(model)
    with pytest.raises(ValueError, match="x_o has shape \\(1, 6\\), with a batch axis"):
        model.fit(x_o[None], np.ones((1, 1)), epochs=1, verbose=0, callbacks=[ResponseProbe(x_o[None], 1.0, x_o[None][None])])


# Bad values -----------------------------------------------------------------------------------------


class PoisonAt(keras.callbacks.Callback):
    """Sets every weight to NaN at the end of one epoch, as a diverging run would."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            for v in self.model.trainable_variables:
                v.assign(np.full(v.shape, np.nan, np.float32))


def test_nan_weights_are_recorded_as_nan_and_training_goes_on():
    model = dense("adam")
    x_o, _ = point_for(model)
    probe = ResponseProbe(x_o, 1.0, shells=[0, 1], kinds=("optimizer_step", "ntk", "output"))
    with pytest.warns(UserWarning, match="NaN or infinite at epoch 2"):
        history = model.fit(x_o[None], np.ones((1, 1)), epochs=6, batch_size=1, verbose=0, callbacks=[PoisonAt(1), probe])
    h = probe.history
    assert list(h["epoch"]) == list(range(7)) and len(history.history["loss"]) == 6
    assert np.all(np.isfinite(h["ntk"][:2])) and np.all(np.isnan(h["ntk"][2:])) and np.all(np.isnan(h["optimizer_step"][2:]))


class EagerOnly(keras.layers.Layer):
    """A layer that runs only eagerly (it reads a tensor's value in Python), as in a model compiled with
    run_eagerly=True: the probe's compiled measurement cannot trace it."""

    def call(self, x):
        return x * float(np.sign(x.numpy().sum()) or 1.0)

    def compute_output_shape(self, shape):
        return shape


def test_a_measurement_that_cannot_run_is_announced_as_nan_and_training_goes_on():
    keras.utils.set_random_seed(4)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="elu"), EagerOnly(), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse", run_eagerly=True)
    x_o, _ = point_for(model)
    probe = ResponseProbe(x_o, 1.0, shells=[0, 1], kinds=("step", "ntk"))
    with pytest.warns(UserWarning, match="measurement cannot run on this model") as caught:
        history = model.fit(x_o[None], np.ones((1, 1)), epochs=3, batch_size=1, verbose=0, callbacks=[probe])
    assert len(history.history["loss"]) == 3 and len([w for w in caught if "ResponseProbe" in str(w.message)]) == 1
    h = probe.history
    assert list(h["epoch"]) == [0, 1, 2, 3] and np.all(np.isnan(h["ntk"])) and np.all(np.isnan(history.history["ntk_o"]))


# Memory -------------------------------------------------------------------------------------------------


def test_chunked_probe_points_equal_one_batch(small_images):
    """Streaming the probe points through the measurement in chunks changes nothing but the memory."""
    small_images.compile(keras.optimizers.Adam(0.01), "mse")
    x_o, y_o = point_for(small_images)
    probe_x = np.random.default_rng(0).choice([-1.0, 1.0], size=(37,) + x_o.shape).astype(np.float32)
    kinds = ("step", "optimizer_step", "ntk", "output")
    histories = []
    for chunk in (1000, 8, 1):
        probe = ResponseProbe(x_o, y_o, probe_x, kinds=kinds, probe_batch_size=chunk, epochs=[2])
        model = keras.models.clone_model(small_images)
        model.set_weights(small_images.get_weights())
        model.compile(keras.optimizers.Adam(0.01), "mse")
        fit_on_x_o(model, probe, 2)
        histories.append(probe.history)
    def unnormalized(h, kind):  # the step as the raw change of the output, whose float32 precision is known
        return h[kind] * (y_o - h["f_o"])[:, None] if kind == "step" else h[kind]

    for other in histories[1:]:
        for kind in kinds:
            # TensorFlow's convolutions round differently at different batch sizes: outputs of size ~0.5 agree
            # to a few float32 ulps (6e-8 each), and so do the changes, differences of two outputs.
            np.testing.assert_allclose(unnormalized(other, kind), unnormalized(histories[0], kind), rtol=1e-5, atol=5e-7, err_msg=kind)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "all"])
def test_bad_probe_batch_size_is_refused(bad):
    with pytest.raises(ValueError, match="probe_batch_size"):
        ResponseProbe(np.ones(4, np.float32), 1.0, shells=[0], probe_batch_size=bad)
