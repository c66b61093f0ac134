"""A zoo of small models, one per Keras layer type: the probe's epoch-0 "ntk", "step", "optimizer_step"
and "output" are checked against a float64 ground truth within 1e-5 relative (issue 14).

Ground truth, for every model (built float32, then rebuilt under floatx float64 with the same weights):
- "output": the float64 model's output at the probe points (inference mode);
- "ntk": J(x_o) · J(x)ᵀ from `tf.GradientTape.jacobian` of the float64 model (inference mode);
- "step": a float64 hand-made SGD step w − η∇L(y_o, f(x_o)) with the compiled loss, in inference mode,
  normalized by y_o − f(x_o) for one output, raw for several;
- "optimizer_step": a real `train_on_batch` on a float32 clone compiled with a fresh SGD(η). It runs in
  training mode, so for models with Dropout or BatchNormalization it is not compared.

Tolerance: `np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5 * max|expected|)`; the
printed number (run with -s) is max|actual − expected| / max|expected|.
"""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from training_response import ResponseProbe
from tests.conftest import floatx

L = keras.layers
RTOL = 1e-5
LR = 0.1
P = 5
MNIST = os.path.join(os.path.dirname(__file__), "fixtures", "mnist_300.npz")


def seq(shape, *layers, dtype=None):
    return keras.Sequential([keras.Input(shape, dtype=dtype), *layers])


def functional_mha():
    x = keras.Input((4, 3))
    h = L.Dense(6)(x)
    h = L.MultiHeadAttention(num_heads=2, key_dim=3)(h, h)
    h = L.GlobalAveragePooling1D()(h)
    return keras.Model(x, L.Dense(1)(h))


def functional_branches():
    x = keras.Input((6,))
    a = L.Dense(8, activation="tanh")(x)
    b = L.Dense(8, activation="elu")(x)
    r = L.Add()([a, L.Dense(8)(b)])
    c = L.Concatenate()([r, b, x])
    return keras.Model(x, L.Dense(1, activation="sigmoid")(c))


# name: (builder (built under the current floatx), input shape, loss, y_o, input kind, training-mode layers)
CASES = {
    "dense": (lambda: seq((6,), L.Dense(16, activation="elu"), L.Dense(1)), (6,), "mse", 1.0, "real", False),
    "conv1d": (lambda: seq((8, 2), L.Conv1D(4, 3, activation="tanh"), L.Flatten(), L.Dense(1)), (8, 2), "mse", 1.0, "real", False),
    "conv2d": (lambda: seq((6, 6, 1), L.Conv2D(3, 3, activation="elu"), L.Flatten(), L.Dense(1)), (6, 6, 1), "mse", 1.0, "real", False),
    "conv3d": (lambda: seq((4, 4, 4, 1), L.Conv3D(2, 2, activation="tanh"), L.Flatten(), L.Dense(1)), (4, 4, 4, 1), "mse", 1.0, "real", False),
    "depthwise_conv2d": (
        lambda: seq((6, 6, 2), L.DepthwiseConv2D(3, depth_multiplier=2, activation="tanh"), L.Flatten(), L.Dense(1)),
        (6, 6, 2), "mse", 1.0, "real", False,
    ),
    "separable_conv2d": (
        lambda: seq((6, 6, 2), L.SeparableConv2D(3, 3, activation="tanh"), L.Flatten(), L.Dense(1)),
        (6, 6, 2), "mse", 1.0, "real", False,
    ),
    "max_pooling2d": (
        lambda: seq((6, 6, 1), L.Conv2D(3, 3, activation="tanh", padding="same"), L.MaxPooling2D(2), L.Flatten(), L.Dense(1)),
        (6, 6, 1), "mse", 1.0, "real", False,
    ),
    "average_pooling2d": (
        lambda: seq((6, 6, 1), L.Conv2D(3, 3, activation="tanh", padding="same"), L.AveragePooling2D(2), L.Flatten(), L.Dense(1)),
        (6, 6, 1), "mse", 1.0, "real", False,
    ),
    "global_max_pooling2d": (
        lambda: seq((6, 6, 1), L.Conv2D(4, 3, activation="tanh"), L.GlobalMaxPooling2D(), L.Dense(1)),
        (6, 6, 1), "mse", 1.0, "real", False,
    ),
    "global_average_pooling2d": (
        lambda: seq((6, 6, 1), L.Conv2D(4, 3, activation="tanh"), L.GlobalAveragePooling2D(), L.Dense(1)),
        (6, 6, 1), "mse", 1.0, "real", False,
    ),
    "flatten_reshape": (
        lambda: seq((3, 4), L.Reshape((4, 3)), L.Dense(5, activation="elu"), L.Flatten(), L.Reshape((20,)), L.Dense(1)),
        (3, 4), "mse", 1.0, "real", False,
    ),
    "batch_normalization": (
        lambda: seq((6,), L.Dense(12), L.BatchNormalization(momentum=0.5), L.Activation("elu"), L.Dense(1)),
        (6,), "mse", 1.0, "real", True,
    ),
    "layer_normalization": (
        lambda: seq((6,), L.Dense(12), L.LayerNormalization(), L.Activation("elu"), L.Dense(1)), (6,), "mse", 1.0, "real", False,
    ),
    "dropout": (lambda: seq((6,), L.Dense(16, activation="elu"), L.Dropout(0.2), L.Dense(1)), (6,), "mse", 1.0, "real", True),
    "embedding": (
        lambda: seq((5,), L.Embedding(7, 4), L.Flatten(), L.Dense(1), dtype="int32"), (5,), "mse", 1.0, "tokens", False,
    ),
    "simple_rnn": (lambda: seq((4, 3), L.SimpleRNN(6), L.Dense(1)), (4, 3), "mse", 1.0, "real", False),
    "lstm": (lambda: seq((4, 3), L.LSTM(5), L.Dense(1)), (4, 3), "mse", 1.0, "real", False),
    "gru": (lambda: seq((4, 3), L.GRU(5), L.Dense(1)), (4, 3), "mse", 1.0, "real", False),
    "multi_head_attention": (functional_mha, (4, 3), "mse", 1.0, "real", False),
    "residual_concatenate": (functional_branches, (6,), "binary_crossentropy", 1.0, "real", False),
    "softmax_head": (
        lambda: seq((6,), L.Dense(12, activation="tanh"), L.Dense(3, activation="softmax")),
        (6,), "sparse_categorical_crossentropy", 1.0, "real", False,
    ),
    # Keras' "Simple MNIST convnet" example with a one-unit head (issue 14's report).
    "mnist_convnet": (
        lambda: seq(
            (28, 28, 1), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2), L.Conv2D(64, 3, activation="relu"),
            L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.5), L.Dense(1, activation="sigmoid"),
        ),
        (28, 28, 1), "mse", 1.0, "mnist", True,
    ),
    "sigmoid_head": (
        lambda: seq((6,), L.Dense(12, activation="tanh"), L.Dense(1, activation="sigmoid")), (6,), "binary_crossentropy", 1.0, "real", False,
    ),
}


def inputs(kind, shape, rng, n):
    if kind == "mnist":  # real digits: ReLU zeros make exact ties inside max-pooling windows
        with np.load(MNIST) as z:
            return (z["x"][rng.choice(len(z["x"]), n, replace=False)] / 255.0).astype(np.float32)[..., None]
    if kind == "tokens":
        return rng.integers(0, 7, size=(n,) + shape).astype(np.float32)
    return rng.normal(size=(n,) + shape).astype(np.float32)


def max_relative_error(actual, expected):
    """max|actual − expected| relative to the largest magnitude of expected."""
    actual, expected = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    return float(np.max(np.abs(actual - expected)) / np.max(np.abs(expected)))


def model_input(x, kind):
    return tf.constant(x.astype(np.int32)) if kind == "tokens" else tf.constant(x, tf.float64)


def float64_truth(model64, loss, x_o, y_o, probe_x, kind):
    """{"output", "ntk", "step"} of the float64 model, in inference mode."""
    params = [v.value for v in model64.trainable_variables]
    state = [v.value for v in model64.non_trainable_variables]

    def f(params, x):
        y, _ = model64.stateless_call(params, state, x, training=False)
        return tf.reshape(tf.cast(y, tf.float64), [x.shape[0], -1])

    def jac(x):
        with tf.GradientTape() as tape:
            tape.watch(params)
            out = tf.reshape(f(params, x), [-1])
        try:
            js = tape.jacobian(out, params, unconnected_gradients="zero")
        except Exception:  # pfor cannot vectorize every op; the loop is exact too
            with tf.GradientTape() as tape:
                tape.watch(params)
                out = tf.reshape(f(params, x), [-1])
            js = tape.jacobian(out, params, unconnected_gradients="zero", experimental_use_pfor=False)
        return np.concatenate([np.asarray(j, np.float64).reshape(len(out), -1) for j in js], axis=1)

    xo, xp = model_input(x_o[None], kind), model_input(probe_x, kind)
    f_o = f(params, xo)[0]
    out = f(params, xp).numpy()
    n_out = out.shape[1]
    j_o, j_p = jac(xo), jac(xp).reshape(len(probe_x), n_out, -1)
    ntk = np.einsum("aw,pbw->pab", j_o, j_p)
    loss_fn = keras.losses.get(loss)
    y_true = tf.reshape(tf.constant(y_o, tf.float64), [1, -1])
    with tf.GradientTape() as tape:
        tape.watch(params)
        value = tf.reduce_mean(loss_fn(y_true, f(params, xo)))
    grads = tape.gradient(value, params, unconnected_gradients="zero")
    stepped = [w - LR * tf.convert_to_tensor(g) for w, g in zip(params, grads)]  # Embedding: IndexedSlices
    raw = f(stepped, xp).numpy() - out
    step = raw[:, 0] / (y_o - float(f_o[0])) if n_out == 1 else raw
    if n_out == 1:
        return {"output": out[:, 0], "ntk": ntk[:, 0, 0], "step": step, "raw_step": raw[:, 0]}
    return {"output": out, "ntk": ntk, "step": step, "raw_step": raw}


@pytest.mark.parametrize("name", list(CASES))
def test_layer_matches_float64_ground_truth(name):
    build, shape, loss, y_o, kind, training_mode = CASES[name]
    keras.utils.set_random_seed(14)
    rng = np.random.default_rng(14)
    model = build()
    model.compile(keras.optimizers.SGD(LR), loss)
    if name == "batch_normalization":  # non-trivial moving statistics (and weights) before the measurement
        xb = (3.0 * rng.normal(size=(32,) + shape) + 1.0).astype(np.float32)
        model.fit(xb, rng.normal(size=(32, 1)).astype(np.float32), epochs=3, batch_size=8, verbose=0)
        moving = model.layers[1].moving_mean.numpy()
        assert np.max(np.abs(moving)) > 0.1
    x_o = inputs(kind, shape, rng, 1)[0]
    probe_x = inputs(kind, shape, rng, P)

    weights = model.get_weights()
    with floatx("float64"):
        keras.utils.set_random_seed(14)
        model64 = build()
    model64.set_weights([w.astype(np.float64) for w in weights])
    assert all(v.dtype == "float64" for v in model64.weights)
    truth = float64_truth(model64, loss, x_o, y_o, probe_x, kind)

    # optimizer_step ground truth: a real train_on_batch on a float32 clone with a fresh SGD(η).
    clone = keras.models.clone_model(model)
    clone.set_weights(weights)
    clone.compile(keras.optimizers.SGD(LR), loss)
    xp = probe_x.astype(np.int32) if kind == "tokens" else probe_x
    xo = x_o[None].astype(np.int32) if kind == "tokens" else x_o[None]
    before = clone.predict(xp, verbose=0)
    clone.train_on_batch(xo, np.array([[y_o]], np.float32))
    optimizer_truth = (clone.predict(xp, verbose=0) - before).reshape(truth["output"].shape)

    probe = ResponseProbe(x_o, y_o, probe_x=probe_x, kinds=("step", "optimizer_step", "ntk", "output"), epochs=[1])
    model.fit(x_o[None], np.array([[y_o]], np.float32), epochs=0, verbose=0, callbacks=[probe])
    h = probe.history
    np.testing.assert_array_equal(model.get_weights()[0], weights[0])  # the probe left the weights alone

    expected = {"ntk": truth["ntk"], "step": truth["step"], "output": truth["output"]}
    if not training_mode:
        expected["optimizer_step"] = optimizer_truth
    failures = []
    for k, want in expected.items():
        got = h[k][0]
        err = max_relative_error(got, want)
        print(f"\nZOO {name:26s} {k:15s} max_rel_err={err:.2e} {'ok' if err <= RTOL else 'FAIL'}", end="")
        try:
            np.testing.assert_allclose(got, want, rtol=RTOL, atol=RTOL * np.max(np.abs(want)))
        except AssertionError:
            failures.append(f"{k}: max relative error {err:.2e}")
    # For information: the probe's optimizer_step against the float64 raw SGD step (same step, η, loss).
    err = max_relative_error(h["optimizer_step"][0], truth["raw_step"])
    print(f"\nZOO {name:26s} {'opt_vs_f64':15s} max_rel_err={err:.2e} (info)", end="")
    assert not failures, f"{name}: " + "; ".join(failures)
