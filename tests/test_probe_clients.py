"""The probe on small models shaped like keras-io clients: text classification from scratch (Embedding →
Conv1D → GlobalMaxPooling1D → Dense sigmoid), a bidirectional LSTM, timeseries classification from scratch
(Conv1D + BatchNormalization + ReLU blocks → GlobalAveragePooling1D → Dense softmax), the subclassing
guide's Conv2D + MaxPooling2D block inside a custom Layer, TimeDistributed, and the subclassing guide's VAE
(add_loss of the KL divergence, 784 outputs).

Every measured number is checked against an independent computation:
- "optimizer_step" against the real update: trained on (x_o, y_o) alone with batch size 1, one sample per
  epoch, output[t+1] − output[t] is the update training made at epoch t (output[t+k] − output[t] for
  gradient accumulation over k micro-batches). Models compared with a real step have no Dropout and no
  BatchNormalization (training mode ≠ the probe's inference mode), and the VAE samples no noise.
- "ntk" against J(x_o)·J(x)ᵀ of a float64 copy of the model (same weights) from tf.GradientTape.jacobian
  (or, for 784 outputs, a forward-mode Jacobian-vector product), at epoch 0 and after training.

Many of these tests fail against the probe before the changes they describe; each docstring says how.
"""

import os
import re
import subprocess
import sys
import textwrap
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from training_response import ResponseProbe
from tests.conftest import floatx

L = keras.layers
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# x_o of the text clients: token ids with repeats (3 three times, then 5) and padding (0 three times). Its
# Embedding gradient is an IndexedSlices with duplicate indices, as Keras' train_step passes it.
TOKENS_O = np.array([3, 3, 3, 5, 0, 0, 0], np.int32)
VOCAB = 10


# Models ---------------------------------------------------------------------------------------------------


def text_classifier():
    """keras-io "Text classification from scratch", scaled down and without Dropout."""
    x = keras.Input((None,), dtype="int32")
    h = L.Embedding(VOCAB, 8)(x)
    h = L.Conv1D(8, 3, activation="relu")(h)
    h = L.GlobalMaxPooling1D()(h)
    h = L.Dense(8, activation="relu")(h)
    return keras.Model(x, L.Dense(1, activation="sigmoid", name="predictions")(h))


def bidirectional_lstm():
    """keras-io "Bidirectional LSTM on IMDB", scaled down."""
    x = keras.Input((None,), dtype="int32")
    h = L.Embedding(VOCAB, 4)(x)
    h = L.Bidirectional(L.LSTM(4))(h)
    return keras.Model(x, L.Dense(1, activation="sigmoid")(h))


TEXT_CLIENTS = {"text_classifier": text_classifier, "bidirectional_lstm": bidirectional_lstm}
SERIES = (16, 1)


def timeseries_features(x, batch_norm):
    """keras-io "Timeseries classification from scratch" (three blocks of 64 filters there): two Conv1D
    (+ BatchNormalization) + ReLU blocks of 8 filters, then GlobalAveragePooling1D."""
    h = x
    for _ in range(2):
        h = L.Conv1D(8, 3, padding="same")(h)
        if batch_norm:
            h = L.BatchNormalization()(h)
        h = L.ReLU()(h)
    return L.GlobalAveragePooling1D()(h)


def timeseries_classifier(batch_norm=False, classes=3, cls=keras.Model):
    """Under a mixed policy the head is float32, as the mixed-precision guide says; otherwise it follows the
    global policy (float64 for the float64 copies)."""
    x = keras.Input(SERIES)
    mixed = keras.config.dtype_policy().name.startswith("mixed")
    head = L.Dense(classes, activation="softmax" if classes > 1 else "sigmoid", dtype="float32" if mixed else None)
    return cls(x, head(timeseries_features(x, batch_norm)))


class ConvBlock(L.Layer):
    """The subclassing guide's pattern: a custom Layer whose sublayers (Conv2D + MaxPooling2D) are created
    in __init__."""

    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv = L.Conv2D(filters, 3, activation="relu", padding="same")
        self.pool = L.MaxPooling2D(2)

    def call(self, x):
        return self.pool(self.conv(x))


class BlockNet(keras.Model):
    """A subclassed model made of two ConvBlocks."""

    def __init__(self):
        super().__init__()
        self.block1, self.block2 = ConvBlock(4), ConvBlock(4)
        self.flatten = L.Flatten()
        self.head = L.Dense(1)

    def call(self, x):
        return self.head(self.flatten(self.block2(self.block1(x))))


def block_functional():
    return keras.Sequential([keras.Input((8, 8, 1)), ConvBlock(4), ConvBlock(4), L.Flatten(), L.Dense(1)])


def time_distributed_conv():
    return keras.Sequential([
        keras.Input((2, 8, 8, 1)),
        L.TimeDistributed(L.Conv2D(3, 3, activation="relu", padding="same")),
        L.TimeDistributed(L.MaxPooling2D(2)),
        L.Flatten(),
        L.Dense(1),
    ])


def time_distributed_dense():
    return keras.Sequential([keras.Input((3, 4)), L.TimeDistributed(L.Dense(5, activation="tanh")), L.Flatten(), L.Dense(1)])


def binary_images(shape):
    """Binary images: repeated pixel values make exact ties inside max-pooling windows."""
    return lambda rng, n: rng.integers(0, 2, size=(n,) + shape).astype(np.float32)


def normal_inputs(shape):
    return lambda rng, n: rng.normal(size=(n,) + shape).astype(np.float32)


class Sampling(L.Layer):
    """The VAE's z from (z_mean, z_log_var), without the noise: the probe measures in inference mode, and a
    real training step is only comparable without random draws (as without Dropout)."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        return z_mean + 0.0 * z_log_var


class Encoder(L.Layer):
    def __init__(self, latent_dim, intermediate_dim, **kwargs):
        super().__init__(**kwargs)
        self.dense_proj = L.Dense(intermediate_dim, activation="relu")
        self.dense_mean = L.Dense(latent_dim)
        self.dense_log_var = L.Dense(latent_dim)
        self.sampling = Sampling()

    def call(self, inputs):
        x = self.dense_proj(inputs)
        z_mean, z_log_var = self.dense_mean(x), self.dense_log_var(x)
        return z_mean, z_log_var, self.sampling((z_mean, z_log_var))


class Decoder(L.Layer):
    def __init__(self, original_dim, intermediate_dim, **kwargs):
        super().__init__(**kwargs)
        self.dense_proj = L.Dense(intermediate_dim, activation="relu")
        self.dense_output = L.Dense(original_dim, activation="sigmoid")

    def call(self, inputs):
        return self.dense_output(self.dense_proj(inputs))


class VariationalAutoEncoder(keras.Model):
    """The subclassing guide's VAE (784 → 64 → 32 → 64 → 784 there), with the KL divergence as add_loss."""

    def __init__(self, original_dim=40, intermediate_dim=16, latent_dim=4):
        super().__init__()
        self.encoder = Encoder(latent_dim, intermediate_dim)
        self.decoder = Decoder(original_dim, intermediate_dim)

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstructed = self.decoder(z)
        kl_loss = -0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1)
        self.add_loss(kl_loss)
        return reconstructed


class ActivityPenalty(L.Layer):
    """A layer that adds a loss on its input, which it passes on unchanged."""

    def call(self, x):
        self.add_loss(0.1 * ops.sum(ops.square(x)))
        return x


def activity_penalty_model():
    x = keras.Input(SERIES)
    h = L.Dense(8, activation="tanh")(L.Flatten()(x))
    return keras.Model(x, L.Dense(1, activation="sigmoid")(ActivityPenalty()(h)))


def activity_regularizer_model():
    x = keras.Input(SERIES)
    h = L.Dense(8, activation="tanh", activity_regularizer=keras.regularizers.L2(0.1))(L.Flatten()(x))
    return keras.Model(x, L.Dense(1, activation="sigmoid")(h))


class OwnLossModel(keras.Model):
    """The "Customizing what happens in fit()" guide's pattern: a train_step that minimizes its own loss
    (Huber with a small delta, far from the MSE the model may be compiled with)."""

    own_loss = keras.losses.Huber(delta=0.1)

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.own_loss(y, y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        return {"loss": loss}


class UnbuiltNet(keras.Model):
    """The subclassing guide's default: layers created in __init__, never called before fit."""

    def __init__(self):
        super().__init__()
        self.hidden = L.Dense(8, activation="tanh")
        self.head = L.Dense(1, activation="sigmoid")

    def call(self, x):
        return self.head(self.hidden(x))


# Independent computations ------------------------------------------------------------------------------


def float64_copy(build, weights, x):
    """The model `build` makes, in float64, with `weights`; called on x first (a subclassed model builds then)."""
    with floatx("float64"):
        model = build()
        model(tf.constant(x, tf.float64))
    model.set_weights([np.asarray(w, np.float64) for w in weights])
    assert all(v.dtype == "float64" for v in model.weights)
    return model


def jacobian(model, x):
    """(B, O, W): the Jacobian of every output at every input over the trainable weights, inference mode."""
    x = tf.constant(x, tf.float64)
    params = [v.value for v in model.trainable_variables]

    def jac(use_pfor):
        with tf.GradientTape() as tape:
            out = tf.reshape(model(x, training=False), [-1])
        return tape.jacobian(out, params, unconnected_gradients="zero", experimental_use_pfor=use_pfor), int(out.shape[0])

    try:
        js, n = jac(True)
    except Exception:  # pfor cannot vectorize every op; the loop is exact too
        js, n = jac(False)
    flat = np.concatenate([np.asarray(j, np.float64).reshape(n, -1) for j in js], axis=1)
    return flat.reshape(len(x), -1, flat.shape[1])


class WeightsAtEpochs(keras.callbacks.Callback):
    """The weights at the start of the fit and at the end of every epoch: those the probe measured at."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def on_train_begin(self, logs=None):
        self.weights.append(self.model.get_weights())

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def assert_real_update(h, stride=1, rtol=1e-5, atol=3e-7):
    """optimizer_step[t] equals output[t + stride] − output[t] (and at x_o, f_o) for a fit on (x_o, y_o)
    alone with batch size 1, one sample per epoch."""
    change = h["output"][stride:] - h["output"][:-stride]
    change_o = h["f_o"][stride:] - h["f_o"][:-stride]
    assert np.abs(change).max() > 1e-3 and np.abs(change_o).max() > 1e-3  # training moved: the check can fail
    np.testing.assert_allclose(h["optimizer_step"][:-stride], change, rtol=rtol, atol=atol)
    np.testing.assert_allclose(h["optimizer_step_o"][:-stride], change_o, rtol=rtol, atol=atol)


def fit_alone(model, probe, x_o, y, epochs, **kwargs):
    """Training on (x_o, y) alone: batch size 1, one step per epoch."""
    return model.fit(x_o[None], y, epochs=epochs, batch_size=1, verbose=0, callbacks=[probe], **kwargs)


def training_state(model):
    """Weights (with BatchNormalization's moving statistics) and every optimizer variable (moments, iteration
    counts, gradient accumulators, loss scale)."""
    return model.get_weights() + [v.numpy() for v in model.optimizer.variables]


def assert_bit_identical(with_probe, without_probe):
    assert len(with_probe) == len(without_probe)
    for a, b in zip(with_probe, without_probe):
        assert np.array_equal(a, b)


def series_point(seed, points=6):
    """(x_o, probe_x) for the timeseries clients."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=SERIES).astype(np.float32), rng.normal(size=(points,) + SERIES).astype(np.float32)


# 1. Embedding: sparse gradients with duplicate token ids ---------------------------------------------------


def token_points(seed=0, points=6):
    return np.random.default_rng(seed).integers(0, VOCAB, size=(points, len(TOKENS_O))).astype(np.int32)


@pytest.mark.parametrize(
    "client, optimizer",
    [
        ("text_classifier", lambda: keras.optimizers.Adam(0.01)),
        ("text_classifier", lambda: keras.optimizers.RMSprop(0.01)),
        ("text_classifier", lambda: keras.optimizers.SGD(0.05, momentum=0.9)),
        ("bidirectional_lstm", lambda: keras.optimizers.Adam(0.01)),
    ],
    ids=["text_adam", "text_rmsprop", "text_sgd_momentum", "bilstm_adam"],
)
def test_embedding_optimizer_step_is_the_real_update(client, optimizer):
    """Keras' train_step hands the optimizer the Embedding's gradient as IndexedSlices with duplicate ids;
    Adam's and RMSprop's update of that is not their update of the summed dense gradient (the probe that
    densified it was 1–10% off). SGD with momentum is linear in the gradient: the same either way."""
    keras.utils.set_random_seed(1)
    model = TEXT_CLIENTS[client]()
    model.compile(optimizer(), "binary_crossentropy")
    probe = ResponseProbe(TOKENS_O, 1.0, token_points(), kinds=("optimizer_step", "output"))
    fit_alone(model, probe, TOKENS_O, np.ones((1, 1)), 4)
    assert_real_update(probe.history)


def test_embedding_adam_training_is_bit_identical():
    x = np.stack([TOKENS_O, [1, 1, 2, 2, 2, 0, 0], [4, 4, 4, 4, 9, 9, 0], [7, 3, 7, 3, 0, 0, 0]]).astype(np.int32)
    y = np.array([[1.0], [0.0], [1.0], [0.0]], np.float32)

    def train(with_probe):
        keras.utils.set_random_seed(2)
        model = text_classifier()
        model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy")
        probe = ResponseProbe(TOKENS_O, 1.0, token_points(), kinds=("optimizer_step", "output"))
        model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0, callbacks=[probe] if with_probe else [])
        if with_probe:
            assert len(probe.history["epoch"]) == 4
        return training_state(model)

    assert_bit_identical(train(True), train(False))


# 2. mixed_float16 ----------------------------------------------------------------------------------------


@pytest.fixture
def mixed_float16():
    policy = keras.config.dtype_policy()
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(policy)


@pytest.mark.parametrize(
    "optimizer", [lambda: keras.optimizers.SGD(0.1), lambda: keras.optimizers.Adam(0.01)], ids=["sgd", "adam"]
)
def test_mixed_float16_optimizer_step_is_the_real_update(mixed_float16, optimizer):
    """compile wraps the optimizer in a LossScaleOptimizer, which divides the gradient by its loss scale
    (2**15): the probe's loss must be scaled as train_step scales it (unscaled, SGD's step came out ~1e-7
    where training moved the outputs by ~3e-2).

    Tolerance: the forward and backward passes run in float16 (eps 2**-10), in training and in the probe
    alike, so the probe's gradient equals training's only up to float16 rounding that depends on how each
    graph is compiled (XLA or not, fusion order). Emulating a probe that takes the real step through its own
    graph, the changes agreed with training to 0.9% elementwise (0.65% of the largest change) for SGD, whose
    step is proportional to the gradient, and to 1e-5 for Adam, whose step is normalized. rtol 3e-2 with atol
    1% of the largest change allows that rounding and still catches any mis-scaled loss (factor ≥ 2)."""
    keras.utils.set_random_seed(4)
    model = timeseries_classifier()
    model.compile(optimizer(), "sparse_categorical_crossentropy")
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    assert model.layers[1].compute_dtype == "float16" and model.layers[-1].compute_dtype == "float32"
    x_o, probe_x = series_point(4)
    probe = ResponseProbe(x_o, 1, probe_x, kinds=("optimizer_step", "output"))
    fit_alone(model, probe, x_o, np.array([[1]]), 5)
    h = probe.history
    change = np.diff(h["output"], axis=0)
    assert np.all(np.abs(change).max(axis=(1, 2)) > 1e-4)  # a step at every epoch: no step skipped by the loss scale
    np.testing.assert_allclose(h["optimizer_step"][:-1], change, rtol=3e-2, atol=1e-2 * np.abs(change).max())
    change_o = np.diff(h["f_o"], axis=0)
    np.testing.assert_allclose(h["optimizer_step_o"][:-1], change_o, rtol=3e-2, atol=1e-2 * np.abs(change_o).max())


def test_mixed_float16_ema_class_weight_training_is_bit_identical(mixed_float16):
    """Loss scale, moving averages with their overwrite and the fit's class weights: the probe's steps read
    and restore all of them; weights, moments, EMA and the dynamic loss scale are what they are without it."""
    rng = np.random.default_rng(13)
    x = rng.normal(size=(4,) + SERIES).astype(np.float32)
    y = np.array([[0], [1], [2], [1]])

    def train(with_probe):
        keras.utils.set_random_seed(13)
        model = timeseries_classifier(batch_norm=True)
        model.compile(keras.optimizers.Adam(0.01, use_ema=True, ema_overwrite_frequency=2), "sparse_categorical_crossentropy")
        probe = ResponseProbe(x[0], 0, x[1:], kinds=("step", "optimizer_step", "ntk"), ntk_mode="class")
        model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0, class_weight={0: 2.0, 1: 0.5},
                  callbacks=[probe] if with_probe else [])
        if with_probe:
            assert np.all(np.isfinite(probe.history["optimizer_step"]))
        return training_state(model)

    assert_bit_identical(train(True), train(False))


# 3. Max-pooling inside custom layers, TimeDistributed: Θ against float64 Jacobians --------------------------


POOLING_CASES = {
    # name: (builder, input shape, inputs, seed)
    "custom_layer_functional": (block_functional, (8, 8, 1), binary_images((8, 8, 1)), 0),
    "custom_layer_subclassed": (BlockNet, (8, 8, 1), binary_images((8, 8, 1)), 0),
    "time_distributed_conv_pool": (time_distributed_conv, (2, 8, 8, 1), binary_images((2, 8, 8, 1)), 1),
    "time_distributed_dense": (time_distributed_dense, (3, 4), normal_inputs((3, 4)), 0),
}


@pytest.mark.parametrize("name", list(POOLING_CASES))
def test_ntk_through_nested_layers_matches_float64_jacobians(name):
    """Θ at epoch 0 and after 3 epochs of training within 1e-5 relative of J(x_o)·J(x)ᵀ in float64. A
    Conv2D and MaxPooling2D hidden inside a custom Layer or TimeDistributed were measured under XLA, whose
    max-pooling gradient breaks ties (binary images) differently: up to 1e-2 relative off (the seeds are ones
    where it was); TensorFlow's kernels agree with float64 to 1e-7."""
    build, shape, inputs, seed = POOLING_CASES[name]
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    x_o, probe_x = inputs(rng, 1)[0], inputs(rng, 8)
    model = build()
    model(x_o[None])  # built (an unbuilt subclassed model is row 7's test)
    model.compile(keras.optimizers.SGD(0.01), "mse")
    probe = ResponseProbe(x_o, 1.0, probe_x, kinds=("ntk",))
    weights = WeightsAtEpochs()
    model.fit(x_o[None], np.ones((1, 1)), epochs=3, batch_size=1, verbose=0, callbacks=[probe, weights])
    h = probe.history
    assert list(h["epoch"]) == [0, 1, 2, 3]
    errors = {}
    for t in (0, 3):
        jac = jacobian(float64_copy(build, weights.weights[t], x_o[None]), np.concatenate([x_o[None], probe_x]))[:, 0]
        want, want_o = jac[1:] @ jac[0], jac[0] @ jac[0]
        assert np.abs(want).max() > 1e-2
        errors[f"ntk[{t}]"] = float(np.abs(h["ntk"][t] - want).max() / np.abs(want).max())
        errors[f"ntk_o[{t}]"] = float(abs(h["ntk_o"][t] - want_o) / want_o)
    assert max(errors.values()) <= 1e-5, f"max relative errors {errors}"


# 4. What the loss is made of: add_loss, sample and class weights, a custom train_step -----------------------


@pytest.mark.parametrize("name", ["add_loss_layer", "activity_regularizer", "vae_kl"])
def test_added_losses_are_in_the_optimizer_step(name):
    """model.losses at x_o (add_loss in a layer or in a subclassed model's call, activity regularizers) are
    part of the loss train_step minimizes."""
    keras.utils.set_random_seed(6)
    rng = np.random.default_rng(6)
    if name == "vae_kl":
        model = VariationalAutoEncoder()
        model.compile(keras.optimizers.SGD(0.5), keras.losses.MeanSquaredError())
        x_o = rng.integers(0, 2, size=40).astype(np.float32)
        probe_x = rng.integers(0, 2, size=(5, 40)).astype(np.float32)
        model(x_o[None])
        y_o = x_o
    else:
        model = activity_penalty_model() if name == "add_loss_layer" else activity_regularizer_model()
        model.compile(keras.optimizers.SGD(0.1), "mse")
        x_o, probe_x = series_point(6)
        y_o = np.float32(1.0)
    # The added loss matters here: without it the gradient would be another one.
    with tf.GradientTape() as tape:
        out = model(x_o[None], training=True)
        added = ops.sum(model.losses)
    grads = tape.gradient(added, model.trainable_variables)
    assert float(added) > 1e-3 and max(float(ops.max(ops.abs(g))) for g in grads if g is not None) > 1e-3
    probe = ResponseProbe(x_o, y_o, probe_x, kinds=("optimizer_step", "output"))
    fit_alone(model, probe, x_o, np.reshape(y_o, (1, -1)), 4)
    assert out.shape[-1] == (40 if name == "vae_kl" else 1)
    assert_real_update(probe.history)


class ScaledPenalty(L.Layer):
    """add_loss weighted by a non-trainable weight that moves during training (as a schedule of a penalty
    kept in the model would): the probe must read its current value, not the one at train begin."""

    def build(self, shape):
        self.scale = self.add_weight(shape=(), initializer="ones", trainable=False, name="scale")

    def call(self, x):
        self.add_loss(self.scale * 0.1 * ops.sum(ops.square(x)))
        return x


class RaiseScale(keras.callbacks.Callback):
    """Sets the penalty's scale to epoch + 2 at each epoch end, before the probe measures."""

    def on_epoch_end(self, epoch, logs=None):
        next(layer for layer in self.model.layers if isinstance(layer, ScaledPenalty)).scale.assign(epoch + 2.0)


def test_added_losses_read_the_models_current_state():
    keras.utils.set_random_seed(6)
    x = keras.Input(SERIES)
    h = ScaledPenalty()(L.Dense(4, activation="tanh")(L.Flatten()(x)))
    model = keras.Model(x, L.Dense(1, activation="sigmoid")(h))
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x_o, probe_x = series_point(6)
    probe = ResponseProbe(x_o, 1.0, probe_x, kinds=("optimizer_step", "output"))
    model.fit(x_o[None], np.ones((1, 1)), epochs=4, batch_size=1, verbose=0, callbacks=[RaiseScale(), probe])
    assert_real_update(probe.history)


def sgd_timeseries_client(seed):
    """(model, x_o, probe_x): the timeseries classifier with plain SGD."""
    keras.utils.set_random_seed(seed)
    model = timeseries_classifier()
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    return (model,) + series_point(seed)


def test_sample_weight_of_x_o():
    model, x_o, probe_x = sgd_timeseries_client(7)
    probe = ResponseProbe(x_o, 1, probe_x, kinds=("optimizer_step", "output"), sample_weight=2.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_alone(model, probe, x_o, np.array([[1]]), 4, sample_weight=np.array([2.5], np.float32))
    assert not [w for w in caught if "sample_weight" in str(w.message)]  # given: nothing to warn about
    assert_real_update(probe.history)


def test_fit_sample_weight_without_the_probes_warns_once():
    model, x_o, probe_x = sgd_timeseries_client(7)
    probe = ResponseProbe(x_o, 1, probe_x, kinds=("optimizer_step",))
    weight = np.array([2.5], np.float32)
    with pytest.warns(UserWarning) as caught:
        fit_alone(model, probe, x_o, np.array([[1]]), 2, sample_weight=weight)
        fit_alone(model, probe, x_o, np.array([[1]]), 3, sample_weight=weight, initial_epoch=2)
    assert sum("sample_weight" in str(w.message) for w in caught) == 1


@pytest.mark.parametrize("head", ["softmax", "sigmoid"])
def test_class_weight_of_y_os_class(head):
    """fit(class_weight={0: 1, 1: 3}) weighs x_o's loss by 3 (y_o's class is 1): the probe takes it."""
    keras.utils.set_random_seed(8)
    if head == "softmax":
        model, y_o, loss = timeseries_classifier(), 1, "sparse_categorical_crossentropy"
    else:
        model, y_o, loss = timeseries_classifier(classes=1), 1.0, "binary_crossentropy"
    model.compile(keras.optimizers.SGD(0.1), loss)
    x_o, probe_x = series_point(8)
    probe = ResponseProbe(x_o, y_o, probe_x, kinds=("optimizer_step", "output"))
    fit_alone(model, probe, x_o, np.array([[y_o]]), 4, class_weight={0: 1.0, 1: 3.0})
    assert_real_update(probe.history)


def own_loss_model():
    keras.utils.set_random_seed(9)
    return timeseries_classifier(classes=1, cls=OwnLossModel)


def test_custom_train_step_without_loss_fn_warns_once():
    model = own_loss_model()
    model.compile(keras.optimizers.SGD(0.1), "mse")  # compiled with a loss its train_step does not use
    x_o, probe_x = series_point(9)
    probe = ResponseProbe(x_o, 1.0, probe_x, kinds=("optimizer_step", "output"))
    with pytest.warns(UserWarning) as caught:
        fit_alone(model, probe, x_o, np.ones((1, 1)), 2)
        fit_alone(model, probe, x_o, np.ones((1, 1)), 3, initial_epoch=2)
    ours = [str(w.message) for w in caught if "train_step" in str(w.message)]
    assert len(ours) == 1 and "loss_fn" in ours[0], ours


def test_custom_train_step_with_its_loss_fn_is_the_real_update():
    model = own_loss_model()
    model.compile(keras.optimizers.SGD(0.1))  # the guide's way: no compiled loss, train_step has its own
    x_o, probe_x = series_point(9)
    probe = ResponseProbe(x_o, 1.0, probe_x, kinds=("optimizer_step", "output"), loss_fn=keras.losses.Huber(delta=0.1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_alone(model, probe, x_o, np.ones((1, 1)), 4)
    assert not [w for w in caught if "train_step" in str(w.message)]
    assert_real_update(probe.history)


# 5. Gradient accumulation, EMA -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "optimizer",
    [lambda: keras.optimizers.SGD(0.1, gradient_accumulation_steps=2), lambda: keras.optimizers.Adam(0.01, gradient_accumulation_steps=2)],
    ids=["sgd", "adam"],
)
def test_gradient_accumulation_optimizer_step_is_one_full_accumulated_step(optimizer):
    """optimizer_step[t] is the update one full accumulation cycle on (x_o, y_o) makes. Trained on (x_o, y_o)
    alone, one micro-batch per epoch: at an even epoch (a cycle boundary) the next two micro-batches change
    the outputs by exactly that; at an odd epoch the cycle's first micro-batch was (x_o, y_o) at the same
    weights (the weights do not move within a cycle), and the cycle's update comes with the next micro-batch
    and nothing after it: output[t+2] − output[t] is that update too. So at every t: output[t+2] − output[t].
    (The current probe records 0 at cycle boundaries, where the optimizer only accumulates.)"""
    keras.utils.set_random_seed(10)
    model = timeseries_classifier()
    model.compile(optimizer(), "sparse_categorical_crossentropy")
    x_o, probe_x = series_point(10)
    probe = ResponseProbe(x_o, 1, probe_x, kinds=("optimizer_step", "output"))
    fit_alone(model, probe, x_o, np.array([[1]]), 8)
    h = probe.history
    # With accumulation, Keras' `iterations` counts updates; `_iterations` counts micro-batches (apply calls).
    assert int(model.optimizer._iterations) == 8 and int(model.optimizer.iterations) == 4
    # The outputs move only at odd epochs (at the end of each cycle): the test sees the accumulation.
    change = np.abs(np.diff(h["output"], axis=0)).max(axis=(1, 2))
    assert np.all(change[1::2] > 1e-3) and np.all(change[0::2] == 0)
    largest = np.abs(h["optimizer_step"]).max(axis=(1, 2))
    assert np.all(largest > 0) and np.all(np.abs(h["optimizer_step_o"]).max(axis=1) > 0), f"max |optimizer_step| per epoch {largest}"
    assert_real_update(h, stride=2)


def test_gradient_accumulation_training_is_bit_identical():
    """The keras-io timeseries classifier with BatchNormalization: weights, moving statistics, moments and
    gradient accumulators (the fit ends mid-cycle) are what they are without the probe."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(6,) + SERIES).astype(np.float32)
    y = rng.integers(0, 3, size=(6, 1))

    def train(with_probe):
        keras.utils.set_random_seed(11)
        model = timeseries_classifier(batch_norm=True)
        model.compile(keras.optimizers.Adam(0.01, gradient_accumulation_steps=2), "sparse_categorical_crossentropy")
        probe = ResponseProbe(x[0], int(y[0, 0]), x[1:], kinds=("optimizer_step", "output"))
        model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0, callbacks=[probe] if with_probe else [])
        assert int(model.optimizer._iterations) == 9  # micro-batches: the fit ends mid-cycle
        return training_state(model)

    assert_bit_identical(train(True), train(False))


def test_ema_overwrite_optimizer_step_is_the_real_update():
    """use_ema with ema_overwrite_frequency: every 3rd step the weights become their moving average."""
    keras.utils.set_random_seed(12)
    model = timeseries_classifier()
    model.compile(keras.optimizers.Adam(0.01, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=3), "sparse_categorical_crossentropy")
    x_o, probe_x = series_point(12)
    probe = ResponseProbe(x_o, 1, probe_x, kinds=("optimizer_step", "output"))
    fit_alone(model, probe, x_o, np.array([[1]]), 6)
    assert_real_update(probe.history)


# 6. Many outputs: ntk_mode ------------------------------------------------------------------------------------


NTK_SHAPES = {"full": lambda o: (o, o), "diagonal": lambda o: (o,), "class": lambda o: (o,), "trace": lambda o: ()}


def ntk_reference(mode, j_o, j_x, c):
    """Θ from Jacobians j_o (O, W) at x_o and j_x (P, O, W): per probe point and at x_o itself."""
    full = np.einsum("aw,pbw->pab", j_o, j_x)
    full_o = j_o @ j_o.T
    pick = {
        "full": lambda f: f,
        "diagonal": lambda f: np.diagonal(f, axis1=-2, axis2=-1),
        "class": lambda f: f[..., c, :],
        "trace": lambda f: np.trace(f, axis1=-2, axis2=-1),
    }[mode]
    return pick(full), pick(full_o)


def test_ntk_modes_on_a_vae_match_jacobians():
    """The VAE scaled down to 40 outputs, one probe per ntk_mode on the same fit: each against J(x_o)·J(x)ᵀ in
    float64, at epoch 0 and after 2 epochs of training. y_o is one-hot (a valid target of the reconstruction
    loss too): its class, the argmax, is the row "class" takes."""
    keras.utils.set_random_seed(13)
    rng = np.random.default_rng(13)
    outputs, c, points = 40, 7, 5
    model = VariationalAutoEncoder(original_dim=outputs)
    x_o = rng.integers(0, 2, size=outputs).astype(np.float32)
    probe_x = rng.integers(0, 2, size=(points, outputs)).astype(np.float32)
    model(x_o[None])
    model.compile(keras.optimizers.Adam(0.01), keras.losses.MeanSquaredError())
    y_o = np.eye(outputs, dtype=np.float32)[c]
    probes = {mode: ResponseProbe(x_o, y_o, probe_x, kinds=("ntk",), ntk_mode=mode) for mode in NTK_SHAPES}
    weights = WeightsAtEpochs()
    model.fit(x_o[None], x_o[None], epochs=2, batch_size=1, verbose=0, callbacks=[*probes.values(), weights])
    jacobians = {t: jacobian(float64_copy(VariationalAutoEncoder, weights.weights[t], x_o[None]), np.concatenate([x_o[None], probe_x])) for t in (0, 2)}
    failures = []
    for mode, probe in probes.items():
        h = probe.history
        assert h["ntk"].shape == (3, points) + NTK_SHAPES[mode](outputs), mode
        assert h["ntk_o"].shape == (3,) + NTK_SHAPES[mode](outputs), mode
        for t, jac in jacobians.items():
            want, want_o = ntk_reference(mode, jac[0], jac[1:], c)
            assert np.abs(want).max() > 1e-3
            for key, got, expected in (("ntk", h["ntk"][t], want), ("ntk_o", h["ntk_o"][t], want_o)):
                error = float(np.abs(got - expected).max() / np.abs(expected).max())
                if error > 1e-5:
                    failures.append(f"{mode} {key}[{t}]: max relative error {error:.1e}")
    assert not failures, failures


def test_full_ntk_too_large_for_memory_is_refused():
    """ntk_mode="full" at 784 outputs and 600 probe points would be 600·784·784·4 bytes = 1.47 GB per
    measurement (> 2**30): refused, naming ntk_mode, before anything is computed."""
    keras.utils.set_random_seed(14)
    rng = np.random.default_rng(14)
    model = VariationalAutoEncoder(original_dim=784, intermediate_dim=64, latent_dim=32)
    x = rng.integers(0, 2, size=(601, 784)).astype(np.float32)
    model(x[:1])
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.MeanSquaredError())
    with pytest.raises(ValueError, match="ntk_mode"):
        probe = ResponseProbe(x[0], x[0], x[1:], kinds=("ntk",), ntk_mode="full")
        model.fit(x[:1], x[:1], epochs=1, batch_size=1, verbose=0, callbacks=[probe])


def test_ntk_modes_at_784_outputs():
    """The guide's VAE at full size (784 outputs), a few probe points, one probe per affordable mode on the same
    fit. "class": Θ_c·(x_o, x) against a forward-mode Jacobian-vector product of the float64 copy along
    ∇_w f_c(x_o). "diagonal" at b = c is the same number; its sum over b is "trace"."""
    keras.utils.set_random_seed(15)
    rng = np.random.default_rng(15)
    c, points = 300, 3
    build = lambda: VariationalAutoEncoder(original_dim=784, intermediate_dim=64, latent_dim=32)  # noqa: E731
    model = build()
    x_o = rng.integers(0, 2, size=784).astype(np.float32)
    probe_x = rng.integers(0, 2, size=(points, 784)).astype(np.float32)
    model(x_o[None])
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.MeanSquaredError())
    y_o = np.eye(784, dtype=np.float32)[c]
    probes = {mode: ResponseProbe(x_o, y_o, probe_x, kinds=("ntk",), ntk_mode=mode) for mode in ("class", "diagonal", "trace")}
    model.fit(x_o[None], x_o[None], epochs=0, verbose=0, callbacks=list(probes.values()))
    h = {mode: probe.history for mode, probe in probes.items()}
    for mode, shape in (("class", (1, points, 784)), ("diagonal", (1, points, 784)), ("trace", (1, points))):
        assert h[mode]["ntk"].shape == shape and h[mode]["ntk_o"].shape == (1,) + shape[2:], mode
    model64 = float64_copy(build, model.get_weights(), x_o[None])
    params = [v.value for v in model64.trainable_variables]
    with tf.GradientTape() as tape:
        f_c = model64(tf.constant(x_o[None], tf.float64), training=False)[0, c]
    tangent = tape.gradient(f_c, params, unconnected_gradients="zero")
    with tf.autodiff.ForwardAccumulator(params, tangent) as acc:
        out = model64(tf.constant(np.concatenate([probe_x, x_o[None]]), tf.float64), training=False)
    theta = np.asarray(acc.jvp(out))  # (P + 1, 784): ∇f_c(x_o) · ∇f_b(x) for every b
    # at (x_o, c) the forward-mode value is |∇f_c(x_o)|², computed the other way
    assert theta[-1, c] == pytest.approx(sum(float(tf.reduce_sum(g * g)) for g in tangent), rel=1e-10)
    scale = np.abs(theta).max()
    assert scale > 1e-3
    np.testing.assert_allclose(h["class"]["ntk"][0], theta[:-1], rtol=1e-5, atol=1e-5 * scale)
    np.testing.assert_allclose(h["class"]["ntk_o"][0], theta[-1], rtol=1e-5, atol=1e-5 * scale)
    np.testing.assert_allclose(h["diagonal"]["ntk"][0, :, c], theta[:-1, c], rtol=1e-5, atol=1e-5 * scale)
    np.testing.assert_allclose(h["diagonal"]["ntk_o"][0, c], theta[-1, c], rtol=1e-5)
    # a sum of 784 terms of either sign: its float32 rounding is relative to the sum of their magnitudes
    diagonal, diagonal_o = h["diagonal"]["ntk"][0].astype(np.float64), h["diagonal"]["ntk_o"][0].astype(np.float64)
    np.testing.assert_allclose(h["trace"]["ntk"][0], diagonal.sum(axis=-1), rtol=1e-5, atol=1e-5 * np.abs(diagonal).sum(axis=-1).max())
    np.testing.assert_allclose(h["trace"]["ntk_o"][0], diagonal_o.sum(), rtol=1e-5)
    assert h["trace"]["ntk_o"][0] > 0


def test_every_ntk_mode_of_one_output_is_theta():
    """For O = 1 every mode is the one number Θ(x_o, x), (T, P)."""
    keras.utils.set_random_seed(19)
    model = timeseries_classifier(classes=1)
    model.compile(keras.optimizers.SGD(0.1), "binary_crossentropy")
    x_o, probe_x = series_point(19)
    probes = {mode: ResponseProbe(x_o, 1.0, probe_x, kinds=("ntk",), ntk_mode=mode) for mode in NTK_SHAPES}
    model.fit(x_o[None], np.ones((1, 1)), epochs=0, verbose=0, callbacks=list(probes.values()))
    model64 = float64_copy(lambda: timeseries_classifier(classes=1), model.get_weights(), x_o[None])
    jac = jacobian(model64, np.concatenate([x_o[None], probe_x]))[:, 0]
    want = jac[1:] @ jac[0]
    for mode, probe in probes.items():
        assert probe.history["ntk"].shape == (1, len(probe_x)) and probe.history["ntk_o"].shape == (1,), mode
        np.testing.assert_allclose(probe.history["ntk"][0], want, rtol=1e-5, atol=1e-5 * np.abs(want).max(), err_msg=mode)


def test_class_ntk_on_the_timeseries_classifier():
    """The keras-io timeseries classifier (with BatchNormalization, after training on a few series so that its
    moving statistics are not the initial ones), ntk_mode="class" with y_o a class id and one-hot: Θ_2b."""
    keras.utils.set_random_seed(16)
    rng = np.random.default_rng(16)
    build = lambda: timeseries_classifier(batch_norm=True)  # noqa: E731
    model = build()
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    x = (2.0 + rng.normal(size=(8,) + SERIES)).astype(np.float32)
    model.fit(x, rng.integers(0, 3, size=8), epochs=3, batch_size=4, verbose=0)
    assert np.abs(model.layers[2].moving_mean.numpy()).max() > 1e-2
    x_o, probe_x = series_point(16)
    probes = {
        "class_id": ResponseProbe(x_o, 2, probe_x, kinds=("ntk",), ntk_mode="class"),
        "one_hot": ResponseProbe(x_o, np.eye(3, dtype=np.float32)[2], probe_x, kinds=("ntk",), ntk_mode="class"),
    }
    model.fit(x_o[None], np.array([2]), epochs=0, verbose=0, callbacks=list(probes.values()))
    jac = jacobian(float64_copy(build, model.get_weights(), x_o[None]), np.concatenate([x_o[None], probe_x]))
    want, want_o = ntk_reference("class", jac[0], jac[1:], 2)
    for name, probe in probes.items():
        h = probe.history
        assert h["ntk"].shape == (1, len(probe_x), 3), name
        np.testing.assert_allclose(h["ntk"][0], want, rtol=1e-5, atol=1e-5 * np.abs(want).max(), err_msg=name)
        np.testing.assert_allclose(h["ntk_o"][0], want_o, rtol=1e-5, atol=1e-5 * np.abs(want_o).max(), err_msg=name)


# 7. Refusals with a named reason; an unbuilt subclassed model ------------------------------------------------------


def test_another_keras_backend_is_refused():
    """Under KERAS_BACKEND=jax the probe is refused at construction, naming the backend and TensorFlow."""
    code = textwrap.dedent(
        """
        import numpy as np
        from training_response import ResponseProbe
        import keras
        print("BACKEND", keras.backend.backend())
        try:
            ResponseProbe(np.zeros(3, np.float32), 1.0, np.zeros((2, 3), np.float32))
        except ValueError as error:
            print("VALUEERROR", error)
        else:
            print("NOERROR")
        """
    )
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "2", "JAX_PLATFORMS": "cpu"}
    run = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "BACKEND jax" in run.stdout, run.stdout + run.stderr
    message = run.stdout.split("VALUEERROR", 1)[-1] if "VALUEERROR" in run.stdout else ""
    assert "jax" in message and re.search("tensorflow", message, re.I), run.stdout + run.stderr[-2000:]


@pytest.mark.parametrize(
    "x_o, probe_x",
    [
        ("the movie was great", np.array(["a fine film", "a dull film"])),
        (np.array(["the", "movie", "was", "great"]), np.array([["a", "fine", "film", "indeed"], ["a", "dull", "film", "too"]])),
    ],
    ids=["string", "array_of_strings"],
)
def test_string_inputs_are_refused(x_o, probe_x):
    """Raw text (the end-to-end text classifier takes strings) cannot be probed: said so, not "could not convert
    string to float"."""
    with pytest.raises(ValueError) as error:
        ResponseProbe(x_o, 1.0, probe_x)
    message = str(error.value)
    assert re.search("text|string", message, re.I) and re.search("numeric", message, re.I), message


def test_x_o_with_a_batch_axis_is_named_at_construction():
    """x_o = x[:1] beside probe_x = x[1:33]: the error is about x_o's batch axis, not probe_x's shape."""
    x = np.random.default_rng(17).normal(size=(40, 6)).astype(np.float32)
    with pytest.raises(ValueError) as error:
        ResponseProbe(x[:1], 1.0, x[1:33])
    message = str(error.value)
    assert re.search(r"x_o\b.*batch axis", message), message
    assert not message.startswith("probe_x"), message  # the probe points are fine; x_o is not


def test_unbuilt_subclassed_model_is_built_from_x_o_and_training_is_bit_identical():
    """Building by a call on x_o creates the weights Keras' own build in the first train step would (checked by
    hand: same trained weights); the probe must not change them or the training after."""
    rng = np.random.default_rng(18)
    x = rng.normal(size=(4, 6)).astype(np.float32)
    y = np.array([[1.0], [0.0], [1.0], [0.0]], np.float32)
    x_o, probe_x = x[0], rng.normal(size=(5, 6)).astype(np.float32)

    def train(with_probe):
        keras.utils.set_random_seed(18)
        model = UnbuiltNet()
        model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy")
        assert not model.built
        probe = ResponseProbe(x_o, 1.0, probe_x, kinds=("optimizer_step", "ntk", "output"))
        model.fit(x, y, epochs=3, batch_size=2, shuffle=False, verbose=0, callbacks=[probe] if with_probe else [])
        return training_state(model), probe

    state, probe = train(True)
    assert_bit_identical(state, train(False)[0])
    # The record starts at the weights Keras would have built, and is the right Θ there.
    keras.utils.set_random_seed(18)
    initial = UnbuiltNet()
    initial(x_o[None])
    jac = jacobian(float64_copy(UnbuiltNet, initial.get_weights(), x_o[None]), np.concatenate([x_o[None], probe_x]))[:, 0]
    h = probe.history
    assert list(h["epoch"]) == [0, 1, 2, 3]
    want = jac[1:] @ jac[0]
    np.testing.assert_allclose(h["ntk"][0], want, rtol=1e-5, atol=1e-5 * np.abs(want).max())
    np.testing.assert_allclose(h["output"][0], initial(probe_x).numpy()[:, 0], rtol=1e-5, atol=1e-7)
