"""The papers' networks as compiled Keras models.

Both use Keras' default initialisers (Glorot-uniform kernels, zero biases), seeded per layer so that a
model is fixed by its seed alone, without touching Keras' global random state.
"""

import keras
import numpy as np

LEARNING_RATE = 0.1
LOSS = "mse"

# The 2022 paper does not give the Conv1D kernel size or padding. Keras has no default kernel size;
# 3 is the most common choice, and "valid" is Keras' default padding.
CONV_KERNEL_SIZE = 3
CONV_PADDING = "valid"

ACTIVATIONS = ("relu", "elu", "tanh", "softplus", "sigmoid", "gelu", "swish")


def _seeds(seed, count):
    """`count` independent integer seeds derived from `seed` (None: unseeded, as plain Keras)."""
    if seed is None:
        return [None] * count
    return [int(s) for s in np.random.SeedSequence(int(seed)).generate_state(count)]


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; use one of {list(ACTIVATIONS)}")


def compile_sgd(model, learning_rate=LEARNING_RATE):
    """SGD (no momentum) at `learning_rate` on the mean squared error, as in both papers."""
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss=LOSS)
    return model


def build_2024(activation="relu", *, n_bits=8, features=128, seed=None, learning_rate=LEARNING_RATE):
    """The 2024 toy model: n_bits inputs → Dense(features, activation) → Dense(1, sigmoid)."""
    _check_activation(activation)
    s = _seeds(seed, 2)
    model = keras.Sequential(
        [
            keras.Input((n_bits,)),
            keras.layers.Dense(features, activation=activation, kernel_initializer=keras.initializers.GlorotUniform(s[0])),
            keras.layers.Dense(1, activation="sigmoid", kernel_initializer=keras.initializers.GlorotUniform(s[1])),
        ],
        name=f"nakazato2024_{activation}",
    )
    return compile_sgd(model, learning_rate)


def build_2022(
    activation="elu",
    *,
    n_bits=16,
    layers=3,
    filters=8,
    dropout=0.0,
    kernel_size=CONV_KERNEL_SIZE,
    padding=CONV_PADDING,
    seed=None,
    learning_rate=LEARNING_RATE,
):
    """The 2022 network: (n_bits, 1) input → `layers` × Conv1D(filters, activation) [+ Dropout]
    → Flatten → Dense(1, sigmoid)."""
    return _conv_network(keras.layers.Conv1D, (n_bits, 1), activation, layers, filters, dropout, kernel_size, padding, seed, learning_rate)


def build_2022_images(
    activation="elu",
    *,
    image_shape=(28, 28),
    layers=3,
    filters=8,
    dropout=0.0,
    kernel_size=CONV_KERNEL_SIZE,
    padding=CONV_PADDING,
    seed=None,
    learning_rate=LEARNING_RATE,
):
    """The 2022 network for images (Figs. 8-9): (H, W, 1) input → `layers` × Conv2D(filters, activation,
    kernel_size × kernel_size) [+ Dropout] → Flatten → Dense(1, sigmoid)."""
    shape = (*image_shape, 1)
    return _conv_network(keras.layers.Conv2D, shape, activation, layers, filters, dropout, kernel_size, padding, seed, learning_rate)


def _conv_network(conv, input_shape, activation, layers, filters, dropout, kernel_size, padding, seed, learning_rate):
    _check_activation(activation)
    if layers < 1 or filters < 1:
        raise ValueError(f"layers={layers} and filters={filters} must both be >= 1")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout={dropout} must be in [0, 1)")
    s = _seeds(seed, 2 * layers + 1)
    stack = [keras.Input(input_shape)]
    for i in range(layers):
        stack.append(
            conv(filters, kernel_size, padding=padding, activation=activation, kernel_initializer=keras.initializers.GlorotUniform(s[2 * i]))
        )
        if dropout:
            stack.append(keras.layers.Dropout(dropout, seed=s[2 * i + 1]))
    stack += [
        keras.layers.Flatten(),
        keras.layers.Dense(1, activation="sigmoid", kernel_initializer=keras.initializers.GlorotUniform(s[-1])),
    ]
    name = f"nakazato2022_{'images_' if conv is keras.layers.Conv2D else ''}{activation}"
    return compile_sgd(keras.Sequential(stack, name=name), learning_rate)


BUILDERS = {"nakazato2024": build_2024, "nakazato2022": build_2022, "nakazato2022_images": build_2022_images}
