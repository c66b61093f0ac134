"""The papers' networks as compiled Keras models.

Both use Keras' default initialisers (Glorot-uniform kernels, zero biases; `initializer` names another
kernel initializer for the robustness checks), seeded per layer so that a
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


INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform")


def _initializer(name, seed):
    """Keras' kernel initializer `name` with `seed`; "glorot_uniform" is Keras' default."""
    if name not in INITIALIZERS:
        raise ValueError(f"unknown initializer {name!r}; use one of {list(INITIALIZERS)}")
    return keras.initializers.get({"class_name": name, "config": {"seed": seed}})


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; use one of {list(ACTIVATIONS)}")


def compile_sgd(model, learning_rate=LEARNING_RATE):
    """SGD (no momentum) at `learning_rate` on the mean squared error, as in both papers."""
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss=LOSS)
    return model


def layers_2024(activation="relu", *, n_bits=8, features=128, initializer="glorot_uniform", seed=None):
    """The 2024 toy model's input shape and layers, unbuilt: n_bits inputs → Dense(features, activation)
    → Dense(1, sigmoid)."""
    _check_activation(activation)
    s = _seeds(seed, 2)
    return (n_bits,), [
        keras.layers.Dense(features, activation=activation, kernel_initializer=_initializer(initializer, s[0])),
        keras.layers.Dense(1, activation="sigmoid", kernel_initializer=_initializer(initializer, s[1])),
    ]


def build_2024(activation="relu", **spec):
    """The 2024 toy model (`layers_2024`, which takes `spec`), compiled."""
    return _compiled(layers_2024(activation, **spec), f"nakazato2024_{activation}")


def layers_2022(
    activation="elu", *, n_bits=16, layers=3, filters=8, dropout=0.0, kernel_size=CONV_KERNEL_SIZE, padding=CONV_PADDING, initializer="glorot_uniform", seed=None
):
    """The 2022 network's input shape and layers, unbuilt: (n_bits, 1) input → `layers` × Conv1D(filters,
    activation) [+ Dropout] → Flatten → Dense(1, sigmoid)."""
    return (n_bits, 1), _conv_layers(keras.layers.Conv1D, (n_bits,), activation, layers, filters, dropout, kernel_size, padding, initializer, seed)


def build_2022(activation="elu", **spec):
    """The 2022 network (`layers_2022`, which takes `spec`), compiled."""
    return _compiled(layers_2022(activation, **spec), f"nakazato2022_{activation}")


def layers_2022_images(
    activation="elu",
    *,
    image_shape=(28, 28),
    layers=3,
    filters=8,
    dropout=0.0,
    kernel_size=CONV_KERNEL_SIZE,
    padding=CONV_PADDING,
    initializer="glorot_uniform",
    seed=None,
):
    """The 2022 network for images (Figs. 8-9), unbuilt: (H, W, 1) input → `layers` × Conv2D(filters,
    activation, kernel_size × kernel_size) [+ Dropout] → Flatten → Dense(1, sigmoid)."""
    return (*image_shape, 1), _conv_layers(
        keras.layers.Conv2D, tuple(image_shape), activation, layers, filters, dropout, kernel_size, padding, initializer, seed
    )


def build_2022_images(activation="elu", **spec):
    """The 2022 network for images (`layers_2022_images`, which takes `spec`), compiled."""
    return _compiled(layers_2022_images(activation, **spec), f"nakazato2022_images_{activation}")


def _compiled(shape_and_layers, name):
    shape, layers = shape_and_layers
    return compile_sgd(keras.Sequential([keras.Input(shape), *layers], name=name))


def _conv_layers(conv, spatial, activation, layers, filters, dropout, kernel_size, padding, initializer, seed):
    """The conv stack's layers for inputs of `spatial` size, after checking its settings."""
    _check_activation(activation)
    if layers < 1 or filters < 1:
        raise ValueError(f"layers={layers} and filters={filters} must both be >= 1")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout={dropout} must be in [0, 1)")
    # 'valid' convolutions shrink each spatial axis by kernel_size − 1 per layer.
    size = min(spatial)
    left = size - layers * (kernel_size - 1)
    if padding == "valid" and left < 1:
        raise ValueError(
            f"{layers} 'valid' convolutions of kernel size {kernel_size} leave {left} of {size} positions; "
            "use fewer layers, a smaller kernel or padding='same'"
        )
    s = _seeds(seed, 2 * layers + 1)
    stack = []
    for i in range(layers):
        stack.append(
            conv(filters, kernel_size, padding=padding, activation=activation, kernel_initializer=_initializer(initializer, s[2 * i]))
        )
        if dropout:
            stack.append(keras.layers.Dropout(dropout, seed=s[2 * i + 1]))
    return stack + [
        keras.layers.Flatten(),
        keras.layers.Dense(1, activation="sigmoid", kernel_initializer=_initializer(initializer, s[-1])),
    ]


BUILDERS = {"nakazato2024": build_2024, "nakazato2022": build_2022, "nakazato2022_images": build_2022_images}
LAYERS = {"nakazato2024": layers_2024, "nakazato2022": layers_2022, "nakazato2022_images": layers_2022_images}


def _initial_value(layer, variable):
    """The value `variable` (a weight of a built layer like `layer`) starts from in the unbuilt `layer`."""
    if variable.name == "kernel":
        return layer.kernel_initializer(variable.shape, variable.dtype)
    if variable.name == "bias":
        return layer.bias_initializer(variable.shape, variable.dtype)
    if variable.name == "seed_generator_state":  # created with the layer: dropout's seed state
        return layer.seed_generator.state.value
    raise ValueError(f"no rule for the initial value of {variable.path}; build the model instead")


def initial_weights(template, builder, spec, seed):
    """(trainable, non-trainable) values of the model BUILDERS[builder](**spec, seed=seed) before training,
    in `template`'s variable order (a model of the builder with any seed), from the builder's seeded
    layers without building a model, which costs ten times more (docs/cost.md)."""
    _, layers = LAYERS[builder](**spec, seed=seed)
    if len(layers) != len(template.layers):
        raise ValueError(f"the template has {len(template.layers)} layers, the builder {builder!r} makes {len(layers)}")
    values = {id(v): _initial_value(layer, v) for layer, built in zip(layers, template.layers) for v in built.variables}
    return [values[id(v)] for v in template.trainable_variables], [values[id(v)] for v in template.non_trainable_variables]
