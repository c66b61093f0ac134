"""Stacked Conv1D networks read from tables of their windows (training_response.windows), against each
replica's own Keras model: its outputs, Jacobian products and a real training step."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from training_response.response import keras_loss_fn, measure_replicas, sgd_update
from training_response.stacked import grouped_convolutions_work, stacked_output_fn
from training_response.windows import MOST_WINDOWS, input_alphabet, tabulated_output_fn
from training_response.replication.engine import Ensemble
from training_response.replication.models import build_2022, build_2022_images, compile_sgd
from tests.test_response import jacobian_ntk
from tests.test_stacked import assert_measured_as_each_model

pytestmark = pytest.mark.skipif(not grouped_convolutions_work(), reason="TensorFlow here cannot differentiate grouped convolutions (no oneDNN)")

REPLICAS, POINTS = 3, 9


def _sequential(input_shape, layers, seed):
    keras.utils.set_random_seed(seed)
    return compile_sgd(keras.Sequential([keras.Input(input_shape), *layers]))


def _strided_two_channels(seed):
    """Two input channels, a dilated and a strided convolution, an Activation layer between convolutions,
    Dropout before a bias-free Dense layer with two units, and a second Dense layer."""
    return _sequential(
        (13, 2),
        [
            keras.layers.Conv1D(3, 2, dilation_rate=2, activation="tanh"),
            keras.layers.Activation("softplus"),
            keras.layers.Conv1D(2, 3, strides=2),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(2, activation="gelu", use_bias=False),
            keras.layers.Dense(1, activation="sigmoid"),
        ],
        seed,
    )


# name: (builder of one replica, the alphabet of its inputs)
NETWORKS = {
    "2022_elu": (lambda seed: build_2022("elu", n_bits=10, layers=3, filters=3, seed=seed), (-1.0, 1.0)),
    "2022_relu_dropout_01": (lambda seed: build_2022("relu", n_bits=9, layers=2, filters=4, dropout=0.2, seed=seed), (0.0, 1.0)),
    "strided_two_channels": (_strided_two_channels, (-1.0, 1.0)),
    "three_values": (lambda seed: build_2022("elu", n_bits=8, layers=2, filters=2, kernel_size=2, seed=seed), (-1.0, 0.0, 2.5)),
}


def replicas_and_points(name, seed=0):
    build, alphabet = NETWORKS[name]
    models = [build(seed + r) for r in range(REPLICAS)]
    params = [tf.stack([model.trainable_variables[i].value for model in models]) for i in range(len(models[0].trainable_variables))]
    shape = tuple(models[0].inputs[0].shape[1:])
    rng = np.random.default_rng(seed)
    x_o = rng.choice(alphabet, (REPLICAS, *shape)).astype(np.float32)
    probe_x = rng.choice(alphabet, (REPLICAS, POINTS, *shape)).astype(np.float32)
    return models, params, alphabet, x_o, np.array([1.0, 0.0, 1.0], np.float32), probe_x


@pytest.mark.parametrize("name", list(NETWORKS))
def test_tabulated_outputs_and_derivatives_equal_each_replicas_model(name):
    models, params, alphabet, x_o, _, probe_x = replicas_and_points(name)
    tabulated = tabulated_output_fn(models[0], alphabet)
    rows = tabulated.encode(tf.constant(np.swapaxes(probe_x, 0, 1)))
    plain, none = tabulated.prepare(params)(rows)
    assert none is None
    # The tangents ∇_w f(x_o) of every replica, from the stacked network.
    with tf.GradientTape() as tape:
        tape.watch(params)
        f_o = stacked_output_fn(models[0])(params, tf.constant(x_o[None]))[0]
    tangents = tape.gradient(f_o, params)
    out, theta = tabulated.prepare(params, tangents)(rows)
    for r, model in enumerate(models):
        expected = model(probe_x[r], training=False).numpy()[:, 0]
        np.testing.assert_allclose(plain[:, r], expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(out[:, r], expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(theta[:, r], jacobian_ntk(model, x_o[r], probe_x[r]), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", ["2022_elu", "strided_two_channels"])
def test_measured_through_tables_equals_jacobian_products_and_real_training_steps(name):
    models, params, alphabet, x_o, y_o, probe_x = replicas_and_points(name, seed=1)
    model = models[0]
    measure = tf.function(
        lambda p, a, b, c: measure_replicas(
            stacked_output_fn(model), keras_loss_fn(model), p, a, b, c, ("step", "ntk", "output"), {"step": sgd_update(0.1)}, 4, 1, tabulated_output_fn(model, alphabet)
        )
    )
    assert_measured_as_each_model(measure(params, x_o, y_o, probe_x), models, x_o, y_o, probe_x)


def test_the_engine_measures_bit_strings_through_tables_as_without():
    """The engine on 2022-fig1's network, given the probe's alphabet, measures what it measures without."""
    models = [build_2022("elu", seed=s) for s in range(4)]
    rng = np.random.default_rng(0)
    x_o = rng.choice([-1.0, 1.0], (4, 16, 1)).astype(np.float32)
    probe_x = rng.choice([-1.0, 1.0], (4, 300, 16, 1)).astype(np.float32)
    inputs, targets = np.repeat(x_o[:, None, None], 5, axis=1), np.ones((4, 5, 1), np.float32)
    alphabet = input_alphabet(x_o, probe_x)
    assert tabulated_output_fn(models[0], alphabet, points=300) is not None
    runs = [Ensemble.of_models(models, 0.1).run_points(inputs, targets, 0, [0, 5], x_o, np.ones(4), probe_x, ("step", "ntk"), 0.0, a) for a in (None, alphabet)]
    # "step" is a difference of two outputs near 0.5, each rounded to float32 (about 3e-8), divided by y_o − f(x_o).
    for kind, atol in (("f_o", 1e-6), ("step", 5e-6), ("ntk", 1e-6)):
        np.testing.assert_allclose(runs[1][kind], runs[0][kind], rtol=2e-5, atol=atol)


def test_input_alphabet_is_the_few_values_the_entries_take():
    assert input_alphabet(np.array([[1.0, -1.0]]), np.array([-1.0, 1.0, 1.0])) == (-1.0, 1.0)
    assert input_alphabet(np.array([0.0, 1.0, 0.5, 0.25, 2.0])) is None
    assert input_alphabet(np.zeros(0)) is None


@pytest.mark.parametrize(
    "build",
    [
        lambda: build_2022("elu", n_bits=10, padding="same", seed=0),
        lambda: build_2022_images("elu", image_shape=(6, 6), layers=1, seed=0),
        lambda: _sequential((10, 1), [keras.layers.Conv1D(2, 3), keras.layers.Flatten(), keras.layers.Activation("tanh"), keras.layers.Dense(1)], 0),
        lambda: _sequential((10, 1), [keras.layers.Conv1D(2, 3), keras.layers.MaxPooling1D(), keras.layers.Flatten(), keras.layers.Dense(1)], 0),
        # 17 positions per window: 2^17 windows.
        lambda: build_2022("elu", n_bits=20, layers=2, kernel_size=9, seed=0),
    ],
    ids=["same_padding", "conv2d", "activation_after_flatten", "max_pooling", "too_many_windows"],
)
def test_networks_it_cannot_tabulate(build):
    assert 2**17 > MOST_WINDOWS
    assert tabulated_output_fn(build(), (-1.0, 1.0)) is None


def test_tables_are_used_only_where_they_are_less_work():
    model = build_2022("elu", seed=0)  # 128 windows of 7 bits
    assert tabulated_output_fn(model, (-1.0, 1.0), points=1) is None
    assert tabulated_output_fn(model, (-1.0, 1.0), points=100) is not None
    assert tabulated_output_fn(model, None, points=100) is None
