"""R replicas of one Keras model as one function: the ensemble engine measures them all at once.

Measured one replica at a time, a small convolutional network pays TensorFlow's per-op cost R times over,
and `tf.vectorized_map` cannot help: it runs a convolution whose kernel differs per replica as a loop.
With the replicas side by side along the channel axis, their R convolutions are one grouped convolution
(replica r's channels see only replica r's kernel), which TensorFlow fuses with the bias and activation,
and their dense layers are one batched matrix product. Θ comes out of the same pass in forward mode,
layer by layer: the derivative of the output along the tangent ∇_w f(x_o) (Novak et al. 2022's
structured derivatives, for these layers).

Only layers whose inference-mode computation is written here are stacked (STACKED_LAYERS, in the order
convolutions → Flatten → dense layers); for any other model `stacked_output_fn` says None and the
caller measures replica by replica.
"""

import functools

import keras
import tensorflow as tf

from .response import keras_layers

_CONVOLUTIONS = (keras.layers.Conv1D, keras.layers.Conv2D)
_WEIGHTED = (*_CONVOLUTIONS, keras.layers.Dense)
# Dropout is the identity in inference mode; Activation applies its function to every entry.
STACKED_LAYERS = (*_WEIGHTED, keras.layers.Flatten, keras.layers.Dropout, keras.layers.Activation)

# Activations applied entry by entry: their derivative along a tangent is their gradient with the tangent
# as output gradient.
_ELEMENTWISE = tuple(
    getattr(keras.activations, name)
    for name in ("linear", "relu", "elu", "selu", "tanh", "sigmoid", "softplus", "softsign", "gelu", "silu", "exponential", "leaky_relu", "mish")
    if hasattr(keras.activations, name)
)


@functools.cache
def grouped_convolutions_work():
    """Whether TensorFlow here runs a grouped convolution's gradient, found once per process: its oneDNN
    kernels (float32, on by default on x86 Linux) do; its own CPU kernels refuse ("Gradients for grouped
    convolutions are not supported on CPU")."""

    @tf.function(autograph=False)
    def gradients(x, kernel):
        with tf.GradientTape() as tape:
            tape.watch([x, kernel])
            y = tf.nn.conv2d(x, kernel, 1, "VALID")
        return tape.gradient(y, [x, kernel])

    try:
        gradients(tf.ones([1, 1, 4, 2]), tf.ones([1, 2, 1, 2]))
        return True
    except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError):
        return False


def layer_steps(model):
    """Per layer: (layer, its linear map and bias addition, positions of its kernel and bias in
    model.trainable_variables) for a layer with weights, (layer, None, None) for the others."""
    position = {id(v): i for i, v in enumerate(model.trainable_variables)}
    steps = []
    for layer in model.layers:
        if not isinstance(layer, _WEIGHTED):
            steps.append((layer, None, None))
            continue
        maps = (_convolution(layer), _grouped_bias_add) if isinstance(layer, _CONVOLUTIONS) else (_dense, tf.add)
        steps.append((layer, maps, (position[id(layer.kernel)], position[id(layer.bias)] if layer.use_bias else None)))
    return steps


def _supported(layer, flat):
    """Whether `layer` is stacked here, coming after convolutions (flat False) or after Flatten."""
    if type(layer) not in STACKED_LAYERS or layer.dtype_policy.compute_dtype != "float32":
        return False
    if getattr(layer, "activation", None) not in (*_ELEMENTWISE, None):
        return False
    if isinstance(layer, _WEIGHTED) and not all(v.trainable for v in layer.weights):
        return False
    if isinstance(layer, _CONVOLUTIONS):
        return not flat and layer.groups == 1 and layer.padding in ("valid", "same") and layer.data_format == "channels_last"
    if isinstance(layer, keras.layers.Dense):
        return flat and not getattr(layer, "lora_enabled", False)
    return True


def stackable(model):
    """Whether stacked_output_fn can stack `model` (see there)."""
    if not isinstance(model, keras.Sequential) or not model.layers or tuple(model.outputs[0].shape[1:]) != (1,):
        return False
    layers = list(keras_layers(model))
    flat = len(model.inputs[0].shape) == 2
    for layer in layers:
        if not _supported(layer, flat):
            return False
        flat = flat or isinstance(layer, keras.layers.Flatten)
    if any(isinstance(layer, _CONVOLUTIONS) for layer in layers) and not grouped_convolutions_work():
        return False
    # Every trainable tensor is a kernel or bias of those layers (the rest are dropout's seed states).
    return sum(len(layer.weights) for layer in layers if isinstance(layer, _WEIGHTED)) == len(model.trainable_variables)


def stacked_output_fn(model):
    """g(params, x, tangents=None) -> (f (B, R), ḟ (B, R) or None): R replicas of a one-output Sequential
    `model` in inference mode at once, for `params` the replicas' trainable tensors stacked along a new
    leading axis (R, *w.shape) in model.trainable_variables order and x (B, R, *input_shape) with x[:, r]
    replica r's inputs. Output r depends on replica r's weights and inputs alone, so the gradient of a
    sum over replicas holds each replica's own gradient. With `tangents` (params' shapes), ḟ is the
    derivative of f along them: with each replica's ∇_w f(x_o) as tangents, Θ(x_o, x).

    None when the model is not stackable: not Sequential, more than one output, a layer outside
    STACKED_LAYERS or out of their order, an activation that is not applied entry by entry, a grouped,
    causal or channels-first convolution, a frozen layer, a non-float32 policy, or convolutions where
    TensorFlow cannot differentiate grouped ones.
    """
    if not stackable(model):
        return None
    steps = layer_steps(model)

    def g(params, x, tangents=None):
        batch, replicas = x.shape[0], x.shape[1]
        if batch is None:
            batch = tf.shape(x)[0]
        h, dh = apply_steps(steps, params, tangents, grouped(x) if x.shape.rank > 3 else x, None, replicas)
        return tf.reshape(h, [batch, replicas]), None if tangents is None else tf.reshape(dh, [batch, replicas])

    return g


def stacked_training_fn(model):
    """f(params, state, x) -> (f (B, R), state'): R replicas of `model` in training mode at once, as
    stacked_output_fn stacks them, `state` the replicas' non-trainable tensors stacked as `params`, in
    model.non_trainable_variables order. Each Dropout layer draws every replica's mask itself, through
    Keras' own stateless call with that replica's seed state, so the masks are those model.fit draws; state'
    holds the advanced seed states. None where stacked_output_fn is None or a Dropout layer has a
    noise_shape."""
    if not stackable(model):
        return None
    layers = list(keras_layers(model))
    if any(isinstance(layer, keras.layers.Dropout) and layer.noise_shape is not None for layer in layers):
        return None
    steps = layer_steps(model)
    position = {id(v): i for i, v in enumerate(model.non_trainable_variables)}
    slots = {id(layer): [position[id(v)] for v in layer.non_trainable_variables] for layer in layers if isinstance(layer, keras.layers.Dropout)}

    def f(params, state, x):
        batch, replicas = x.shape[0], x.shape[1]
        state = list(state)

        def dropout(layer, h):
            if not layer.rate:
                return h
            sample = tuple(layer.input.shape[1:])

            def draw(seed_states):
                out, new_states = layer.stateless_call([], list(seed_states), tf.ones((batch, *sample)), training=True)
                return tf.not_equal(out, 0.0), new_states

            keep, new_states = tf.vectorized_map(draw, [state[i] for i in slots[id(layer)]])
            for i, new in zip(slots[id(layer)], new_states):
                state[i] = new
            keep = tf.transpose(keep, [1, 0, *range(2, keep.shape.rank)])  # (B, R, *sample)
            keep = keep if h.shape.rank == 3 else grouped(keep)
            # Keras' dropout: where(keep, x / (1 − rate), 0), the factor a Python float.
            return tf.where(keep, h * (1 / (1 - layer.rate)), tf.zeros_like(h))

        h, _ = apply_steps(steps, params, None, grouped(x) if x.shape.rank > 3 else x, None, replicas, dropout)
        return tf.reshape(h, [batch, replicas]), state

    return f


def apply_steps(steps, params, tangents, h, dh, replicas, dropout=None):
    """(h, dh) after the layer steps `steps` (part of layer_steps' list) for the replicas' stacked `params`:
    h (B, H, W, R·C) while convolving (a Conv1D's sequence as H = 1), the replicas' channels side by side,
    (B, R, C) after Flatten; dh its derivative along `tangents` (None: zero; always None without tangents).
    `dropout(layer, h)`: a Dropout layer's training-mode output (None: inference mode, the identity)."""
    for layer, maps, weights in steps:
        if maps is not None:
            linear, add_bias = maps
            z = _affine(linear, add_bias, params, weights, h)
            # d(hW + b) = h·dW + db + dh·W
            dz = None
            if tangents is not None:
                dz = _affine(linear, add_bias, tangents, weights, h)
                if dh is not None:
                    dz += linear(dh, params[weights[0]])
            h, dh = activation_and_derivative(layer.activation, z, dz)
        elif isinstance(layer, keras.layers.Flatten):
            h, dh = _flatten(h, replicas), None if dh is None else _flatten(dh, replicas)
        elif isinstance(layer, keras.layers.Activation):
            h, dh = activation_and_derivative(layer.activation, h, dh)
        elif isinstance(layer, keras.layers.Dropout) and dropout is not None:
            h = dropout(layer, h)
        # Dropout in inference mode: the identity.
    return h, dh


def _affine(linear, add_bias, params, weights, h):
    """h·W + b of a layer whose (kernel, bias) are params[weights[0]], params[weights[1]] (None: no bias)."""
    out = linear(h, params[weights[0]])
    return out if weights[1] is None else add_bias(out, params[weights[1]])


def _grouped_bias_add(z, bias):
    """z (B, H, W, R·F) plus every replica's bias (R, F) on its own channels."""
    return tf.nn.bias_add(z, tf.reshape(bias, [-1]))


def grouped(x):
    """x (B, R, *spatial, C) as (B, H, W, R·C), a sequence (one spatial axis) as H = 1."""
    rank = x.shape.rank
    h = tf.transpose(x, [0, *range(2, rank - 1), 1, rank - 1])
    if rank == 4:
        h = h[:, None]
    return tf.reshape(h, [-1, *h.shape[1:3], h.shape[3] * h.shape[4]])


def _flatten(h, replicas):
    """(B, H, W, R·C) -> (B, R, H·W·C), each replica's entries in Keras' Flatten order; (B, R, C) as it is."""
    if h.shape.rank == 3:
        return h
    height, width, channels = h.shape[1], h.shape[2], h.shape[3] // replicas
    h = tf.transpose(tf.reshape(h, [-1, height, width, replicas, channels]), [0, 3, 1, 2, 4])
    return tf.reshape(h, [-1, replicas, height * width * channels])


def activation_and_derivative(activation, z, dz):
    """(activation(z), its derivative along dz): for an entry-by-entry activation, its gradient with dz as
    the output gradient."""
    if dz is None:
        return activation(z), None
    with tf.GradientTape() as tape:
        tape.watch(z)
        h = activation(z)
    return h, tape.gradient(h, z, output_gradients=dz)


def _dense(h, kernel):
    """Dense layers of every replica on h (B, R, C) with kernels (R, C, F)."""
    return tf.einsum("brc,rcf->brf", h, kernel)


def _convolution(layer):
    """A Conv1D/Conv2D layer of every replica as one grouped convolution: linear(h (B, H, W, R·C), kernels
    (R, *window, C, F)) -> (B, H', W', R·F)."""
    strides, dilations = layer.strides, layer.dilation_rate
    if len(strides) == 1:
        strides, dilations = (1, *strides), (1, *dilations)

    def linear(h, kernel):
        if kernel.shape.rank == 4:
            kernel = kernel[:, None]
        replicas, channels, filters = kernel.shape[0], kernel.shape[-2], kernel.shape[-1]
        grouped = tf.reshape(tf.transpose(kernel, [1, 2, 3, 0, 4]), [*kernel.shape[1:3], channels, replicas * filters])
        return tf.nn.conv2d(h, grouped, strides=(1, *strides, 1), padding=layer.padding.upper(), dilations=(1, *dilations, 1))

    return linear
