"""The probe's measurements against independent computations."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from training_response import ResponseProbe
from training_response.response import keras_loss_fn, keras_output_fn, ntk_row, step_response
from tests.conftest import clone, point_for


def measure_once(model, x_o, y_o, probe_x=None, **kwargs):
    """The probe's epoch-0 measurement, through a zero-epoch fit."""
    if probe_x is None:
        kwargs.setdefault("shells", True)
        kwargs.setdefault("samples_per_shell", 20)  # whole shells of a 36-pixel image are billions of points
    probe = ResponseProbe(x_o, y_o, probe_x, epochs=[1], **kwargs)
    model.fit(x_o[None], np.array([[y_o]]), epochs=0, verbose=0, callbacks=[probe])
    return probe.history


def jacobian_ntk(model, x_o, probe_x):
    """Θ(x_o, x) from full per-example Jacobians, flattened and dotted."""
    xs = tf.constant(np.concatenate([x_o[None], probe_x]), tf.float32)
    with tf.GradientTape() as tape:
        out = tf.reshape(model(xs, training=False), [-1])
    jac = tape.jacobian(out, model.trainable_variables)
    flat = np.concatenate([j.numpy().reshape(len(xs), -1) for j in jac], axis=1)
    return flat[1:] @ flat[0]


@pytest.mark.parametrize("model_name", ["small_dense", "small_conv", "small_images"])
def test_ntk_equals_jacobian_product(model_name, request):
    model = request.getfixturevalue(model_name)
    x_o, y_o = point_for(model, seed=3)
    history = measure_once(model, x_o, y_o)
    expected = jacobian_ntk(model, x_o, history["probe_x"])
    np.testing.assert_allclose(history["ntk"][0], expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("model_name", ["small_dense", "small_conv", "small_images"])
def test_step_equals_hand_made_sgd_step(model_name, request):
    model = request.getfixturevalue(model_name)
    x_o, y_o = point_for(model, seed=4)
    history = measure_once(model, x_o, y_o)
    probe_x = history["probe_x"]

    copy = clone(model)
    before_o = float(copy(x_o[None], training=False)[0, 0])
    before = copy(probe_x, training=False).numpy()[:, 0]
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(y_o - copy(x_o[None], training=False)))
    grads = tape.gradient(loss, copy.trainable_variables)
    for variable, grad in zip(copy.trainable_variables, grads):
        variable.assign(variable.numpy() - 0.1 * grad.numpy())
    after = copy(probe_x, training=False).numpy()[:, 0]
    expected = (after - before) / (y_o - before_o)
    np.testing.assert_allclose(history["step"][0], expected, rtol=1e-3, atol=1e-5)
    assert history["f_o"][0] == pytest.approx(before_o, rel=1e-6)


def test_step_matches_keras_train_step(small_dense):
    """The probe's copy-step is the step model.fit would take."""
    x_o, y_o = point_for(small_dense, seed=5)
    history = measure_once(small_dense, x_o, y_o)
    copy = clone(small_dense)
    before = copy.predict(history["probe_x"], verbose=0)[:, 0]
    before_o = copy.predict(x_o[None], verbose=0)[0, 0]
    copy.train_on_batch(x_o[None], np.array([[y_o]]))
    after = copy.predict(history["probe_x"], verbose=0)[:, 0]
    np.testing.assert_allclose(history["step"][0], (after - before) / (y_o - before_o), rtol=1e-3, atol=1e-5)


def test_step_tends_to_two_eta_ntk(small_dense):
    """For MSE, Δ/(y_o − f) = 2η Θ + O(η²): the relative error shrinks with η."""
    x_o, y_o = point_for(small_dense, seed=6)
    errors = []
    for eta in (0.1, 0.01, 0.001):
        history = measure_once(small_dense, x_o, y_o, learning_rate=eta, samples_per_shell=4)
        linear = 2 * eta * history["ntk"][0]
        errors.append(np.max(np.abs(history["step"][0] - linear)) / np.max(np.abs(linear)))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-2


def test_ntk_row_is_a_pure_function(small_dense):
    """The same kernel from the pure function, with weights passed in: no training state involved."""
    x_o, _ = point_for(small_dense, seed=7)
    probe_x = np.stack([x_o, -x_o])
    params = [v.value for v in small_dense.trainable_variables]
    theta = ntk_row(keras_output_fn(small_dense), params, x_o, probe_x)
    np.testing.assert_allclose(theta.numpy(), jacobian_ntk(small_dense, x_o, probe_x), rtol=1e-4, atol=1e-6)
    step = step_response(keras_output_fn(small_dense), keras_loss_fn(small_dense), params, x_o, 1.0, probe_x, 0.1)
    history = measure_once(small_dense, x_o, 1.0, probe_x)
    np.testing.assert_allclose(step.numpy(), history["step"][0], rtol=1e-5, atol=1e-7)


def test_fit_with_and_without_probe_is_bit_identical():
    from training_response.replication.models import build_2022

    def train(with_probe):
        model = build_2022("elu", n_bits=8, layers=2, filters=3, dropout=0.2, seed=9)
        x_o, y_o = point_for(model, seed=8)
        keras.utils.set_random_seed(1)
        callbacks = [ResponseProbe(x_o, y_o, shells=True, samples_per_shell=5)] if with_probe else []
        model.fit(np.repeat(x_o[None], 4, 0), np.full((4, 1), y_o), batch_size=1, epochs=6, shuffle=False, verbose=0, callbacks=callbacks)
        return model.get_weights()

    for a, b in zip(train(False), train(True)):
        assert np.array_equal(a, b)


def test_output_and_feature_statistics_by_hand(small_dense):
    x_o, y_o = point_for(small_dense, seed=9)
    probe = ResponseProbe(x_o, y_o, shells=True, epochs=[1], kinds=("output", "features"))
    small_dense.fit(x_o[None], np.array([[y_o]]), epochs=0, verbose=0, callbacks=[probe])
    history = probe.history
    np.testing.assert_allclose(history["output"][0], small_dense.predict(history["probe_x"], verbose=0)[:, 0], rtol=1e-5)
    kernel, bias = small_dense.layers[0].get_weights()
    hidden = np.where(history["probe_x"] @ kernel + bias > 0, history["probe_x"] @ kernel + bias, np.expm1(history["probe_x"] @ kernel + bias))
    assert history["feature_mean"][0] == pytest.approx(hidden.mean(), rel=1e-4)
    assert history["dead_fraction"][0] == np.mean(np.all(hidden == 0, axis=0))
    assert "step" not in history and history["feature_mean"].shape == (1,)


def test_dead_features_are_counted():
    from training_response.replication.models import build_2024

    model = build_2024("relu", n_bits=4, features=6, seed=1)
    kernel, bias = model.layers[0].get_weights()
    bias[:2] = -100.0  # two features can never fire on ±1 inputs
    model.layers[0].set_weights([kernel, bias])
    x_o = np.ones(4, np.float32)
    probe = ResponseProbe(x_o, 1.0, shells=True, epochs=[1], kinds=("features",))
    model.fit(x_o[None], np.ones((1, 1)), epochs=0, verbose=0, callbacks=[probe])
    hidden = np.maximum(probe.probe_x @ kernel + bias, 0)
    assert probe.history["dead_fraction"][0] == pytest.approx(np.mean(np.all(hidden == 0, axis=0)))
    assert probe.history["dead_fraction"][0] >= 2 / 6
