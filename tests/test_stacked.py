"""Replicas stacked into one network (training_response.stacked) and measured at once
(response.measure_replicas), against each replica's own Keras model: its outputs, Jacobian products and a
real training step."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from training_response.response import keras_loss_fn, measure_replicas, sgd_update
from training_response.stacked import grouped_convolutions_work, stacked_output_fn, stacked_training_fn
from training_response.replication.engine import Program
from training_response.replication.models import build_2022, build_2022_images, build_2024, compile_sgd
from tests.test_response import jacobian_ntk

REPLICAS, POINTS = 3, 7


def _sequential(input_shape, layers, seed):
    keras.utils.set_random_seed(seed)
    return compile_sgd(keras.Sequential([keras.Input(input_shape), *layers]))


def _strided_images(seed):
    """Conv2D with strides, 'same' padding and a bias-free layer, an Activation layer and two dense layers."""
    return _sequential(
        (9, 9, 2),
        [
            keras.layers.Conv2D(4, 3, strides=2, padding="same", activation="tanh"),
            keras.layers.Conv2D(3, 2, use_bias=False),
            keras.layers.Activation("softplus"),
            keras.layers.Flatten(),
            keras.layers.Dense(5, activation="gelu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ],
        seed,
    )


def _dilated_sequence(seed):
    return _sequential(
        (12, 2),
        [keras.layers.Conv1D(3, 3, dilation_rate=2, activation="relu"), keras.layers.Dropout(0.3), keras.layers.Flatten(), keras.layers.Dense(1)],
        seed,
    )


NETWORKS = {
    "conv1d_elu_dropout": lambda seed: build_2022("elu", n_bits=10, layers=2, filters=3, dropout=0.2, seed=seed),
    "conv1d_relu": lambda seed: build_2022("relu", n_bits=10, layers=3, filters=2, seed=seed),
    "conv1d_dilated": _dilated_sequence,
    "conv2d_elu": lambda seed: build_2022_images("elu", image_shape=(7, 7), layers=2, filters=3, seed=seed),
    "conv2d_strided": _strided_images,
    "dense_softplus": lambda seed: build_2024("softplus", n_bits=6, features=16, seed=seed),
}


def replicas_and_points(name, seed=0):
    if name.startswith("conv") and not grouped_convolutions_work():
        pytest.skip("TensorFlow here cannot differentiate grouped convolutions (no oneDNN): convolutional models are not stacked")
    models = [NETWORKS[name](seed + r) for r in range(REPLICAS)]
    params = [tf.stack([model.trainable_variables[i].value for model in models]) for i in range(len(models[0].trainable_variables))]
    shape = tuple(models[0].inputs[0].shape[1:])
    rng = np.random.default_rng(seed)
    x_o = rng.choice([-1.0, 1.0], (REPLICAS, *shape)).astype(np.float32)
    probe_x = rng.choice([-1.0, 1.0], (REPLICAS, POINTS, *shape)).astype(np.float32)
    y_o = np.array([1.0, 0.0, 1.0], np.float32)
    return models, params, x_o, y_o, probe_x


@pytest.mark.parametrize("name", list(NETWORKS))
def test_stacked_outputs_equal_each_replicas_model(name):
    models, params, _, _, probe_x = replicas_and_points(name)
    g = stacked_output_fn(models[0])
    out, _ = g(params, tf.constant(np.swapaxes(probe_x, 0, 1)))
    for r, model in enumerate(models):
        np.testing.assert_allclose(out[:, r], model(probe_x[r], training=False).numpy()[:, 0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(NETWORKS))
def test_measured_replicas_equal_jacobian_products_and_real_training_steps(name):
    models, params, x_o, y_o, probe_x = replicas_and_points(name, seed=1)
    measure = tf.function(
        lambda p, a, b, c: measure_replicas(stacked_output_fn(models[0]), keras_loss_fn(models[0]), p, a, b, c, ("step", "ntk", "output"), {"step": sgd_update(0.1)}, batch_size=3)
    )
    assert_measured_as_each_model(measure(params, x_o, y_o, probe_x), models, x_o, y_o, probe_x)


def assert_measured_as_each_model(out, models, x_o, y_o, probe_x):
    """The measurement `out` of "step", "ntk" and "output" over stacked replicas equals, per replica, its
    own model's Jacobian products, outputs, and the change a real training step on (x_o, y_o) makes."""
    out = {k: v.numpy() for k, v in out.items()}
    for r, model in enumerate(models):
        np.testing.assert_allclose(out["ntk"][r], jacobian_ntk(model, x_o[r], probe_x[r]), rtol=1e-4, atol=1e-6)
        before_o = model(x_o[r][None], training=False).numpy()[0, 0]
        before = model(probe_x[r], training=False).numpy()[:, 0]
        np.testing.assert_allclose(out["output"][r], before, rtol=1e-5, atol=1e-6)
        assert out["f_o"][r] == pytest.approx(before_o, rel=1e-5)
        # The model's own SGD step on (x_o, y_o); its dropout (if any) is switched off for the step.
        for layer in model.layers:
            if isinstance(layer, keras.layers.Dropout):
                layer.rate = 0.0
        model.train_on_batch(x_o[r][None], np.array([[y_o[r]]]))
        expected = (model(probe_x[r], training=False).numpy()[:, 0] - before) / (y_o[r] - before_o)
        np.testing.assert_allclose(out["step"][r], expected, rtol=1e-3, atol=2e-5)


def _functional():
    inputs = keras.Input((6,))
    return compile_sgd(keras.Model(inputs, keras.layers.Dense(1)(inputs)))


def _frozen():
    model = build_2024("relu", n_bits=6, features=4, seed=0)
    model.layers[0].trainable = False
    return model


@pytest.mark.parametrize(
    "build",
    [
        _functional,
        _frozen,
        lambda: _sequential((6,), [keras.layers.Dense(3, activation="softmax")], 0),
        lambda: _sequential((6,), [keras.layers.Dense(4), keras.layers.Dense(1, activation="softmax")], 0),
        lambda: _sequential((6,), [keras.layers.BatchNormalization(), keras.layers.Dense(1)], 0),
        lambda: _sequential((8, 1), [keras.layers.Conv1D(2, 3, padding="causal"), keras.layers.Flatten(), keras.layers.Dense(1)], 0),
        lambda: _sequential((8, 2), [keras.layers.Conv1D(2, 3, groups=2), keras.layers.Flatten(), keras.layers.Dense(1)], 0),
        lambda: _sequential((8, 1), [keras.layers.Conv1D(2, 3), keras.layers.Dense(1), keras.layers.Flatten(), keras.layers.Dense(1)], 0),
        lambda: _sequential((8, 1), [keras.layers.Conv1D(2, 3), keras.layers.MaxPooling1D(), keras.layers.Flatten(), keras.layers.Dense(1)], 0),
    ],
    ids=["functional", "frozen_layer", "three_outputs", "softmax_activation", "batch_norm", "causal", "grouped", "dense_on_sequence", "max_pooling"],
)
def test_models_it_cannot_stack_are_measured_replica_by_replica(build):
    model = build()
    assert stacked_output_fn(model) is None
    assert Program(model, 0.1)._stacked is None


@pytest.mark.skipif(not grouped_convolutions_work(), reason="TensorFlow here cannot differentiate grouped convolutions (no oneDNN)")
def test_the_engine_stacks_the_papers_convolutional_networks():
    for model in (build_2022("elu", seed=0), build_2022("relu", dropout=0.2, seed=0), build_2022_images("elu", seed=0)):
        assert Program(model, 0.1)._stacked is not None
    # Trained stacked where XLA does not train them (test_engine compares their training with model.fit).
    for model in (build_2022("relu", dropout=0.2, seed=0), build_2022_images("elu", seed=0)):
        assert Program(model, 0.1)._stacked_training is not None
    assert Program(build_2022("elu", seed=0), 0.1)._stacked_training is None


@pytest.mark.skipif(not grouped_convolutions_work(), reason="TensorFlow here cannot differentiate grouped convolutions (no oneDNN)")
def test_stacked_training_draws_each_replicas_keras_dropout_masks():
    """The stacked network in training mode gives each replica's own Keras forward pass with dropout, and
    advances each replica's seed state as the model's own call does."""
    models, params, _, _, probe_x = replicas_and_points("conv1d_elu_dropout")
    state = [tf.stack([model.non_trainable_variables[i].value for model in models]) for i in range(len(models[0].non_trainable_variables))]
    out, new_state = stacked_training_fn(models[0])(params, state, tf.constant(np.swapaxes(probe_x, 0, 1)))
    for r, model in enumerate(models):
        expected, expected_state = model.stateless_call(
            [v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables], probe_x[r], training=True
        )
        np.testing.assert_allclose(out[:, r], expected.numpy()[:, 0], rtol=1e-5, atol=1e-6)
        for a, b in zip(new_state, expected_state):
            np.testing.assert_array_equal(a[r].numpy(), b.numpy())
    no_dropout = [model.stateless_call([v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables], probe_x[r])[0] for r, model in enumerate(models)]
    assert not np.allclose(out.numpy().T, np.stack(no_dropout)[:, :, 0])


def test_dropout_with_a_noise_shape_is_not_trained_stacked():
    model = _sequential((8, 1), [keras.layers.Conv1D(2, 3), keras.layers.Dropout(0.5, noise_shape=(None, 1, 2)), keras.layers.Flatten(), keras.layers.Dense(1)], 0)
    assert stacked_output_fn(model) is not None
    assert stacked_training_fn(model) is None
